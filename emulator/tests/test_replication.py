"""Tests of dataplane/replication.py against one of the emulator's PostgreSQL servers (source_db -> target_db)."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any, Callable

import pytest

psycopg = pytest.importorskip("psycopg")

# launcher.py runs from emulator/, so the emulator's packages are top-level (`import dataplane`).
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from dataplane.postgres import PostgresNotInstalled, PostgresServers, find_server_binaries  # noqa: E402
from dataplane.replication import (  # noqa: E402
    InvalidTaskStateError,
    ReplicationConfigError,
    ReplicationTaskRunner,
    UnsupportedRuleError,
    group_transactions,
    parse_change,
    parse_table_mappings,
    select_tables,
)
from dataplane.replication import test_connection as check_connection  # noqa: E402  (not a test)

PASSWORD = "lab-password"


def include(schema: str = "app", table: str = "%", name: str = "1", action: str = "include") -> dict[str, Any]:
    return {
        "rule-type": "selection",
        "rule-id": name,
        "rule-name": name,
        "object-locator": {"schema-name": schema, "table-name": table},
        "rule-action": action,
    }


def mappings(*rules: dict[str, Any]) -> str:
    return json.dumps({"rules": list(rules) or [include()]})


def prep(mode: str) -> str:
    return json.dumps({"FullLoadSettings": {"TargetTablePrepMode": mode}})


# ---------------------------------------------------------------------------
# One server for the session, as the emulator runs one behind a cluster
# ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def server() -> Iterator[dict[str, Any]]:
    """The emulator's PostgreSQL server (dataplane/postgres.py: TLS, wal_level=logical) with source_db and target_db."""
    try:
        find_server_binaries()
    except PostgresNotInstalled:
        pytest.skip("PostgreSQL 15 server binaries are not installed")
    with PostgresServers() as servers:
        info = servers.start("replication-test", "postgres", PASSWORD, "source_db")
        params = {
            "host": info.address,
            "port": info.port,
            "user": "postgres",
            "password": PASSWORD,
            "sslmode": "verify-ca",
            "sslrootcert": info.ca_bundle_path,
        }
        with psycopg.connect(**params, dbname="postgres", autocommit=True) as conn:
            conn.execute("CREATE DATABASE target_db")
        yield params


class Lab:
    """The two databases, wiped before each test, and the runners a test made (closed after it)."""

    def __init__(self, params: dict[str, Any]) -> None:
        self.source = {**params, "dbname": "source_db"}
        self.target = {**params, "dbname": "target_db"}
        self.runners: list[ReplicationTaskRunner] = []

    def sql(self, side: str, statement: str, *args: Any) -> list[tuple[Any, ...]]:
        with psycopg.connect(**getattr(self, side), autocommit=True) as conn:
            cur = conn.execute(statement, args or None)
            return cur.fetchall() if cur.description else []

    def wipe(self) -> None:
        for side in ("source", "target"):
            for (schema,) in self.sql(
                side,
                "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'",
            ):
                self.sql(side, f'DROP SCHEMA "{schema}" CASCADE')
            self.sql(side, "CREATE SCHEMA public")
        self.sql("source", "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots")

    def runner(self, migration_type: str = "full-load-and-cdc", table_mappings: str | None = None, **kwargs: Any):
        runner = ReplicationTaskRunner(
            f"task-{len(self.runners)}",
            kwargs.pop("source", self.source),
            kwargs.pop("target", self.target),
            migration_type,
            table_mappings or mappings(),
            kwargs.pop("task_settings", prep("DROP_AND_CREATE")),
            poll_interval=0.1,
            **kwargs,
        )
        self.runners.append(runner)
        return runner

    def table(self, side: str, table: str, order: str = "id") -> list[tuple[Any, ...]]:
        return self.sql(side, f"SELECT t::text FROM {table} t ORDER BY {order}")

    def slots(self) -> int:
        return self.sql("source", "SELECT count(*) FROM pg_replication_slots")[0][0]


@pytest.fixture
def lab(server: dict[str, Any]) -> Iterator[Lab]:
    lab = Lab(server)
    lab.wipe()
    yield lab
    for runner in lab.runners:
        runner.close()


