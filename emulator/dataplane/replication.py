"""A DMS replication task that really replicates one PostgreSQL database into another.

This is the engine behind the emulator's DMS stand-in: moto keeps the task's control-plane record,
and a `ReplicationTaskRunner` does what AWS DMS does with it on the data plane: a full load of the
tables the table mappings select, then change data capture (CDC) through a logical replication slot
on the source, with DMS's lifecycle (start, stop, resume, reload) and its statistics.

CDC mechanism. DMS itself reads PostgreSQL through the `test_decoding` plugin, and so does this
engine. psycopg has no streaming replication protocol, so the slot is consumed over SQL:
`pg_logical_slot_peek_changes` reads whole committed transactions in commit order, each one is
applied to the target in one target transaction, and only then is the slot moved past it with
`pg_replication_slot_advance`. Unconsumed changes stay in the slot while the task is stopped.

No loss and no duplicates:
- full load -> CDC: the slot is created on a replication connection with `EXPORT_SNAPSHOT`, and
  the full load reads every table in one REPEATABLE READ transaction that imports that snapshot.
  The snapshot holds exactly the transactions committed before the slot's consistent point, and the
  slot holds exactly those committed after it, so each change is either loaded or replayed, once.
- stop -> resume: a transaction is confirmed to the slot only after the target committed it, and the
  commit position of the last applied transaction is kept, so a transaction the slot hands out again
  (the advance failed, the connection dropped) is recognised and skipped. The one gap is a crash of
  this process between the target commit and the advance (DMS closes it with a control table on the
  target; this engine writes nothing to the target besides the replicated tables).

Table mappings: selection rules (include, exclude, explicit; `%`, `_`, `[...]` wildcards; table-type
"table"; load-order) are implemented. Every other rule kind or feature (transformations, source
filters, views, table-settings...) makes `start` raise `UnsupportedRuleError` naming the rule.

Task settings honoured: FullLoadSettings.TargetTablePrepMode, TargetMetadata.TargetSchema,
ErrorBehavior.FailOnNoTablesCaptured, TableErrorPolicy and the ApplyError{Insert,Update,Delete}Policy
settings. The others do not change what ends up on the target here (LOB modes, logging, tuning) or
are not emulated (validation: tables report ValidationState "Not enabled").
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql

log = logging.getLogger(__name__)

MIGRATION_TYPES = ("full-load", "cdc", "full-load-and-cdc")
START_TYPES = ("start-replication", "resume-processing", "reload-target")
PREP_MODES = ("DO_NOTHING", "DROP_AND_CREATE", "TRUNCATE_BEFORE_LOAD")

STOP_NORMAL = "Stop Reason NORMAL"
STOP_FULL_LOAD_FINISHED = "Stop Reason FULL_LOAD_ONLY_FINISHED"
STOP_FATAL = "Stop Reason FATAL_ERROR"

# DescribeTableStatistics' TableState values.
TABLE_BEFORE_LOAD = "Before load"
TABLE_LOADING = "Full load"
TABLE_COMPLETED = "Table completed"
TABLE_CANCELLED = "Table cancelled"
TABLE_ERROR = "Table error"

CONNECTION_KEYS = frozenset(
    {
        "host",
        "hostaddr",
        "port",
        "user",
        "password",
        "dbname",
        "sslmode",
        "sslrootcert",
        "sslcert",
        "sslkey",
        "connect_timeout",
        "application_name",
    }
)

# Both ends of every copy speak the same text formats, so a value's text round-trips exactly.
SESSION_SETTINGS = (
    ("DateStyle", "ISO"),
    ("TimeZone", "UTC"),
    ("IntervalStyle", "postgres"),
    ("extra_float_digits", "3"),
    ("bytea_output", "hex"),
)

DECODING_OPTIONS = ("include-xids", "1", "skip-empty-xacts", "1", "include-timestamp", "1")


class ReplicationConfigError(ValueError):
    """The task's table mappings, settings or start request cannot be run."""


class UnsupportedRuleError(ReplicationConfigError):
    """A table-mapping rule that the stand-in does not implement (it never ignores one)."""


