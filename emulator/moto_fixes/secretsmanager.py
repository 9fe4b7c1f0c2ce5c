"""Corrections to moto's Secrets Manager where it departs from AWS: rotation runs asynchronously, through the
rotation function's four steps, and the AWSCURRENT label decides which version a plain GetSecretValue returns."""

from __future__ import annotations

import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from .registry import patch

STEPS = ("createSecret", "setSecret", "testSecret", "finishSecret")


@dataclass
class Rotation:
    """One rotation of one secret: which steps ran and how it ended."""

    secret_arn: str
    token: str
    function_arn: str
    steps: tuple[str, ...]
    status: str = "running"  # running, succeeded, failed
    completed_steps: list[str] = field(default_factory=list)
    failed_step: str = ""
    reason: str = ""


class Rotations:
    """The emulator process's record of rotations, and a way to wait for them (in-process, for tests)."""

    def __init__(self, keep: int = 1000) -> None:
        self._condition = threading.Condition()
        self._running: dict[str, Rotation] = {}
        self._records: deque[Rotation] = deque(maxlen=keep)

    def start(self, rotation: Rotation) -> None:
        with self._condition:
            self._records.append(rotation)
            self._running[rotation.secret_arn] = rotation

    def finish(self, rotation: Rotation, status: str, failed_step: str = "", reason: str = "") -> None:
        with self._condition:
            rotation.status, rotation.failed_step, rotation.reason = status, failed_step, reason
            if self._running.get(rotation.secret_arn) is rotation:
                del self._running[rotation.secret_arn]
            self._condition.notify_all()

    def running_for(self, secret_arn: str) -> Rotation | None:
        with self._condition:
            return self._running.get(secret_arn)

    def wait(self, timeout: float = 60.0) -> bool:
        """Until no rotation is running (True), or timeout seconds (False)."""
        with self._condition:
            return self._condition.wait_for(lambda: not self._running, timeout)

    def records(self) -> list[Rotation]:
        with self._condition:
            return list(self._records)


rotations = Rotations()


def _log(message: str) -> None:
    print(f"Secrets Manager: {message}", file=sys.stderr, flush=True)


def _short(text: Any, limit: int = 300) -> str:
    text = str(text)
    return text if len(text) <= limit else text[:limit] + "..."


def _run_rotation(secret: Any, function: Any, rotation: Rotation, temporary_pending: bool) -> None:
    """The steps, in order, each a synchronous invocation of the function; the first failure ends the rotation.
    Waits first until the RotateSecret call has answered: the function calls back into the emulator."""
    from .server import REQUEST_LOCK

    with REQUEST_LOCK:
        pass
    try:
        for step in rotation.steps:
            event = {"Step": step, "SecretId": rotation.secret_arn, "ClientRequestToken": rotation.token}
            try:
                result, failed, _ = function._invoke_lambda(event=event)
            except Exception as exc:
                result, failed = repr(exc), True
            if failed:
                _log(f"rotation {rotation.token} of {rotation.secret_arn}: {step} failed: {_short(result)}")
                rotations.finish(rotation, "failed", failed_step=step, reason=_short(result, 2000))
                return
            rotation.completed_steps.append(step)
            _log(f"rotation {rotation.token} of {rotation.secret_arn}: {step} succeeded")
        with REQUEST_LOCK:
            now = int(time.time())
            if "finishSecret" in rotation.steps:
                secret.last_rotation_date = now
            days = (getattr(secret, "emulator_rotation_rules", None) or {}).get("AutomaticallyAfterDays")
            if days:
                secret.next_rotation_date = (secret.last_rotation_date or now) + int(days) * 86400
        rotations.finish(rotation, "succeeded")
    finally:
        if temporary_pending:
            # RotateImmediately=false: the AWSPENDING version made for testSecret is removed again.
            with REQUEST_LOCK:
                version = secret.versions.get(rotation.token)
                if version is not None and version.get("version_stages") == ["AWSPENDING"]:
                    del secret.versions[rotation.token]
        if rotation.status == "running":  # an unexpected error above
            rotations.finish(rotation, "failed", reason="the emulator could not run the rotation")


