"""Secrets Manager rotation through a nodejs rotation function that calls back into the emulator, as on AWS."""

from __future__ import annotations

import io
import json
import time
import uuid
import zipfile
from typing import Any, Callable

import pytest
from botocore.exceptions import ClientError
from moto_fixes.secretsmanager import rotations

# The four steps, simply (with the version check of AWS's rotation function template): createSecret puts
# {"password": <random>} as AWSPENDING (unless that version exists),
# setSecret waits a little (so RotateSecret can be seen answering first) and fails when the pending value asks it
# to, testSecret reads the pending value, finishSecret moves AWSCURRENT to it.
ROTATOR = """
const {
  SecretsManagerClient, GetSecretValueCommand, PutSecretValueCommand, DescribeSecretCommand,
  UpdateSecretVersionStageCommand, GetRandomPasswordCommand,
} = require("@aws-sdk/client-secrets-manager");
const sm = new SecretsManagerClient({});
exports.handler = async (event) => {
  const { Step, SecretId, ClientRequestToken: token } = event;
  const calls = await sm.send(new DescribeSecretCommand({ SecretId }));
  if (!calls.ARN || calls.ARN !== SecretId) throw new Error(`SecretId is not the ARN: ${SecretId}`);
  // As AWS's rotation function template: the token is a version of the secret from the first step on.
  const stages = (calls.VersionIdsToStages || {})[token];
  if (!stages) throw new Error(`Secret version ${token} has no stage for rotation of secret ${SecretId}.`);
  if (Step === "createSecret" && !stages.includes("AWSPENDING") && !stages.includes("AWSCURRENT")) {
    throw new Error(`Secret version ${token} not set as AWSPENDING for rotation of secret ${SecretId}.`);
  }
  if (Step === "createSecret") {
    try {
      await sm.send(new GetSecretValueCommand({ SecretId, VersionId: token, VersionStage: "AWSPENDING" }));
      return;
    } catch (e) {
      if (e.name !== "ResourceNotFoundException") throw e;
    }
    let current = {};
    try {
      const got = await sm.send(new GetSecretValueCommand({ SecretId, VersionStage: "AWSCURRENT" }));
      current = JSON.parse(got.SecretString);
    } catch (e) {
      if (e.name !== "ResourceNotFoundException") throw e;
    }
    const { RandomPassword } = await sm.send(
      new GetRandomPasswordCommand({ PasswordLength: 20, ExcludePunctuation: true }));
    await sm.send(new PutSecretValueCommand({
      SecretId, ClientRequestToken: token, VersionStages: ["AWSPENDING"],
      SecretString: JSON.stringify({ ...current, password: RandomPassword }),
    }));
  } else if (Step === "setSecret") {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const got = await sm.send(new GetSecretValueCommand({ SecretId, VersionId: token, VersionStage: "AWSPENDING" }));
    const pending = JSON.parse(got.SecretString);
    if (pending.failSet) throw new Error("setSecret refused");
  } else if (Step === "testSecret") {
    await sm.send(new GetSecretValueCommand({ SecretId, VersionId: token, VersionStage: "AWSPENDING" }));
  } else if (Step === "finishSecret") {
    const described = await sm.send(new DescribeSecretCommand({ SecretId }));
    let current;
    for (const [version, stages] of Object.entries(described.VersionIdsToStages || {})) {
      if (stages.includes("AWSCURRENT")) {
        if (version === token) return;
        current = version;
      }
    }
    await sm.send(new UpdateSecretVersionStageCommand({
      SecretId, VersionStage: "AWSCURRENT", MoveToVersionId: token, RemoveFromVersionId: current,
    }));
  } else {
    throw new Error(`unknown step ${Step}`);
  }
};
"""


