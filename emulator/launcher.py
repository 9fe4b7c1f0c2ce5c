#!/usr/bin/env python3
"""Emulator launcher for the dms-privatelink-lab.

Starts moto's server (moto 5.2.1) on 127.0.0.1 and applies small, documented
corrections where moto departs from AWS in ways that make the real Terraform
AWS provider (hashicorp/aws 5.100.0) fail or see a perpetual diff.

Usage:  python3 emulator/launcher.py [--port N] [--quiet] [--list-patches]
        (N=0, the default: pick a free port)
Prints  "emulator listening on http://127.0.0.1:<port>"  once ready, and exits
cleanly on SIGTERM / SIGINT, stopping the PostgreSQL servers behind its Aurora
PostgreSQL clusters. Exits 1, before listening, with one line saying what to
install when the installed moto is not the version the corrections were written
for, or when the PostgreSQL server binaries are missing.

The corrections live in emulator/moto_fixes/, one module per AWS service; see
emulator/README.md.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from typing import Any

from dataplane.postgres import PostgresNotInstalled, find_server_binaries
from dms_standin import task_registry
from moto_fixes import PATCHES, apply_patches, moto_version_problem
from moto_fixes.environment import prepare_environment
from moto_fixes.rds import POSTGRES_BIN_DIR_VARIABLE, postgres_servers
from moto_fixes.server import make_emulator_server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="0 = pick a free port")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--quiet", action="store_true", help="no request log")
    parser.add_argument("--list-patches", action="store_true", help="print the patches and exit")
    args = parser.parse_args(argv)

    if args.list_patches:
        for fn in PATCHES:
            first = " ".join((fn.__doc__ or "").split())
            print(f"{fn.__name__}: {first}")
        return 0

    problem = moto_version_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    try:
        find_server_binaries(os.environ.get(POSTGRES_BIN_DIR_VARIABLE) or None)
    except PostgresNotInstalled as missing:
        print(missing, file=sys.stderr)
        return 1

    # Before moto is first imported: it reads these at import.
    prepare_environment()
    apply_patches()

    if args.quiet:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)

    server = make_emulator_server(args.host, args.port)
    port = server.server_address[1]

    stop = threading.Event()

    def on_signal(signum: int, frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    print(f"emulator listening on http://{args.host}:{port}", flush=True)
    try:
        while not stop.wait(0.5):
            if not thread.is_alive():
                return 1
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        return 0
    finally:
        # DMS replication tasks read and write the servers: they stop first.
        task_registry().close_all()
        postgres_servers().stop_all()


if __name__ == "__main__":
    sys.exit(main())
