#!/usr/bin/env python3
"""Where the PostgreSQL server behind an emulated Aurora PostgreSQL cluster is, for psql and tests on the host.

Usage:  python3 emulator/resolve.py --endpoint http://127.0.0.1:<port> <cluster id, endpoint or vpce name>
Prints  hostaddr=<address>  and  sslrootcert=<CA bundle>, then the libpq connection string (no
password): for a cluster id or an RDS endpoint name one that verifies the server under that name;
for an interface endpoint's name (vpce-...) one with sslmode=require, as on AWS, where the RDS
certificate does not name the endpoint. Exits 1 with one line when no server matches, or with the
missing link of the PrivateLink chain. It reads the emulator's read-only listing,
GET /_emulator/postgres-servers, and asks GET /_emulator/resolve for other names.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.parse
import urllib.request

LISTING_PATH = "/_emulator/postgres-servers"
RESOLVE_PATH = "/_emulator/resolve"


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


def through_private_link(endpoint: str, servers: list[dict], name: str) -> int:
    """Follows an interface endpoint's name to a server (the emulator walks the chain) and prints how to connect."""
    query = urllib.parse.urlencode({"host": name, "port": 5432})
    try:
        with urllib.request.urlopen(f"{endpoint.rstrip('/')}{RESOLVE_PATH}?{query}", timeout=10) as response:
            resolution = json.load(response)
    except urllib.error.HTTPError as error:
        resolution = json.load(error)
    server = next((s for s in servers if s["cluster_id"] == resolution.get("cluster_id")), None)
    if not resolution.get("address") or server is None:
        print(f"{name} leads to no PostgreSQL server: {resolution.get('reason')}", file=sys.stderr)
        return 1
    print(f"hostaddr={resolution['address']}")
    print(f"sslrootcert={resolution['ca_bundle_path']}")
    print(" -> ".join(resolution["chain"]))
    print(
        f"host={name} hostaddr={resolution['address']} port={server['port']} user={server['master_username']} "
        f"dbname={server['database_name'] or 'postgres'} sslmode=require"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", required=True, help="the emulator's URL, as the launcher printed it")
    parser.add_argument("name", help="a DB cluster identifier, or its cluster, reader or instance endpoint")
    args = parser.parse_args(argv)

    with urllib.request.urlopen(args.endpoint.rstrip("/") + LISTING_PATH, timeout=10) as response:
        servers = json.load(response)["servers"]
    server = find_server(servers, args.name)
    if server is None and args.name.startswith("vpce-"):
        return through_private_link(args.endpoint, servers, args.name)
    if server is None:
        known = ", ".join(s["cluster_id"] for s in servers) or "none"
        print(
            f"no PostgreSQL server for {args.name!r} in the emulator at {args.endpoint} (clusters: {known})",
            file=sys.stderr,
        )
        return 1
    print(f"hostaddr={server['address']}")
    print(f"sslrootcert={server['ca_bundle_path']}")
    print(conninfo(server, args.name))
    return 0


if __name__ == "__main__":
    sys.exit(main())
