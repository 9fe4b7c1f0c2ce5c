"""RDS events on EventBridge, delivered to Lambda functions as the lab's writer-sync receives them."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Callable

import pytest
from moto_fixes.events import deliveries

ACCOUNT = "123456789012"
REGION = "us-east-1"

# Records every event it receives in a secret of its own (name: the function's, then the event's id), through the
# AWS SDK the runtime provides: the function calls back into the emulator while the call that emitted the event may
# still hold the emulator's one-call-at-a-time lock.
RECORDER = """
const { SecretsManagerClient, CreateSecretCommand } = require("@aws-sdk/client-secrets-manager");
exports.handler = async (event) => {
  const key = (event && event.id) || `input-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  await new SecretsManagerClient({}).send(new CreateSecretCommand({
    Name: `received/${process.env.AWS_LAMBDA_FUNCTION_NAME}/${key}`,
    SecretString: JSON.stringify(event),
  }));
  return key;
};
"""


def zipped(source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.js", source)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def role_arn(aws: Callable[[str], Any], unique: Callable[[str], str]) -> str:
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    name = unique("rds-events")
    return aws("iam").create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]


def recorder(aws: Callable[[str], Any], name: str, role_arn: str) -> str:
    return aws("lambda").create_function(
        FunctionName=name,
        Runtime="nodejs20.x",
        Role=role_arn,
        Handler="index.handler",
        Code={"ZipFile": zipped(RECORDER)},
        Timeout=10,
    )["FunctionArn"]


def received(aws: Callable[[str], Any], function_name: str) -> list[Any]:
    """What the function was given, once every delivery has finished."""
    assert deliveries.wait(30), "EventBridge deliveries still running after 30 s"
    secrets = aws("secretsmanager")
    prefix = f"received/{function_name}/"
    names = [
        s["Name"]
        for s in secrets.list_secrets(Filters=[{"Key": "name", "Values": [prefix]}], MaxResults=100)["SecretList"]
        if s["Name"].startswith(prefix)
    ]
    return [json.loads(secrets.get_secret_value(SecretId=name)["SecretString"]) for name in names]


def lab_pattern(cluster_id: str, instance_ids: list[str]) -> str:
    """The pattern of the lab's writer-sync rule (constructs/connectivity/writer-target-sync.ts)."""
    return json.dumps(
        {
            "source": ["aws.rds"],
            "detail-type": ["RDS DB Cluster Event", "RDS DB Instance Event"],
            "detail": {"SourceIdentifier": [cluster_id, *instance_ids]},
        }
    )


def put_rule(aws: Callable[[str], Any], name: str, pattern: str, function_arn: str, **target: Any) -> str:
    events = aws("events")
    rule_arn = events.put_rule(Name=name, EventPattern=pattern)["RuleArn"]
    events.put_targets(Rule=name, Targets=[{"Id": "function", "Arn": function_arn, **target}])
    return rule_arn


def allow_events(aws: Callable[[str], Any], function_name: str, source_arn: str | None) -> None:
    """As the lab's aws_lambda_permission does: events.amazonaws.com, for the rule's ARN."""
    extra = {"SourceArn": source_arn} if source_arn else {}
    aws("lambda").add_permission(
        FunctionName=function_name,
        StatementId="AllowEventBridge",
        Action="lambda:InvokeFunction",
        Principal="events.amazonaws.com",
        **extra,
    )


@dataclass(frozen=True)
class Cluster:
    cluster_id: str
    arn: str
    writer: str
    reader: str


def make_cluster(
    aws: Callable[[str], Any], unique: Callable[[str], str], network: Any, engine: str, version: str
) -> Cluster:
    rds = aws("rds")
    subnet_group = unique("events-subnets")
    rds.create_db_subnet_group(
        DBSubnetGroupName=subnet_group, DBSubnetGroupDescription="test", SubnetIds=list(network.subnet_ids)
    )
    cluster_id = unique("events-cluster")
    arn = rds.create_db_cluster(
        DBClusterIdentifier=cluster_id,
        Engine=engine,
        EngineVersion=version,
        MasterUsername="labadmin",
        ManageMasterUserPassword=True,
        DatabaseName="demo_db",
        DBSubnetGroupName=subnet_group,
    )["DBCluster"]["DBClusterArn"]
    instances = []
    for index, zone in enumerate(network.availability_zones):
        instance_id = f"{cluster_id}-{index + 1}"
        rds.create_db_instance(
            DBInstanceIdentifier=instance_id,
            DBClusterIdentifier=cluster_id,
            Engine=engine,
            DBInstanceClass="db.r6g.large",
            AvailabilityZone=zone,
            PromotionTier=index,
        )
        instances.append(instance_id)
    return Cluster(cluster_id, arn, instances[0], instances[1])


def drop_cluster(aws: Callable[[str], Any], cluster: Cluster) -> None:
    rds = aws("rds")
    for instance_id in (cluster.writer, cluster.reader):
        rds.delete_db_instance(DBInstanceIdentifier=instance_id, SkipFinalSnapshot=True)
    rds.delete_db_cluster(DBClusterIdentifier=cluster.cluster_id, SkipFinalSnapshot=True)


@pytest.fixture(scope="module")
def mysql_cluster(aws: Callable[[str], Any], unique: Callable[[str], str], network: Any) -> Iterator[Cluster]:
    """For event-only tests: no server starts behind an aurora-mysql cluster."""
    cluster = make_cluster(aws, unique, network, "aurora-mysql", "8.0.mysql_aurora.3.05.2")
    yield cluster
    drop_cluster(aws, cluster)


def writer_of(aws: Callable[[str], Any], cluster_id: str) -> str:
    members = aws("rds").describe_db_clusters(DBClusterIdentifier=cluster_id)["DBClusters"][0]["DBClusterMembers"]
    writers = [m["DBInstanceIdentifier"] for m in members if m["IsClusterWriter"]]
    assert len(writers) == 1, members
    return writers[0]


@pytest.mark.correction("rds_eventbridge_events")
@pytest.mark.correction("events_lambda_targets")
def test_a_failover_reaches_the_function_as_the_rds_db_cluster_events_aws_emits(
    aws: Callable[[str], Any], unique: Callable[[str], str], network: Any, role_arn: str
) -> None:
    # The lab's path: an Aurora PostgreSQL cluster (its server starts), the writer-sync rule and permission.
    cluster = make_cluster(aws, unique, network, "aurora-postgresql", "16.6")
    try:
        function = unique("writer-sync")
        function_arn = recorder(aws, function, role_arn)
        rule_arn = put_rule(
            aws, unique("writer-sync"), lab_pattern(cluster.cluster_id, [cluster.writer, cluster.reader]), function_arn
        )
        allow_events(aws, function, rule_arn)
        assert writer_of(aws, cluster.cluster_id) == cluster.writer

        aws("rds").failover_db_cluster(DBClusterIdentifier=cluster.cluster_id)

        assert writer_of(aws, cluster.cluster_id) == cluster.reader
        events = sorted(received(aws, function), key=lambda e: e["detail"]["EventID"], reverse=True)
        assert [(e["detail"]["EventID"], e["detail"]["Message"]) for e in events] == [
            # The instances are in different zones.
            ("RDS-EVENT-0073", f"Started cross AZ failover to DB instance: {cluster.reader}"),
            ("RDS-EVENT-0071", f"Completed failover to DB instance: {cluster.reader}"),
        ]
        for event in events:
            assert set(event) == {
                "version",
                "id",
                "detail-type",
                "source",
                "account",
                "time",
                "region",
                "resources",
                "detail",
            }
            assert (event["version"], event["source"], event["detail-type"]) == ("0", "aws.rds", "RDS DB Cluster Event")
            assert (event["account"], event["region"], event["resources"]) == (ACCOUNT, REGION, [cluster.arn])
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", event["time"])
            detail = event["detail"]
            assert list(detail) == [
                "EventCategories",
                "SourceType",
                "SourceArn",
                "Date",
                "Message",
                "SourceIdentifier",
                "EventID",
            ]
            assert (detail["EventCategories"], detail["SourceType"]) == (["failover"], "CLUSTER")
            assert (detail["SourceArn"], detail["SourceIdentifier"]) == (cluster.arn, cluster.cluster_id)
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", detail["Date"])
        assert [d.status for d in deliveries.records() if d.rule_arn == rule_arn] == ["delivered", "delivered"]

        # DescribeEvents lists them too, under the cluster.
        listed = aws("rds").describe_events(SourceIdentifier=cluster.cluster_id, SourceType="db-cluster")["Events"]
        assert [e["Message"] for e in listed] == [e["detail"]["Message"] for e in events]

        # And back: the other way round, now from the second instance to the first.
        aws("rds").failover_db_cluster(
            DBClusterIdentifier=cluster.cluster_id, TargetDBInstanceIdentifier=cluster.writer
        )
        assert writer_of(aws, cluster.cluster_id) == cluster.writer
    finally:
        drop_cluster(aws, cluster)


@pytest.mark.correction("rds_eventbridge_events")
def test_instance_changes_are_rds_db_instance_events_with_their_event_ids(
    aws: Callable[[str], Any], unique: Callable[[str], str], network: Any, role_arn: str
) -> None:
    rds = aws("rds")
    instance_id = unique("events-instance")
    function = unique("instance-events")
    pattern = json.dumps(
        {"source": ["aws.rds"], "detail-type": ["RDS DB Instance Event"], "detail": {"SourceIdentifier": [instance_id]}}
    )
    rule_arn = put_rule(aws, unique("instance-events"), pattern, recorder(aws, function, role_arn))
    allow_events(aws, function, rule_arn)
    group = unique("events-params")
    rds.create_db_parameter_group(DBParameterGroupName=group, DBParameterGroupFamily="mysql8.0", Description="test")

    arn = rds.create_db_instance(
        DBInstanceIdentifier=instance_id,
        Engine="mysql",
        DBInstanceClass="db.t3.micro",
        AllocatedStorage=20,
        MasterUsername="admin",
        MasterUserPassword="password1234",
    )["DBInstance"]["DBInstanceArn"]
    rds.modify_db_instance(
        DBInstanceIdentifier=instance_id,
        DBInstanceClass="db.t3.small",
        DBParameterGroupName=group,
        MasterUserPassword="password5678",
        ApplyImmediately=True,
    )
    rds.reboot_db_instance(DBInstanceIdentifier=instance_id)
    rds.delete_db_instance(DBInstanceIdentifier=instance_id, SkipFinalSnapshot=True)

    events = sorted(received(aws, function), key=lambda e: e["detail"]["Date"])
    assert {(e["detail"]["EventID"], e["detail"]["EventCategories"][0], e["detail"]["Message"]) for e in events} == {
        ("RDS-EVENT-0005", "creation", "DB instance created"),
        ("RDS-EVENT-0012", "configuration change", "Applying modification to database instance class"),
        ("RDS-EVENT-0014", "configuration change", "Finished applying modification to DB instance class"),
        ("RDS-EVENT-0011", "configuration change", f"Updated to use DBParameterGroup {group}"),
        ("RDS-EVENT-0016", "configuration change", "Reset master credentials"),
        ("RDS-EVENT-0006", "availability", "DB instance restarted"),
        ("RDS-EVENT-0003", "deletion", "DB instance deleted"),
    }
    for event in events:
        assert (event["detail-type"], event["resources"]) == ("RDS DB Instance Event", [arn])
        assert (event["detail"]["SourceType"], event["detail"]["SourceIdentifier"]) == ("DB_INSTANCE", instance_id)


@pytest.mark.correction("events_lambda_targets")
def test_without_a_permission_for_eventbridge_the_event_is_dropped(
    aws: Callable[[str], Any], unique: Callable[[str], str], role_arn: str, mysql_cluster: Cluster
) -> None:
    pattern = lab_pattern(mysql_cluster.cluster_id, [mysql_cluster.writer, mysql_cluster.reader])
    unpermitted, other_rule = unique("no-permission"), unique("other-rule")
    rule_arns = [
        put_rule(aws, unique("no-permission"), pattern, recorder(aws, unpermitted, role_arn)),
        put_rule(aws, unique("other-rule"), pattern, recorder(aws, other_rule, role_arn)),
    ]
    # A permission for another rule's ARN does not let this rule invoke the function.
    allow_events(aws, other_rule, f"arn:aws:events:{REGION}:{ACCOUNT}:rule/some-other-rule")

    aws("rds").reboot_db_instance(DBInstanceIdentifier=mysql_cluster.reader)

    assert received(aws, unpermitted) == [] and received(aws, other_rule) == []
    dropped = [d for d in deliveries.records() if d.rule_arn in rule_arns]
    assert [d.status for d in dropped] == ["dropped", "dropped"]
    assert "does not allow events.amazonaws.com" in dropped[0].reason


@pytest.mark.correction("events_lambda_targets")
def test_only_enabled_rules_whose_pattern_matches_deliver(
    aws: Callable[[str], Any], unique: Callable[[str], str], role_arn: str, mysql_cluster: Cluster
) -> None:
    events = aws("events")
    function = unique("not-for-me")
    function_arn = recorder(aws, function, role_arn)
    allow_events(aws, function, None)
    rule_arns = [
        # Another cluster's identifiers.
        put_rule(aws, unique("other-cluster"), lab_pattern("another-cluster", ["another-cluster-1"]), function_arn),
    ]
    disabled = unique("disabled")
    rule_arns.append(put_rule(aws, disabled, lab_pattern(mysql_cluster.cluster_id, []), function_arn))
    events.disable_rule(Name=disabled)
    # A schedule matches no event (moto's rule without a pattern matched every one).
    schedule = unique("schedule")
    rule_arns.append(events.put_rule(Name=schedule, ScheduleExpression="rate(5 minutes)")["RuleArn"])
    events.put_targets(Rule=schedule, Targets=[{"Id": "function", "Arn": function_arn}])

    aws("rds").failover_db_cluster(DBClusterIdentifier=mysql_cluster.cluster_id)

    assert received(aws, function) == []
    assert [d for d in deliveries.records() if d.rule_arn in rule_arns] == []


@pytest.mark.correction("events_lambda_targets")
def test_input_input_path_and_input_transformer_shape_what_the_function_gets(
    aws: Callable[[str], Any], unique: Callable[[str], str], role_arn: str, mysql_cluster: Cluster
) -> None:
    pattern = lab_pattern(mysql_cluster.cluster_id, [])
    shapes = {
        "Input": {"Input": json.dumps({"reconcile": True})},
        "InputPath": {"InputPath": "$.detail"},
        "InputTransformer": {
            "InputTransformer": {
                "InputPathsMap": {"id": "$.detail.EventID", "cluster": "$.detail.SourceIdentifier"},
                "InputTemplate": '{"trigger": "rds-event", "event": "<id>", "cluster": "<cluster>"}',
            }
        },
    }
    functions = {}
    for shape, target in shapes.items():
        functions[shape] = unique(shape.lower())
        rule_arn = put_rule(aws, unique(shape.lower()), pattern, recorder(aws, functions[shape], role_arn), **target)
        allow_events(aws, functions[shape], rule_arn)

    aws("rds").failover_db_cluster(DBClusterIdentifier=mysql_cluster.cluster_id)

    assert received(aws, functions["Input"]) == [{"reconcile": True}] * 2
    details = received(aws, functions["InputPath"])
    assert sorted(d["EventID"] for d in details) == ["RDS-EVENT-0071", "RDS-EVENT-0073"]
    assert sorted(received(aws, functions["InputTransformer"]), key=lambda e: e["event"]) == [
        {"trigger": "rds-event", "event": "RDS-EVENT-0071", "cluster": mysql_cluster.cluster_id},
        {"trigger": "rds-event", "event": "RDS-EVENT-0073", "cluster": mysql_cluster.cluster_id},
    ]


@pytest.mark.correction("rds_failover_within_the_cluster")
def test_a_failover_target_must_be_an_instance_of_the_cluster(
    aws: Callable[[str], Any], unique: Callable[[str], str], network: Any, mysql_cluster: Cluster
) -> None:
    rds = aws("rds")
    other = make_cluster(aws, unique, network, "aurora-mysql", "8.0.mysql_aurora.3.05.2")
    try:
        writer = writer_of(aws, mysql_cluster.cluster_id)
        with pytest.raises(rds.exceptions.ClientError) as raised:
            rds.failover_db_cluster(
                DBClusterIdentifier=mysql_cluster.cluster_id, TargetDBInstanceIdentifier=other.reader
            )
        assert raised.value.response["Error"]["Code"] == "InvalidParameterValue"
        # Neither cluster changed: one writer each, the same as before.
        assert writer_of(aws, mysql_cluster.cluster_id) == writer
        assert writer_of(aws, other.cluster_id) == other.writer
    finally:
        drop_cluster(aws, other)
