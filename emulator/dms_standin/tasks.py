"""One ReplicationTaskRunner (dataplane/replication.py) per replication task ARN, and DMS's view of it.

moto keeps the task's record (identifier, endpoints, mappings, settings); the registry keeps what
happens on the data plane: the runner, and a failure to start it (an endpoint that could not be
resolved), which DMS reports as a `failed` task with a LastFailureMessage, not as an API error.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Mapping
from typing import Any

log = logging.getLogger(__name__)

RUNNING_STATES = ("starting", "running", "stopping")
STARTABLE_STATES = ("ready", "stopped", "failed")


def epoch(value: Any) -> Any:
    """datetime -> epoch seconds, as DMS's JSON protocol sends timestamps."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.timezone.utc)
        return value.timestamp()
    return value


def _epochs(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {key: _epochs(value) for key, value in obj.items()}
    if isinstance(obj, list):
        return [_epochs(value) for value in obj]
    return epoch(obj)


class _Task:
    def __init__(self) -> None:
        self.runner: Any = None  # ReplicationTaskRunner, once a start got as far as the data plane
        self.failure: str | None = None  # a start that failed before the runner ran
        self.failed_at: dt.datetime | None = None


class TaskRegistry:
    """The data-plane side of every replication task, by ARN. Thread-safe."""

    def __init__(self, poll_interval: float = 0.2) -> None:
        self._tasks: dict[str, _Task] = {}
        self._lock = threading.RLock()
        self.poll_interval = poll_interval

    def status(self, arn: str) -> str | None:
        """The task's data-plane status; None when it was never started (moto's record holds)."""
        with self._lock:
            task = self._tasks.get(arn)
        if task is None:
            return None
        if task.failure is not None:
            return "failed"
        return task.runner.status if task.runner is not None else None

    def has_run(self, arn: str) -> bool:
        """Whether the task was started before (start-replication is then refused, as on AWS)."""
        with self._lock:
            return arn in self._tasks

    def fail_start(self, arn: str, message: str) -> None:
        """A start that failed before it reached the data plane: the task is `failed` with this message."""
        with self._lock:
            task = self._tasks.setdefault(arn, _Task())
            task.failure = f"Last Error {message} Stop Reason FATAL_ERROR Error Level FATAL"
            task.failed_at = dt.datetime.now(dt.timezone.utc)

    def start(
        self,
        arn: str,
        task_id: str,
        source: Mapping[str, Any],
        target: Mapping[str, Any],
        migration_type: str,
        table_mappings: str,
        task_settings: str | None,
        start_type: str,
        metrics_sink: Callable[[float, float], None] | None = None,
    ) -> str:
        """Start (or resume, or reload) the task's runner with these connection parameters.

        Raises UnsupportedRuleError / ReplicationConfigError (before anything runs) and
        InvalidTaskStateError from the runner."""
        from dataplane.replication import ReplicationTaskRunner

        with self._lock:
            task = self._tasks.get(arn) or _Task()
            runner = task.runner
            if runner is not None and runner.migration_type != migration_type:
                runner.close()  # a modified migration type: a new runner (its slot goes)
                runner = None
            if runner is None:
                runner = ReplicationTaskRunner(
                    task_id,
                    source,
                    target,
                    migration_type,
                    table_mappings,
                    task_settings,
                    poll_interval=self.poll_interval,
                    metrics_sink=metrics_sink,
                )
            else:
                runner.source, runner.target = dict(source), dict(target)
                runner.metrics_sink = metrics_sink
                runner.table_mappings, runner.task_settings = table_mappings, task_settings
            status = runner.start(start_type)  # raises before anything runs when the mappings are refused
            task.runner, task.failure, task.failed_at = runner, None, None
            self._tasks[arn] = task
            return status

    def stop(self, arn: str) -> str:
        with self._lock:
            task = self._tasks.get(arn)
        if task is None or task.runner is None:
            from dataplane.replication import InvalidTaskStateError

            raise InvalidTaskStateError("not running")
        return task.runner.stop()

    def modified(self, arn: str, migration_type: str, table_mappings: str, task_settings: str | None) -> None:
        """ModifyReplicationTask of a task that is not running: the next start uses the new documents."""
        with self._lock:
            task = self._tasks.get(arn)
        if task is None or task.runner is None:
            return
        if task.runner.migration_type != migration_type:
            task.runner.close()
            with self._lock:
                task.runner = None
            return
        task.runner.table_mappings, task.runner.task_settings = table_mappings, task_settings

    def describe(self, arn: str) -> dict[str, Any] | None:
        """The DescribeReplicationTasks fields the data plane owns (epoch dates); None when never started."""
        with self._lock:
            task = self._tasks.get(arn)
        if task is None:
            return None
        out: dict[str, Any] = {}
        if task.runner is not None:
            described = task.runner.describe()
            out = {key: described[key] for key in ("Status", "StopReason", "LastFailureMessage") if key in described}
            stats = described.get("ReplicationTaskStats")
            if stats is not None:
                out["ReplicationTaskStats"] = _epochs(stats)
                if "StartDate" in stats:
                    out["ReplicationTaskStartDate"] = epoch(stats["StartDate"])
        if task.failure is not None:
            out.update(
                {"Status": "failed", "StopReason": "Stop Reason FATAL_ERROR", "LastFailureMessage": task.failure}
            )
        return out

    def table_statistics(self, arn: str) -> list[dict[str, Any]]:
        with self._lock:
            task = self._tasks.get(arn)
        if task is None or task.runner is None:
            return []
        return [_epochs(entry) for entry in task.runner.table_statistics()]

    def delete(self, arn: str) -> None:
        """DeleteReplicationTask: the runner stops (if it runs) and its replication slot is dropped."""
        with self._lock:
            task = self._tasks.pop(arn, None)
        if task is not None and task.runner is not None:
            task.runner.close()

    def close_all(self, timeout: float = 10.0) -> None:
        """Stop every runner and drop its slot (emulator shutdown, before the servers stop)."""
        with self._lock:
            tasks = list(self._tasks.values())
            self._tasks.clear()
        for task in tasks:
            if task.runner is not None:
                try:
                    task.runner.close(timeout=timeout)
                except Exception as error:  # shutdown goes on whatever one task does
                    log.warning("task %s: %s", task.runner.task_id, error)


_registry: TaskRegistry | None = None


def task_registry() -> TaskRegistry:
    """The emulator process's one registry of replication tasks."""
    global _registry
    if _registry is None:
        _registry = TaskRegistry()
    return _registry
