"""Corrections to moto's RDS where it departs from AWS; the PostgreSQL server behind each Aurora PostgreSQL cluster."""

from __future__ import annotations

import json
import os
import secrets
import string
from typing import TYPE_CHECKING, Any

from .registry import patch

if TYPE_CHECKING:
    from dataplane import PostgresServers


@patch
def rds_no_scaling_configuration_for_provisioned() -> None:
    """AWS returns ScalingConfigurationInfo only for engine_mode=serverless
    (v1) clusters; moto always returns one (all fields null), which the
    provider reads as a `scaling_configuration` block on a provisioned Aurora
    cluster -> perpetual diff. Seen with moto 5.2.1."""
    from moto.rds.models import DBCluster

    original = DBCluster.scaling_configuration_info.fget

    def scaling_configuration_info(self: Any) -> Any:
        if not self.scaling_configuration:
            return None
        return original(self)

    DBCluster.scaling_configuration_info = property(scaling_configuration_info)


@patch
def rds_aurora_storage_types() -> None:
    """AWS accepts storage_type "aurora" (Standard) and "aurora-iopt1"
    (I/O-Optimized) for Aurora clusters; moto's CreateDBCluster raises
    KeyError (HTTP 500) for both, and the provider retries until its timeout.
    Seen with moto 5.2.1."""
    from moto.rds.models import DBCluster

    original = DBCluster.default_allocated_storage

    def default_allocated_storage(engine: str, storage_type: str) -> int:
        if engine.startswith("aurora") and storage_type in ("aurora", "aurora-iopt1"):
            return 1
        return original(engine, storage_type)

    DBCluster.default_allocated_storage = staticmethod(default_allocated_storage)


@patch
def rds_default_ca_certificate() -> None:
    """AWS gives a new DB instance the CA rds-ca-rsa2048-g1 by default; moto
    reports `rds-ca-default`, so a config that sets
    ca_cert_identifier = "rds-ca-rsa2048-g1" makes the provider issue a
    ModifyDBInstance right after create and then wait (minutes) for an
    update that AWS would not have needed. Seen with moto 5.2.1."""
    from moto.rds.models import DBInstance

    original = DBInstance.__init__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        if self.ca_certificate_identifier in (None, "rds-ca-default"):
            self.ca_certificate_identifier = "rds-ca-rsa2048-g1"

    DBInstance.__init__ = __init__


@patch
def rds_master_user_secret_credentials() -> None:
    """AWS writes the resource's master user name and a generated password into
    the RDS-managed master secret (ManageMasterUserPassword); moto wrote
    {"username": "admin", "password": "P@55w0rd!"} for every cluster and
    instance, so a client that reads the secret logs in as a user that does not
    exist, with a password everyone knows. Seen with moto 5.2.1."""
    from moto.rds.models import MasterUserSecret

    def _generate_secret_string(self: Any) -> str:
        username = getattr(self.resource, "master_username", None) or "admin"
        return json.dumps({"username": username, "password": generated_password()})

    MasterUserSecret._generate_secret_string = _generate_secret_string


def generated_password(length: int = 28) -> str:
    """A password like the ones RDS generates: letters, digits and punctuation, never / @ " or a space."""
    alphabet = string.ascii_letters + string.digits + "!#$%&()*+,-.:;<=>?[]^_{|}~"
    return "".join(secrets.choice(alphabet) for _ in range(length))


_servers: PostgresServers | None = None


def postgres_servers() -> PostgresServers:
    """The emulator process's one manager of PostgreSQL servers (created on first use; costs nothing until a start)."""
    global _servers
    if _servers is None:
        from dataplane import PostgresServers

        _servers = PostgresServers(bin_dir=os.environ.get(POSTGRES_BIN_DIR_VARIABLE) or None)
    return _servers


# Where the PostgreSQL binaries are when they are not Debian's 15 (nor initdb's on PATH).
POSTGRES_BIN_DIR_VARIABLE = "EMULATOR_POSTGRES_BIN_DIR"
POSTGRES_ENGINE = "aurora-postgresql"
PASSWORD_SETTINGS = ("master_user_password", "manage_master_user_password", "rotate_master_user_password")


def cluster_master_password(cluster: Any) -> str:
    """The cluster's master password: the one in its managed master secret, else MasterUserPassword."""
    if getattr(cluster, "manage_master_user_password", False) and hasattr(cluster, "master_user_secret"):
        secret_arn = cluster.master_user_secret.secret_arn
        value = cluster.backend.secretsmanager.get_secret_value(secret_arn, None, "AWSCURRENT")
        return json.loads(value["SecretString"])["password"]
    return getattr(cluster, "_master_user_password", None) or ""


@patch
def rds_aurora_postgresql_servers() -> None:
    """AWS runs a PostgreSQL server behind every aurora-postgresql cluster,
    reachable at the cluster, reader and instance endpoints as the master user
    with the password in the master secret; moto kept only the API record, so
    there was nothing to connect to and a DMS endpoint on the cluster pointed at
    nothing. A real server (dataplane/postgres.py, TLS required, logical
    replication on) now starts on CreateDBCluster, adds each instance endpoint
    to its certificate on CreateDBInstance, follows master password changes on
    ModifyDBCluster, and stops with its data deleted on DeleteDBCluster.
    Seen with moto 5.2.1."""
    from moto.rds.models import RDSBackend

    create_db_cluster = RDSBackend.create_db_cluster
    modify_db_cluster = RDSBackend.modify_db_cluster
    delete_db_cluster = RDSBackend.delete_db_cluster
    create_db_instance = RDSBackend.create_db_instance

    def create_cluster(self: Any, kwargs: dict[str, Any]) -> Any:
        cluster = create_db_cluster(self, kwargs)
        if cluster.engine != POSTGRES_ENGINE:
            return cluster
        try:
            postgres_servers().start(
                cluster.db_cluster_identifier,
                cluster.master_username,
                cluster_master_password(cluster),
                cluster.database_name,
                dns_names=(cluster.endpoint, cluster.reader_endpoint),
            )
        except Exception:
            # No cluster without its server: AWS would not report one as created either.
            delete_db_cluster(self, cluster.db_cluster_identifier)
            raise
        return cluster

    def modify_cluster(self: Any, kwargs: dict[str, Any]) -> Any:
        password_changes = any(kwargs.get(setting) is not None for setting in PASSWORD_SETTINGS)
        cluster = modify_db_cluster(self, kwargs)
        servers = postgres_servers()
        if password_changes and servers.info(cluster.db_cluster_identifier) is not None:
            servers.set_master_password(cluster.db_cluster_identifier, cluster_master_password(cluster))
        return cluster

    def delete_cluster(self: Any, cluster_identifier: str, *args: Any, **kwargs: Any) -> Any:
        cluster = delete_db_cluster(self, cluster_identifier, *args, **kwargs)
        postgres_servers().stop(cluster_identifier)
        return cluster

    def create_instance(self: Any, db_kwargs: dict[str, Any]) -> Any:
        instance = create_db_instance(self, db_kwargs)
        cluster_id = getattr(instance, "db_cluster_identifier", None)
        servers = postgres_servers()
        if cluster_id and servers.info(cluster_id) is not None:
            servers.add_dns_names(cluster_id, [instance.address])
        return instance

    RDSBackend.create_db_cluster = create_cluster
    RDSBackend.modify_db_cluster = modify_cluster
    RDSBackend.delete_db_cluster = delete_cluster
    RDSBackend.create_db_instance = create_instance