class InvalidTaskStateError(RuntimeError):
    """The request does not fit the task's state (DMS: InvalidResourceStateFault)."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


# ---------------------------------------------------------------------------
# Connections
# ---------------------------------------------------------------------------


def _connect(params: Mapping[str, Any], *, autocommit: bool, replication: bool = False) -> psycopg.Connection:
    unknown = sorted(set(params) - CONNECTION_KEYS)
    if unknown:
        raise ReplicationConfigError(f"unknown connection parameter(s) {unknown}; allowed: {sorted(CONNECTION_KEYS)}")
    kwargs = {key: value for key, value in params.items() if value is not None}
    kwargs.setdefault("connect_timeout", 10)
    kwargs.setdefault("application_name", "dms-standin")
    kwargs["client_encoding"] = "UTF8"
    if replication:
        kwargs["replication"] = "database"
    conn = psycopg.connect(autocommit=True, **kwargs)
    if not replication:
        for name, value in SESSION_SETTINGS:
            conn.execute(sql.SQL("SET {} = {}").format(sql.Identifier(name), sql.Literal(value)))
        conn.autocommit = autocommit
    return conn


def test_connection(params: Mapping[str, Any]) -> tuple[bool, str]:
    """Connect with `params` (libpq names, TLS mode included) as DMS TestConnection does.

    Returns (True, "successful") or (False, the server's or libpq's message).
    """
    try:
        with _connect(params, autocommit=True) as conn:
            conn.execute("SELECT 1")
    except (psycopg.Error, ReplicationConfigError) as error:
        return False, str(error).strip()
    return True, "successful"


test_connection.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test, for pytest importers


# ---------------------------------------------------------------------------
# Table mappings
# ---------------------------------------------------------------------------


def _wildcard_regex(pattern: str) -> re.Pattern[str]:
    """DMS wildcards: `%` any run, `_` one character, `[...]` a set or range (`[_]` a literal `_`)."""
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        end = pattern.find("]", i + 1) if ch == "[" else -1
        if ch == "%":
            out.append(".*")
        elif ch == "_":
            out.append(".")
        elif end > i + 1:
            body = pattern[i + 1 : end].replace("\\", "\\\\").replace("^", "\\^")
            out.append(f"[{body}]")
            i = end
        else:
            out.append(re.escape(ch))
        i += 1
    return re.compile("".join(out), re.DOTALL)


@dataclass(frozen=True)
class SelectionRule:
    rule_id: str
    rule_name: str
    action: str
    schema: str
    table: str
    load_order: int

    def matches(self, schema: str, table: str) -> bool:
        if self.action == "explicit":
            return (schema, table) == (self.schema, self.table)
        return bool(_wildcard_regex(self.schema).fullmatch(schema) and _wildcard_regex(self.table).fullmatch(table))


_SELECTION_KEYS = {"rule-type", "rule-id", "rule-name", "object-locator", "rule-action", "load-order", "filters"}
_LOCATOR_KEYS = {"schema-name", "table-name", "table-type"}


def _describe_rule(rule: Mapping[str, Any], index: int) -> str:
    rule_id = rule.get("rule-id", str(index + 1))
    parts = [f'rule-name "{rule.get("rule-name", rule_id)}"', f'rule-type "{rule.get("rule-type")}"']
    if "rule-action" in rule:
        parts.append(f'rule-action "{rule["rule-action"]}"')
    return f"rule {rule_id} ({', '.join(parts)})"


def _selection_problem(rule: Mapping[str, Any]) -> tuple[str, bool]:
    """What is wrong with a selection rule, and whether it is unsupported (True) or invalid (False)."""
    extra = sorted(set(rule) - _SELECTION_KEYS)
    if extra:
        return f"keys {extra} are not implemented", True
    locator = rule.get("object-locator")
    if not isinstance(locator, Mapping) or not all(
        isinstance(locator.get(k), str) for k in ("schema-name", "table-name")
    ):
        return 'it needs an "object-locator" with "schema-name" and "table-name"', False
    extra = sorted(set(locator) - _LOCATOR_KEYS)
    if extra:
        return f"object-locator keys {extra} are not implemented", True
    if locator.get("table-type", "table") != "table":
        return f'table-type "{locator["table-type"]}" is not implemented (only tables are replicated)', True
    if rule.get("rule-action") not in ("include", "exclude", "explicit"):
        return 'rule-action must be "include", "exclude" or "explicit"', False
    if rule["rule-action"] == "explicit" and any("%" in locator[k] for k in ("schema-name", "table-name")):
        return '"explicit" takes exact names, without "%"', False
    if rule.get("filters"):
        return "source filters are not implemented", True
    try:
        int(rule.get("load-order", 0))
    except (TypeError, ValueError):
        return f'load-order "{rule.get("load-order")}" is not a number', False
    return "", False


def parse_table_mappings(document: str | Mapping[str, Any]) -> list[SelectionRule]:
    """The selection rules of a DMS TableMappings document; raises for anything not implemented.

    Raises UnsupportedRuleError when a rule (or a feature of one) is not implemented, listing every
    such rule by rule-id, rule-name, rule-type and action; ReplicationConfigError for a malformed
    document.
    """
    doc = json.loads(document) if isinstance(document, str) else document
    rules = doc.get("rules") if isinstance(doc, Mapping) else None
    if not isinstance(rules, list):
        raise ReplicationConfigError('table mappings must be a JSON object with a "rules" array')
    selections, unsupported, invalid = [], [], []
    for index, rule in enumerate(rules):
        if not isinstance(rule, Mapping):
            invalid.append(f"rule {index + 1} is not an object")
            continue
        where = _describe_rule(rule, index)
        if rule.get("rule-type") != "selection":
            unsupported.append(f'{where}: rule-type "{rule.get("rule-type")}" is not implemented')
            continue
        problem, is_unsupported = _selection_problem(rule)
        if problem:
            (unsupported if is_unsupported else invalid).append(f"{where}: {problem}")
            continue
        locator = rule["object-locator"]
        rule_id = str(rule.get("rule-id", index + 1))
        selections.append(
            SelectionRule(
                rule_id=rule_id,
                rule_name=str(rule.get("rule-name", rule_id)),
                action=rule["rule-action"],
                schema=locator["schema-name"],
                table=locator["table-name"],
                load_order=int(rule.get("load-order", 0)),
            )
        )
    if unsupported:
        raise UnsupportedRuleError(
            "table mappings use what the DMS stand-in does not implement: " + "; ".join(unsupported)
        )
    if invalid:
        raise ReplicationConfigError("invalid table mappings: " + "; ".join(invalid))
    if not any(r.action != "exclude" for r in selections):
        raise ReplicationConfigError("table mappings need at least one selection rule that includes tables")
    return selections


def select_tables(rules: Iterable[SelectionRule], tables: Iterable[tuple[str, str]]) -> list[tuple[str, str, int]]:
    """(schema, table, load-order) of the tables an include/explicit rule matches and no exclude rule
    does, in load order: higher load-order first, then by name."""
    rules = list(rules)
    chosen = []
    for schema, table in tables:
        matching = [r for r in rules if r.matches(schema, table)]
        if any(r.action == "exclude" for r in matching):
            continue
        including = [r.load_order for r in matching if r.action != "exclude"]
        if including:
            chosen.append((schema, table, max(including)))
    return sorted(chosen, key=lambda t: (-t[2], t[0], t[1]))


# ---------------------------------------------------------------------------
# Task settings
# ---------------------------------------------------------------------------

_RECORD_POLICIES = ("IGNORE_RECORD", "LOG_ERROR", "SUSPEND_TABLE", "STOP_TASK")


@dataclass(frozen=True)
class TaskSettings:
    """The ReplicationTaskSettings this engine acts on, with DMS's defaults."""

    target_table_prep_mode: str = "DROP_AND_CREATE"
    target_schema: str = ""
    fail_on_no_tables_captured: bool = False
    table_error_policy: str = "SUSPEND_TABLE"
    apply_error_insert_policy: str = "LOG_ERROR"
    apply_error_update_policy: str = "LOG_ERROR"
    apply_error_delete_policy: str = "IGNORE_RECORD"

    @classmethod
    def parse(cls, document: str | Mapping[str, Any] | None) -> TaskSettings:
        doc = json.loads(document) if isinstance(document, str) else (document or {})
        if not isinstance(doc, Mapping):
            raise ReplicationConfigError("task settings must be a JSON object")

        def section(name: str) -> Mapping[str, Any]:
            value = doc.get(name) or {}
            if not isinstance(value, Mapping):
                raise ReplicationConfigError(f"task settings: {name} must be an object")
            return value

        def choice(sect: str, key: str, allowed: tuple[str, ...], default: str) -> str:
            value = section(sect).get(key, default)
            if value not in allowed:
                raise ReplicationConfigError(f"task settings: {sect}.{key} is {value!r}; allowed: {', '.join(allowed)}")
            return value

        errors = section("ErrorBehavior")
        return cls(
            target_table_prep_mode=choice("FullLoadSettings", "TargetTablePrepMode", PREP_MODES, "DROP_AND_CREATE"),
            target_schema=str(section("TargetMetadata").get("TargetSchema") or ""),
            fail_on_no_tables_captured=bool(errors.get("FailOnNoTablesCaptured", False)),
            table_error_policy=choice(
                "ErrorBehavior", "TableErrorPolicy", ("SUSPEND_TABLE", "STOP_TASK"), "SUSPEND_TABLE"
            ),
            apply_error_insert_policy=choice(
                "ErrorBehavior", "ApplyErrorInsertPolicy", (*_RECORD_POLICIES, "INSERT_RECORD"), "LOG_ERROR"
            ),
            apply_error_update_policy=choice(
                "ErrorBehavior", "ApplyErrorUpdatePolicy", (*_RECORD_POLICIES, "UPDATE_RECORD"), "LOG_ERROR"
            ),
            apply_error_delete_policy=choice(
                "ErrorBehavior", "ApplyErrorDeletePolicy", _RECORD_POLICIES, "IGNORE_RECORD"
            ),
        )


