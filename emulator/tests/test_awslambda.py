"""The Lambda corrections, each shown as the AWS behaviour it restores."""

from __future__ import annotations

import json
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


def create_function(nodejs_function: Callable[..., dict], name: str, **settings: Any) -> dict:
    return nodejs_function(name, HANDLER, **settings)


@pytest.mark.correction("lambda_logging_config")
def test_the_logging_config_is_kept_with_its_defaults(
    aws: Callable[[str], Any], unique: Callable[[str], str], nodejs_function: Callable[..., dict]
) -> None:
    lam = aws("lambda")
    plain, json_logs = unique("plain"), unique("json")
    create_function(nodejs_function, plain)
    create_function(nodejs_function, json_logs, LoggingConfig={"LogFormat": "JSON"})
    lam.update_function_configuration(FunctionName=plain, LoggingConfig={"LogGroup": "/lab/writer-sync"})

    def logging_config(name: str) -> dict:
        return lam.get_function(FunctionName=name)["Configuration"]["LoggingConfig"]

    assert logging_config(plain) == {"LogFormat": "Text", "LogGroup": "/lab/writer-sync"}
    assert logging_config(json_logs) == {"LogFormat": "JSON", "LogGroup": f"/aws/lambda/{json_logs}"}


@pytest.mark.correction("lambda_nodejs_without_docker")
def test_a_nodejs_function_runs_without_docker(
    aws: Callable[[str], Any], unique: Callable[[str], str], nodejs_function: Callable[..., dict]
) -> None:
    lam = aws("lambda")
    name = unique("writer-sync")
    create_function(nodejs_function, name)

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