@patch
def secretsmanager_rotation_asynchronous() -> None:
    """AWS RotateSecret records the rotation configuration and answers at once (ARN,
    Name, VersionId = the ClientRequestToken); the rotation then runs in the
    background: the rotation function is invoked with {"Step", "SecretId" (the
    secret's ARN), "ClientRequestToken"} for createSecret, setSecret, testSecret
    and finishSecret in order, stopping at the first step that fails. RotateSecret
    lists the new version with AWSPENDING but gives it no value: the function's
    createSecret puts it (PutSecretValue with the token, VersionStages AWSPENDING). With RotateImmediately=false only
    testSecret runs, against an AWSPENDING version Secrets Manager creates and then
    removes. moto invoked the function synchronously for every step inside the
    RotateSecret call (so a function calling back into the emulator deadlocked
    behind the one-call-at-a-time lock), copied the current value into the
    AWSPENDING version (and kept the copy it made for RotateImmediately=false),
    made the new
    version the default whatever the steps did, failed with NameError on a secret
    with no value yet, refused a rotation when AWSPENDING and AWSCURRENT shared a
    version (the state AWS calls finished), set RotationEnabled only for
    AutomaticallyAfterDays, and dropped ScheduleExpression and Duration from
    DescribeSecret. A second RotateSecret while one runs, or while AWSPENDING sits on a version
    that is not AWSCURRENT (a rotation that failed and was not cleaned up), is refused
    (InvalidRequestException), unless it names that version's token again. The same
    correction makes DescribeSecret report RotationRules as given (AutomaticallyAfterDays,
    ScheduleExpression, Duration), and NextRotationDate only while rotation is enabled. Seen with moto 5.2.1."""
    from moto.secretsmanager.exceptions import (
        InvalidParameterException,
        InvalidRequestException,
        ResourceNotFoundException,
        SecretNotFoundException,
    )
    from moto.secretsmanager.models import FakeSecret, ReplicaSecret, SecretsManagerBackend

    original_rotate = SecretsManagerBackend.rotate_secret
    original_to_dict = FakeSecret.to_dict

    def rotate_secret(
        self: Any,
        secret_id: str,
        client_request_token: str | None = None,
        rotation_lambda_arn: str | None = None,
        rotation_rules: dict[str, Any] | None = None,
        rotate_immediately: bool = True,
    ) -> str:
        if not self._is_valid_identifier(secret_id):
            raise SecretNotFoundException()
        secret = self.secrets[secret_id]
        if isinstance(secret, ReplicaSecret) or not (rotation_lambda_arn or secret.rotation_lambda_arn):
            # Replicas are refused by moto; without any function moto's managed-rotation stand-in applies.
            return original_rotate(
                self, secret_id, client_request_token, rotation_lambda_arn, rotation_rules, rotate_immediately
            )
        if secret.is_deleted():
            raise InvalidRequestException(
                "You tried to perform the operation on a secret that's currently marked deleted."
            )
        if rotation_lambda_arn and len(rotation_lambda_arn) > 2048:
            raise InvalidParameterException("RotationLambdaARN must <= 2048 characters long.")
        if rotation_rules and "AutomaticallyAfterDays" in rotation_rules:
            days = rotation_rules["AutomaticallyAfterDays"]
            if days is not None and not 1 <= int(days) <= 1000:
                raise InvalidParameterException("RotationRules.AutomaticallyAfterDays must be within 1-1000.")
        token = self._from_client_request_token(client_request_token)
        unfinished = [
            version_id
            for version_id, version in secret.versions.items()
            if "AWSPENDING" in version["version_stages"] and "AWSCURRENT" not in version["version_stages"]
        ]
        if rotations.running_for(secret.arn) is not None or (unfinished and token not in unfinished):
            raise InvalidRequestException("A previous rotation isn't complete. That rotation will be reattempted.")
        function_arn = rotation_lambda_arn or secret.rotation_lambda_arn
        from moto.awslambda.utils import get_backend

        try:
            function = get_backend(self.account_id, self.region_name).get_function(function_arn)
        except Exception:
            raise ResourceNotFoundException(f"Resource not found for ARN '{function_arn}'.") from None

        secret.rotation_requested = True
        secret.rotation_enabled = True
        secret.rotation_lambda_arn = function_arn
        if rotation_rules:
            rules = {key: value for key, value in rotation_rules.items() if value not in (None, "")}
            secret.emulator_rotation_rules = rules
            secret.auto_rotate_after_days = int(rules.get("AutomaticallyAfterDays") or 0)
            if secret.auto_rotate_after_days:
                base = secret.last_rotation_date or int(time.time())
                secret.next_rotation_date = base + secret.auto_rotate_after_days * 86400
            else:
                secret.next_rotation_date = None

        temporary_pending = False
        if rotate_immediately:
            steps: tuple[str, ...] = STEPS
            if token not in secret.versions:
                # The version the rotation will fill: listed with AWSPENDING (DescribeSecret's
                # VersionIdsToStages) but without a value until createSecret puts one, as AWS's rotation
                # function template expects. GetSecretValue of it answers ResourceNotFoundException.
                secret.remove_version_stages_from_old_versions(["AWSPENDING"])
                secret.versions[token] = {
                    "createdate": int(time.time()),
                    "version_id": token,
                    "version_stages": ["AWSPENDING"],
                }
        else:
            steps = ("testSecret",)
            current = secret.versions.get(secret.default_version_id or "")
            if current is not None and token not in secret.versions:
                pending = {"createdate": int(time.time()), "version_id": token, "version_stages": ["AWSPENDING"]}
                for key in ("secret_string", "secret_binary"):
                    if key in current:
                        pending[key] = current[key]
                secret.remove_version_stages_from_old_versions(["AWSPENDING"])
                secret.versions[token] = pending
                temporary_pending = True

        rotation = Rotation(secret.arn, token, function.function_arn, steps)
        rotations.start(rotation)
        _log(f"rotation {token} of {secret.arn} started ({', '.join(steps)}) with {function.function_arn}")
        threading.Thread(
            target=_run_rotation,
            args=(secret, function, rotation, temporary_pending),
            name=f"rotation-{token[:8]}",
            daemon=True,
        ).start()
        return secret.to_short_dict(version_id=token)

    def to_dict(self: Any) -> dict[str, Any]:
        dct = original_to_dict(self)
        if self.rotation_requested:
            rules = getattr(self, "emulator_rotation_rules", None)
            if rules is not None:
                dct["RotationRules"] = dict(rules)
            if self.last_rotation_date is None:
                dct.pop("LastRotatedDate", None)
        if not self.rotation_enabled or self.next_rotation_date is None:
            dct.pop("NextRotationDate", None)
        return dct

    SecretsManagerBackend.rotate_secret = rotate_secret
    FakeSecret.to_dict = to_dict


