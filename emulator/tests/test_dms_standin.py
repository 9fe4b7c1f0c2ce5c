"""The DMS stand-in through the DMS API: endpoints read from their secrets, real connection tests, tasks that replicate.

The world is the lab's, built with boto3: two Aurora PostgreSQL clusters (each with its server), the
source published through an NLB and an endpoint service to an interface endpoint in the DMS VPC, a
replication instance in that VPC, an access role that trusts DMS, a secret per endpoint whose host is
the interface endpoint's name (source) or the cluster endpoint (target).
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable

import psycopg
import pytest
from botocore.exceptions import ClientError
from dataplane.names import rds_instance_addresses, resolve

MASTER_USER = "labadmin"
RDS_CA_BUNDLE = os.path.join(os.path.dirname(__file__), "..", "..", "certificates", "rds-global-bundle.pem")
PASSWORD = "a-standin-password"
DATABASE = "demo_db"
TRUST_DMS = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "dms.amazonaws.com"}}],
    }
)


def selection(schema: str = "app", table: str = "%") -> dict[str, Any]:
    return {
        "rule-type": "selection",
        "rule-id": "1",
        "rule-name": "include-app",
        "object-locator": {"schema-name": schema, "table-name": table},
        "rule-action": "include",
    }


@dataclass(frozen=True)
class World:
    source_cluster: dict
    target_cluster: dict
    vpce_name: str
    instance_arn: str
    other_vpc_instance_arn: str
    role_arn: str
    source_endpoint_arn: str
    target_endpoint_arn: str
    make_endpoint: Callable[..., str]


def secret_value(host: str, password: str = PASSWORD) -> str:
    return json.dumps(
        {
            "engine": "aurora-postgresql",
            "host": host,
            "port": 5432,
            "username": MASTER_USER,
            "password": password,
            "dbname": DATABASE,
        }
    )


@pytest.fixture(scope="module")
def world(
    aws: Callable[[str], Any], unique: Callable[[str], str], network: Any, endpoint_service: Any
) -> Iterator[World]:
    rds, ec2, dms, iam, secrets = (aws(s) for s in ("rds", "ec2", "dms", "iam", "secretsmanager"))
    subnet_group = unique("standin-subnets")
    rds.create_db_subnet_group(
        DBSubnetGroupName=subnet_group, DBSubnetGroupDescription="test", SubnetIds=list(network.subnet_ids)
    )
    clusters, instances = [], []
    for side in ("source", "target"):
        cluster = rds.create_db_cluster(
            DBClusterIdentifier=unique(f"standin-{side}"),
            Engine="aurora-postgresql",
            EngineVersion="16.6",
            MasterUsername=MASTER_USER,
            MasterUserPassword=PASSWORD,
            DatabaseName=DATABASE,
            DBSubnetGroupName=subnet_group,
        )["DBCluster"]
        instance = rds.create_db_instance(
            DBInstanceIdentifier=unique(f"standin-{side}-writer"),
            DBClusterIdentifier=cluster["DBClusterIdentifier"],
            Engine="aurora-postgresql",
            DBInstanceClass="db.t4g.medium",
            DBSubnetGroupName=subnet_group,
        )["DBInstance"]
        clusters.append(cluster)
        instances.append(instance)
    source_cluster, target_cluster = clusters

    # The source's PrivateLink path: writer address -> target group -> NLB -> endpoint service -> interface endpoint.
    writer_ip = rds_instance_addresses()[instances[0]["Endpoint"]["Address"].lower()]
    path = endpoint_service(writer_ip, "standin")
    service_name = path.service_name
    dms_vpc = ec2.create_vpc(CidrBlock="10.60.0.0/16")["Vpc"]["VpcId"]
    dms_subnets = [
        ec2.create_subnet(VpcId=dms_vpc, CidrBlock=f"10.60.{i}.0/24", AvailabilityZone=zone)["Subnet"]["SubnetId"]
        for i, zone in enumerate(("us-east-1a", "us-east-1b"))
    ]
    vpce = ec2.create_vpc_endpoint(
        VpcEndpointType="Interface", VpcId=dms_vpc, ServiceName=service_name, SubnetIds=dms_subnets
    )["VpcEndpoint"]
    vpce_name = vpce["DnsEntries"][0]["DnsName"]

    def replication_instance(subnets: list[str]) -> str:
        name = unique("standin-subgrp")
        dms.create_replication_subnet_group(
            ReplicationSubnetGroupIdentifier=name, ReplicationSubnetGroupDescription="dms", SubnetIds=subnets
        )
        return dms.create_replication_instance(
            ReplicationInstanceIdentifier=unique("standin-ri"),
            ReplicationInstanceClass="dms.t3.micro",
            ReplicationSubnetGroupIdentifier=name,
        )["ReplicationInstance"]["ReplicationInstanceArn"]

    role_arn = iam.create_role(RoleName=unique("standin-dms-secrets"), AssumeRolePolicyDocument=TRUST_DMS)["Role"][
        "Arn"
    ]

    def make_endpoint(
        kind: str,
        host: str | None,
        password: str = PASSWORD,
        role: str = role_arn,
        ssl_mode: str = "require",
        certificate_arn: str | None = None,
    ) -> str:
        """An endpoint as the lab makes it: its secret (no value when host is None) and the access role."""
        name = unique(f"standin-{kind}")
        created = secrets.create_secret(Name=f"{name}/secret")
        if host is not None:
            secrets.put_secret_value(SecretId=created["ARN"], SecretString=secret_value(host, password))
        return dms.create_endpoint(
            EndpointIdentifier=name,
            EndpointType=kind,
            EngineName="aurora-postgresql",
            DatabaseName=DATABASE,
            SslMode=ssl_mode,
            **({"CertificateArn": certificate_arn} if certificate_arn else {}),
            PostgreSQLSettings={"SecretsManagerSecretId": created["ARN"], "SecretsManagerAccessRoleArn": role},
        )["Endpoint"]["EndpointArn"]

    yield World(
        source_cluster=source_cluster,
        target_cluster=target_cluster,
        vpce_name=vpce_name,
        instance_arn=replication_instance(dms_subnets),
        other_vpc_instance_arn=replication_instance(list(network.subnet_ids)),
        role_arn=role_arn,
        source_endpoint_arn=make_endpoint("source", vpce_name),
        target_endpoint_arn=make_endpoint("target", target_cluster["Endpoint"]),
        make_endpoint=make_endpoint,
    )
    for instance in instances:
        rds.delete_db_instance(DBInstanceIdentifier=instance["DBInstanceIdentifier"], SkipFinalSnapshot=True)
    for cluster in clusters:
        rds.delete_db_cluster(DBClusterIdentifier=cluster["DBClusterIdentifier"], SkipFinalSnapshot=True)


def sql(cluster: dict, statement: str, *args: Any) -> list[tuple]:
    """Run one statement on a cluster's server as the master user (over TLS, at its loopback address)."""
    where = resolve(cluster["Endpoint"])
    assert where is not None and where.address is not None
    with psycopg.connect(
        host=cluster["Endpoint"],
        hostaddr=where.address,
        port=5432,
        user=MASTER_USER,
        password=PASSWORD,
        dbname=DATABASE,
        sslmode="require",
        autocommit=True,
        connect_timeout=5,
    ) as connection:
        cursor = connection.execute(statement, args or None)
        return cursor.fetchall() if cursor.description else []


