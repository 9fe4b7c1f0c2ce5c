"""The HTTP layer: a retried SDK call (same amz-sdk-invocation-id) is answered once, as AWS's idempotent APIs do."""

from __future__ import annotations

import uuid
from typing import Any, Callable

import pytest
from botocore.exceptions import ClientError


def test_a_retried_call_gets_the_first_answer_instead_of_running_again(
    aws: Callable[[str], Any], unique: Callable[[str], str], network: Any, capfd: pytest.CaptureFixture[str]
) -> None:
    ec2 = aws("ec2")
    invocation = str(uuid.uuid4())

    def resend(request: Any, **_: Any) -> None:
        # What an SDK does when the answer to a call it sent was lost: the same call, the same invocation id.
        request.headers["amz-sdk-invocation-id"] = invocation

    ec2.meta.events.register("before-send.ec2.CreateSecurityGroup", resend)
    settings = {"GroupName": unique("retried"), "Description": "retried", "VpcId": network.vpc_id}

    first = ec2.create_security_group(**settings)
    retry = ec2.create_security_group(**settings)

    assert retry["GroupId"] == first["GroupId"]
    assert "replayed the answer to a retried call" in capfd.readouterr().err
    with pytest.raises(ClientError, match=r"InvalidGroup\.Duplicate"):
        aws("ec2").create_security_group(**settings)