@patch
def secretsmanager_current_label_moves() -> None:
    """AWS UpdateSecretVersionStage moving AWSCURRENT to a version makes that
    version the one GetSecretValue returns without a VersionStage, and on a secret
    whose versions carry no AWSCURRENT yet it attaches the label without a
    RemoveFromVersionId. moto moved the label but kept returning the old version
    (its default version did not follow the label), so a rotation's finishSecret
    seemed to change nothing; and with no AWSCURRENT anywhere it failed with
    IndexError (HTTP 500). Seen with moto 5.2.1."""
    from moto.secretsmanager.models import SecretsManagerBackend

    original = SecretsManagerBackend.update_secret_version_stage

    def update_secret_version_stage(
        self: Any, secret_id: str, version_stage: str, remove_from_version_id: str, move_to_version_id: str
    ) -> tuple[str, str]:
        secret = self.secrets.get(secret_id) if self._is_valid_identifier(secret_id) else None
        if (
            secret is not None
            and version_stage == "AWSCURRENT"
            and not remove_from_version_id
            and move_to_version_id in getattr(secret, "versions", {})
            and not any("AWSCURRENT" in v["version_stages"] for v in secret.versions.values())
        ):
            secret.versions[move_to_version_id]["version_stages"].append("AWSCURRENT")
            secret.set_default_version_id(move_to_version_id)
            return secret.arn, secret.name
        answer = original(self, secret_id, version_stage, remove_from_version_id, move_to_version_id)
        if version_stage == "AWSCURRENT" and secret is not None:
            for version_id, version in secret.versions.items():
                if "AWSCURRENT" in version["version_stages"]:
                    secret.set_default_version_id(version_id)
                    break
        return answer

    SecretsManagerBackend.update_secret_version_stage = update_secret_version_stage