def eventually(check: Callable[[], Any], timeout: float = 5.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = check()
            if result:
                return result
            last: Any = result
        except (AssertionError, LookupError, StopIteration) as error:
            last = error
            if time.monotonic() >= deadline:
                raise
        if time.monotonic() >= deadline:
            raise AssertionError(f"not true after {timeout} s: {last!r}")
        time.sleep(0.05)


def stats_of(runner: ReplicationTaskRunner, table: str) -> dict[str, Any]:
    return next(s for s in runner.table_statistics() if s["TableName"] == table)


MIXED = """
CREATE SCHEMA app;
CREATE TABLE app.accounts (
  id integer PRIMARY KEY,
  name text NOT NULL,
  balance numeric(12,2),
  opened timestamptz,
  active boolean,
  profile jsonb,
  raw json,
  photo bytea,
  tags text[],
  ratio double precision
);
INSERT INTO app.accounts VALUES
  (1, 'Ann O''Neil', 1234.50, '2024-03-01 10:00:00+02', true, '{"tier": "gold", "n": [1, 2]}',
   '{ "kept":  "as written" }', '\\x00ff10', '{a,"b c"}', 0.1),
  (2, E'tab\\there\\nnewline \\\\ backslash', -0.01, '1999-12-31 23:59:59.999999+00', false, 'null', '[]',
   '\\x', '{}', 1e300),
  (3, 'nulls', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (4, 'ünïcødé ✓', 99999999.99, 'infinity', true, '{"quote": "it''s"}', '"s"', '\\xdeadbeef', '{NULL}', 'NaN');
"""


# ---------------------------------------------------------------------------
# Pure parts: mappings, selection, test_decoding lines
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "named"),
    [
        (
            {
                "rule-type": "transformation",
                "rule-id": "2",
                "rule-name": "rename-schema",
                "rule-action": "rename",
                "rule-target": "schema",
                "object-locator": {"schema-name": "app"},
                "value": "app2",
            },
            ["rule 2", '"rename-schema"', '"transformation"', '"rename"'],
        ),
        ({**include(name="7"), "filters": [{"filter-type": "source", "column-name": "id"}]}, ["rule 7", "filters"]),
        (
            {**include(name="8"), "object-locator": {"schema-name": "app", "table-name": "%", "table-type": "view"}},
            ["rule 8", 'table-type "view"'],
        ),
        ({"rule-type": "table-settings", "rule-id": "9", "rule-name": "lobs"}, ["rule 9", '"lobs"', "table-settings"]),
    ],
)
def test_a_rule_that_is_not_implemented_fails_start_naming_it(rule: dict[str, Any], named: list[str]) -> None:
    runner = ReplicationTaskRunner("t", {}, {}, "full-load", mappings(include(), rule))
    with pytest.raises(UnsupportedRuleError) as raised:
        runner.start()
    for part in named:
        assert part in str(raised.value)
    assert runner.status == "ready"


def test_mappings_without_an_including_rule_are_refused() -> None:
    with pytest.raises(ReplicationConfigError, match="includes tables"):
        parse_table_mappings(mappings(include(action="exclude")))


def test_selection_follows_dms_wildcards_and_excludes_win() -> None:
    rules = parse_table_mappings(
        mappings(
            include("sales%", "%", "1"),
            include("sales_archive", "old[_]%", "2", action="exclude"),
            include("hr", "staff", "3", action="explicit"),
            {**include("sales", "orders", "4"), "load-order": "5"},
        )
    )
    tables = [
        ("sales", "customers"),
        ("sales", "orders"),
        ("sales_archive", "old_orders"),
        ("sales_archive", "oldies"),
        ("salesX", "t"),
        ("hr", "staff"),
        ("hr", "staff2"),
        ("public", "x"),
    ]
    assert select_tables(rules, tables) == [
        ("sales", "orders", 5),
        ("hr", "staff", 0),
        ("sales", "customers", 0),
        ("salesX", "t", 0),
        ("sales_archive", "oldies", 0),
    ]


