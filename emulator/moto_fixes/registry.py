"""The corrections to moto: how one is registered (@patch), and how all are applied."""

from __future__ import annotations

from typing import Callable

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

