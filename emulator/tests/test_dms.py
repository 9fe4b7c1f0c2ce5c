"""The DMS corrections, each shown as the AWS behaviour it restores."""

from __future__ import annotations

import json
from typing import Any, Callable

import pytest
from botocore.exceptions import ClientError

TABLE_MAPPINGS = json.dumps(
    {
        "rules": [
            {
                "rule-type": "selection",
                "rule-id": "1",
                "rule-name": "1",
                "object-locator": {"schema-name": "demo_schema", "table-name": "%"},
                "rule-action": "include",
            }
        ]
    }
)


def create_endpoint(dms: Any, identifier: str, kind: str, tags: list[dict] | None = None) -> str:
    return dms.create_endpoint(
        EndpointIdentifier=identifier,
        EndpointType=kind,
        EngineName="aurora-postgresql",
        ServerName="db.example.internal",
        Port=5432,
        DatabaseName="demo_db",
        Username="dms_user",
        Password="not-a-secret",
        Tags=tags or [],
    )["Endpoint"]["EndpointArn"]


@pytest.mark.correction("dms_epoch_timestamps")
def test_timestamps_are_epoch_numbers_on_the_wire(aws: Callable[[str], Any], unique: Callable[[str], str]) -> None:
    dms = aws("dms")
    raw: dict[str, bytes] = {}

    def keep_body(response_dict: dict, **_: Any) -> None:
        raw["body"] = response_dict["body"]

    dms.meta.events.register("before-parse.database-migration-service.CreateReplicationInstance", keep_body)
    dms.create_replication_instance(ReplicationInstanceIdentifier=unique("ri"), ReplicationInstanceClass="dms.t3.micro")

    instance = json.loads(raw["body"])["ReplicationInstance"]
    assert isinstance(instance["InstanceCreateTime"], (int, float))


@pytest.mark.correction("dms_task_becomes_ready")
def test_a_new_task_becomes_ready(aws: Callable[[str], Any], unique: Callable[[str], str]) -> None:
    dms = aws("dms")
    instance_arn = dms.create_replication_instance(
        ReplicationInstanceIdentifier=unique("ri"), ReplicationInstanceClass="dms.t3.micro"
    )["ReplicationInstance"]["ReplicationInstanceArn"]
    task_arn = dms.create_replication_task(
        ReplicationTaskIdentifier=unique("task"),
        SourceEndpointArn=create_endpoint(dms, unique("src"), "source"),
        TargetEndpointArn=create_endpoint(dms, unique("tgt"), "target"),
        ReplicationInstanceArn=instance_arn,
        MigrationType="full-load",
        TableMappings=TABLE_MAPPINGS,
    )["ReplicationTask"]["ReplicationTaskArn"]

    tasks = dms.describe_replication_tasks(Filters=[{"Name": "replication-task-arn", "Values": [task_arn]}])

    assert [task["Status"] for task in tasks["ReplicationTasks"]] == ["ready"]


@pytest.mark.correction("dms_replication_subnet_groups")
def test_a_subnet_group_reads_back_its_subnets_and_is_tagged_by_arn(
    aws: Callable[[str], Any], unique: Callable[[str], str], network: Any
) -> None:
    dms = aws("dms")
    name = unique("subgrp")
    dms.create_replication_subnet_group(
        ReplicationSubnetGroupIdentifier=name,
        ReplicationSubnetGroupDescription="both zones",
        SubnetIds=list(network.subnet_ids),
        Tags=[{"Key": "Deployment", "Value": "test"}],
    )

    group = dms.describe_replication_subnet_groups(Filters=[{"Name": "replication-subnet-group-id", "Values": [name]}])[
        "ReplicationSubnetGroups"
    ][0]
    assert group["VpcId"] == network.vpc_id
    assert [(s["SubnetIdentifier"], s["SubnetAvailabilityZone"]["Name"]) for s in group["Subnets"]] == list(
        zip(network.subnet_ids, network.availability_zones)
    )
    arn = f"arn:aws:dms:us-east-1:123456789012:subgrp:{name}"
    assert dms.list_tags_for_resource(ResourceArn=arn)["TagList"] == [
        {"Key": "Deployment", "Value": "test", "ResourceArn": arn}
    ]

    instance = dms.create_replication_instance(
        ReplicationInstanceIdentifier=unique("ri"),
        ReplicationInstanceClass="dms.t3.micro",
        ReplicationSubnetGroupIdentifier=name,
    )["ReplicationInstance"]
    assert instance["ReplicationSubnetGroup"]["VpcId"] == network.vpc_id
    assert [s["SubnetIdentifier"] for s in instance["ReplicationSubnetGroup"]["Subnets"]] == list(network.subnet_ids)


@pytest.mark.correction("dms_event_subscriptions")
def test_event_subscriptions_can_be_created_read_changed_and_deleted(
    aws: Callable[[str], Any], unique: Callable[[str], str]
) -> None:
    dms = aws("dms")
    name = unique("events")
    topic = "arn:aws:sns:us-east-1:123456789012:alarms"

    created = dms.create_event_subscription(
        SubscriptionName=name, SnsTopicArn=topic, SourceType="replication-task", EventCategories=["failure"]
    )["EventSubscription"]
    assert (created["CustSubscriptionId"], created["Status"], created["Enabled"]) == (name, "active", True)

    dms.modify_event_subscription(SubscriptionName=name, EventCategories=["failure", "state change"])
    described = dms.describe_event_subscriptions(SubscriptionName=name)["EventSubscriptionsList"]
    assert [each["EventCategoriesList"] for each in described] == [["failure", "state change"]]

    dms.delete_event_subscription(SubscriptionName=name)
    with pytest.raises(ClientError, match="ResourceNotFoundFault"):
        dms.describe_event_subscriptions(SubscriptionName=name)


@pytest.mark.correction("dms_tags_by_arn")
def test_tags_change_by_arn_and_go_with_their_resource(aws: Callable[[str], Any], unique: Callable[[str], str]) -> None:
    dms = aws("dms")
    name = unique("src")
    arn = create_endpoint(dms, name, "source", tags=[{"Key": "Owner", "Value": "lab"}])

    dms.add_tags_to_resource(ResourceArn=arn, Tags=[{"Key": "Stage", "Value": "one"}])
    dms.remove_tags_from_resource(ResourceArn=arn, TagKeys=["Owner"])
    assert dms.list_tags_for_resource(ResourceArn=arn)["TagList"] == [
        {"Key": "Stage", "Value": "one", "ResourceArn": arn}
    ]

    dms.delete_endpoint(EndpointArn=arn)
    again = create_endpoint(dms, name, "source")
    assert dms.list_tags_for_resource(ResourceArn=again)["TagList"] == []