def test_test_decoding_lines_are_parsed_with_quoting_nulls_and_old_keys() -> None:
    insert = parse_change(
        'table "My Schema"."Tab""le": INSERT: id[integer]:1 "a b"[text]:\'it\'\'s new-tuple: x\' n[numeric]:null '
        "f[boolean]:true bits[bit varying]:B'101' arr[text[]]:'{a,\"b c\"}'"
    )
    assert insert.kind == "INSERT" and insert.tables == [("My Schema", 'Tab"le')]
    assert insert.new == {
        "id": "1",
        "a b": "it's new-tuple: x",
        "n": None,
        "f": "true",
        "bits": "101",
        "arr": '{a,"b c"}',
    }
    update = parse_change(
        "table app.t: UPDATE: old-key: id[integer]:1 new-tuple: id[integer]:2 big[text]:unchanged-toast-datum"
    )
    assert update.old == {"id": "1"} and update.new is not None and update.new["id"] == "2"
    assert parse_change("table app.t: DELETE: (no-tuple-data)").old is None
    assert parse_change("table app.a, app.b: TRUNCATE: (no-flags)").tables == [("app", "a"), ("app", "b")]
    assert parse_change("BEGIN 42") is None


# ---------------------------------------------------------------------------
# Connections
# ---------------------------------------------------------------------------


def test_test_connection_reports_success_and_the_servers_message(lab: Lab) -> None:
    assert check_connection(lab.source) == (True, "successful")
    ok, message = check_connection({**lab.source, "password": "wrong"})
    assert not ok and 'password authentication failed for user "postgres"' in message
    ok, message = check_connection({**lab.source, "sslmode": "disable"})
    assert not ok and "no pg_hba.conf entry" in message and "no encryption" in message


def test_a_wrong_password_fails_the_task_with_the_servers_message(lab: Lab) -> None:
    runner = lab.runner("full-load", source={**lab.source, "password": "wrong"})
    runner.start()
    assert runner.wait("failed") == "failed"
    described = runner.describe()
    assert described["StopReason"] == "Stop Reason FATAL_ERROR"
    assert 'password authentication failed for user "postgres"' in described["LastFailureMessage"]


# ---------------------------------------------------------------------------
# Full load
# ---------------------------------------------------------------------------


def test_a_full_load_copies_every_type_and_null_and_stops_by_itself(lab: Lab) -> None:
    lab.sql("source", MIXED)
    runner = lab.runner("full-load")
    assert runner.start() == "starting"
    assert runner.wait("stopped", "failed") == "stopped", runner.describe()

    assert lab.table("target", "app.accounts") == lab.table("source", "app.accounts")
    described = runner.describe()
    assert described["StopReason"] == "Stop Reason FULL_LOAD_ONLY_FINISHED"
    stats = described["ReplicationTaskStats"]
    assert (stats["FullLoadProgressPercent"], stats["TablesLoaded"], stats["TablesErrored"]) == (100, 1, 0)
    assert stats["FullLoadStartDate"] <= stats["FullLoadFinishDate"] <= stats["StopDate"]
    table = stats_of(runner, "accounts")
    assert (table["SchemaName"], table["TableState"], table["FullLoadRows"]) == ("app", "Table completed", 4)
    # The created table carries the types, NOT NULL and the primary key.
    columns = lab.sql(
        "target",
        "SELECT attname, format_type(atttypid, atttypmod), attnotnull FROM pg_attribute "
        "WHERE attrelid = 'app.accounts'::regclass AND attnum > 0 ORDER BY attnum",
    )
    assert columns[:3] == [("id", "integer", True), ("name", "text", True), ("balance", "numeric(12,2)", False)]
    assert lab.sql("target", "SELECT count(*) FROM pg_index WHERE indrelid = 'app.accounts'::regclass AND indisprimary")
    assert lab.slots() == 0  # a full-load task needs no slot


