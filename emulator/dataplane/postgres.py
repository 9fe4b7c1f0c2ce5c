"""Real PostgreSQL servers behind the emulator's Aurora PostgreSQL clusters: start, rename in TLS, stop.

One `PostgresServers` per emulator process. Each cluster gets a real PostgreSQL 15 server
(Debian's binaries) on a loopback address of its own and port 5432, with logical replication on
(as `rds.logical_replication=1` gives on Aurora), TLS required (as `rds.force_ssl=1`) under a
certificate from a CA made for this emulator run, and the cluster's master user and database.
As on RDS, the roles `rds_superuser` (the master user is a member) and `rds_replication` exist;
`apply_rds_replication` emulates the latter's effect (see there).
Servers are test equipment: fsync is off and memory small. Everything lives in one temporary
directory per manager and goes when the manager stops.

The wiring into moto calls, per cluster: `start` on CreateDBCluster, `add_dns_names` once the
endpoints are known, `set_master_password` on ModifyDBCluster, `stop` on DeleteDBCluster; and
`stop_all` when the emulator exits (also registered with atexit).
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import glob
import os
import pwd
import shutil
import signal
import socket
import ssl
import struct
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace

from .loopback import PORT, AddressBlock, claim_block
from .processes import OsUser, child_environment, database_os_user, spawner
from .tls import CertificateAuthority, write_file

DEBIAN_BIN_DIR = "/usr/lib/postgresql/15/bin"
REQUIRED_BINARIES = ("initdb", "postgres", "psql")
MISSING_BINARIES = (
    "PostgreSQL server binaries not found (initdb, postgres); "
    "install Debian's postgresql package: apt-get install -y postgresql"
)
ROOT_PREFIX = "dms-lab-pg-"
LOCK_NAME = "manager.lock"
# A directory left by a dead manager is removed by the next one; a younger directory may belong
# to a manager that has created it but not yet locked it.
STALE_AFTER_SECONDS = 60
READY_TIMEOUT_SECONDS = 30
STOP_TIMEOUT_SECONDS = 15
# PostgreSQL's SSLRequest code: the first packet of a TLS connection.
SSL_REQUEST = struct.pack("!ii", 8, 80877103)

SERVER_SETTINGS = {
    "port": str(PORT),
    "ssl": "on",
    "ssl_min_protocol_version": "'TLSv1.2'",
    "password_encryption": "'scram-sha-256'",
    # What DMS needs for CDC from Aurora PostgreSQL (rds.logical_replication=1 sets wal_level).
    "wal_level": "logical",
    "max_replication_slots": "20",
    "max_wal_senders": "20",
    # Test equipment: nothing here has to survive a crash, and several servers share a laptop.
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "shared_buffers": "'16MB'",
    "max_connections": "50",
    "unix_socket_permissions": "0700",
    "logging_collector": "off",
}


class PostgresNotInstalled(RuntimeError):
    """The PostgreSQL server binaries are missing."""


class PostgresStartFailed(RuntimeError):
    """A server did not come up; the message holds the end of its output."""


@dataclass(frozen=True)
class ServerInfo:
    """Where a cluster's server is and how to reach it. Holds no password."""

    cluster_id: str
    address: str
    port: int
    dns_names: tuple[str, ...]
    master_username: str
    database_name: str | None
    ca_bundle_path: str
    data_dir: str
    socket_dir: str
    log_path: str
    pid: int

    def conninfo(self, host_name: str | None = None, dbname: str | None = None) -> str:
        """A libpq connection string (no password) that verifies the server as RDS clients do.

        `host_name` (default: the first DNS name) is checked against the certificate while
        `hostaddr` says where to connect, so no name has to resolve on the host.
        """
        host = host_name or (self.dns_names[0] if self.dns_names else self.address)
        return (
            f"host={host} hostaddr={self.address} port={self.port} user={self.master_username} "
            f"dbname={dbname or self.database_name or 'postgres'} "
            f"sslmode=verify-full sslrootcert={self.ca_bundle_path}"
        )


@dataclass
class _Server:
    info: ServerInfo
    process: subprocess.Popen[bytes]
    directory: str


