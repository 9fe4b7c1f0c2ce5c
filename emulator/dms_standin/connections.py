"""TestConnection and DescribeConnections: a real connection from the replication instance's point of view.

One record per (replication instance, endpoint), kept in moto's `backend.connections` list (so moto's
DeleteEndpoint and DeleteReplicationInstance forget it, as AWS does). TestConnection resolves the
endpoint while the request is served (moto's records are read then), answers `testing`, and
connects in a background thread; the record becomes `successful`, or `failed` with the reason in
LastFailureMessage (PostgreSQL's or libpq's message, or why the endpoint could not be resolved).
Testing a pair again updates its record.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any, Callable

from .endpoints import EndpointError, endpoint_connection_params


class ConnectionRecord:
    """DMS's Connection: what the last test of an endpoint from a replication instance found."""

    def __init__(
        self,
        replication_instance_arn: str,
        endpoint_arn: str,
        replication_instance_identifier: str,
        endpoint_identifier: str,
    ) -> None:
        self.replication_instance_arn = replication_instance_arn
        self.endpoint_arn = endpoint_arn
        self.replication_instance_identifier = replication_instance_identifier
        self.endpoint_identifier = endpoint_identifier
        self.status = "testing"
        self.last_failure_message = ""
        self._generation = 0
        self._lock = threading.Lock()

    def to_dict(self) -> dict[str, Any]:
        with self._lock:
            return {
                "ReplicationInstanceArn": self.replication_instance_arn,
                "EndpointArn": self.endpoint_arn,
                "Status": self.status,
                "LastFailureMessage": self.last_failure_message,
                "EndpointIdentifier": self.endpoint_identifier,
                "ReplicationInstanceIdentifier": self.replication_instance_identifier,
            }

    def begin(self) -> int:
        with self._lock:
            self._generation += 1
            self.status, self.last_failure_message = "testing", ""
            return self._generation

    def finish(self, generation: int, ok: bool, message: str) -> None:
        with self._lock:
            if generation != self._generation:  # a newer test of the same pair owns the record
                return
            self.status = "successful" if ok else "failed"
            self.last_failure_message = "" if ok else message


class ConnectionTests:
    """Runs connection tests; `connect` is dataplane.replication.test_connection (replaceable in tests)."""

    def __init__(self, connect: Callable[[Mapping[str, Any]], tuple[bool, str]] | None = None) -> None:
        self._connect = connect
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def test(self, backend: Any, instance: Any, endpoint: Any) -> ConnectionRecord:
        """Start a test of `endpoint` from `instance` (moto's objects, in moto's `backend`); returns the record."""
        record = next(
            (
                c
                for c in backend.connections
                if isinstance(c, ConnectionRecord)
                and c.replication_instance_arn == instance.arn
                and c.endpoint_arn == endpoint.endpoint_arn
            ),
            None,
        )
        if record is None:
            # moto's own records of the pair (from before this correction) go: one record per pair.
            backend.connections[:] = [
                c
                for c in backend.connections
                if not (c.replication_instance_arn == instance.arn and c.endpoint_arn == endpoint.endpoint_arn)
            ]
            record = ConnectionRecord(instance.arn, endpoint.endpoint_arn, instance.id, endpoint.endpoint_identifier)
            backend.connections.append(record)
        generation = record.begin()
        try:
            params = endpoint_connection_params(endpoint, instance, backend.account_id, backend.region_name)
        except EndpointError as error:
            record.finish(generation, False, str(error))
            # DMS reports `testing` first and the failure when the test ends; so does this.
            return _answered_testing(record)
        thread = threading.Thread(
            target=self._run,
            args=(record, generation, params),
            name=f"dms-test-{endpoint.endpoint_identifier}",
            daemon=True,
        )
        with self._lock:
            self._threads = [t for t in self._threads if t.is_alive()]
            self._threads.append(thread)
        thread.start()
        return _answered_testing(record)

    def _run(self, record: ConnectionRecord, generation: int, params: Mapping[str, Any]) -> None:
        connect = self._connect
        if connect is None:
            from dataplane.replication import test_connection as connect
        try:
            ok, message = connect({**params, "connect_timeout": 10})
        except Exception as error:  # the record must always leave `testing`
            ok, message = False, f"{type(error).__name__}: {error}"
        record.finish(generation, ok, message)

    def wait(self, timeout: float = 15.0) -> None:
        """Wait for the tests under way (shutdown, tests)."""
        with self._lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join(timeout)


def _answered_testing(record: ConnectionRecord) -> ConnectionRecord:
    """The record as TestConnection answers it: status `testing`."""
    return ConnectionRecord(
        record.replication_instance_arn,
        record.endpoint_arn,
        record.replication_instance_identifier,
        record.endpoint_identifier,
    )


def describe_connections(
    connections: list[Any], filters: list[Mapping[str, Any]], max_records: int | None, marker: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """DescribeConnections over moto's list: Filters (AND of filters, OR of values), MaxRecords, Marker."""
    attributes = {
        "endpoint-arn": "endpoint_arn",
        "replication-instance-arn": "replication_instance_arn",
        "endpoint-identifier": "endpoint_identifier",
        "replication-instance-identifier": "replication_instance_identifier",
    }
    chosen = list(connections)
    for each in filters or []:
        name = each.get("Name")
        if name not in attributes:
            raise ValueError(f"Invalid filter name: {name}; valid names: {', '.join(attributes)}")
        values = set(each.get("Values") or [])
        chosen = [c for c in chosen if getattr(c, attributes[name], None) in values]
    for connection in chosen:
        if not isinstance(connection, ConnectionRecord) and hasattr(connection, "advance"):
            connection.advance()  # moto's own records, from before this correction
    return paginate([c.to_dict() for c in chosen], max_records, marker)


def paginate(items: list[Any], max_records: int | None, marker: str | None) -> tuple[list[Any], str | None]:
    """DMS-style paging: MaxRecords (default 100) per page, the next page's start as the Marker."""
    size = int(max_records) if max_records else 100
    try:
        start = int(marker) if marker else 0
    except ValueError:
        raise ValueError(f"Invalid Marker: {marker}") from None
    page = items[start : start + size]
    following = str(start + size) if start + size < len(items) else None
    return page, following


_tests: ConnectionTests | None = None


def connection_tests() -> ConnectionTests:
    """The emulator process's one runner of connection tests."""
    global _tests
    if _tests is None:
        _tests = ConnectionTests()
    return _tests