@pytest.mark.parametrize(
    ("mode", "rows", "index_kept"),
    [
        ("DO_NOTHING", [1, 2, 3, 100], True),
        ("TRUNCATE_BEFORE_LOAD", [1, 2, 3], True),
        ("DROP_AND_CREATE", [1, 2, 3], False),
    ],
)
def test_target_table_prep_mode(lab: Lab, mode: str, rows: list[int], index_kept: bool) -> None:
    lab.sql("source", "CREATE SCHEMA app; CREATE TABLE app.t (id int PRIMARY KEY, v text)")
    lab.sql("source", "INSERT INTO app.t SELECT g, 'v' || g FROM generate_series(1, 3) g")
    lab.sql("target", "CREATE SCHEMA app; CREATE TABLE app.t (id int PRIMARY KEY, v text)")
    lab.sql("target", "CREATE INDEX runbook_index ON app.t (v); INSERT INTO app.t VALUES (100, 'already there')")

    runner = lab.runner("full-load", task_settings=prep(mode))
    runner.start()
    assert runner.wait("stopped", "failed") == "stopped", runner.describe()
    assert [r[0] for r in lab.sql("target", "SELECT id FROM app.t ORDER BY id")] == rows
    assert bool(lab.sql("target", "SELECT 1 FROM pg_class WHERE relname = 'runbook_index'")) == index_kept


def test_a_table_that_fails_to_load_is_suspended_and_the_others_load(lab: Lab) -> None:
    lab.sql("source", "CREATE SCHEMA app; CREATE TABLE app.a (id int PRIMARY KEY); CREATE TABLE app.b (id int)")
    lab.sql("source", "INSERT INTO app.a VALUES (1); INSERT INTO app.b VALUES (1)")
    lab.sql("target", "CREATE SCHEMA app; CREATE TABLE app.a (id int PRIMARY KEY, extra int NOT NULL)")
    runner = lab.runner("full-load", task_settings=prep("TRUNCATE_BEFORE_LOAD"))
    runner.start()
    assert runner.wait("stopped", "failed") == "stopped", runner.describe()
    assert stats_of(runner, "a")["TableState"] == "Table error"
    assert stats_of(runner, "b")["TableState"] == "Table completed"
    assert runner.describe()["ReplicationTaskStats"]["TablesErrored"] == 1


def test_no_selected_table_fails_when_fail_on_no_tables_captured(lab: Lab) -> None:
    settings = json.dumps({"ErrorBehavior": {"FailOnNoTablesCaptured": True}})
    runner = lab.runner("full-load", mappings(include("nothing_here")), task_settings=settings)
    runner.start()
    assert runner.wait("failed", "stopped") == "failed"
    assert "No tables were found" in runner.describe()["LastFailureMessage"]


def test_exclude_rules_and_wildcards_pick_the_tables_in_full_load_and_cdc(lab: Lab) -> None:
    lab.sql(
        "source",
        "CREATE SCHEMA sales; CREATE SCHEMA sales_archive; CREATE SCHEMA hr;"
        "CREATE TABLE sales.orders (id int PRIMARY KEY); CREATE TABLE sales_archive.old_orders (id int PRIMARY KEY);"
        "CREATE TABLE sales_archive.notes (id int PRIMARY KEY); CREATE TABLE hr.staff (id int PRIMARY KEY);"
        "CREATE TABLE hr.pay (id int PRIMARY KEY)",
    )
    table_mappings = mappings(
        include("sales%", "%", "1"),
        include("sales_archive", "old%", "2", action="exclude"),
        include("hr", "staff", "3", action="explicit"),
    )
    runner = lab.runner("full-load-and-cdc", table_mappings)
    runner.start()
    runner.wait("running")
    expected = [("hr", "staff"), ("sales", "orders"), ("sales_archive", "notes")]
    eventually(lambda: sorted((s["SchemaName"], s["TableName"]) for s in runner.table_statistics()) == expected)
    eventually(lambda: runner.describe()["ReplicationTaskStats"]["TablesLoaded"] == 3)
    for table in ("sales.orders", "sales_archive.notes", "hr.staff"):
        lab.sql("source", f"INSERT INTO {table} VALUES (1)")
    lab.sql("source", "INSERT INTO hr.pay VALUES (1); INSERT INTO sales_archive.old_orders VALUES (1)")
    lab.sql("source", "CREATE TABLE sales.returns (id int PRIMARY KEY); INSERT INTO sales.returns VALUES (7)")
    eventually(lambda: lab.sql("target", "SELECT to_regclass('sales.returns') IS NOT NULL")[0][0])
    eventually(lambda: lab.table("target", "sales.returns") == [("(7)",)])
    target_tables = lab.sql(
        "target",
        "SELECT schemaname || '.' || tablename FROM pg_tables WHERE schemaname <> 'pg_catalog' "
        "AND schemaname <> 'information_schema' ORDER BY 1",
    )
    assert [t for (t,) in target_tables] == ["hr.staff", "sales.orders", "sales.returns", "sales_archive.notes"]
    assert stats_of(runner, "staff")["Inserts"] == 1