def find_server_binaries(bin_dir: str | None = None) -> str:
    """The directory holding initdb, postgres and psql: `bin_dir`, Debian's PostgreSQL 15, or initdb's on PATH.

    Raises PostgresNotInstalled (one line saying what to install) when there is none.
    """
    candidates = [bin_dir] if bin_dir else [DEBIAN_BIN_DIR]
    if not bin_dir:
        initdb = shutil.which("initdb")
        if initdb:
            candidates.append(os.path.dirname(os.path.realpath(initdb)))
    for directory in candidates:
        if all(os.access(os.path.join(directory, name), os.X_OK) for name in REQUIRED_BINARIES):
            return directory
    raise PostgresNotInstalled(MISSING_BINARIES)


class PostgresServers:
    """The real PostgreSQL servers of one emulator process, one per Aurora PostgreSQL cluster.

    Creating a manager costs nothing; the first `start` checks the binaries, claims a block of
    loopback addresses (see loopback.py), makes the CA and the manager's directory. All methods
    are thread-safe and idempotent. After `stop_all` the manager can start servers again, with a
    new CA and possibly another address block.
    """

    def __init__(
        self,
        *,
        base_dir: str | None = None,
        os_user_when_root: str = "postgres",
        bin_dir: str | None = None,
        seed: int | None = None,
    ) -> None:
        """
        base_dir: where the manager's directory goes (default: the system temp dir; it must be
            reachable by the database's OS user).
        os_user_when_root: who runs the servers when the emulator is root.
        bin_dir: where the PostgreSQL binaries are (default: Debian's 15, else initdb's on PATH).
        seed: picks the first address block tried (default: the process id).
        """
        self._base_dir = base_dir or tempfile.gettempdir()
        self._os_user_when_root = os_user_when_root
        self._bin_dir = bin_dir
        self._seed = os.getpid() if seed is None else seed
        self._lock = threading.RLock()
        self._servers: dict[str, _Server] = {}
        self._root: str | None = None
        self._root_lock: int | None = None
        self._block: AddressBlock | None = None
        self._ca: CertificateAuthority | None = None
        self._binaries = ""
        self._os_user: OsUser | None = None
        self._atexit_registered = False

    # --- the API the moto wiring calls -------------------------------------------------------

    def start(
        self,
        cluster_id: str,
        master_username: str,
        master_password: str,
        database_name: str | None = None,
        dns_names: Iterable[str] = (),
    ) -> ServerInfo:
        """Starts the server of `cluster_id` and returns where it is; returns the running one if there is one.

        `database_name` is created unless it is empty or `postgres` (Aurora creates no database
        when DatabaseName is not given). `dns_names` go into the certificate beside the address.
        For a running server, new `dns_names` are added (see `add_dns_names`); the user,
        password and database of a running server are not changed.
        Raises PostgresNotInstalled before anything is started when the binaries are missing.
        """
        with self._lock:
            existing = self._servers.get(cluster_id)
            if existing is not None and existing.process.poll() is None:
                return self.add_dns_names(cluster_id, dns_names)
            if existing is not None:  # died on its own: start afresh
                self.stop(cluster_id)
            self._prepare()
            return self._start(cluster_id, master_username, master_password, database_name, dns_names)

    def add_dns_names(self, cluster_id: str, dns_names: Iterable[str]) -> ServerInfo:
        """Reissues the server certificate to cover `dns_names` too, and returns once the server presents it.

        Raises KeyError for an unknown cluster.
        """
        with self._lock:
            server = self._servers[cluster_id]
            names = tuple(sorted(set(server.info.dns_names) | set(dns_names)))
            if names == server.info.dns_names:
                return server.info
            certificate = self._issue_certificate(server.directory, server.info.address, names)
            os.kill(server.process.pid, signal.SIGHUP)  # PostgreSQL reloads its TLS files on SIGHUP
            self._wait_for_certificate(server.info.address, certificate)
            server.info = replace(server.info, dns_names=names)
            return server.info

    def set_master_password(self, cluster_id: str, password: str) -> None:
        """Sets the master user's password (ModifyDBCluster MasterUserPassword).

        Raises KeyError for an unknown cluster.
        """
        with self._lock:
            info = self._servers[cluster_id].info
            self._sql(info, f"ALTER ROLE {quote_identifier(info.master_username)} PASSWORD {quote_literal(password)}")

    def apply_rds_replication(self, cluster_id: str) -> bool:
        """Gives every login role that is a member of `rds_replication` the REPLICATION attribute.

        This is how the emulator emulates RDS's `rds_replication` role. On Aurora PostgreSQL a user
        gets logical replication by `GRANT rds_replication TO <user>`; in plain PostgreSQL 15 the
        REPLICATION attribute is not inherited through membership, so the grant alone would let
        nothing replicate. The DMS stand-in calls this before it connects to a source endpoint (a
        task start, a connection test): members (direct or through other roles, e.g.
        rds_superuser) that are not superusers get `ALTER ROLE ... REPLICATION`. It only adds the
        attribute: a role whose membership was revoked keeps it until its server is recreated.
        Returns False when the cluster has no running server.
        """
        with self._lock:
            server = self._servers.get(cluster_id)
            if server is None or server.process.poll() is not None:
                return False
            self._sql(server.info, RDS_REPLICATION_SQL)
            return True

    def stop(self, cluster_id: str) -> bool:
        """Stops the server of `cluster_id` and deletes its data; False when there was none."""
        with self._lock:
            server = self._servers.pop(cluster_id, None)
            if server is None:
                return False
            stop_process(server.process)
            shutil.rmtree(server.directory, ignore_errors=True)
            return True

    def stop_all(self) -> None:
        """Stops every server, deletes the manager's directory (data, keys, CA) and frees the address block."""
        with self._lock:
            for cluster_id in list(self._servers):
                self.stop(cluster_id)
            if self._root is not None:
                shutil.rmtree(self._root, ignore_errors=True)
                self._root = None
            if self._root_lock is not None:
                os.close(self._root_lock)
                self._root_lock = None
            if self._block is not None:
                self._block.release()
                self._block = None
            self._ca = None

    def info(self, cluster_id: str) -> ServerInfo | None:
        """The running server of `cluster_id`, if any."""
        with self._lock:
            server = self._servers.get(cluster_id)
            return server.info if server else None

    def servers(self) -> list[ServerInfo]:
        with self._lock:
            return [server.info for server in self._servers.values()]

    @property
    def ca_bundle_path(self) -> str | None:
        """The CA certificate that signs every server of this manager (None before the first start)."""
        return self._ca.bundle_path if self._ca else None

    @property
    def address_block(self) -> str | None:
        """The manager's loopback block, e.g. `127.64.3.0/24` (None before the first start)."""
        return self._block.cidr if self._block else None

    @property
    def directory(self) -> str | None:
        """The manager's directory (None before the first start and after stop_all)."""
        return self._root

    def __enter__(self) -> PostgresServers:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop_all()

    # --- internals ---------------------------------------------------------------------------

    def _prepare(self) -> None:
        if self._root is not None:
            return
        self._binaries = find_server_binaries(self._bin_dir)
        self._os_user = database_os_user(self._os_user_when_root)
        check_reachable(self._base_dir, self._os_user)
        remove_stale_directories(self._base_dir)
        root = tempfile.mkdtemp(prefix=f"{ROOT_PREFIX}{os.getpid()}-", dir=self._base_dir)
        try:
            self._root_lock = os.open(os.path.join(root, LOCK_NAME), os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(self._root_lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            # Others may traverse (the database user to its data dir, clients to the CA) but not list.
            os.chmod(root, 0o711)
            self._block = claim_block(self._seed)
            self._ca = CertificateAuthority(
                os.path.join(root, "ca.pem"), f"dms-privatelink-lab emulator CA ({self._block.cidr})"
            )
        except BaseException:
            self._root = root
            self.stop_all()
            raise
        self._root = root
        if not self._atexit_registered:
            atexit.register(self.stop_all)
            self._atexit_registered = True

    def _start(
        self,
        cluster_id: str,
        master_username: str,
        master_password: str,
        database_name: str | None,
        dns_names: Iterable[str],
    ) -> ServerInfo:
        assert self._root is not None and self._block is not None and self._ca is not None and self._os_user
        user = self._os_user
        address = self._block.free_address({server.info.address for server in self._servers.values()})
        directory = os.path.join(self._root, address)
        data_dir = os.path.join(directory, "data")
        socket_dir = os.path.join(directory, "socket")
        log_path = os.path.join(directory, "server.log")
        names = tuple(sorted(set(dns_names)))
        os.makedirs(socket_dir, mode=0o700)
        for path in (directory, socket_dir):
            os.chmod(path, 0o700)
            if user.owner:
                os.chown(path, *user.owner)
        process: subprocess.Popen[bytes] | None = None
        try:
            self._initdb(directory, data_dir, master_username, master_password)
            self._configure(directory, data_dir, address, socket_dir, master_username)
            self._issue_certificate(directory, address, names)
            with open(log_path, "ab") as log:
                if user.owner:
                    os.chown(log_path, *user.owner)
                process = spawner().popen(
                    [os.path.join(self._binaries, "postgres"), "-D", data_dir],
                    cwd=directory,
                    env=child_environment(),
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    # Out of the emulator's process group: a Ctrl-C reaches the emulator, which
                    # then stops its servers in order.
                    start_new_session=True,
                    **user.popen_arguments(),
                )
            wait_until_ready(process, data_dir, log_path)
            info = ServerInfo(
                cluster_id=cluster_id,
                address=address,
                port=PORT,
                dns_names=names,
                master_username=master_username,
                database_name=database_name or None,
                ca_bundle_path=self._ca.bundle_path,
                data_dir=data_dir,
                socket_dir=socket_dir,
                log_path=log_path,
                pid=process.pid,
            )
            self._sql(info, rds_roles_sql(master_username))
            if database_name and database_name != "postgres":
                self._sql(info, f"CREATE DATABASE {quote_identifier(database_name)}")
        except BaseException:
            if process is not None:
                stop_process(process)
            shutil.rmtree(directory, ignore_errors=True)
            raise
        self._servers[cluster_id] = _Server(info, process, directory)
        return info

    def _initdb(self, directory: str, data_dir: str, master_username: str, master_password: str) -> None:
        assert self._os_user is not None
        password_file = os.path.join(directory, "password")
        write_file(password_file, f"{master_password}\n".encode(), 0o600, self._os_user.owner)
        try:
            result = subprocess.run(
                [
                    os.path.join(self._binaries, "initdb"),
                    f"--pgdata={data_dir}",
                    f"--username={master_username}",
                    f"--pwfile={password_file}",
                    "--auth=scram-sha-256",
                    "--encoding=UTF8",
                    "--locale=C",
                    "--no-sync",
                    "--no-instructions",
                ],
                cwd=directory,
                env=child_environment(),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                check=False,
                **self._os_user.popen_arguments(),
            )
        finally:
            os.remove(password_file)
        if result.returncode != 0:
            raise PostgresStartFailed(f"initdb failed: {last_lines(result.stderr)}")

    def _configure(self, directory: str, data_dir: str, address: str, socket_dir: str, master_username: str) -> None:
        assert self._os_user is not None
        settings = {
            **SERVER_SETTINGS,
            "listen_addresses": f"'{address}'",
            "unix_socket_directories": quote_literal(socket_dir),
            "ssl_cert_file": quote_literal(os.path.join(directory, "server.crt")),
            "ssl_key_file": quote_literal(os.path.join(directory, "server.key")),
        }
        with open(os.path.join(data_dir, "postgresql.conf"), "a") as conf:
            conf.write("\n# dms-privatelink-lab emulator\n")
            conf.writelines(f"{name} = {value}\n" for name, value in settings.items())
        # TLS or nothing over TCP, as rds.force_ssl=1: a plain connection matches no line and gets
        # RDS's own answer, 'no pg_hba.conf entry ... no encryption'. The unix socket (in a
        # directory only the manager's user and the database's user can enter) is for the manager.
        hba = (
            "# TYPE  DATABASE     USER  ADDRESS      METHOD\n"
            "local   all          all                peer map=manager\n"
            "hostssl all          all   127.0.0.0/8  scram-sha-256\n"
            "hostssl replication  all   127.0.0.0/8  scram-sha-256\n"
        )
        manager_user = pwd.getpwuid(os.geteuid()).pw_name
        ident = f"manager {quote_identifier(manager_user)} {quote_identifier(master_username)}\n"
        write_file(os.path.join(data_dir, "pg_hba.conf"), hba.encode(), 0o600, self._os_user.owner)
        write_file(os.path.join(data_dir, "pg_ident.conf"), ident.encode(), 0o600, self._os_user.owner)

    def _issue_certificate(self, directory: str, address: str, names: tuple[str, ...]) -> bytes:
        """Writes a new server certificate and key; returns the certificate (DER)."""
        assert self._ca is not None and self._os_user is not None
        issued = self._ca.issue_server_certificate(address, names)
        # The key first: a reload between the two writes then fails on a mismatch and keeps the old pair.
        write_file(os.path.join(directory, "server.key"), issued.private_key_pem, 0o600, self._os_user.owner)
        write_file(os.path.join(directory, "server.crt"), issued.certificate_pem, 0o644, self._os_user.owner)
        return ssl.PEM_cert_to_DER_cert(issued.certificate_pem.decode())

    def _wait_for_certificate(self, address: str, certificate: bytes) -> None:
        assert self._ca is not None
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while served_certificate(address, self._ca.bundle_path) != certificate:
            if time.monotonic() > deadline:
                raise PostgresStartFailed(f"the server on {address} did not load its new certificate")
            time.sleep(0.05)

    def _sql(self, info: ServerInfo, statement: str) -> None:
        """Runs one statement as the master user over the private unix socket (peer authentication: no password)."""
        result = subprocess.run(
            [
                os.path.join(self._binaries, "psql"),
                "--no-psqlrc",
                "--quiet",
                "--set=ON_ERROR_STOP=1",
                f"--host={info.socket_dir}",
                f"--port={PORT}",
                f"--username={info.master_username}",
                "--dbname=postgres",
                "--file=-",
            ],
            input=statement.encode(),  # stdin, not argv: a password must not show in `ps`
            env=child_environment(),
            capture_output=True,
            check=False,
        )
        if result.returncode != 0:
            command = " ".join(statement.split(" ", 2)[:2])  # never the rest: it may hold a password
            raise PostgresStartFailed(f"{command} failed on {info.address}: {last_lines(result.stderr)}")


def check_reachable(directory: str, user: OsUser) -> None:
    """Raises when `user` could not enter `directory` (initdb would fail there with a less clear message)."""
    path = os.path.abspath(directory)
    while True:
        status = os.stat(path)
        if status.st_uid == user.uid:
            allowed = status.st_mode & 0o100
        elif status.st_gid == user.gid:
            allowed = status.st_mode & 0o010
        else:
            allowed = status.st_mode & 0o001
        if not allowed:
            raise PostgresStartFailed(
                f"the database's OS user {user.name} cannot enter {path}, so its servers cannot live under "
                f"{directory}; choose a base_dir it can reach (e.g. under {tempfile.gettempdir()})"
            )
        if path == os.path.dirname(path):
            return
        path = os.path.dirname(path)


def wait_until_ready(process: subprocess.Popen[bytes], data_dir: str, log_path: str) -> None:
    """Waits until the postmaster reports `ready` in postmaster.pid, as `pg_ctl start -w` does."""
    pid_file = os.path.join(data_dir, "postmaster.pid")
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while True:
        if process.poll() is not None:
            raise PostgresStartFailed(f"postgres exited with {process.returncode}: {last_lines(read_log(log_path))}")
        with contextlib.suppress(FileNotFoundError), open(pid_file) as file:
            lines = file.read().splitlines()
            # Line 8 is the postmaster's status (PM_STATUS_READY in pidfile.h).
            if len(lines) >= 8 and lines[7].strip() == "ready":
                return
        if time.monotonic() > deadline:
            output = last_lines(read_log(log_path))
            raise PostgresStartFailed(f"postgres was not ready after {READY_TIMEOUT_SECONDS} s: {output}")
        time.sleep(0.02)


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """Fast shutdown (SIGINT), then immediate (SIGQUIT), then SIGKILL; returns when the postmaster is gone."""
    for stop_signal, timeout in ((signal.SIGINT, STOP_TIMEOUT_SECONDS), (signal.SIGQUIT, 5), (signal.SIGKILL, 5)):
        if process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(stop_signal)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout)


def served_certificate(address: str, ca_bundle_path: str) -> bytes | None:
    """The certificate (DER) the server on `address` presents in a TLS handshake, or None if it does not answer."""
    context = ssl.create_default_context(cafile=ca_bundle_path)
    context.check_hostname = False
    try:
        with socket.create_connection((address, PORT), timeout=5) as connection:
            connection.sendall(SSL_REQUEST)
            if connection.recv(1) != b"S":
                return None
            with context.wrap_socket(connection) as tls:
                return tls.getpeercert(binary_form=True)
    except (OSError, ssl.SSLError):
        return None


def remove_stale_directories(base_dir: str) -> None:
    """Deletes the directories of managers whose process died without stopping them (e.g. SIGKILL).

    A live manager holds an exclusive lock on its directory's lock file; the kernel drops it when
    the process dies, and its servers have stopped by then (see processes.py).
    """
    now = time.time()
    for name in os.listdir(base_dir):
        path = os.path.join(base_dir, name)
        if not name.startswith(ROOT_PREFIX) or not os.path.isdir(path):
            continue
        try:
            if now - os.stat(path).st_mtime < STALE_AFTER_SECONDS or any_postmaster_alive(path):
                continue
            descriptor = os.open(os.path.join(path, LOCK_NAME), os.O_RDWR)
        except OSError:
            continue
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue  # a live manager
        finally:
            os.close(descriptor)
        shutil.rmtree(path, ignore_errors=True)


def any_postmaster_alive(manager_dir: str) -> bool:
    for pid_file in glob.glob(os.path.join(manager_dir, "*", "data", "postmaster.pid")):
        try:
            with open(pid_file) as file:
                pid = int(file.readline())
            os.kill(pid, 0)
        except (OSError, ValueError):
            continue
        return True
    return False


def rds_roles_sql(master_username: str) -> str:
    """RDS's roles on a new server: `rds_superuser` (the master user is a member, WITH ADMIN OPTION, as on
    Aurora; it stays a real superuser here) and `rds_replication` (granted to rds_superuser, as on RDS; see
    `PostgresServers.apply_rds_replication` for how its effect is emulated). Both NOLOGIN."""
    master = quote_identifier(master_username)
    return (
        "CREATE ROLE rds_superuser NOLOGIN;\n"
        "CREATE ROLE rds_replication NOLOGIN;\n"
        "GRANT rds_replication TO rds_superuser;\n"
        f"GRANT rds_superuser TO {master} WITH ADMIN OPTION;\n"
    )


# Every login role that is a member of rds_replication (directly or not), not a superuser and without the
# REPLICATION attribute, gets it.
RDS_REPLICATION_SQL = """DO $$
DECLARE member record;
BEGIN
  FOR member IN
    SELECT rolname FROM pg_roles
    WHERE rolcanlogin AND NOT rolsuper AND NOT rolreplication AND pg_has_role(oid, 'rds_replication', 'MEMBER')
  LOOP
    EXECUTE format('ALTER ROLE %I REPLICATION', member.rolname);
  END LOOP;
END $$;
"""


def quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def read_log(path: str) -> bytes:
    try:
        with open(path, "rb") as file:
            return file.read()
    except OSError:
        return b""


def last_lines(output: bytes, count: int = 5) -> str:
    lines = output.decode(errors="replace").strip().splitlines()
    return " | ".join(lines[-count:]) or "(no output)"
