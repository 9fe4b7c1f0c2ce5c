#!/usr/bin/env python3
"""Where the PostgreSQL server behind an emulated Aurora PostgreSQL cluster is, for psql and tests on the host.

Usage:  python3 emulator/resolve.py --endpoint http://127.0.0.1:<port> <cluster id or endpoint name>
Prints  hostaddr=<address>  and  sslrootcert=<CA bundle>, then the libpq connection string (no
password) that verifies the server under the name given. Exits 1 with one line when no server
matches. It reads the emulator's read-only listing, GET /_emulator/postgres-servers.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.request

LISTING_PATH = "/_emulator/postgres-servers"


def find_server(servers: list[dict], name: str) -> dict | None:
    """The server whose cluster id or one of whose DNS names (cluster, reader, instance endpoints) is `name`."""
    for server in servers:
        if name == server["cluster_id"] or name in server["dns_names"]:
            return server
    return None


def conninfo(server: dict, name: str) -> str:
    # Given a cluster id, verify under the cluster (writer) endpoint, as a client of the cluster would.
    writer = [dns for dns in server["dns_names"] if ".cluster-" in dns and ".cluster-ro-" not in dns]
    host = name if name in server["dns_names"] else (writer or server["dns_names"] or [server["address"]])[0]
    return (
        f"host={host} hostaddr={server['address']} port={server['port']} user={server['master_username']} "
        f"dbname={server['database_name'] or 'postgres'} sslmode=verify-full sslrootcert={server['ca_bundle_path']}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", required=True, help="the emulator's URL, as the launcher printed it")
    parser.add_argument("name", help="a DB cluster identifier, or its cluster, reader or instance endpoint")
    args = parser.parse_args(argv)

    with urllib.request.urlopen(args.endpoint.rstrip("/") + LISTING_PATH, timeout=10) as response:
        servers = json.load(response)["servers"]
    server = find_server(servers, args.name)
    if server is None:
        known = ", ".join(s["cluster_id"] for s in servers) or "none"
        print(f"no PostgreSQL server for {args.name!r} in the emulator at {args.endpoint} (clusters: {known})",
              file=sys.stderr)
        return 1
    print(f"hostaddr={server['address']}")
    print(f"sslrootcert={server['ca_bundle_path']}")
    print(conninfo(server, args.name))
    return 0


if __name__ == "__main__":
    sys.exit(main())