# ---------------------------------------------------------------------------
# CDC and the lifecycle
# ---------------------------------------------------------------------------


def test_inserts_updates_and_deletes_reach_the_target_and_are_counted(lab: Lab) -> None:
    lab.sql("source", MIXED)
    runner = lab.runner()
    runner.start()
    eventually(lambda: stats_of(runner, "accounts")["TableState"] == "Table completed")
    assert runner.status == "running"

    lab.sql(
        "source",
        "INSERT INTO app.accounts (id, name, balance, profile, photo)"
        " VALUES (5, 'new''s', 5.05, '{\"k\": 1}', '\\x01');"
        "UPDATE app.accounts SET balance = balance + 1, tags = '{x}' WHERE id = 1;"
        "DELETE FROM app.accounts WHERE id = 2;",
    )
    with psycopg.connect(**lab.source) as conn:  # one transaction: a key change and a toasted value
        conn.execute("UPDATE app.accounts SET id = 30 WHERE id = 3")
        conn.execute("UPDATE app.accounts SET raw = %s WHERE id = 4", (json.dumps({"big": "x" * 100_000}),))
        conn.execute("UPDATE app.accounts SET active = NOT active WHERE id = 4")
    eventually(lambda: lab.table("target", "app.accounts") == lab.table("source", "app.accounts"))
    stats = stats_of(runner, "accounts")
    assert (stats["Inserts"], stats["Updates"], stats["Deletes"], stats["FullLoadRows"]) == (1, 4, 1, 4)


def test_commit_times_come_from_test_decodings_include_timestamp() -> None:
    rows = [
        ("0/10", "7", "BEGIN 7"),
        ("0/11", "7", "table app.t: INSERT: id[integer]:1"),
        ("0/12", "7", "COMMIT 7 (at 2026-11-22 02:50:00.123456+00)"),
        ("0/20", "8", "BEGIN 8"),
        ("0/21", "8", "COMMIT 8"),
    ]
    first, second = group_transactions(rows)
    assert first.committed_at == dt.datetime(2026, 11, 22, 2, 50, 0, 123456, tzinfo=dt.timezone.utc)
    assert (first.commit_lsn, len(first.changes)) == ("0/12", 1)
    assert second.committed_at is None


def test_cdc_latency_is_measured_from_commit_times_and_published_to_the_sink(lab: Lab) -> None:
    lab.sql("source", "CREATE SCHEMA app; CREATE TABLE app.accounts (id integer PRIMARY KEY, name text)")
    published: list[tuple[float, float]] = []
    runner = lab.runner(metrics_sink=lambda source, target: published.append((source, target)), metrics_interval=0.0)
    runner.start()
    eventually(lambda: runner.status == "running" and stats_of(runner, "accounts")["TableState"] == "Table completed")
    # A change: read after its commit and applied after it was read, so 0 < source <= target.
    lab.sql("source", "INSERT INTO app.accounts VALUES (1, 'a')")
    eventually(lambda: any(source > 0 or target > 0 for source, target in published), timeout=10)
    source, target = next((s, t) for s, t in published if s > 0 or t > 0)
    assert 0 <= source <= target < 30
    # Idle again: nothing waits, so both are 0, as DMS reports for a task with nothing to apply.
    eventually(lambda: runner.cdc_latency == (0.0, 0.0))
    eventually(lambda: published[-1] == (0.0, 0.0))


