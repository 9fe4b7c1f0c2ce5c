"""The Route 53 corrections, each shown as the AWS behaviour it restores."""

from __future__ import annotations

from typing import Any, Callable

import pytest


@pytest.mark.correction("route53_private_zone_from_vpc")
def test_a_zone_created_with_a_vpc_is_private_and_lists_the_vpc(
    aws: Callable[[str], Any], unique: Callable[[str], str], network: Any
) -> None:
    route53 = aws("route53")
    # As the provider's aws_route53_zone sends it: a VPC, no HostedZoneConfig.PrivateZone.
    created = route53.create_hosted_zone(
        Name=f"{unique('zone')}.example.internal",
        CallerReference=unique("caller"),
        HostedZoneConfig={"Comment": "private by its VPC"},
        VPC={"VPCRegion": "us-east-1", "VPCId": network.vpc_id},
    )
    zone_id = created["HostedZone"]["Id"]
    try:
        answer = route53.get_hosted_zone(Id=zone_id)
        assert answer["HostedZone"]["Config"]["PrivateZone"] is True
        assert answer["VPCs"] == [{"VPCRegion": "us-east-1", "VPCId": network.vpc_id}]
    finally:
        route53.delete_hosted_zone(Id=zone_id)