# ---------------------------------------------------------------------------
# test_decoding output
# ---------------------------------------------------------------------------

UNCHANGED_TOAST = object()  # test_decoding's `unchanged-toast-datum`: the value did not change


@dataclass
class Change:
    """One row change (or a TRUNCATE) decoded from a test_decoding line."""

    kind: str  # INSERT, UPDATE, DELETE, TRUNCATE
    tables: list[tuple[str, str]]  # one table, or several for a TRUNCATE
    new: dict[str, Any] | None = None
    old: dict[str, Any] | None = None  # the old key (or the whole old row with REPLICA IDENTITY FULL)


def _read_identifier(text: str, i: int) -> tuple[str, int]:
    if text.startswith('"', i):
        return _read_delimited(text, i, '"')
    j = i
    while j < len(text) and text[j] not in '.:[ ,"':
        j += 1
    return text[i:j], j


def _read_quoted(text: str, i: int) -> tuple[str, int]:
    return _read_delimited(text, i, "'")


def _read_delimited(text: str, i: int, quote: str) -> tuple[str, int]:
    """The text from the quote at `i` to its closing quote (a doubled quote is one), and the index after."""
    parts, j = [], i + 1
    while True:
        k = text.index(quote, j)
        if text.startswith(quote, k + 1):
            parts.append(text[j : k + 1])
            j = k + 2
            continue
        parts.append(text[j:k])
        return "".join(parts), k + 1


def _read_tuple(text: str, i: int) -> tuple[dict[str, Any], int]:
    values: dict[str, Any] = {}
    while i < len(text):
        if text[i] == " ":
            i += 1
            continue
        if text.startswith("new-tuple:", i):
            break
        name, i = _read_identifier(text, i)
        if not text.startswith("[", i):
            raise ValueError(f"unexpected test_decoding output at {i}: {text!r}")
        i = text.index("]:", i) + 2
        if text.startswith("'", i):
            value, i = _read_quoted(text, i)
        elif text.startswith("B'", i):
            value, i = _read_quoted(text, i + 1)
        else:
            end = text.find(" ", i)
            end = len(text) if end < 0 else end
            token, i = text[i:end], end
            value = None if token == "null" else UNCHANGED_TOAST if token == "unchanged-toast-datum" else token
        values[name] = value
    return values, i


def parse_change(line: str) -> Change | None:
    """A test_decoding `table ...` line as a Change; None for lines that are not row changes."""
    if not line.startswith("table "):
        return None
    i, tables = 6, []
    while True:
        schema, i = _read_identifier(line, i)
        table, i = _read_identifier(line, i + 1)
        tables.append((schema, table))
        if not line.startswith(", ", i):
            break
        i += 2
    kind_end = line.index(":", i + 2)
    kind = line[i + 2 : kind_end]
    rest = line[kind_end + 1 :].strip()
    change = Change(kind=kind, tables=tables)
    if kind == "TRUNCATE" or rest == "(no-tuple-data)":
        return change
    if kind == "UPDATE" and rest.startswith("old-key:"):
        change.old, j = _read_tuple(rest, len("old-key:"))
        change.new, _ = _read_tuple(rest, j + len("new-tuple:"))
    elif kind == "DELETE":
        change.old, _ = _read_tuple(rest, 0)
    else:
        change.new, _ = _read_tuple(rest, 0)
    return change


def _lsn(text: str) -> int:
    high, low = text.split("/")
    return (int(high, 16) << 32) | int(low, 16)


@dataclass
class Transaction:
    commit_lsn: str
    changes: list[Change] = field(default_factory=list)
    committed_at: dt.datetime | None = None  # from test_decoding's include-timestamp


_COMMIT_TIME = re.compile(r"\(at (.+)\)\s*$")


def _commit_time(data: str) -> dt.datetime | None:
    """`COMMIT 748 (at 2026-11-22 02:50:00.123456+00)` -> its time; None without include-timestamp."""
    match = _COMMIT_TIME.search(data)
    if not match:
        return None
    text = match.group(1)
    if re.search(r"[+-]\d\d$", text):
        text += ":00"  # PostgreSQL prints +00; fromisoformat wants +00:00 before Python 3.11
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return None


def group_transactions(rows: Iterable[tuple[str, Any, str]]) -> Iterator[Transaction]:
    """Complete transactions from (lsn, xid, data) rows of pg_logical_slot_peek_changes."""
    current: list[Change] = []
    for lsn, _xid, data in rows:
        if data.startswith("BEGIN"):
            current = []
        elif data.startswith("COMMIT"):
            yield Transaction(commit_lsn=str(lsn), changes=current, committed_at=_commit_time(data))
            current = []
        else:
            change = parse_change(data)
            if change is not None:
                current.append(change)