def test_no_change_is_lost_or_applied_twice_between_the_full_load_and_cdc(lab: Lab) -> None:
    lab.sql("source", "CREATE SCHEMA app; CREATE TABLE app.events (id int PRIMARY KEY, note text)")
    lab.sql("source", "INSERT INTO app.events SELECT g, repeat('x', 200) FROM generate_series(1, 30000) g")
    written, done = [], threading.Event()

    def writer() -> None:
        with psycopg.connect(**lab.source, autocommit=True) as conn:
            next_id = 30001
            while not done.is_set():
                conn.execute("INSERT INTO app.events VALUES (%s, 'during')", (next_id,))
                written.append(next_id)
                next_id += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        runner = lab.runner()
        runner.start()
        eventually(lambda: runner.describe()["ReplicationTaskStats"].get("FullLoadFinishDate"), timeout=15)
        time.sleep(0.3)
    finally:
        done.set()
        thread.join()
    eventually(lambda: lab.sql("target", "SELECT count(*) FROM app.events")[0][0] == 30000 + len(written))
    stats = stats_of(runner, "events")
    assert stats["Inserts"] > 0  # some rows came through CDC, not the load
    assert stats["FullLoadRows"] + stats["Inserts"] == 30000 + len(written)
    assert lab.table("target", "app.events") == lab.table("source", "app.events")


def test_stop_keeps_changes_in_the_slot_and_resume_applies_each_once(lab: Lab) -> None:
    lab.sql("source", "CREATE SCHEMA app; CREATE TABLE app.t (id int PRIMARY KEY, v text)")
    lab.sql("source", "INSERT INTO app.t SELECT g, 'v' FROM generate_series(1, 10) g")
    runner = lab.runner()
    runner.start()
    eventually(lambda: stats_of(runner, "t")["TableState"] == "Table completed")
    lab.sql("source", "INSERT INTO app.t VALUES (11, 'before stop')")
    eventually(lambda: lab.table("target", "app.t") == lab.table("source", "app.t"))

    runner.stop(wait=True)
    described = runner.describe()
    assert (described["Status"], described["StopReason"]) == ("stopped", "Stop Reason NORMAL")
    before = lab.table("target", "app.t")
    lab.sql("source", "INSERT INTO app.t VALUES (12, 'while stopped'); UPDATE app.t SET v = 'u' WHERE id = 1")
    lab.sql("source", "DELETE FROM app.t WHERE id = 2")
    time.sleep(0.5)
    assert lab.table("target", "app.t") == before
    slot = runner.slot_name
    assert lab.sql("source", "SELECT count(*) FROM pg_logical_slot_peek_changes(%s, NULL, NULL)", slot)[0][0] > 0

    runner.resume()
    eventually(lambda: lab.table("target", "app.t") == lab.table("source", "app.t"))
    stats = stats_of(runner, "t")
    assert (stats["Inserts"], stats["Updates"], stats["Deletes"]) == (2, 1, 1)
    described = runner.describe()["ReplicationTaskStats"]
    assert described["FreshStartDate"] < described["StartDate"]
    # The slot was advanced past what was applied: nothing waits in it any more.
    eventually(
        lambda: lab.sql("source", "SELECT count(*) FROM pg_logical_slot_peek_changes(%s, NULL, NULL)", slot)[0][0] == 0
    )


def test_reload_loads_the_target_again_and_cdc_continues(lab: Lab) -> None:
    lab.sql("source", "CREATE SCHEMA app; CREATE TABLE app.t (id int PRIMARY KEY, v text)")
    lab.sql("source", "INSERT INTO app.t SELECT g, 'v' FROM generate_series(1, 5) g")
    runner = lab.runner(task_settings=prep("TRUNCATE_BEFORE_LOAD"))
    runner.start()
    eventually(lambda: stats_of(runner, "t")["TableState"] == "Table completed")
    lab.sql("target", "DELETE FROM app.t WHERE id <= 3")  # the target drifted
    runner.stop(wait=True)
    with pytest.raises(InvalidTaskStateError, match="not running"):
        runner.stop()

    runner.reload()
    eventually(lambda: lab.table("target", "app.t") == lab.table("source", "app.t"))
    assert stats_of(runner, "t")["FullLoadReloaded"] is True
    lab.sql("source", "INSERT INTO app.t VALUES (6, 'after reload')")
    eventually(lambda: lab.table("target", "app.t") == lab.table("source", "app.t"))
    assert stats_of(runner, "t")["Inserts"] == 1