def zipped(source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.js", source)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def rotator(aws: Callable[[str], Any], unique: Callable[[str], str]) -> str:
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    role = aws("iam").create_role(RoleName=unique("rotator"), AssumeRolePolicyDocument=json.dumps(trust))["Role"]
    return aws("lambda").create_function(
        FunctionName=unique("rotator"),
        Runtime="nodejs20.x",
        Role=role["Arn"],
        Handler="index.handler",
        Code={"ZipFile": zipped(ROTATOR)},
        Timeout=30,
    )["FunctionArn"]


def record_of(token: str) -> Any:
    return next(r for r in rotations.records() if r.token == token)


def stages(secrets: Any, arn: str) -> dict[str, list[str]]:
    return secrets.describe_secret(SecretId=arn)["VersionIdsToStages"]


def value(secrets: Any, arn: str, stage: str) -> dict[str, Any]:
    return json.loads(secrets.get_secret_value(SecretId=arn, VersionStage=stage)["SecretString"])


@pytest.mark.correction("secretsmanager_rotation_asynchronous")
def test_rotate_secret_answers_at_once_and_the_function_rotates(
    aws: Callable[[str], Any], unique: Callable[[str], str], rotator: str
) -> None:
    secrets = aws("secretsmanager")
    arn = secrets.create_secret(Name=unique("rotated"), SecretString=json.dumps({"username": "u", "password": "old"}))[
        "ARN"
    ]
    token = str(uuid.uuid4())
    started = time.monotonic()
    answer = secrets.rotate_secret(
        SecretId=arn,
        RotationLambdaARN=rotator,
        RotationRules={"AutomaticallyAfterDays": 7},
        ClientRequestToken=token,
    )
    answered = time.monotonic() - started
    assert (answer["ARN"], answer["VersionId"]) == (arn, token)
    assert rotations.wait(60), "rotation still running after 60 s"
    finished = time.monotonic() - started
    # setSecret alone waits 1.5 s: RotateSecret answered before the function was done.
    assert answered < 1.5 < finished

    record = record_of(token)
    assert (record.status, record.completed_steps) == ("succeeded", list(record.steps))
    assert value(secrets, arn, "AWSPREVIOUS") == {"username": "u", "password": "old"}
    new = value(secrets, arn, "AWSCURRENT")
    assert new["username"] == "u" and new["password"] not in ("old", "")
    # A plain GetSecretValue follows the AWSCURRENT label.
    assert json.loads(secrets.get_secret_value(SecretId=arn)["SecretString"]) == new
    assert "AWSCURRENT" in stages(secrets, arn)[token]

    described = secrets.describe_secret(SecretId=arn)
    assert described["RotationEnabled"] is True
    assert described["RotationLambdaARN"] == rotator
    assert described["RotationRules"] == {"AutomaticallyAfterDays": 7}
    assert "LastRotatedDate" in described and "NextRotationDate" in described
    gap = described["NextRotationDate"] - described["LastRotatedDate"]
    assert abs(gap.total_seconds() - 7 * 86400) < 5

    # Rotating again without configuration uses the stored function.
    second = secrets.rotate_secret(SecretId=arn)
    assert rotations.wait(60)
    assert value(secrets, arn, "AWSPREVIOUS") == new
    assert "AWSCURRENT" in stages(secrets, arn)[second["VersionId"]]


@pytest.mark.correction("secretsmanager_rotation_asynchronous")
def test_a_failing_step_leaves_the_current_version(
    aws: Callable[[str], Any], unique: Callable[[str], str], rotator: str
) -> None:
    secrets = aws("secretsmanager")
    original = {"username": "u", "password": "old", "failSet": True}
    arn = secrets.create_secret(Name=unique("rotation-fails"), SecretString=json.dumps(original))["ARN"]
    token = secrets.rotate_secret(
        SecretId=arn, RotationLambdaARN=rotator, RotationRules={"ScheduleExpression": "rate(10 days)", "Duration": "3h"}
    )["VersionId"]
    assert rotations.wait(60)
    record = record_of(token)
    assert (record.status, record.failed_step, record.completed_steps) == ("failed", "setSecret", ["createSecret"])
    assert "setSecret refused" in record.reason
    assert value(secrets, arn, "AWSCURRENT") == original
    assert stages(secrets, arn)[token] == ["AWSPENDING"]
    assert value(secrets, arn, "AWSPENDING")["password"] != "old"
    described = secrets.describe_secret(SecretId=arn)
    assert described["RotationRules"] == {"ScheduleExpression": "rate(10 days)", "Duration": "3h"}
    assert "LastRotatedDate" not in described

    # AWSPENDING on a version that is not AWSCURRENT means a rotation still in progress: another is refused
    # until the label is removed (or the same token is given again, which retries that rotation).
    with pytest.raises(ClientError) as refused:
        secrets.rotate_secret(SecretId=arn)
    assert refused.value.response["Error"]["Code"] == "InvalidRequestException"
    secrets.update_secret_version_stage(SecretId=arn, VersionStage="AWSPENDING", RemoveFromVersionId=token)
    again = secrets.rotate_secret(SecretId=arn)["VersionId"]
    assert rotations.wait(60) and record_of(again).failed_step == "setSecret"

    # CancelRotateSecret (the provider's delete) turns rotation off.
    secrets.cancel_rotate_secret(SecretId=arn)
    assert secrets.describe_secret(SecretId=arn)["RotationEnabled"] is False


@pytest.mark.correction("secretsmanager_rotation_asynchronous")
def test_a_secret_without_a_value_gets_one_from_the_function(
    aws: Callable[[str], Any], unique: Callable[[str], str], rotator: str
) -> None:
    secrets = aws("secretsmanager")
    arn = secrets.create_secret(Name=unique("rotation-empty"))["ARN"]
    token = secrets.rotate_secret(
        SecretId=arn, RotationLambdaARN=rotator, RotationRules={"AutomaticallyAfterDays": 30}
    )["VersionId"]
    assert rotations.wait(60)
    record = record_of(token)
    assert record.status == "succeeded", record.reason
    assert set(value(secrets, arn, "AWSCURRENT")) == {"password"}
    assert set(stages(secrets, arn)[token]) == {"AWSCURRENT", "AWSPENDING"}


@pytest.mark.correction("secretsmanager_rotation_asynchronous")
def test_rotate_immediately_false_runs_only_test_secret(
    aws: Callable[[str], Any], unique: Callable[[str], str], rotator: str
) -> None:
    secrets = aws("secretsmanager")
    arn = secrets.create_secret(Name=unique("rotation-later"), SecretString=json.dumps({"password": "old"}))["ARN"]
    token = secrets.rotate_secret(
        SecretId=arn, RotationLambdaARN=rotator, RotateImmediately=False, RotationRules={"AutomaticallyAfterDays": 1}
    )["VersionId"]
    assert rotations.wait(60)
    record = record_of(token)
    assert (record.status, record.completed_steps) == ("succeeded", ["testSecret"])
    assert list(stages(secrets, arn).values()) == [["AWSCURRENT"]]
    assert value(secrets, arn, "AWSCURRENT") == {"password": "old"}
    described = secrets.describe_secret(SecretId=arn)
    assert described["RotationEnabled"] is True and described["RotationRules"] == {"AutomaticallyAfterDays": 1}


@pytest.mark.correction("secretsmanager_rotation_asynchronous")
def test_rotation_with_a_missing_function_is_refused(aws: Callable[[str], Any], unique: Callable[[str], str]) -> None:
    secrets = aws("secretsmanager")
    arn = secrets.create_secret(Name=unique("rotation-nofn"), SecretString="x")["ARN"]
    with pytest.raises(ClientError) as raised:
        secrets.rotate_secret(
            SecretId=arn,
            RotationLambdaARN="arn:aws:lambda:us-east-1:123456789012:function:none",
            RotationRules={"AutomaticallyAfterDays": 1},
        )
    assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"


@pytest.mark.correction("secretsmanager_current_label_moves")
def test_moving_awscurrent_moves_what_get_secret_value_returns(
    aws: Callable[[str], Any], unique: Callable[[str], str]
) -> None:
    secrets = aws("secretsmanager")
    arn = secrets.create_secret(Name=unique("labels"), SecretString="one")["ARN"]
    first = secrets.get_secret_value(SecretId=arn)["VersionId"]
    second = secrets.put_secret_value(SecretId=arn, SecretString="two", VersionStages=["AWSPENDING"])["VersionId"]
    secrets.update_secret_version_stage(
        SecretId=arn, VersionStage="AWSCURRENT", MoveToVersionId=second, RemoveFromVersionId=first
    )
    assert secrets.get_secret_value(SecretId=arn)["SecretString"] == "two"
    assert secrets.get_secret_value(SecretId=arn, VersionStage="AWSPREVIOUS")["SecretString"] == "one"
