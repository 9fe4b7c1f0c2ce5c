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
def rds_instance_monitoring_settings() -> None:
    """AWS returns an instance's Enhanced Monitoring (MonitoringInterval,
    MonitoringRoleArn) and Performance Insights settings
    (PerformanceInsightsEnabled, ...KMSKeyId, ...RetentionPeriod) as created
    or modified; moto drops them on create and stores EnablePerformanceInsights
    under the request's name on modify, so DescribeDBInstances reports none
    and every plan wants to turn them on again (perpetual diff). Seen with
    moto 5.2.1."""
    from moto.rds.models import DBInstance

    settings = (
        "monitoring_interval",
        "monitoring_role_arn",
        "performance_insights_kms_key_id",
        "performance_insights_retention_period",
    )
    original_init = DBInstance.__init__
    original_update = DBInstance.update

    def remember(instance: Any, kwargs: dict[str, Any]) -> None:
        for name in settings:
            if kwargs.get(name) is not None:
                setattr(instance, name, kwargs[name])
        enabled = kwargs.get("enable_performance_insights")
        if enabled is not None:
            instance.performance_insights_enabled = str(enabled).lower() == "true"

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        self.monitoring_interval = 0
        self.performance_insights_enabled = False
        remember(self, kwargs)

    def update(self: Any, *args: Any, **db_kwargs: Any) -> None:
        enabled = db_kwargs.pop("enable_performance_insights", None)
        original_update(self, *args, **db_kwargs)
        remember(self, {"enable_performance_insights": enabled})

    DBInstance.__init__ = __init__
    DBInstance.update = update


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


# The RDS events emitted to EventBridge: moto's event type (moto's own, or added here) -> (EventID, category,
# message). IDs, categories and messages as in "Amazon RDS event categories and event messages for Aurora"
# (Aurora User Guide); messages without the table's final full stop, as events carry them.
RDS_EVENTS: dict[str, tuple[str, str, str]] = {
    "DB_INSTANCE_CREATE": ("RDS-EVENT-0005", "creation", "DB instance created"),
    "DB_INSTANCE_DELETE": ("RDS-EVENT-0003", "deletion", "DB instance deleted"),
    "DB_INSTANCE_RESTART": ("RDS-EVENT-0006", "availability", "DB instance restarted"),
    "DB_INSTANCE_CLASS_MODIFY_START": (
        "RDS-EVENT-0012",
        "configuration change",
        "Applying modification to database instance class",
    ),
    "DB_INSTANCE_CLASS_MODIFY_FINISH": (
        "RDS-EVENT-0014",
        "configuration change",
        "Finished applying modification to DB instance class",
    ),
    "DB_INSTANCE_PARAMETER_GROUP": ("RDS-EVENT-0011", "configuration change", "Updated to use DBParameterGroup {name}"),
    "DB_INSTANCE_RESET_MASTER_CREDENTIALS": ("RDS-EVENT-0016", "configuration change", "Reset master credentials"),
    "DB_CLUSTER_FAILOVER_SAME_AZ": ("RDS-EVENT-0072", "failover", "Started same AZ failover to DB instance: {name}"),
    "DB_CLUSTER_FAILOVER_CROSS_AZ": ("RDS-EVENT-0073", "failover", "Started cross AZ failover to DB instance: {name}"),
    "DB_CLUSTER_FAILOVER_COMPLETE": ("RDS-EVENT-0071", "failover", "Completed failover to DB instance: {name}"),
}
# moto's source type (DescribeEvents) -> the event's detail-type and detail.SourceType in EventBridge.
RDS_EVENT_SOURCES = {
    "db-instance": ("RDS DB Instance Event", "DB_INSTANCE"),
    "db-cluster": ("RDS DB Cluster Event", "CLUSTER"),
}


def rds_event_detail(event: Any, event_id: str) -> dict[str, Any]:
    """The `detail` of an RDS event in EventBridge, in the order AWS's examples show it."""
    date = event.date
    return {
        "EventCategories": list(event.event_categories),
        "SourceType": RDS_EVENT_SOURCES[event.source_type][1],
        "SourceArn": event.source_arn,
        "Date": date.strftime("%Y-%m-%dT%H:%M:%S.") + f"{date.microsecond // 1000:03d}Z",
        "Message": event.message,
        "SourceIdentifier": event.source_identifier,
        "EventID": event_id,
    }


def emit_rds_event(backend: Any, event: Any, event_type: str) -> None:
    """Put the event on the default bus of the backend's account and region, as RDS does; never fails the call."""
    import datetime
    import sys

    if event_type not in RDS_EVENTS or event.source_type not in RDS_EVENT_SOURCES:
        return
    try:
        from moto.events.models import events_backends

        detail = rds_event_detail(event, RDS_EVENTS[event_type][0])
        moment = event.date.replace(tzinfo=datetime.timezone.utc).timestamp()
        events_backends[backend.account_id][backend.region_name].put_events(
            [
                {
                    "Source": "aws.rds",
                    "DetailType": RDS_EVENT_SOURCES[event.source_type][0],
                    "Detail": json.dumps(detail),
                    "Resources": [event.source_arn],
                    "Time": moment,
                }
            ]
        )
    except Exception as exc:
        print(f"RDS: could not emit {event_type} for {event.source_identifier}: {exc!r}", file=sys.stderr, flush=True)


