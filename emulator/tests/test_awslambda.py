"""The Lambda corrections, each shown as the AWS behaviour it restores."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any, Callable

import pytest

# Calls back into the emulator while it runs, with the AWS SDK the runtime provides, as the lab's functions do
# (so it also shows that an invocation does not hold the HTTP layer's one-request-at-a-time lock).
HANDLER = """
const { RDSClient, DescribeDBClustersCommand } = require("@aws-sdk/client-rds");
exports.handler = async (event, context) => {
  if (event.fail) throw new Error("asked to fail");
  const { DBClusters } = await new RDSClient({}).send(new DescribeDBClustersCommand({}));
  return { event, name: context.functionName, clustersSeen: Array.isArray(DBClusters) };
};
"""


def zipped(source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.js", source)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def role_arn(aws: Callable[[str], Any]) -> str:
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    return aws("iam").create_role(RoleName="lambda-tests", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]


def create_function(aws: Callable[[str], Any], name: str, role_arn: str, **settings: Any) -> dict:
    return aws("lambda").create_function(
        FunctionName=name,
        Runtime="nodejs20.x",
        Role=role_arn,
        Handler="index.handler",
        Code={"ZipFile": zipped(HANDLER)},
        Timeout=10,
        **settings,
    )


@pytest.mark.correction("lambda_logging_config")
def test_the_logging_config_is_kept_with_its_defaults(
    aws: Callable[[str], Any], unique: Callable[[str], str], role_arn: str
) -> None:
    lam = aws("lambda")
    plain, json_logs = unique("plain"), unique("json")
    create_function(aws, plain, role_arn)
    create_function(aws, json_logs, role_arn, LoggingConfig={"LogFormat": "JSON"})
    lam.update_function_configuration(FunctionName=plain, LoggingConfig={"LogGroup": "/lab/writer-sync"})

    def logging_config(name: str) -> dict:
        return lam.get_function(FunctionName=name)["Configuration"]["LoggingConfig"]

    assert logging_config(plain) == {"LogFormat": "Text", "LogGroup": "/lab/writer-sync"}
    assert logging_config(json_logs) == {"LogFormat": "JSON", "LogGroup": f"/aws/lambda/{json_logs}"}


@pytest.mark.correction("lambda_nodejs_without_docker")
def test_a_nodejs_function_runs_without_docker(
    aws: Callable[[str], Any], unique: Callable[[str], str], role_arn: str
) -> None:
    lam = aws("lambda")
    name = unique("writer-sync")
    create_function(aws, name, role_arn)

    answer = lam.invoke(FunctionName=name, Payload=json.dumps({"hello": "lab"}))
    failure = lam.invoke(FunctionName=name, Payload=json.dumps({"fail": True}))

    assert "FunctionError" not in answer
    assert json.loads(answer["Payload"].read()) == {
        "event": {"hello": "lab"},
        "name": name,
        "clustersSeen": True,
    }
    assert "FunctionError" in failure
    assert json.loads(failure["Payload"].read())["errorMessage"] == "asked to fail"
