"""The PostgreSQL server behind an Aurora PostgreSQL cluster, reached as on AWS: master secret, TLS, endpoints."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Callable

import psycopg
import pytest
import resolve
from moto_fixes.rds import postgres_servers

EMULATOR_DIR = Path(__file__).resolve().parents[1]
MASTER_USER = "labadmin"
DATABASE = "demo_db"


def listing(endpoint: str) -> list[dict]:
    with urllib.request.urlopen(endpoint + resolve.LISTING_PATH, timeout=10) as response:
        return json.load(response)["servers"]


def connect(server: dict, host_name: str, user: str, password: str) -> psycopg.Connection:
    """As a client of RDS connects: the endpoint name is verified against the certificate, hostaddr says where to go."""
    return psycopg.connect(
        host=host_name,
        hostaddr=server["address"],
        port=server["port"],
        user=user,
        password=password,
        dbname=server["database_name"],
        sslmode="verify-full",
        sslrootcert=server["ca_bundle_path"],
        connect_timeout=5,
        autocommit=True,
    )


def master_secret(aws: Callable[[str], Any], cluster: dict) -> dict:
    arn = cluster["MasterUserSecret"]["SecretArn"]
    return json.loads(aws("secretsmanager").get_secret_value(SecretId=arn)["SecretString"])


@pytest.fixture(scope="module")
def cluster(aws: Callable[[str], Any], unique: Callable[[str], str], network: Any) -> Iterator[dict]:
    """An Aurora PostgreSQL cluster as the lab creates it: in a subnet group, its master password managed by RDS."""
    rds = aws("rds")
    subnet_group = unique("pg-subnets")
    rds.create_db_subnet_group(
        DBSubnetGroupName=subnet_group, DBSubnetGroupDescription="test", SubnetIds=list(network.subnet_ids)
    )
    created = rds.create_db_cluster(
        DBClusterIdentifier=unique("pg-cluster"),
        Engine="aurora-postgresql",
        EngineVersion="16.6",
        MasterUsername=MASTER_USER,
        ManageMasterUserPassword=True,
        DatabaseName=DATABASE,
        DBSubnetGroupName=subnet_group,
    )["DBCluster"]
    yield created
    rds.delete_db_cluster(DBClusterIdentifier=created["DBClusterIdentifier"], SkipFinalSnapshot=True)


@pytest.mark.correction("rds_master_user_secret_credentials")
def test_the_master_secret_holds_the_master_user_and_a_generated_password(
    aws: Callable[[str], Any], cluster: dict
) -> None:
    secret = master_secret(aws, cluster)

    assert secret["username"] == MASTER_USER
    assert len(secret["password"]) == 28 and secret["password"] != "P@55w0rd!"


@pytest.mark.correction("rds_aurora_postgresql_servers")
def test_the_master_secret_opens_the_database_at_the_cluster_and_reader_endpoints_over_verified_tls(
    aws: Callable[[str], Any], endpoint: str, cluster: dict
) -> None:
    secret = master_secret(aws, cluster)
    (server,) = [s for s in listing(endpoint) if s["cluster_id"] == cluster["DBClusterIdentifier"]]

    for host_name in (cluster["Endpoint"], cluster["ReaderEndpoint"]):
        with connect(server, host_name, secret["username"], secret["password"]) as connection:
            row = connection.execute(
                "SELECT current_database(), current_setting('wal_level'), ssl FROM pg_stat_ssl "
                "WHERE pid = pg_backend_pid()"
            ).fetchone()
            assert row == (DATABASE, "logical", True)


def test_an_instance_endpoint_is_in_the_servers_certificate(
    aws: Callable[[str], Any], endpoint: str, cluster: dict, unique: Callable[[str], str]
) -> None:
    instance = aws("rds").create_db_instance(
        DBInstanceIdentifier=unique("pg-writer"),
        DBClusterIdentifier=cluster["DBClusterIdentifier"],
        Engine="aurora-postgresql",
        DBInstanceClass="db.t4g.medium",
    )["DBInstance"]
    secret = master_secret(aws, cluster)
    (server,) = [s for s in listing(endpoint) if s["cluster_id"] == cluster["DBClusterIdentifier"]]

    try:
        with connect(server, instance["Endpoint"]["Address"], secret["username"], secret["password"]) as connection:
            assert connection.execute("SELECT 1").fetchone() == (1,)
    finally:
        aws("rds").delete_db_instance(DBInstanceIdentifier=instance["DBInstanceIdentifier"], SkipFinalSnapshot=True)


def test_resolve_prints_where_a_cluster_endpoint_is_and_the_ca(endpoint: str, cluster: dict) -> None:
    resolved = subprocess.run(
        [sys.executable, str(EMULATOR_DIR / "resolve.py"), "--endpoint", endpoint, cluster["Endpoint"]],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    info = postgres_servers().info(cluster["DBClusterIdentifier"])
    assert info is not None

    lines = resolved.stdout.splitlines()
    assert lines[:2] == [f"hostaddr={info.address}", f"sslrootcert={info.ca_bundle_path}"]
    assert lines[2] == info.conninfo(host_name=cluster["Endpoint"])


def test_resolve_names_the_clusters_it_knows_when_nothing_matches(endpoint: str) -> None:
    resolved = subprocess.run(
        [sys.executable, str(EMULATOR_DIR / "resolve.py"), "--endpoint", endpoint, "no-such-cluster"],
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert resolved.returncode == 1
    assert resolved.stderr.startswith("no PostgreSQL server for 'no-such-cluster'")


def test_a_new_master_password_is_the_servers_password(aws: Callable[[str], Any], endpoint: str, cluster: dict) -> None:
    aws("rds").modify_db_cluster(
        DBClusterIdentifier=cluster["DBClusterIdentifier"],
        ManageMasterUserPassword=False,
        MasterUserPassword="a-new-master-password",
        ApplyImmediately=True,
    )
    (server,) = [s for s in listing(endpoint) if s["cluster_id"] == cluster["DBClusterIdentifier"]]

    with connect(server, cluster["Endpoint"], MASTER_USER, "a-new-master-password") as connection:
        assert connection.execute("SELECT current_user").fetchone() == (MASTER_USER,)


def test_deleting_the_cluster_stops_its_server_and_deletes_its_data(
    aws: Callable[[str], Any], endpoint: str, unique: Callable[[str], str]
) -> None:
    rds = aws("rds")
    identifier = unique("pg-gone")
    rds.create_db_cluster(
        DBClusterIdentifier=identifier,
        Engine="aurora-postgresql",
        EngineVersion="16.6",
        MasterUsername=MASTER_USER,
        MasterUserPassword="not-a-secret",
    )
    info = postgres_servers().info(identifier)
    assert info is not None and os.path.isdir(info.data_dir)

    rds.delete_db_cluster(DBClusterIdentifier=identifier, SkipFinalSnapshot=True)

    assert postgres_servers().info(identifier) is None
    assert identifier not in [s["cluster_id"] for s in listing(endpoint)]
    assert not os.path.exists(info.data_dir)
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(
            hostaddr=info.address,
            host=info.address,
            port=info.port,
            user=MASTER_USER,
            password="not-a-secret",
            sslmode="require",
            connect_timeout=2,
        )


def test_missing_postgresql_binaries_stop_the_launcher_with_one_line_before_it_listens(tmp_path: Path) -> None:
    launched = subprocess.run(
        [sys.executable, str(EMULATOR_DIR / "launcher.py"), "--port", "0", "--quiet"],
        env={**os.environ, "EMULATOR_POSTGRES_BIN_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert launched.returncode == 1
    assert launched.stdout == ""
    assert launched.stderr.splitlines() == [
        "PostgreSQL server binaries not found (initdb, postgres); "
        "install Debian's postgresql package: apt-get install -y postgresql"
    ]
