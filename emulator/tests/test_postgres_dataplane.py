"""Tests of dataplane/postgres.py: real PostgreSQL servers, reached as clients reach RDS (TCP, TLS, verify-full)."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Iterator

import psycopg
import pytest
from dataplane import PostgresNotInstalled, PostgresServers, ServerInfo, postgres
from dataplane.postgres import find_server_binaries

EMULATOR_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MASTER_USER = "labadmin"
MASTER_PASSWORD = "correct horse 'battery'"
CLUSTER_NAME = "source.cluster-c0ffee.us-east-1.rds.amazonaws.com"

try:
    find_server_binaries()
    BINARIES_MISSING = ""
except PostgresNotInstalled as error:
    BINARIES_MISSING = str(error)
needs_postgres = pytest.mark.skipif(bool(BINARIES_MISSING), reason=BINARIES_MISSING)


def connect(info: ServerInfo, password: str = MASTER_PASSWORD, **overrides: str) -> psycopg.Connection:
    """Connects as an RDS client does: the name is verified against the certificate, hostaddr says where to go."""
    params = {
        "host": info.dns_names[0],
        "hostaddr": info.address,
        "port": str(info.port),
        "user": info.master_username,
        "password": password,
        "dbname": info.database_name or "postgres",
        "sslmode": "verify-full",
        "sslrootcert": info.ca_bundle_path,
        "connect_timeout": "5",
        **overrides,
    }
    return psycopg.connect(**params, autocommit=True)


def scalar(info: ServerInfo, query: str, **overrides: str) -> object:
    with connect(info, **overrides) as connection:
        row = connection.execute(query).fetchone()
        assert row is not None
        return row[0]


def manager_processes(directory: str) -> list[int]:
    """Every process whose working directory is under `directory` (PostgreSQL's processes run in their data dir)."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cwd = os.readlink(f"/proc/{entry}/cwd")
        except OSError:
            continue
        if cwd.startswith(directory):
            pids.append(int(entry))
    return pids


def is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def wait_until_gone(pid: int, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while is_alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.fixture
def base_dir() -> Iterator[str]:
    """A directory the database's OS user can enter (pytest's tmp_path is private to root when tests run as root)."""
    directory = tempfile.mkdtemp(prefix="dataplane-test-")
    os.chmod(directory, 0o711)
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="module")
def manager() -> Iterator[PostgresServers]:
    with PostgresServers() as servers:
        yield servers


@pytest.fixture(scope="module")
def source(manager: PostgresServers) -> ServerInfo:
    return manager.start("lab-source", MASTER_USER, MASTER_PASSWORD, "demo_db", [CLUSTER_NAME])


def test_missing_binaries_fail_with_one_line_before_anything_starts(tmp_path) -> None:
    servers = PostgresServers(bin_dir=str(tmp_path), base_dir=str(tmp_path))
    with pytest.raises(PostgresNotInstalled) as raised:
        servers.start("lab-source", MASTER_USER, MASTER_PASSWORD, "demo_db")
    assert str(raised.value) == (
        "PostgreSQL server binaries not found (initdb, postgres); "
        "install Debian's postgresql package: apt-get install -y postgresql"
    )
    assert os.listdir(tmp_path) == []
    assert servers.address_block is None


@needs_postgres
class TestOneServer:
    def test_a_verify_full_connection_reaches_the_server_on_its_own_loopback_address_and_port_5432(
        self, source: ServerInfo
    ) -> None:
        assert source.address.startswith("127.") and not source.address.startswith("127.0.")
        assert source.port == 5432
        with connect(source) as connection:
            assert connection.pgconn.ssl_in_use
            assert connection.execute("SELECT host(inet_server_addr())").fetchone() == (source.address,)

    def test_the_server_listens_on_its_address_only(self, source: ServerInfo) -> None:
        assert scalar(source, "SHOW listen_addresses") == source.address
        neighbour = source.address.rsplit(".", 1)[0] + ".250"
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection((neighbour, 5432), timeout=2).close()

    def test_wal_level_is_logical_with_room_for_dms_replication_slots(self, source: ServerInfo) -> None:
        assert scalar(source, "SHOW wal_level") == "logical"
        assert int(str(scalar(source, "SHOW max_replication_slots"))) >= 10
        assert int(str(scalar(source, "SHOW max_wal_senders"))) >= 10
        with connect(source) as connection:
            connection.execute("SELECT pg_create_logical_replication_slot('dms_probe', 'test_decoding')")
            connection.execute("SELECT pg_drop_replication_slot('dms_probe')")

    def test_the_named_database_exists_and_belongs_to_the_master_user(self, source: ServerInfo) -> None:
        query = "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'demo_db'"
        assert scalar(source, query) == MASTER_USER
        assert scalar(source, "SELECT current_database()") == "demo_db"

    def test_the_master_password_is_stored_as_scram(self, source: ServerInfo) -> None:
        query = f"SELECT left(rolpassword, 14) FROM pg_authid WHERE rolname = '{MASTER_USER}'"
        assert scalar(source, query) == "SCRAM-SHA-256$"

    def test_a_wrong_password_fails_with_postgresqls_message(self, source: ServerInfo) -> None:
        with pytest.raises(psycopg.OperationalError, match=f'password authentication failed for user "{MASTER_USER}"'):
            connect(source, password="not the password")

    def test_a_plain_connection_is_refused_as_with_rds_force_ssl(self, source: ServerInfo) -> None:
        refusal = r'no pg_hba\.conf entry for host ".*", user "labadmin", database "demo_db", no encryption'
        with pytest.raises(psycopg.OperationalError, match=refusal):
            connect(source, sslmode="disable")

    def test_verify_full_rejects_a_name_the_certificate_does_not_hold(self, source: ServerInfo) -> None:
        with pytest.raises(psycopg.OperationalError, match="does not match host name"):
            connect(source, host="elsewhere.example.com")

    def test_verify_full_rejects_a_server_signed_by_another_ca(self, source: ServerInfo, base_dir) -> None:
        with PostgresServers(base_dir=base_dir) as other:
            info = other.start("lab-other", MASTER_USER, MASTER_PASSWORD, "demo_db", [CLUSTER_NAME])
            with pytest.raises(psycopg.OperationalError, match="certificate verify failed"):
                connect(info, sslrootcert=source.ca_bundle_path)

    def test_added_dns_names_are_served_at_once(self, manager: PostgresServers, source: ServerInfo) -> None:
        reader = "source.cluster-ro-c0ffee.us-east-1.rds.amazonaws.com"
        info = manager.add_dns_names("lab-source", [reader])
        assert info.dns_names == tuple(sorted([CLUSTER_NAME, reader]))
        assert scalar(info, "SELECT 1", host=reader) == 1
        assert scalar(info, "SELECT 1", host=CLUSTER_NAME) == 1

    def test_starting_a_running_cluster_again_returns_the_same_server(
        self, manager: PostgresServers, source: ServerInfo
    ) -> None:
        again = manager.start("lab-source", MASTER_USER, MASTER_PASSWORD, "demo_db", [CLUSTER_NAME])
        assert (again.address, again.pid, again.data_dir) == (source.address, source.pid, source.data_dir)

    def test_set_master_password_replaces_the_old_one(self, manager: PostgresServers, source: ServerInfo) -> None:
        manager.set_master_password("lab-source", "rotated 'by' RDS")
        try:
            assert scalar(source, "SELECT 1", password="rotated 'by' RDS") == 1
            with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
                connect(source)
        finally:
            manager.set_master_password("lab-source", MASTER_PASSWORD)

    def test_server_info_holds_no_password(self, source: ServerInfo) -> None:
        assert MASTER_PASSWORD not in repr(source)
        assert MASTER_PASSWORD not in source.conninfo()


@needs_postgres
def test_two_managers_started_at_once_with_the_same_seed_never_collide(base_dir) -> None:
    # The same seed is the worst case: both start from the same block and the claim must decide.
    first, second = PostgresServers(base_dir=base_dir, seed=4242), PostgresServers(base_dir=base_dir, seed=4242)
    started: dict[str, ServerInfo] = {}

    def start(name: str, servers: PostgresServers) -> None:
        started[name] = servers.start("lab-source", MASTER_USER, MASTER_PASSWORD, "demo_db", [CLUSTER_NAME])

    try:
        threads = [threading.Thread(target=start, args=pair) for pair in (("first", first), ("second", second))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert first.address_block != second.address_block
        assert started["first"].address != started["second"].address
        assert started["first"].ca_bundle_path != started["second"].ca_bundle_path
        for info in started.values():
            assert scalar(info, "SELECT host(inet_server_addr())") == info.address
    finally:
        first.stop_all()
        second.stop_all()


@needs_postgres
def test_an_address_someone_else_listens_on_is_skipped(base_dir) -> None:
    with PostgresServers(base_dir=base_dir) as servers:
        first = servers.start("lab-source", MASTER_USER, MASTER_PASSWORD, "demo_db", [CLUSTER_NAME])
        prefix = first.address.rsplit(".", 1)[0]
        # As a server left over by a killed emulator would.
        with socket.create_server((f"{prefix}.2", 5432)):
            second = servers.start("lab-target", MASTER_USER, MASTER_PASSWORD, "demo_db", [CLUSTER_NAME])
        assert second.address == f"{prefix}.3"
        assert scalar(second, "SELECT 1") == 1


@needs_postgres
def test_stop_ends_the_server_and_deletes_its_data(base_dir) -> None:
    with PostgresServers(base_dir=base_dir) as servers:
        info = servers.start("lab-source", MASTER_USER, MASTER_PASSWORD, "demo_db", [CLUSTER_NAME])
        assert servers.stop("lab-source") is True
        assert not is_alive(info.pid)
        assert not os.path.exists(os.path.dirname(info.data_dir))
        assert servers.info("lab-source") is None
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection((info.address, 5432), timeout=2).close()
        assert servers.stop("lab-source") is False


@needs_postgres
def test_stop_all_leaves_no_process_no_directory_and_frees_the_block(base_dir) -> None:
    servers = PostgresServers(base_dir=base_dir)
    servers.start("lab-source", MASTER_USER, MASTER_PASSWORD, "demo_db", [CLUSTER_NAME])
    servers.start("lab-target", MASTER_USER, MASTER_PASSWORD, None, [])
    directory, block = servers.directory, servers.address_block
    assert directory is not None and block is not None
    processes = manager_processes(directory)
    assert len(processes) >= 2 * 5  # postmaster, checkpointer, writers, ... per server
    servers.stop_all()
    assert [pid for pid in processes if is_alive(pid)] == []
    assert os.listdir(base_dir) == []
    with socket.socket() as claim:  # the block's claim address is free again
        claim.bind((block.replace(".0/24", ".0"), 5432))


@needs_postgres
def test_servers_of_a_killed_emulator_stop_and_the_next_manager_removes_their_data(base_dir, monkeypatch) -> None:
    script = textwrap.dedent(
        f"""
        import sys, time
        sys.path.insert(0, {EMULATOR_DIR!r})
        from dataplane import PostgresServers
        servers = PostgresServers(base_dir={base_dir!r})
        info = servers.start("lab-source", "labadmin", "pw", "demo_db")
        print(info.pid, servers.directory, flush=True)
        time.sleep(60)
        """
    )
    emulator = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert emulator.stdout is not None
        pid, directory = emulator.stdout.readline().split()
        emulator.send_signal(signal.SIGKILL)
        emulator.wait()
        assert wait_until_gone(int(pid)), "the postmaster outlived its emulator"
        assert os.path.isdir(directory)
        monkeypatch.setattr(postgres, "STALE_AFTER_SECONDS", 0)
        with PostgresServers(base_dir=base_dir) as servers:
            servers.start("lab-source", MASTER_USER, MASTER_PASSWORD, None)
            assert not os.path.exists(directory)
            assert os.listdir(base_dir) == [os.path.basename(str(servers.directory))]
    finally:
        emulator.kill()
        emulator.wait()


@needs_postgres
@pytest.mark.skipif(os.geteuid() != 0, reason="only root switches users")
def test_as_root_a_base_dir_the_database_user_cannot_enter_fails_clearly(tmp_path) -> None:
    os.chmod(tmp_path, 0o700)
    servers = PostgresServers(base_dir=str(tmp_path))
    with pytest.raises(postgres.PostgresStartFailed, match="the database's OS user postgres cannot enter"):
        servers.start("lab-source", MASTER_USER, MASTER_PASSWORD, "demo_db")
    assert os.listdir(tmp_path) == []


@needs_postgres
@pytest.mark.skipif(os.geteuid() != 0, reason="run as root to also prove the non-root path (non-root runs prove it)")
def test_an_emulator_that_is_not_root_runs_its_servers_as_itself(base_dir) -> None:
    script = textwrap.dedent(
        f"""
        import os, sys
        sys.path.insert(0, {EMULATOR_DIR!r})
        from dataplane import PostgresServers
        with PostgresServers(base_dir={base_dir!r}) as servers:
            info = servers.start("lab-source", "labadmin", "pw", "demo_db", ["source.example"])
            servers.set_master_password("lab-source", "pw2")
            print(os.stat(info.data_dir).st_uid, info.conninfo(), flush=True)
            sys.stdin.read()  # the test connects, then closes stdin
        """
    )
    python = python_for_postgres_user()
    if python is None:
        pytest.skip("no Python with `cryptography` that the postgres user may run")
    os.chown(base_dir, *postgres_owner())
    emulator = subprocess.Popen(
        [python, "-c", script],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        user="postgres",
        group="postgres",
        extra_groups=[],
    )
    try:
        assert emulator.stdin is not None and emulator.stdout is not None
        owner, conninfo = emulator.stdout.readline().split(" ", 1)
        assert int(owner) == postgres_owner()[0]
        with psycopg.connect(conninfo.strip(), password="pw2") as connection:
            assert connection.execute("SELECT current_user").fetchone() == ("labadmin",)
        emulator.stdin.close()
        assert emulator.wait(30) == 0
        assert os.listdir(base_dir) == []
    finally:
        emulator.kill()
        emulator.wait()


def python_for_postgres_user() -> str | None:
    """This interpreter, or the system's when the postgres user cannot run this one (e.g. a pyenv under /root)."""
    for candidate in (sys.executable, "/usr/bin/python3"):
        probe = [candidate, "-c", "import cryptography"]
        with contextlib.suppress(OSError):
            if subprocess.run(probe, user="postgres", capture_output=True, check=False).returncode == 0:
                return candidate
    return None


def postgres_owner() -> tuple[int, int]:
    entry = pwd.getpwnam("postgres")
    return entry.pw_uid, entry.pw_gid