def test_a_cdc_task_replicates_changes_from_its_start_only(lab: Lab) -> None:
    lab.sql(
        "source",
        "CREATE SCHEMA app; CREATE TABLE app.t (id int PRIMARY KEY, v text); INSERT INTO app.t VALUES (1, 'old')",
    )
    runner = lab.runner("cdc")
    runner.start()
    runner.wait("running")
    eventually(lambda: lab.sql("target", "SELECT to_regclass('app.t') IS NOT NULL")[0][0])
    lab.sql("source", "INSERT INTO app.t VALUES (2, 'new')")
    eventually(lambda: lab.table("target", "app.t") == [("(2,new)",)])
    with pytest.raises(ReplicationConfigError, match="reload-target"):
        runner.reload()


def test_close_stops_the_task_and_drops_its_slot(lab: Lab) -> None:
    lab.sql("source", "CREATE SCHEMA app; CREATE TABLE app.t (id int PRIMARY KEY)")
    runner = lab.runner()
    runner.start()
    runner.wait("running")
    eventually(lambda: lab.slots() == 1)
    runner.close()
    assert runner.status == "stopped"
    assert lab.slots() == 0


def test_truncate_and_rows_located_by_replica_identity_full(lab: Lab) -> None:
    lab.sql("source", "CREATE SCHEMA app; CREATE TABLE app.log (k text, v int, note text)")
    lab.sql(
        "source", "ALTER TABLE app.log REPLICA IDENTITY FULL; INSERT INTO app.log VALUES ('a', 1, NULL), ('a', 1, NULL)"
    )
    runner = lab.runner()
    runner.start()
    eventually(lambda: stats_of(runner, "log")["TableState"] == "Table completed")
    with psycopg.connect(**lab.source) as conn:  # of two identical rows, one changes and one goes
        conn.execute("UPDATE app.log SET note = 'x' WHERE ctid = (SELECT min(ctid) FROM app.log)")
        conn.execute("DELETE FROM app.log WHERE note IS NULL")
        conn.execute("INSERT INTO app.log VALUES ('b', NULL, 'n')")
    eventually(lambda: lab.table("target", "app.log", "k") == [("(a,1,x)",), ("(b,,n)",)])
    lab.sql("source", "TRUNCATE app.log")
    eventually(lambda: lab.table("target", "app.log", "k") == [])
    stats = stats_of(runner, "log")
    assert (stats["Inserts"], stats["Updates"], stats["Deletes"], stats["Ddls"]) == (1, 1, 1, 1)


@pytest.mark.parametrize(
    ("policy", "status", "row"),
    [("LOG_ERROR", "running", "(5,target)"), ("INSERT_RECORD", "running", "(5,source)"), ("STOP_TASK", "failed", None)],
)
def test_an_insert_of_an_existing_row_follows_apply_error_insert_policy(
    lab: Lab, policy: str, status: str, row: str | None
) -> None:
    lab.sql("source", "CREATE SCHEMA app; CREATE TABLE app.t (id int PRIMARY KEY, v text)")
    settings = {
        "FullLoadSettings": {"TargetTablePrepMode": "DO_NOTHING"},
        "ErrorBehavior": {"ApplyErrorInsertPolicy": policy},
    }
    runner = lab.runner(task_settings=json.dumps(settings))
    runner.start()
    eventually(lambda: stats_of(runner, "t")["TableState"] == "Table completed")
    lab.sql("target", "INSERT INTO app.t VALUES (5, 'target')")
    lab.sql("source", "INSERT INTO app.t VALUES (5, 'source'); INSERT INTO app.t VALUES (6, 'next')")
    if status == "failed":
        assert runner.wait("failed") == "failed"
        assert "INSERT on app.t: duplicate key on insert" in runner.describe()["LastFailureMessage"]
        assert lab.table("target", "app.t") == [("(5,target)",)]  # the failed transaction left nothing behind
    else:
        eventually(lambda: lab.table("target", "app.t") == [(row,), ("(6,next)",)])
        assert runner.status == status
