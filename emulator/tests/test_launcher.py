"""The launcher and the corrections as a whole: the moto version check, and a test and a docstring for each."""

from __future__ import annotations

import glob
import os
import subprocess
import sys
from pathlib import Path

import pytest
from moto_fixes import MOTO_VERSION, PATCHES, moto_version_problem

EMULATOR_DIR = Path(__file__).resolve().parents[1]
INSTALL = 'python3 -m pip install "moto[server]==5.2.1"'


def test_the_installed_moto_is_the_one_the_corrections_were_written_for() -> None:
    assert (MOTO_VERSION, moto_version_problem()) == ("5.2.1", None)


def test_another_moto_stops_the_launcher_with_one_line_that_says_what_to_install(tmp_path: Path) -> None:
    # Found before site-packages on sys.path, this metadata makes importlib.metadata report moto 5.3.0.
    (tmp_path / "moto-5.3.0.dist-info").mkdir()
    (tmp_path / "moto-5.3.0.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: moto\nVersion: 5.3.0\n")

    launched = subprocess.run(
        [sys.executable, str(EMULATOR_DIR / "launcher.py"), "--port", "0", "--quiet"],
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert launched.returncode != 0
    assert launched.stdout == ""
    assert launched.stderr.splitlines() == [
        f"moto 5.3.0 is installed, but the emulator's corrections were written for moto 5.2.1: {INSTALL}"
    ]


def test_a_missing_moto_is_named_with_the_command_that_installs_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from importlib import metadata

    def not_installed(name: str) -> str:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "version", not_installed)

    assert moto_version_problem() == f"moto is not installed; the emulator needs moto 5.2.1: {INSTALL}"


def test_every_correction_has_a_test() -> None:
    sources = "".join(Path(path).read_text() for path in glob.glob(str(EMULATOR_DIR / "tests" / "test_*.py")))

    untested = [fn.__name__ for fn in PATCHES if f'@pytest.mark.correction("{fn.__name__}")' not in sources]

    assert untested == []


def test_every_correction_says_what_aws_does_and_which_moto_it_was_seen_with() -> None:
    for fn in PATCHES:
        doc = " ".join((fn.__doc__ or "").split())
        assert "AWS" in doc and "moto" in doc, fn.__name__
        assert doc.endswith(f"Seen with moto {MOTO_VERSION}."), fn.__name__


def test_list_patches_prints_one_line_per_correction() -> None:
    listed = subprocess.run(
        [sys.executable, str(EMULATOR_DIR / "launcher.py"), "--list-patches"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )

    assert [line.split(":", 1)[0] for line in listed.stdout.splitlines()] == [fn.__name__ for fn in PATCHES]