# ---------------------------------------------------------------------------
# Source catalog
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # format_type with modifiers, e.g. numeric(12,2)
    not_null: bool


@dataclass(frozen=True)
class SourceTable:
    schema: str
    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    identity_key: tuple[str, ...]  # the columns that locate a row in an UPDATE/DELETE
    identity_full: bool  # REPLICA IDENTITY FULL: the old row comes whole
    load_order: int = 0


_TABLES_SQL = """
SELECT n.nspname, c.relname
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'
ORDER BY 1, 2
"""

_COLUMNS_SQL = """
SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull
FROM pg_attribute a
WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum
"""

_INDEX_SQL = """
SELECT i.indisprimary, i.indisreplident, array_agg(a.attname ORDER BY k.ord)
FROM pg_index i
CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
WHERE i.indrelid = %s::regclass AND (i.indisprimary OR i.indisreplident)
GROUP BY i.indexrelid, i.indisprimary, i.indisreplident
"""


def _qualified(schema: str, table: str) -> str:
    return sql.Identifier(schema, table).as_string(None)


def read_source_table(conn: psycopg.Connection, schema: str, table: str, load_order: int = 0) -> SourceTable:
    regclass = _qualified(schema, table)
    columns = tuple(Column(n, t, nn) for n, t, nn in conn.execute(_COLUMNS_SQL, (regclass,)).fetchall())
    primary_key: tuple[str, ...] = ()
    replica_index: tuple[str, ...] = ()
    for is_primary, is_replident, names in conn.execute(_INDEX_SQL, (regclass,)).fetchall():
        if is_primary:
            primary_key = tuple(names)
        if is_replident:
            replica_index = tuple(names)
    row = conn.execute("SELECT relreplident FROM pg_class WHERE oid = %s::regclass", (regclass,)).fetchone()
    replident = row[0] if row else "d"
    identity_key = {"d": primary_key, "i": replica_index}.get(replident, primary_key if replident == "f" else ())
    return SourceTable(schema, table, columns, primary_key, identity_key, replident == "f", load_order)


# ---------------------------------------------------------------------------
# Statistics
# ---------------------------------------------------------------------------


@dataclass
class TableStatistics:
    schema: str
    table: str
    state: str = TABLE_BEFORE_LOAD
    inserts: int = 0
    updates: int = 0
    deletes: int = 0
    ddls: int = 0
    full_load_rows: int = 0
    full_load_error_rows: int = 0
    full_load_start: dt.datetime | None = None
    full_load_end: dt.datetime | None = None
    full_load_reloaded: bool = False
    last_update: dt.datetime | None = None
    suspended: bool = False

    def as_dms(self) -> dict[str, Any]:
        """One TableStatistics entry as DescribeTableStatistics returns it (dates as datetimes)."""
        out: dict[str, Any] = {
            "SchemaName": self.schema,
            "TableName": self.table,
            "Inserts": self.inserts,
            "Deletes": self.deletes,
            "Updates": self.updates,
            "Ddls": self.ddls,
            "AppliedInserts": self.inserts,
            "AppliedDeletes": self.deletes,
            "AppliedUpdates": self.updates,
            "AppliedDdls": self.ddls,
            "FullLoadRows": self.full_load_rows,
            "FullLoadCondtnlChkFailedRows": 0,
            "FullLoadErrorRows": self.full_load_error_rows,
            "FullLoadReloaded": self.full_load_reloaded,
            "TableState": self.state,
            "ValidationPendingRecords": 0,
            "ValidationFailedRecords": 0,
            "ValidationSuspendedRecords": 0,
            "ValidationState": "Not enabled",
        }
        for key, value in (
            ("FullLoadStartTime", self.full_load_start),
            ("FullLoadEndTime", self.full_load_end),
            ("LastUpdateTime", self.last_update),
        ):
            if value is not None:
                out[key] = value
        return out


class _StopRequested(Exception):
    """Raised inside the worker when stop() interrupts a full load."""


class _TaskFailure(Exception):
    """A failure that stops the task with a message of its own."""


# ---------------------------------------------------------------------------
# The runner
# ---------------------------------------------------------------------------


def _slot_name_for(task_id: str) -> str:
    cleaned = re.sub(r"[^a-z0-9_]", "_", task_id.lower())
    return f"dms_standin_{cleaned}"[:63]