@patch
def rds_eventbridge_events() -> None:
    """AWS RDS puts an event on the default EventBridge bus (source aws.rds,
    detail-type "RDS DB Instance Event" / "RDS DB Cluster Event", detail with
    EventCategories, SourceType, SourceArn, Date, Message, SourceIdentifier and
    EventID) and in DescribeEvents when a resource changes; moto emitted nothing
    to EventBridge and recorded only creation and backup events, so a rule on
    RDS events (the lab's writer-sync after a failover) never fired.
    FailoverDBCluster now emits RDS-EVENT-0072 or -0073 (started, same or cross
    AZ) and RDS-EVENT-0071 (completed); CreateDBInstance RDS-EVENT-0005,
    DeleteDBInstance RDS-EVENT-0003, RebootDBInstance RDS-EVENT-0006, and
    ModifyDBInstance RDS-EVENT-0012 and -0014 (instance class), -0011 (parameter
    group), -0016 (master password). Seen with moto 5.2.1."""
    from moto.rds.models import DBCluster, Event, RDSBackend

    for event_type, (_, category, message) in RDS_EVENTS.items():
        Event.EVENT_MAP.setdefault(event_type, {"Categories": [category], "Message": message})
    # DescribeEvents' source type of a cluster; moto had none, as it recorded no cluster events.
    DBCluster.event_source_type = "db-cluster"

    failover_db_cluster = RDSBackend.failover_db_cluster
    delete_db_instance = RDSBackend.delete_db_instance
    reboot_db_instance = RDSBackend.reboot_db_instance
    modify_db_instance = RDSBackend.modify_db_instance

    def add_event(self: Any, event_type: str, resource: Any, **names: str) -> None:
        event = Event(event_type, resource)
        if names:
            event.message = event.message.format(**names)
        self.events.append(event)
        emit_rds_event(self, event, event_type)

    def failover(self: Any, db_cluster_identifier: str, target_db_instance_identifier: str | None = None) -> Any:
        cluster = self.clusters.get(db_cluster_identifier)
        old_writer = cluster.writer if cluster is not None else None
        cluster = failover_db_cluster(self, db_cluster_identifier, target_db_instance_identifier)
        new_writer = cluster.writer
        name = target_db_instance_identifier or getattr(new_writer, "db_instance_identifier", "")
        same_az = (
            old_writer is not None
            and new_writer is not None
            and old_writer.availability_zone == new_writer.availability_zone
        )
        self.add_event("DB_CLUSTER_FAILOVER_SAME_AZ" if same_az else "DB_CLUSTER_FAILOVER_CROSS_AZ", cluster, name=name)
        self.add_event("DB_CLUSTER_FAILOVER_COMPLETE", cluster, name=name)
        return cluster

    def delete_instance(self: Any, db_instance_identifier: str, *args: Any, **kwargs: Any) -> Any:
        database = delete_db_instance(self, db_instance_identifier, *args, **kwargs)
        self.add_event("DB_INSTANCE_DELETE", database)
        return database

    def reboot_instance(self: Any, db_instance_identifier: str, *args: Any, **kwargs: Any) -> Any:
        database = reboot_db_instance(self, db_instance_identifier, *args, **kwargs)
        self.add_event("DB_INSTANCE_RESTART", database)
        return database

    def modify_instance(self: Any, db_instance_identifier: str, db_kwargs: dict[str, Any]) -> Any:
        before = self.databases.get(db_instance_identifier)
        old_class = getattr(before, "db_instance_class", None)
        old_group = getattr(before, "db_parameter_group_name", None)
        database = modify_db_instance(self, db_instance_identifier, db_kwargs)
        if db_kwargs.get("db_instance_class") and database.db_instance_class != old_class:
            self.add_event("DB_INSTANCE_CLASS_MODIFY_START", database)
            self.add_event("DB_INSTANCE_CLASS_MODIFY_FINISH", database)
        if db_kwargs.get("db_parameter_group_name") and db_kwargs["db_parameter_group_name"] != old_group:
            self.add_event("DB_INSTANCE_PARAMETER_GROUP", database, name=db_kwargs["db_parameter_group_name"])
        if db_kwargs.get("master_user_password"):
            self.add_event("DB_INSTANCE_RESET_MASTER_CREDENTIALS", database)
        return database

    RDSBackend.add_event = add_event
    RDSBackend.failover_db_cluster = failover
    RDSBackend.delete_db_instance = delete_instance
    RDSBackend.reboot_db_instance = reboot_instance
    RDSBackend.modify_db_instance = modify_instance


@patch
def rds_failover_within_the_cluster() -> None:
    """AWS FailoverDBCluster promotes an instance of that cluster; a
    TargetDBInstanceIdentifier that names an instance of another cluster is
    rejected (InvalidParameterValue). moto made that instance a writer of its own
    cluster, which then had two writers in DBClusterMembers, while the failed-over
    cluster kept its writer. Seen with moto 5.2.1."""
    from moto.rds.exceptions import InvalidParameterValue
    from moto.rds.models import DBCluster

    original = DBCluster.failover

    def failover(self: Any, target_instance: Any) -> None:
        if getattr(target_instance, "db_cluster_identifier", None) != self.db_cluster_identifier:
            raise InvalidParameterValue(
                f"DB instance {target_instance.db_instance_identifier} is not a member of DB cluster "
                f"{self.db_cluster_identifier}."
            )
        original(self, target_instance)

    DBCluster.failover = failover
