"""The corrections to moto: how one is registered (@patch), how all are applied, and the moto they were written for."""

from __future__ import annotations

from typing import Callable

# Every correction was written against (and is tested with) this release; another one may have moved
# the classes they patch, or fixed moto in a way that a correction would now break.
MOTO_VERSION = "5.2.1"
INSTALL_COMMAND = f'python3 -m pip install "moto[server]=={MOTO_VERSION}"'

PATCHES: list[Callable[[], None]] = []


def patch(fn: Callable[[], None]) -> Callable[[], None]:
    """Register a correction; applied in order of registration by apply_patches()."""
    PATCHES.append(fn)
    return fn


def apply_patches() -> list[str]:
    """Apply every registered correction to moto's classes; returns their names."""
    applied = []
    for fn in PATCHES:
        fn()
        applied.append(fn.__name__)
    return applied


def moto_version_problem() -> str | None:
    """One line saying which moto is installed, which is needed and how to install it; None when it is the one."""
    from importlib import metadata

    try:
        installed = metadata.version("moto")
    except metadata.PackageNotFoundError:
        return f"moto is not installed; the emulator needs moto {MOTO_VERSION}: {INSTALL_COMMAND}"
    if installed == MOTO_VERSION:
        return None
    return (
        f"moto {installed} is installed, but the emulator's corrections were written for moto {MOTO_VERSION}: "
        f"{INSTALL_COMMAND}"
    )