class ReplicationTaskRunner:
    """One DMS replication task: full load and/or CDC from `source` to `target`, in a background thread.

    `source` and `target` are libpq connection parameters (host or hostaddr, port, user, password,
    dbname, sslmode, sslrootcert...). `table_mappings` and `task_settings` are the task's JSON
    documents (strings or parsed). Nothing connects until `start`.
    """

    def __init__(
        self,
        task_id: str,
        source: Mapping[str, Any],
        target: Mapping[str, Any],
        migration_type: str,
        table_mappings: str | Mapping[str, Any],
        task_settings: str | Mapping[str, Any] | None = None,
        *,
        slot_name: str | None = None,
        poll_interval: float = 0.2,
        max_changes_per_poll: int = 10_000,
        metrics_sink: Callable[[float, float], None] | None = None,
        metrics_interval: float = 5.0,
    ) -> None:
        if migration_type not in MIGRATION_TYPES:
            raise ReplicationConfigError(f"migration type {migration_type!r}; allowed: {', '.join(MIGRATION_TYPES)}")
        self.task_id = task_id
        self.source = dict(source)
        self.target = dict(target)
        self.migration_type = migration_type
        self.table_mappings = table_mappings
        self.task_settings = task_settings
        self.slot_name = slot_name or _slot_name_for(task_id)
        self.poll_interval = poll_interval
        self.max_changes_per_poll = max_changes_per_poll
        # CDCLatencySource / CDCLatencyTarget in seconds, handed to `metrics_sink` every `metrics_interval` s of CDC.
        self.metrics_sink = metrics_sink
        self.metrics_interval = metrics_interval
        self._latency = (0.0, 0.0)
        self._metrics_published_at: float | None = None

        self._lock = threading.RLock()
        self._stop_event = threading.Event()
        self._thread: threading.Thread | None = None
        self._status = "ready"
        self._stop_reason: str | None = None
        self._failure: str | None = None
        self._tables: dict[tuple[str, str], SourceTable] = {}
        self._stats: dict[tuple[str, str], TableStatistics] = {}
        self._full_load_done = False
        self._applied_lsn = 0
        self._fresh_start: dt.datetime | None = None
        self._start: dt.datetime | None = None
        self._stop: dt.datetime | None = None
        self._full_load_start: dt.datetime | None = None
        self._full_load_finish: dt.datetime | None = None
        self._reloaded = False
        self._ignored: set[tuple[str, str]] = set()  # tables seen in CDC that the rules do not select
        self._rules: list[SelectionRule] = []
        self._settings = TaskSettings()

    @property
    def has_full_load(self) -> bool:
        return self.migration_type != "cdc"

    @property
    def has_cdc(self) -> bool:
        return self.migration_type != "full-load"

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self, start_type: str = "start-replication") -> str:
        """StartReplicationTask. Validates the mappings and settings here (raising
        UnsupportedRuleError / ReplicationConfigError), then runs in the background.

        start-replication: a fresh start (a new slot; full load if the type has one).
        resume-processing: CDC from the slot's confirmed position; a full load that did not finish
        is run again from the start. reload-target: full load again, then CDC.
        Returns the status ("starting").
        """
        if start_type not in START_TYPES:
            raise ReplicationConfigError(f"start type {start_type!r}; allowed: {', '.join(START_TYPES)}")
        if start_type == "reload-target" and not self.has_full_load:
            raise ReplicationConfigError("reload-target needs a task with a full load; this is a cdc task")
        rules = parse_table_mappings(self.table_mappings)
        settings = TaskSettings.parse(self.task_settings)
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                raise InvalidTaskStateError(f"task {self.task_id} is {self._status}; stop it first")
            fresh = start_type != "resume-processing" or self._fresh_start is None
            if not fresh and self.has_full_load and not self._full_load_done:
                fresh = True  # a full load cannot continue on a snapshot that is gone
            self._rules, self._settings = rules, settings
            self._status = "starting"
            self._stop_reason = None
            self._failure = None
            self._stop = None
            self._start = _now()
            if fresh:
                self._fresh_start = self._start
                self._full_load_done = False
                self._full_load_start = self._full_load_finish = None
                self._applied_lsn = 0
                self._reloaded = start_type == "reload-target"
                self._stats = {}
                self._tables = {}
            self._ignored = set()  # the rules may have been modified while the task was stopped
            self._stop_event.clear()
            self._thread = threading.Thread(
                target=self._run, args=(fresh,), name=f"dms-task-{self.task_id}", daemon=True
            )
            self._thread.start()
            return self._status

    def resume(self) -> str:
        return self.start("resume-processing")

    def reload(self) -> str:
        return self.start("reload-target")

    def stop(self, *, wait: bool = False, timeout: float = 30.0) -> str:
        """StopReplicationTask: finish the transaction being applied, leave the rest in the slot."""
        with self._lock:
            if self._status not in ("starting", "running"):
                raise InvalidTaskStateError(f"task {self.task_id} is {self._status}, not running")
            self._status = "stopping"
            self._stop_event.set()
            thread = self._thread
        if wait and thread is not None:
            thread.join(timeout)
        return self.status

    def wait(self, *statuses: str, timeout: float = 30.0) -> str:
        """Block until the status is one of `statuses` (or the worker ended); returns the status."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                status = self._status
                alive = self._thread is not None and self._thread.is_alive()
            if status in statuses or (not alive and status in ("stopped", "failed", "ready")):
                return status
            time.sleep(0.05)
        return self.status

    def drop_slot(self) -> bool:
        """Drop the task's replication slot on the source; True when there was one."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                raise InvalidTaskStateError(f"task {self.task_id} is {self._status}; stop it before dropping its slot")
        with _connect(self.source, autocommit=True) as conn:
            row = conn.execute(
                "SELECT count(pg_drop_replication_slot(slot_name)) FROM pg_replication_slots WHERE slot_name = %s",
                (self.slot_name,),
            ).fetchone()
        return bool(row and row[0])

    def close(self, timeout: float = 30.0) -> None:
        """Stop the task if it runs and drop its slot (DMS: delete the task, or `stop --final`)."""
        with self._lock:
            running = self._status in ("starting", "running")
        if running:
            self.stop(wait=True, timeout=timeout)
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        if self._fresh_start is not None and self.has_cdc:
            try:
                self.drop_slot()
            except psycopg.Error as error:
                log.warning("task %s: could not drop slot %s: %s", self.task_id, self.slot_name, error)

    # -- what DMS reports --------------------------------------------------------------------

    @property
    def status(self) -> str:
        with self._lock:
            return self._status

    def describe(self) -> dict[str, Any]:
        """The DescribeReplicationTasks fields this engine owns (dates as UTC datetimes)."""
        with self._lock:
            out: dict[str, Any] = {
                "ReplicationTaskIdentifier": self.task_id,
                "MigrationType": self.migration_type,
                "Status": self._status,
            }
            if self._stop_reason:
                out["StopReason"] = self._stop_reason
            if self._failure:
                out["LastFailureMessage"] = self._failure
            if self._fresh_start is not None:
                out["ReplicationTaskStats"] = self._task_stats()
            return out

    def _task_stats(self) -> dict[str, Any]:
        states = [s.state for s in self._stats.values()]
        loaded = states.count(TABLE_COMPLETED)
        errored = states.count(TABLE_ERROR)
        total = len(states)
        if self.has_full_load:
            percent = 100 if self._full_load_done else int(100 * (loaded + errored) / total) if total else 0
        else:
            percent = 0
        end = self._stop or _now()
        stats: dict[str, Any] = {
            "FullLoadProgressPercent": percent,
            "ElapsedTimeMillis": int((end - self._start).total_seconds() * 1000) if self._start else 0,
            "TablesLoaded": loaded,
            "TablesLoading": states.count(TABLE_LOADING),
            "TablesQueued": states.count(TABLE_BEFORE_LOAD),
            "TablesErrored": errored,
        }
        for key, value in (
            ("FreshStartDate", self._fresh_start),
            ("StartDate", self._start),
            ("StopDate", self._stop),
            ("FullLoadStartDate", self._full_load_start),
            ("FullLoadFinishDate", self._full_load_finish),
        ):
            if value is not None:
                stats[key] = value
        return stats

    def table_statistics(self) -> list[dict[str, Any]]:
        """DescribeTableStatistics' TableStatistics list."""
        with self._lock:
            return [s.as_dms() for s in self._stats.values()]

    # -- the worker --------------------------------------------------------------------------

    def _run(self, fresh: bool) -> None:
        source = target = None
        try:
            source = _connect(self.source, autocommit=True)
            target = _connect(self.target, autocommit=False)
            if fresh:
                self._fresh_run(source, target)
            else:
                self._set_running()
                self._tables_for_resume(source)
            if self.has_cdc and not self._stop_event.is_set():
                self._cdc_loop(source, target)
            self._finish(STOP_NORMAL if self.has_cdc or not self._full_load_done else STOP_FULL_LOAD_FINISHED)
        except _StopRequested:
            self._finish(STOP_NORMAL)
        except _TaskFailure as failure:
            self._fail(str(failure))
        except (psycopg.Error, OSError, ValueError) as error:
            self._fail(str(error).strip())
        except Exception as error:  # the worker must always leave a final state behind
            log.exception("task %s failed", self.task_id)
            self._fail(f"{type(error).__name__}: {error}")
        finally:
            for conn in (source, target):
                if conn is not None:
                    conn.close()

    def _set_running(self) -> None:
        with self._lock:
            if self._status == "starting":
                self._status = "running"

    def _finish(self, reason: str) -> None:
        with self._lock:
            self._status = "stopped"
            self._stop_reason = reason
            self._stop = _now()

    def _fail(self, message: str) -> None:
        log.warning("task %s failed: %s", self.task_id, message)
        with self._lock:
            self._status = "failed"
            self._stop_reason = STOP_FATAL
            self._failure = f"Last Error {message} Stop Reason FATAL_ERROR Error Level FATAL"
            self._stop = _now()

    def _discover(self, source: psycopg.Connection) -> list[SourceTable]:
        names = [(s, t) for s, t in source.execute(_TABLES_SQL).fetchall()]
        chosen = select_tables(self._rules, names)
        if not chosen and self._settings.fail_on_no_tables_captured:
            raise _TaskFailure(
                "No tables were found at task initialization. Either the selected table(s) or schemas(s) no longer "
                "exist or no table(s) were selected (FailOnNoTablesCaptured)"
            )
        return [read_source_table(source, s, t, order) for s, t, order in chosen]

    def _register(self, tables: list[SourceTable], state: str) -> None:
        with self._lock:
            for table in tables:
                key = (table.schema, table.name)
                self._tables[key] = table
                self._stats[key] = TableStatistics(
                    table.schema, table.name, state=state, full_load_reloaded=self._reloaded
                )

    def _tables_for_resume(self, source: psycopg.Connection) -> None:
        # The slot must still be there: resuming without it would silently lose changes.
        row = source.execute("SELECT 1 FROM pg_replication_slots WHERE slot_name = %s", (self.slot_name,)).fetchone()
        if self.has_cdc and row is None:
            raise _TaskFailure(f'replication slot "{self.slot_name}" does not exist; reload the task')

    def _fresh_run(self, source: psycopg.Connection, target: psycopg.Connection) -> None:
        if self.has_cdc:
            source.execute(
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = %s",
                (self.slot_name,),
            )
        tables = self._discover(source)
        self._register(tables, TABLE_BEFORE_LOAD if self.has_full_load else TABLE_COMPLETED)
        if not self.has_full_load:
            self._create_slot(snapshot=False)
            self._set_running()
            for table in tables:
                self._guarded_table(table, lambda t=table: self._create_missing_table(target, t))
            return
        replication = snapshot = None
        try:
            if self.has_cdc:
                replication, snapshot = self._create_slot(snapshot=True)
            self._set_running()
            with self._lock:
                self._full_load_start = _now()
            loader = _connect(self.source, autocommit=False)
            try:
                loader.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                if snapshot is not None:
                    loader.execute(sql.SQL("SET TRANSACTION SNAPSHOT {}").format(sql.Literal(snapshot)))
                if replication is not None:
                    replication.close()  # the snapshot is imported; the exporting session may go
                    replication = None
                for table in tables:
                    if self._stop_event.is_set():
                        raise _StopRequested
                    self._guarded_table(table, lambda t=table: self._load_table(loader, target, t))
            finally:
                loader.close()
        finally:
            if replication is not None:
                replication.close()
        with self._lock:
            self._full_load_done = True
            self._full_load_finish = _now()

    def _create_slot(self, *, snapshot: bool) -> tuple[psycopg.Connection, str | None]:
        """Create the slot; with `snapshot`, return the replication connection that keeps the exported
        snapshot alive (until its next command) and the snapshot's name."""
        conn = _connect(self.source, autocommit=True, replication=True)
        try:
            command = f"CREATE_REPLICATION_SLOT {self.slot_name} LOGICAL test_decoding"
            command += " EXPORT_SNAPSHOT" if snapshot else " NOEXPORT_SNAPSHOT"
            result = conn.pgconn.exec_(command.encode())
            if result.status != psycopg.pq.ExecStatus.TUPLES_OK:
                message = result.error_message.decode(errors="replace").strip()
                raise _TaskFailure(re.sub(r"^(ERROR|FATAL):\s+", "", message))
            name = result.get_value(0, 2)
        except BaseException:
            conn.close()
            raise
        if not snapshot:
            conn.close()
        return conn, name.decode() if name else None

    def _guarded_table(self, table: SourceTable, work: Any) -> None:
        """Run one table's work; a table-level SQL error suspends the table (TableErrorPolicy)."""
        key = (table.schema, table.name)
        try:
            work()
        except _StopRequested:
            with self._lock:
                self._stats[key].state = TABLE_CANCELLED
            raise
        except psycopg.OperationalError:
            raise
        except psycopg.Error as error:
            if self._settings.table_error_policy == "STOP_TASK":
                raise
            log.warning("task %s: table %s.%s suspended: %s", self.task_id, table.schema, table.name, error)
            with self._lock:
                stats = self._stats[key]
                stats.state, stats.suspended, stats.last_update = TABLE_ERROR, True, _now()

    def _target_name(self, table: SourceTable) -> sql.Composed:
        return sql.Identifier(self._settings.target_schema or table.schema, table.name)

    def _create_missing_table(self, target: psycopg.Connection, table: SourceTable) -> None:
        self._ensure_target_table(target, table, prep=False)
        target.commit()

    def _ensure_target_table(self, target: psycopg.Connection, table: SourceTable, *, prep: bool) -> None:
        """Create the schema and table when missing; with `prep`, apply TargetTablePrepMode first.
        Runs in the caller's target transaction."""
        schema = self._settings.target_schema or table.schema
        name = self._target_name(table)
        exists = target.execute("SELECT to_regclass(%s) IS NOT NULL", (name.as_string(target),)).fetchone()[0]
        mode = self._settings.target_table_prep_mode
        if exists and prep and mode == "DROP_AND_CREATE":
            target.execute(sql.SQL("DROP TABLE {}").format(name))
            exists = False
        if not exists:
            target.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
            parts = [
                sql.SQL("{} {}{}").format(
                    sql.Identifier(c.name), sql.SQL(c.type), sql.SQL(" NOT NULL" if c.not_null else "")
                )
                for c in table.columns
            ]
            if table.primary_key:
                parts.append(
                    sql.SQL("PRIMARY KEY ({})").format(sql.SQL(", ").join(map(sql.Identifier, table.primary_key)))
                )
            target.execute(sql.SQL("CREATE TABLE {} ({})").format(name, sql.SQL(", ").join(parts)))
        elif prep and mode == "TRUNCATE_BEFORE_LOAD":
            target.execute(sql.SQL("TRUNCATE {}").format(name))

    def _load_table(self, loader: psycopg.Connection, target: psycopg.Connection, table: SourceTable) -> None:
        """Prepare and copy one table in one target transaction: a failed load leaves the target as it was."""
        with self._lock:
            stats = self._stats[(table.schema, table.name)]
            stats.state, stats.full_load_start = TABLE_LOADING, _now()
        columns = sql.SQL(", ").join(sql.Identifier(c.name) for c in table.columns)
        copy_out = sql.SQL("COPY (SELECT {} FROM {}) TO STDOUT").format(
            columns, sql.Identifier(table.schema, table.name)
        )
        copy_in = sql.SQL("COPY {} ({}) FROM STDIN").format(self._target_name(table), columns)
        # A savepoint keeps the snapshot transaction usable for the next table if this one fails.
        loader.execute("SAVEPOINT table_load")
        rows = 0
        try:
            self._ensure_target_table(target, table, prep=True)
            with contextlib.ExitStack() as stack:  # (parenthesised `with` needs Python 3.10)
                reader = stack.enter_context(stack.enter_context(loader.cursor()).copy(copy_out))
                writer = stack.enter_context(stack.enter_context(target.cursor()).copy(copy_in))
                for row in reader:  # COPY TO hands out one row per chunk
                    if self._stop_event.is_set():
                        raise _StopRequested
                    writer.write(row)
                    rows += 1
                    if rows % 1000 == 0:
                        with self._lock:
                            stats.full_load_rows = rows
            target.commit()
        except BaseException:
            with contextlib.suppress(psycopg.Error):
                target.rollback()
            with contextlib.suppress(psycopg.Error):
                loader.execute("ROLLBACK TO SAVEPOINT table_load")
            raise
        loader.execute("RELEASE SAVEPOINT table_load")
        with self._lock:
            stats.full_load_rows = rows
            stats.state = TABLE_COMPLETED
            stats.full_load_end = stats.last_update = _now()

    # -- change data capture -------------------------------------------------------------------

    def _cdc_loop(self, source: psycopg.Connection, target: psycopg.Connection) -> None:
        self._set_running()
        peek = "SELECT lsn::text, xid::text, data FROM pg_logical_slot_peek_changes(%s, NULL, %s, {})".format(
            ", ".join(f"'{option}'" for option in DECODING_OPTIONS)
        )
        while not self._stop_event.is_set():
            rows = source.execute(peek, (self.slot_name, self.max_changes_per_poll)).fetchall()
            read_at = _now()
            confirm = None
            if not rows:
                self._latency = (0.0, 0.0)  # nothing waiting on either side
            for transaction in group_transactions(rows):
                lsn = _lsn(transaction.commit_lsn)
                if lsn > self._applied_lsn:  # one handed out again after a failed advance is skipped
                    self._apply_transaction(source, target, transaction)
                    self._applied_lsn = lsn
                if transaction.committed_at is not None:
                    # As DMS defines them: how old the newest captured change was when read, and when applied.
                    self._latency = (
                        max(0.0, (read_at - transaction.committed_at).total_seconds()),
                        max(0.0, (_now() - transaction.committed_at).total_seconds()),
                    )
                confirm = transaction.commit_lsn
                self._publish_latency()
                if self._stop_event.is_set():
                    break
            if confirm is not None:
                source.execute("SELECT pg_replication_slot_advance(%s, %s::pg_lsn)", (self.slot_name, confirm))
            else:
                self._publish_latency()
                self._stop_event.wait(self.poll_interval)

    @property
    def cdc_latency(self) -> tuple[float, float]:
        """(CDCLatencySource, CDCLatencyTarget) in seconds as last measured; (0, 0) when idle."""
        return self._latency

    def _publish_latency(self) -> None:
        if self.metrics_sink is None:
            return
        now = time.monotonic()
        if self._metrics_published_at is not None and now - self._metrics_published_at < self.metrics_interval:
            return
        self._metrics_published_at = now
        try:
            self.metrics_sink(*self._latency)
        except Exception:  # metrics must never stop replication
            log.exception("publishing CDC latency for %s failed", self.task_id)

    def _table_for_change(
        self, source: psycopg.Connection, target: psycopg.Connection, schema: str, name: str
    ) -> SourceTable | None:
        """The selected, unsuspended table a change belongs to; a table created on the source after the
        start that the rules select is picked up (and created on the target) here."""
        key = (schema, name)
        with self._lock:
            table, stats = self._tables.get(key), self._stats.get(key)
        if table is None:
            if key in self._ignored or not select_tables(self._rules, [key]):
                self._ignored.add(key)
                return None
            table = read_source_table(source, schema, name)
            self._ensure_target_table(target, table, prep=False)
            self._register([table], TABLE_COMPLETED)
            with self._lock:
                stats = self._stats[key]
        return None if stats is None or stats.suspended else table

    def _apply_transaction(self, source: psycopg.Connection, target: psycopg.Connection, txn: Transaction) -> None:
        """Apply one source transaction as one target transaction; count it once it is committed."""
        counts: dict[tuple[str, str], dict[str, int]] = {}
        try:
            with target.cursor() as cur:
                for change in txn.changes:
                    for schema, name in change.tables:
                        table = self._table_for_change(source, target, schema, name)
                        if table is None:
                            continue
                        self._apply_change(cur, table, change)
                        per_table = counts.setdefault((schema, name), {})
                        per_table[change.kind] = per_table.get(change.kind, 0) + 1
            target.commit()
        except BaseException:
            with contextlib.suppress(psycopg.Error):
                target.rollback()
            raise
        now = _now()
        with self._lock:
            for key, kinds in counts.items():
                stats = self._stats[key]
                stats.inserts += kinds.get("INSERT", 0)
                stats.updates += kinds.get("UPDATE", 0)
                stats.deletes += kinds.get("DELETE", 0)
                stats.ddls += kinds.get("TRUNCATE", 0)
                stats.last_update = now

    def _apply_change(self, cur: psycopg.Cursor, table: SourceTable, change: Change) -> None:
        name = self._target_name(table)
        settings = self._settings
        if change.kind == "TRUNCATE":
            cur.execute(sql.SQL("TRUNCATE {}").format(name))
        elif change.kind == "INSERT" and change.new is not None:
            if self._insert(cur, name, change.new, on_conflict_nothing=True) == 0:
                if settings.apply_error_insert_policy == "INSERT_RECORD":
                    self._update(cur, name, table, change.new, change.new)
                else:
                    self._apply_error(settings.apply_error_insert_policy, table, "duplicate key on insert", change)
        elif change.kind == "UPDATE" and change.new is not None:
            key_values = change.old if change.old is not None else change.new
            if self._update(cur, name, table, key_values, change.new) == 0:
                complete = all(v is not UNCHANGED_TOAST for v in change.new.values())
                if settings.apply_error_update_policy == "UPDATE_RECORD" and complete:
                    self._insert(cur, name, change.new, on_conflict_nothing=False)
                else:
                    self._apply_error(settings.apply_error_update_policy, table, "no target row to update", change)
        elif change.kind == "DELETE":
            where = self._where(table, change.old or {})
            deleted = 0
            if where is not None:
                condition, params = where
                cur.execute(sql.SQL("DELETE FROM {} WHERE {}").format(name, condition), params)
                deleted = cur.rowcount
            if deleted == 0:
                self._apply_error(settings.apply_error_delete_policy, table, "no target row to delete", change)
        else:
            raise _TaskFailure(f"cannot apply {change.kind} on {table.schema}.{table.name}: no row data decoded")

    @staticmethod
    def _insert(
        cur: psycopg.Cursor, name: sql.Composed, values: Mapping[str, Any], *, on_conflict_nothing: bool
    ) -> int:
        statement = sql.SQL("INSERT INTO {} ({}) VALUES ({}){}").format(
            name,
            sql.SQL(", ").join(map(sql.Identifier, values)),
            sql.SQL(", ").join(sql.Placeholder() * len(values)),
            sql.SQL(" ON CONFLICT DO NOTHING" if on_conflict_nothing else ""),
        )
        cur.execute(statement, list(values.values()))
        return cur.rowcount

    def _update(
        self,
        cur: psycopg.Cursor,
        name: sql.Composed,
        table: SourceTable,
        key_values: Mapping[str, Any],
        new: Mapping[str, Any],
    ) -> int:
        where = self._where(table, key_values)
        assignments = [(column, value) for column, value in new.items() if value is not UNCHANGED_TOAST]
        if where is None or not assignments:
            return 0
        condition, params = where
        statement = sql.SQL("UPDATE {} SET {} WHERE {}").format(
            name, sql.SQL(", ").join(sql.SQL("{} = %s").format(sql.Identifier(c)) for c, _ in assignments), condition
        )
        cur.execute(statement, [v for _, v in assignments] + params)
        return cur.rowcount

    def _where(self, table: SourceTable, values: Mapping[str, Any]) -> tuple[sql.Composable, list[Any]] | None:
        """The condition that locates a row: its replica identity key, or with REPLICA IDENTITY FULL and
        no key the whole old row (test_decoding leaves its NULL columns out) compared as text."""
        key = table.identity_key
        if key and all(values.get(c) not in (None, UNCHANGED_TOAST) for c in key):
            condition = sql.SQL(" AND ").join(sql.SQL("{} = %s").format(sql.Identifier(c)) for c in key)
            return condition, [values[c] for c in key]
        if not table.identity_full or not values:
            return None
        parts, params = [], []
        for column in table.columns:
            value = values.get(column.name)
            if value is None:
                parts.append(sql.SQL("{} IS NULL").format(sql.Identifier(column.name)))
            elif value is not UNCHANGED_TOAST:
                parts.append(sql.SQL("{}::text = %s").format(sql.Identifier(column.name)))
                params.append(value)
        # Identical duplicate rows are indistinguishable: change one of them, as the source did.
        condition = sql.SQL("ctid = (SELECT ctid FROM {} WHERE {} LIMIT 1)").format(
            self._target_name(table), sql.SQL(" AND ").join(parts)
        )
        return condition, params

    def _apply_error(self, policy: str, table: SourceTable, problem: str, change: Change) -> None:
        """ErrorBehavior.ApplyError*Policy for a change whose row is missing or already there."""
        message = f"{change.kind} on {table.schema}.{table.name}: {problem}"
        if policy == "STOP_TASK":
            raise _TaskFailure(message)
        if policy == "SUSPEND_TABLE":
            with self._lock:
                stats = self._stats[(table.schema, table.name)]
                stats.suspended, stats.state = True, TABLE_ERROR
        if policy != "IGNORE_RECORD":
            log.warning("task %s: %s (%s)", self.task_id, message, policy)