def eventually(probe: Callable[[], Any], expected: Any, timeout: float = 15.0) -> Any:
    """The probe's value once it is `expected`, or its last value (or error) at the deadline. A task is
    `running` before its full load has created the target tables, so the probe may fail at first."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = probe()
        except psycopg.errors.UndefinedTable:
            if time.monotonic() > deadline:
                raise
            value = None
        if value == expected or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


def connection_after_test(dms: Any, world: World, endpoint_arn: str, instance_arn: str | None = None) -> dict:
    instance_arn = instance_arn or world.instance_arn
    answered = dms.test_connection(ReplicationInstanceArn=instance_arn, EndpointArn=endpoint_arn)["Connection"]
    assert answered["Status"] == "testing"

    def status() -> dict:
        return dms.describe_connections(
            Filters=[
                {"Name": "endpoint-arn", "Values": [endpoint_arn]},
                {"Name": "replication-instance-arn", "Values": [instance_arn]},
            ]
        )["Connections"]

    deadline = time.monotonic() + 15
    while [c["Status"] for c in status()] == ["testing"] and time.monotonic() < deadline:
        time.sleep(0.05)
    [connection] = status()
    return connection


def task_of(dms: Any, arn: str) -> dict:
    [task] = dms.describe_replication_tasks(Filters=[{"Name": "replication-task-arn", "Values": [arn]}])[
        "ReplicationTasks"
    ]
    return task


def wait_status(dms: Any, arn: str, *statuses: str, timeout: float = 20.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        task = task_of(dms, arn)
        if task["Status"] in statuses or time.monotonic() > deadline:
            return task
        time.sleep(0.1)


def create_task(dms: Any, world: World, unique: Callable[[str], str], *rules: dict) -> str:
    arn = dms.create_replication_task(
        ReplicationTaskIdentifier=unique("standin-task"),
        SourceEndpointArn=world.source_endpoint_arn,
        TargetEndpointArn=world.target_endpoint_arn,
        ReplicationInstanceArn=world.instance_arn,
        MigrationType="full-load-and-cdc",
        TableMappings=json.dumps({"rules": list(rules) or [selection()]}),
    )["ReplicationTask"]["ReplicationTaskArn"]
    assert wait_status(dms, arn, "ready")["Status"] == "ready"
    return arn


# ---------------------------------------------------------------------------
# TestConnection / DescribeConnections
# ---------------------------------------------------------------------------


@pytest.mark.correction("dms_endpoint_connection_tests")
def test_a_connection_test_reads_the_secret_and_connects_through_the_interface_endpoint_twice(
    aws: Callable[[str], Any], world: World
) -> None:
    dms = aws("dms")
    for _ in range(2):  # moto crashed on the second test of a pair
        for endpoint_arn in (world.source_endpoint_arn, world.target_endpoint_arn):
            connection = connection_after_test(dms, world, endpoint_arn)
            assert (connection["Status"], connection["LastFailureMessage"]) == ("successful", "")

    by_instance = dms.describe_connections(
        Filters=[{"Name": "replication-instance-arn", "Values": [world.instance_arn]}]
    )["Connections"]
    assert sorted(c["EndpointArn"] for c in by_instance) == sorted(
        [world.source_endpoint_arn, world.target_endpoint_arn]
    )
    identifier = by_instance[0]["EndpointIdentifier"]
    by_name = dms.describe_connections(Filters=[{"Name": "endpoint-identifier", "Values": [identifier]}])
    assert [c["EndpointIdentifier"] for c in by_name["Connections"]] == [identifier]
    first = dms.describe_connections(MaxRecords=1)
    second = dms.describe_connections(MaxRecords=1, Marker=first["Marker"])
    assert first["Connections"] != second["Connections"]


@pytest.mark.correction("dms_endpoint_connection_tests")
def test_a_wrong_password_fails_with_postgresqls_message(aws: Callable[[str], Any], world: World) -> None:
    endpoint_arn = world.make_endpoint("source", world.vpce_name, password="not-the-password")

    connection = connection_after_test(aws("dms"), world, endpoint_arn)

    assert connection["Status"] == "failed"
    assert "password authentication failed" in connection["LastFailureMessage"]
    dms = aws("dms")
    dms.delete_endpoint(EndpointArn=endpoint_arn)
    assert dms.describe_connections(Filters=[{"Name": "endpoint-arn", "Values": [endpoint_arn]}])["Connections"] == []


@pytest.mark.correction("dms_endpoint_connection_tests")
def test_a_secret_without_a_value_fails_naming_the_secret(aws: Callable[[str], Any], world: World) -> None:
    endpoint_arn = world.make_endpoint("target", None)

    connection = connection_after_test(aws("dms"), world, endpoint_arn)

    assert connection["Status"] == "failed"
    assert "Failed to retrieve secret arn:aws:secretsmanager:" in connection["LastFailureMessage"]
    assert "can't find the specified secret value for staging label: AWSCURRENT" in connection["LastFailureMessage"]


@pytest.mark.correction("dms_endpoint_connection_tests")
def test_an_interface_endpoint_of_another_vpc_and_a_role_that_does_not_trust_dms_fail(
    aws: Callable[[str], Any], unique: Callable[[str], str], world: World
) -> None:
    dms = aws("dms")
    elsewhere = connection_after_test(dms, world, world.source_endpoint_arn, world.other_vpc_instance_arn)
    assert elsewhere["Status"] == "failed"
    assert "interface endpoint vpce-" in elsewhere["LastFailureMessage"]

    lambda_trust = TRUST_DMS.replace("dms.amazonaws.com", "lambda.amazonaws.com")
    role = aws("iam").create_role(RoleName=unique("not-dms"), AssumeRolePolicyDocument=lambda_trust)["Role"]["Arn"]
    untrusted = connection_after_test(dms, world, world.make_endpoint("source", world.vpce_name, role=role))
    assert untrusted["Status"] == "failed"
    assert "does not allow dms.amazonaws.com" in untrusted["LastFailureMessage"]


@pytest.mark.correction("dms_endpoint_connection_tests")
def test_verify_full_checks_the_name_dms_connects_to_against_the_certificate(
    aws: Callable[[str], Any], unique: Callable[[str], str], world: World
) -> None:
    dms = aws("dms")
    with open(RDS_CA_BUNDLE) as bundle:
        rds_ca = dms.import_certificate(CertificateIdentifier=unique("rds-ca"), CertificatePem=bundle.read())
    rds_ca_arn = rds_ca["Certificate"]["CertificateArn"]
    at_cluster = world.make_endpoint(
        "target", world.target_cluster["Endpoint"], ssl_mode="verify-full", certificate_arn=rds_ca_arn
    )
    through_vpce = world.make_endpoint("source", world.vpce_name, ssl_mode="verify-full", certificate_arn=rds_ca_arn)
    without_tls = world.make_endpoint("source", world.vpce_name, ssl_mode="none")

    assert connection_after_test(dms, world, at_cluster)["Status"] == "successful"
    mismatch = connection_after_test(dms, world, through_vpce)
    assert mismatch["Status"] == "failed"
    assert "does not match host name" in mismatch["LastFailureMessage"]  # the RDS certificate does not name the vpce
    refused = connection_after_test(dms, world, without_tls)
    assert refused["Status"] == "failed" and "no encryption" in refused["LastFailureMessage"]


# ---------------------------------------------------------------------------
# Replication tasks
# ---------------------------------------------------------------------------


@pytest.mark.correction("dms_replication_tasks_replicate")
def test_a_task_loads_then_replicates_changes_and_a_stopped_task_resumes_without_loss(
    aws: Callable[[str], Any], unique: Callable[[str], str], world: World
) -> None:
    dms = aws("dms")
    source, target = world.source_cluster, world.target_cluster
    sql(source, "CREATE SCHEMA app")
    sql(source, "CREATE TABLE app.items (id int PRIMARY KEY, name text)")
    sql(source, "INSERT INTO app.items SELECT g, 'item ' || g FROM generate_series(1, 50) g")
    arn = create_task(dms, world, unique)

    started = dms.start_replication_task(ReplicationTaskArn=arn, StartReplicationTaskType="start-replication")
    assert started["ReplicationTask"]["Status"] == "starting"
    running = wait_status(dms, arn, "running")
    assert running["Status"] == "running"
    assert eventually(lambda: sql(target, "SELECT count(*) FROM app.items"), [(50,)]) == [(50,)]

    sql(source, "INSERT INTO app.items VALUES (51, 'new')")
    sql(source, "UPDATE app.items SET name = 'changed' WHERE id = 1")
    sql(source, "DELETE FROM app.items WHERE id = 2")
    state = "SELECT count(*), max(id), (SELECT name FROM app.items WHERE id = 1) FROM app.items"
    assert eventually(lambda: sql(target, state), [(50, 51, "changed")], timeout=5) == [(50, 51, "changed")]

    with pytest.raises(ClientError, match=r"InvalidResourceStateFault.*cannot be modified while it is running"):
        dms.modify_replication_task(ReplicationTaskArn=arn, TableMappings=json.dumps({"rules": [selection()]}))
    with pytest.raises(ClientError, match="InvalidResourceStateFault"):
        dms.delete_replication_task(ReplicationTaskArn=arn)

    assert dms.stop_replication_task(ReplicationTaskArn=arn)["ReplicationTask"]["Status"] == "stopping"
    stopped = wait_status(dms, arn, "stopped")
    assert (stopped["Status"], stopped["StopReason"]) == ("stopped", "Stop Reason NORMAL")
    assert isinstance(stopped["ReplicationTaskStats"]["StopDate"], datetime)  # an epoch number on the wire
    with pytest.raises(ClientError, match="is currently not running"):
        dms.stop_replication_task(ReplicationTaskArn=arn)

    sql(source, "INSERT INTO app.items SELECT g, 'while stopped' FROM generate_series(52, 60) g")
    sql(source, "DELETE FROM app.items WHERE id = 3")
    time.sleep(0.5)
    assert sql(target, "SELECT count(*) FROM app.items") == [(50,)]  # the changes wait in the slot

    with pytest.raises(ClientError, match="valid only for tasks running for the first time"):
        dms.start_replication_task(ReplicationTaskArn=arn, StartReplicationTaskType="start-replication")
    dms.start_replication_task(ReplicationTaskArn=arn, StartReplicationTaskType="resume-processing")
    assert wait_status(dms, arn, "running")["Status"] == "running"
    expected = sql(source, "SELECT id, name FROM app.items ORDER BY id")
    assert eventually(lambda: sql(target, "SELECT id, name FROM app.items ORDER BY id"), expected) == expected

    dms.stop_replication_task(ReplicationTaskArn=arn)
    wait_status(dms, arn, "stopped")
    slots = "SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE 'dms_standin_%'"
    assert sql(source, slots) == [(1,)]
    deleted = dms.delete_replication_task(ReplicationTaskArn=arn)["ReplicationTask"]
    assert deleted["Status"] == "deleting"
    assert sql(source, slots) == [(0,)]  # the task's replication slot went with it
    assert (
        dms.describe_replication_tasks(Filters=[{"Name": "replication-task-arn", "Values": [arn]}])["ReplicationTasks"]
        == []
    )


@pytest.mark.correction("dms_table_statistics")
def test_table_statistics_count_what_the_task_loaded_and_applied(
    aws: Callable[[str], Any], unique: Callable[[str], str], world: World
) -> None:
    dms = aws("dms")
    source, target = world.source_cluster, world.target_cluster
    sql(source, "CREATE SCHEMA stats")
    sql(source, "CREATE TABLE stats.a (id int PRIMARY KEY)")
    sql(source, "CREATE TABLE stats.b (id int PRIMARY KEY)")
    sql(source, "INSERT INTO stats.a SELECT generate_series(1, 7)")
    arn = create_task(dms, world, unique, selection("stats"))
    assert dms.describe_table_statistics(ReplicationTaskArn=arn)["TableStatistics"] == []

    dms.start_replication_task(ReplicationTaskArn=arn, StartReplicationTaskType="start-replication")
    wait_status(dms, arn, "running")
    assert eventually(lambda: sql(target, "SELECT count(*) FROM stats.a"), [(7,)]) == [(7,)]
    sql(source, "INSERT INTO stats.b VALUES (1), (2)")
    sql(source, "UPDATE stats.a SET id = 70 WHERE id = 7")
    sql(source, "DELETE FROM stats.a WHERE id = 1")

    def counts() -> dict:
        answer = dms.describe_table_statistics(ReplicationTaskArn=arn)
        assert answer["ReplicationTaskArn"] == arn
        return {
            s["TableName"]: (s["FullLoadRows"], s["Inserts"], s["Updates"], s["Deletes"], s["TableState"])
            for s in answer["TableStatistics"]
        }

    expected = {"a": (7, 0, 1, 1, "Table completed"), "b": (0, 2, 0, 0, "Table completed")}
    assert eventually(counts, expected, timeout=5) == expected
    only_b = dms.describe_table_statistics(
        ReplicationTaskArn=arn,
        Filters=[{"Name": "table-name", "Values": ["b"]}, {"Name": "schema-name", "Values": ["stats"]}],
    )["TableStatistics"]
    assert [s["TableName"] for s in only_b] == ["b"]
    page = dms.describe_table_statistics(ReplicationTaskArn=arn, MaxRecords=1)
    assert len(page["TableStatistics"]) == 1 and page["Marker"]

    dms.stop_replication_task(ReplicationTaskArn=arn)
    wait_status(dms, arn, "stopped")
    dms.delete_replication_task(ReplicationTaskArn=arn)


@pytest.mark.correction("dms_replication_tasks_replicate")
def test_a_rule_the_stand_in_does_not_implement_refuses_the_start_naming_the_rule(
    aws: Callable[[str], Any], unique: Callable[[str], str], world: World
) -> None:
    dms = aws("dms")
    rename = {
        "rule-type": "transformation",
        "rule-id": "2",
        "rule-name": "rename-schema",
        "rule-target": "schema",
        "object-locator": {"schema-name": "app"},
        "rule-action": "rename",
        "value": "copy",
    }
    arn = create_task(dms, world, unique, selection(), rename)

    with pytest.raises(ClientError) as refused:
        dms.start_replication_task(ReplicationTaskArn=arn, StartReplicationTaskType="start-replication")

    assert refused.value.response["Error"]["Code"] == "InvalidParameterValueException"
    assert 'rule 2 (rule-name "rename-schema", rule-type "transformation"' in refused.value.response["Error"]["Message"]
    assert task_of(dms, arn)["Status"] == "ready"
    modified = dms.modify_replication_task(ReplicationTaskArn=arn, TableMappings=json.dumps({"rules": [selection()]}))
    assert modified["ReplicationTask"]["Status"] == "modifying"
    assert json.loads(task_of(dms, arn)["TableMappings"]) == {"rules": [selection()]}
    with pytest.raises(ClientError, match="not emulated"):
        dms.start_replication_task(
            ReplicationTaskArn=arn, StartReplicationTaskType="start-replication", CdcStartPosition="0/0"
        )
    dms.delete_replication_task(ReplicationTaskArn=arn)


@pytest.mark.correction("dms_replication_tasks_replicate")
def test_a_task_whose_endpoint_cannot_be_reached_fails_with_the_reason(
    aws: Callable[[str], Any], unique: Callable[[str], str], world: World
) -> None:
    dms = aws("dms")
    arn = dms.create_replication_task(
        ReplicationTaskIdentifier=unique("standin-task"),
        SourceEndpointArn=world.make_endpoint("source", None),
        TargetEndpointArn=world.target_endpoint_arn,
        ReplicationInstanceArn=world.instance_arn,
        MigrationType="full-load",
        TableMappings=json.dumps({"rules": [selection()]}),
    )["ReplicationTask"]["ReplicationTaskArn"]
    wait_status(dms, arn, "ready")

    started = dms.start_replication_task(ReplicationTaskArn=arn, StartReplicationTaskType="start-replication")
    failed = wait_status(dms, arn, "failed")

    assert started["ReplicationTask"]["Status"] == "starting"
    assert failed["Status"] == "failed" and failed["StopReason"] == "Stop Reason FATAL_ERROR"
    assert "Source endpoint" in failed["LastFailureMessage"]
    assert "staging label: AWSCURRENT" in failed["LastFailureMessage"]
    dms.delete_replication_task(ReplicationTaskArn=arn)


@pytest.mark.correction("dms_table_statistics")
def test_the_aws_cli_describes_tasks_and_table_statistics(
    aws: Callable[[str], Any], endpoint: str, unique: Callable[[str], str], world: World
) -> None:
    dms = aws("dms")
    sql(world.source_cluster, "CREATE SCHEMA cli")
    sql(world.source_cluster, "CREATE TABLE cli.t (id int PRIMARY KEY)")
    sql(world.source_cluster, "INSERT INTO cli.t SELECT generate_series(1, 3)")
    arn = create_task(dms, world, unique, selection("cli"))
    dms.start_replication_task(ReplicationTaskArn=arn, StartReplicationTaskType="start-replication")
    wait_status(dms, arn, "running")
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_MAX_ATTEMPTS": "1",
    }

    def cli(*args: str) -> dict:
        done = subprocess.run(
            ["aws", "dms", *args, "--endpoint-url", endpoint, "--output", "json"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return json.loads(done.stdout)

    tasks = cli("describe-replication-tasks", "--filters", f"Name=replication-task-arn,Values={arn}")
    [task] = tasks["ReplicationTasks"]
    assert task["Status"] == "running"
    assert task["ReplicationTaskStats"]["FullLoadProgressPercent"] == 100
    statistics = eventually(
        lambda: [
            (s["SchemaName"], s["TableName"], s["FullLoadRows"], s["TableState"])
            for s in cli("describe-table-statistics", "--replication-task-arn", arn)["TableStatistics"]
        ],
        [("cli", "t", 3, "Table completed")],
    )
    assert statistics == [("cli", "t", 3, "Table completed")]

    dms.stop_replication_task(ReplicationTaskArn=arn)
    wait_status(dms, arn, "stopped")
    dms.delete_replication_task(ReplicationTaskArn=arn)


# ---------------------------------------------------------------------------
# RDS's roles: rds_superuser and rds_replication
# ---------------------------------------------------------------------------


@pytest.mark.correction("dms_replication_tasks_replicate")
def test_a_user_granted_rds_replication_replicates_and_one_without_it_cannot(
    aws: Callable[[str], Any], unique: Callable[[str], str], world: World
) -> None:
    dms, secrets = aws("dms"), aws("secretsmanager")
    source = world.source_cluster
    assert sql(source, "SELECT pg_has_role(current_user, 'rds_superuser', 'MEMBER')") == [(True,)]
    assert sql(source, "SELECT rolcanlogin FROM pg_roles WHERE rolname IN ('rds_superuser', 'rds_replication')") == [
        (False,),
        (False,),
    ]
    # As an RDS script does it, the master over TLS: a DMS user with rds_replication, another without.
    sql(source, "CREATE SCHEMA roles")
    sql(source, "CREATE TABLE roles.items (id int PRIMARY KEY, name text)")
    sql(source, "INSERT INTO roles.items VALUES (1, 'one')")
    for user in ("dms_repl", "dms_plain"):
        sql(source, f"CREATE ROLE {user} LOGIN PASSWORD '{PASSWORD}'")
        sql(source, f"GRANT USAGE ON SCHEMA roles TO {user}")
        sql(source, f"GRANT SELECT ON ALL TABLES IN SCHEMA roles TO {user}")
    sql(source, "GRANT rds_replication TO dms_repl")

    def task_as(user: str) -> str:
        name = unique(f"standin-{user}")
        secret = secrets.create_secret(
            Name=f"{name}/secret",
            SecretString=json.dumps(
                {"host": world.vpce_name, "port": 5432, "username": user, "password": PASSWORD, "dbname": DATABASE}
            ),
        )["ARN"]
        endpoint = dms.create_endpoint(
            EndpointIdentifier=name,
            EndpointType="source",
            EngineName="aurora-postgresql",
            DatabaseName=DATABASE,
            SslMode="require",
            PostgreSQLSettings={"SecretsManagerSecretId": secret, "SecretsManagerAccessRoleArn": world.role_arn},
        )["Endpoint"]["EndpointArn"]
        arn = dms.create_replication_task(
            ReplicationTaskIdentifier=unique("standin-task"),
            SourceEndpointArn=endpoint,
            TargetEndpointArn=world.target_endpoint_arn,
            ReplicationInstanceArn=world.instance_arn,
            MigrationType="full-load-and-cdc",
            TableMappings=json.dumps({"rules": [selection("roles")]}),
        )["ReplicationTask"]["ReplicationTaskArn"]
        wait_status(dms, arn, "ready")
        dms.start_replication_task(ReplicationTaskArn=arn, StartReplicationTaskType="start-replication")
        return arn

    plain = task_as("dms_plain")
    failed = wait_status(dms, plain, "failed", "running")
    assert failed["Status"] == "failed"
    assert "must be superuser or replication role" in failed["LastFailureMessage"]
    dms.delete_replication_task(ReplicationTaskArn=plain)

    granted = task_as("dms_repl")
    assert wait_status(dms, granted, "running", "failed")["Status"] == "running"
    sql(source, "INSERT INTO roles.items VALUES (2, 'two')")
    rows = [(1, "one"), (2, "two")]
    assert eventually(lambda: sql(world.target_cluster, "SELECT id, name FROM roles.items ORDER BY id"), rows) == rows
    assert sql(source, "SELECT rolreplication FROM pg_roles WHERE rolname = 'dms_plain'") == [(False,)]
    dms.stop_replication_task(ReplicationTaskArn=granted)
    wait_status(dms, granted, "stopped")
    dms.delete_replication_task(ReplicationTaskArn=granted)


@pytest.mark.correction("dms_replication_tasks_replicate")
def test_cdc_latency_is_published_as_dms_publishes_it() -> None:
    """The engine's sink writes AWS/DMS CDCLatencySource/Target with DMS's two dimensions into moto's CloudWatch."""
    from types import SimpleNamespace

    from moto.cloudwatch.models import cloudwatch_backends
    from moto_fixes.dms import _cdc_latency_sink

    account, region = "123456789012", "eu-central-1"
    instance_arn = f"arn:aws:dms:{region}:{account}:rep:INSTANCE"
    backend = SimpleNamespace(
        account_id=account, region_name=region, replication_instances={instance_arn: SimpleNamespace(id="lab-dms")}
    )
    task = SimpleNamespace(
        arn=f"arn:aws:dms:{region}:{account}:task:TASKRESOURCEID", replication_instance_arn=instance_arn
    )

    _cdc_latency_sink(backend, task)(0.25, 1.5)

    data = [d for d in cloudwatch_backends[account][region].metric_data if d.namespace == "AWS/DMS"]
    assert sorted((d.name, d.value) for d in data) == [("CDCLatencySource", 0.25), ("CDCLatencyTarget", 1.5)]
    assert {(dim.name, dim.value) for dim in data[0].dimensions} == {
        ("ReplicationInstanceIdentifier", "lab-dms"),
        ("ReplicationTaskIdentifier", "TASKRESOURCEID"),
    }
