"""Child processes that run as the database's OS user and die with the emulator, however it dies.

PostgreSQL refuses to run as root, so when the emulator is root its servers run as an
unprivileged user (Debian's `postgres`). And a server must not outlive a killed emulator: each
postmaster asks the kernel for SIGINT (PostgreSQL's fast shutdown) when its parent goes
(PR_SET_PDEATHSIG). The kernel sends that signal when the *thread* that forked the child ends,
not the process, and the emulator serves each request on a short-lived thread, so servers are
forked from one long-lived thread of their own.
"""

from __future__ import annotations

import ctypes
import os
import pwd
import queue
import signal
import subprocess
import sys
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, Callable

PR_SET_PDEATHSIG = 1
# Resolved now, in the parent: the child between fork and exec must not import or load anything.
_prctl = ctypes.CDLL(None, use_errno=True).prctl if sys.platform.startswith("linux") else None


@dataclass(frozen=True)
class OsUser:
    """Who the database processes run as; `switch` when the emulator is root and they must not be."""

    name: str
    uid: int
    gid: int
    switch: bool

    @property
    def owner(self) -> tuple[int, int] | None:
        """Whom files the servers read must belong to; None when they run as the emulator's own user."""
        return (self.uid, self.gid) if self.switch else None

    def popen_arguments(self) -> dict[str, Any]:
        if not self.switch:
            return {}
        return {"user": self.uid, "group": self.gid, "extra_groups": []}


def database_os_user(name_when_root: str) -> OsUser:
    """The emulator's own user, or `name_when_root` when the emulator runs as root."""
    if os.geteuid() != 0:
        entry = pwd.getpwuid(os.geteuid())
        return OsUser(entry.pw_name, entry.pw_uid, entry.pw_gid, switch=False)
    try:
        entry = pwd.getpwnam(name_when_root)
    except KeyError:
        raise RuntimeError(
            f"PostgreSQL refuses to run as root and the OS user {name_when_root!r} does not exist; "
            "install Debian's postgresql package (it creates the user) or run the emulator as a normal user"
        ) from None
    return OsUser(entry.pw_name, entry.pw_uid, entry.pw_gid, switch=True)


def child_environment() -> dict[str, str]:
    """A clean environment: the caller's PG* variables (PGHOST, PGPASSWORD...) must not leak into the tools."""
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C", "LANG": "C"}


class Spawner:
    """Starts long-running children from one daemon thread that lives as long as the process."""

    def __init__(self) -> None:
        self._requests: queue.Queue[tuple[Callable[[], subprocess.Popen[bytes]], Future[subprocess.Popen[bytes]]]]
        self._requests = queue.Queue()
        self._thread = threading.Thread(target=self._serve, name="postgres-spawner", daemon=True)
        self._thread.start()

    def popen(self, args: list[str], **kwargs: Any) -> subprocess.Popen[bytes]:
        """`subprocess.Popen(args, **kwargs)`, forked from the spawner thread, with SIGINT on the parent's death."""
        parent = os.getpid()

        def die_with_parent() -> None:
            if _prctl is not None:
                _prctl(PR_SET_PDEATHSIG, int(signal.SIGINT))
            # The parent may have gone before prctl took effect.
            if os.getppid() != parent:
                os.kill(os.getpid(), signal.SIGKILL)

        future: Future[subprocess.Popen[bytes]] = Future()
        self._requests.put((lambda: subprocess.Popen(args, preexec_fn=die_with_parent, **kwargs), future))
        return future.result()

    def _serve(self) -> None:
        while True:
            start, future = self._requests.get()
            try:
                future.set_result(start())
            except BaseException as error:  # handed to the caller, who re-raises it
                future.set_exception(error)


_spawner: Spawner | None = None
_spawner_lock = threading.Lock()


def spawner() -> Spawner:
    """The process's one spawner (created on first use)."""
    global _spawner
    with _spawner_lock:
        if _spawner is None:
            _spawner = Spawner()
        return _spawner
