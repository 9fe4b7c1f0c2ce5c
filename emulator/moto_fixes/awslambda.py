"""Corrections to moto's Lambda where it departs from AWS: the logging config; nodejs functions run with local node."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import zipfile
from io import BytesIO
from typing import Any

from dataplane.names import private_network

from .registry import patch

HERE = os.path.dirname(os.path.abspath(__file__))
# The project's node_modules (emulator/moto_fixes/ -> the project root).
PROJECT_NODE_MODULES = os.path.join(os.path.dirname(os.path.dirname(HERE)), "node_modules")
# Runs the handler in the subprocess; the DNS shim is preloaded into it.
NODE_RUNNER = os.path.join(HERE, "lambda-node-runner.cjs")
DNS_SHIM = os.path.join(HERE, "lambda-dns-shim.cjs")


@patch
def lambda_logging_config() -> None:
    """AWS stores a function's LoggingConfig (log format and group) and returns it, with
    defaults, on every GetFunction; moto ignores it, so aws_lambda_function with
    logging_config plans an update after every apply. Seen with moto 5.2.1."""
    from moto.awslambda.models import LambdaFunction

    original_init = LambdaFunction.__init__
    original_get = LambdaFunction.get_configuration
    original_update = LambdaFunction.update_configuration

    def __init__(self: Any, account_id: str, spec: dict, *args: Any, **kwargs: Any) -> None:
        original_init(self, account_id, spec, *args, **kwargs)
        self.logging_config = {
            "LogFormat": "Text",
            "LogGroup": f"/aws/lambda/{self.function_name}",
            **(spec.get("LoggingConfig") or {}),
        }

    def get_configuration(self: Any, *args: Any, **kwargs: Any) -> dict:
        config = original_get(self, *args, **kwargs)
        config["LoggingConfig"] = getattr(self, "logging_config", None) or {
            "LogFormat": "Text",
            "LogGroup": f"/aws/lambda/{self.function_name}",
        }
        return config

    def update_configuration(self: Any, config_updates: dict) -> dict:
        if "LoggingConfig" in config_updates:
            self.logging_config = {**getattr(self, "logging_config", {}), **config_updates["LoggingConfig"]}
        return original_update(self, config_updates)

    LambdaFunction.__init__ = __init__
    LambdaFunction.get_configuration = get_configuration
    LambdaFunction.update_configuration = update_configuration


@patch
def lambda_nodejs_without_docker() -> None:
    """AWS runs the function; moto runs it only in Docker, and without Docker
    every Invoke returns "error running docker" with X-Amz-Function-Error, so
    aws_lambda_invocation fails. For nodejs* runtimes, run the handler with
    the local `node` binary in a subprocess (event on stdin, result as JSON),
    with the Lambda environment variables and AWS_ENDPOINT_URL pointing back
    at the emulator. The runtime-provided AWS SDK v3 is stood in for by
    EMULATOR_LAMBDA_NODE_PATH (default: the project's node_modules).
    Not a sandbox: it runs as the emulator's user.
    Other runtimes keep moto's Docker path. Seen with moto 5.2.1."""
    from moto.awslambda.models import LambdaFunction
    from moto.moto_api._internal import mock_random

    node = shutil.which("node")
    if node is None:
        return
    original = LambdaFunction._invoke_lambda

    def _invoke_lambda(self: Any, event: Any = None) -> tuple[str, bool, str]:
        if not str(self.run_time or "").startswith("nodejs"):
            return original(self, event)
        self.logs_backend.ensure_log_group(self.logs_group_name)
        request_id = str(mock_random.uuid4())
        port = os.environ.get("MOTO_PORT", "5000")
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", "/tmp"),
            "LANG": "C.UTF-8",
            "_HANDLER": self.handler,
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{self.run_time}",
            "AWS_LAMBDA_FUNCTION_TIMEOUT": str(self.timeout),
            "AWS_LAMBDA_FUNCTION_NAME": self.function_name,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(self.memory_size),
            "AWS_LAMBDA_FUNCTION_VERSION": str(self.version),
            "AWS_LAMBDA_LOG_GROUP_NAME": self.logs_group_name,
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_SESSION_TOKEN": "session-token",
            "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
            "EMU_REQUEST_ID": request_id,
            "EMU_FUNCTION_ARN": self.function_arn,
            # The real nodejs runtimes ship AWS SDK v3 (/var/runtime/node_modules), so
            # functions bundle it as external; here the project's copy stands in for it.
            "NODE_PATH": os.environ.get("EMULATOR_LAMBDA_NODE_PATH", PROJECT_NODE_MODULES),
        }
        hosts, connections = private_network(self.account_id, self.region)
        env["EMULATOR_DNS_HOSTS"] = json.dumps(hosts)
        env["EMULATOR_CONNECT_TO"] = json.dumps(connections)
        env["NODE_OPTIONS"] = f"--require {DNS_SHIM}"
        env.update({k: str(v) for k, v in (self.environment_vars or {}).items()})
        with tempfile.TemporaryDirectory(prefix="emu-lambda-") as tmp:
            task_dir = os.path.join(tmp, "task")
            with zipfile.ZipFile(BytesIO(self.code_bytes)) as zf:
                zf.extractall(task_dir)
            # NODE_PATH serves require(); ESM `import` ignores it but walks up
            # the directories, so the same SDK also appears at tmp/node_modules.
            if os.path.isdir(env["NODE_PATH"]):
                os.symlink(os.path.abspath(env["NODE_PATH"]), os.path.join(tmp, "node_modules"))
            result_file = os.path.join(tmp, "result.json")
            try:
                proc = subprocess.run(
                    [node, NODE_RUNNER, task_dir, self.handler, result_file],
                    input=json.dumps(event if event is not None else {}),
                    capture_output=True,
                    text=True,
                    env=env,
                    cwd=task_dir,
                    timeout=float(self.timeout or 3),
                )
                logs = proc.stdout + proc.stderr
                failed = proc.returncode != 0
                if os.path.exists(result_file):
                    with open(result_file) as fh:
                        result = fh.read()
                else:
                    failed = True
                    result = json.dumps(
                        {"errorType": "Runtime.ExitError", "errorMessage": f"exit status {proc.returncode}"}
                    )
            except subprocess.TimeoutExpired as exc:
                logs = (exc.stdout or "") + (exc.stderr or "")
                if isinstance(logs, bytes):
                    logs = logs.decode("utf-8", "replace")
                failed = True
                result = json.dumps(
                    {"errorType": "Sandbox.Timedout", "errorMessage": f"Task timed out after {self.timeout} seconds"}
                )
        report = f"START RequestId: {request_id}\n{logs}END RequestId: {request_id}\n"
        self.save_logs(report)
        return result, failed, report

    LambdaFunction._invoke_lambda = _invoke_lambda
