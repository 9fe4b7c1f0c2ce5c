"""Corrections to moto's DMS (Database Migration Service) where it departs from AWS."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, Callable

from .registry import patch


def _to_epoch(value: Any) -> Any:
    """ISO-8601 string (moto's serialisation) -> epoch seconds (AWS JSON)."""
    if not isinstance(value, str):
        return value
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.timestamp()


def _timestamp_members(service: str) -> set[str]:
    """Names of all members typed `timestamp` in botocore's model of service."""
    import botocore.session

    model = botocore.session.get_session().get_service_model(service)
    names: set[str] = set()
    for shape_name in model.shape_names:
        shape = model.shape_for(shape_name)
        if shape.type_name != "structure":
            continue
        for member, member_shape in shape.members.items():
            if member_shape.type_name == "timestamp":
                names.add(member)
    return names


def _convert_timestamps(obj: Any, keys: set[str]) -> Any:
    if isinstance(obj, dict):
        return {
            k: (_to_epoch(v) if k in keys else _convert_timestamps(v, keys))
            for k, v in obj.items()
        }
    if isinstance(obj, list):
        return [_convert_timestamps(v, keys) for v in obj]
    return obj


@patch
def dms_epoch_timestamps() -> None:
    """AWS (JSON 1.1 protocol) sends timestamps as epoch numbers; moto's DMS
    responses carry ISO-8601 strings (InstanceCreateTime,
    ReplicationTaskCreationDate, ...), which the Go SDK cannot decode.
    Seen with moto 5.2.1."""
    from moto.dms.responses import DatabaseMigrationServiceResponse as R

    keys = _timestamp_members("dms")
    original = R.call_action

    def call_action(self: Any) -> Any:
        status, headers, body = original(self)
        if isinstance(body, (str, bytes)) and body[:1] in ("{", b"{"):
            try:
                data = json.loads(body)
            except ValueError:
                return status, headers, body
            body = json.dumps(_convert_timestamps(data, keys))
        return status, headers, body

    R.call_action = call_action


@patch
def dms_task_becomes_ready() -> None:
    """AWS moves a new replication task from `creating` to `ready` once it is
    validated; moto leaves it in `creating` forever, so the provider's
    create waiter never returns. Seen with moto 5.2.1."""
    from moto.dms.models import DatabaseMigrationServiceBackend as B

    original = B.describe_replication_tasks

    def describe_replication_tasks(self: Any, *args: Any, **kwargs: Any) -> Any:
        tasks = original(self, *args, **kwargs)
        for task in tasks:
            if task.status == "creating":
                task.ready()
        return tasks

    B.describe_replication_tasks = describe_replication_tasks


def _subnet_group_arn(backend: Any, identifier: str) -> str:
    """A replication subnet group's ARN, which moto does not give it."""
    from moto.utilities.utils import get_partition

    partition = get_partition(backend.region_name)
    return f"arn:{partition}:dms:{backend.region_name}:{backend.account_id}:subgrp:{identifier}"


def _subnet_group_dict(group: Any, account_id: str, region: str) -> dict:
    from moto.ec2.models import ec2_backends

    ec2 = ec2_backends[account_id][region]
    subnets, vpc_id = [], None
    for subnet_id in group.subnetIds or []:
        try:
            subnet = ec2.get_subnet(subnet_id)
        except Exception:  # deleted behind our back: report what we were given
            subnets.append({"SubnetIdentifier": subnet_id, "SubnetStatus": "Active"})
            continue
        vpc_id = subnet.vpc_id
        subnets.append(
            {
                "SubnetIdentifier": subnet_id,
                "SubnetAvailabilityZone": {"Name": subnet.availability_zone},
                "SubnetStatus": "Active",
            }
        )
    return {
        "ReplicationSubnetGroupIdentifier": group.replication_subnet_group_identifier,
        "ReplicationSubnetGroupDescription": group.description,
        "VpcId": vpc_id,
        "SubnetGroupStatus": "Complete",
        "Subnets": subnets,
        "SupportedNetworkTypes": ["IPV4"],
    }


@patch
def dms_replication_subnet_groups() -> None:
    """AWS reads a replication subnet group back with the subnets (and VPC) it
    was created with, and tags it by its ARN
    (arn:...:dms:<region>:<account>:subgrp:<id>). moto did neither: it drops
    SubnetIds and returns the placeholder `subnet-12345` / `vpc-12345`, so
    subnet_ids diffs forever (the group embedded in a replication instance
    too); and it tags the group under its bare identifier, so provider
    default_tags read back empty -> perpetual diff on tags_all. One
    correction of CreateReplicationSubnetGroup restores both.
    Seen with moto 5.2.1."""
    from moto.dms import models as m

    B = m.DatabaseMigrationServiceBackend
    original_create = B.create_replication_subnet_group

    def create_replication_subnet_group(self: Any, *args: Any, **kwargs: Any) -> Any:
        group = original_create(self, *args, **kwargs)
        subnet_ids = kwargs.get("subnet_ids", args[2] if len(args) > 2 else None)
        group.subnetIds = list(subnet_ids or [])
        group._emu_backend = self
        name = group.replication_subnet_group_identifier
        tags = self.tagger.list_tags_for_resource(name).get("Tags", [])
        self.tagger.delete_all_tags_for_resource(name)
        if tags:
            self.tagger.tag_resource(_subnet_group_arn(self, name), tags)
        return group

    def group_to_dict(self: Any) -> dict:
        backend = getattr(self, "_emu_backend", None)
        if backend is None:
            return original_group_to_dict(self)
        return _subnet_group_dict(self, backend.account_id, backend.region_name)

    original_group_to_dict = m.FakeReplicationSubnetGroup.to_dict
    B.create_replication_subnet_group = create_replication_subnet_group
    m.FakeReplicationSubnetGroup.to_dict = group_to_dict

    original_create_ri = B.create_replication_instance

    def create_replication_instance(self: Any, *args: Any, **kwargs: Any) -> Any:
        instance = original_create_ri(self, *args, **kwargs)
        instance._emu_backend = self
        return instance

    original_ri_to_dict = m.FakeReplicationInstance.to_dict

    def ri_to_dict(self: Any) -> dict:
        data = original_ri_to_dict(self)
        backend = getattr(self, "_emu_backend", None)
        name = self.replication_subnet_group_identifier
        if backend is not None and name in backend.replication_subnet_groups:
            data["ReplicationSubnetGroup"] = backend.replication_subnet_groups[
                name
            ].to_dict()
        return data

    B.create_replication_instance = create_replication_instance
    m.FakeReplicationInstance.to_dict = ri_to_dict


@patch
def dms_event_subscriptions() -> None:
    """AWS DMS has Create/Describe/Modify/DeleteEventSubscription; moto has
    none of them (NotImplementedError -> HTTP 500), so aws_dms_event_subscription
    cannot be created. Minimal in-memory implementation. Seen with moto 5.2.1."""
    from moto.dms.exceptions import ResourceAlreadyExistsFault, ResourceNotFoundFault
    from moto.dms.responses import DatabaseMigrationServiceResponse as R
    from moto.utilities.utils import get_partition

    def subs(backend: Any) -> dict[str, dict]:
        if not hasattr(backend, "_emu_event_subscriptions"):
            backend._emu_event_subscriptions = {}
        return backend._emu_event_subscriptions

    def es_arn(backend: Any, name: str) -> str:
        partition = get_partition(backend.region_name)
        return f"arn:{partition}:dms:{backend.region_name}:{backend.account_id}:es:{name}"

    def get(backend: Any, name: str) -> dict:
        if name not in subs(backend):
            raise ResourceNotFoundFault(f"Event subscription {name} not found.")
        return subs(backend)[name]

    def create_event_subscription(self: Any) -> str:
        p = json.loads(self.body)
        backend = self.dms_backend
        name = p["SubscriptionName"]
        if name in subs(backend):
            raise ResourceAlreadyExistsFault(f"Event subscription {name} exists.")
        sub = {
            "CustomerAwsId": backend.account_id,
            "CustSubscriptionId": name,
            "SnsTopicArn": p["SnsTopicArn"],
            "Status": "active",
            "SubscriptionCreationTime": datetime.now(timezone.utc).strftime(
                "%Y-%m-%d %H:%M:%S.%f"
            )[:-3],
            "SourceType": p.get("SourceType"),
            "SourceIdsList": p.get("SourceIds") or [],
            "EventCategoriesList": p.get("EventCategories") or [],
            "Enabled": p.get("Enabled", True),
        }
        subs(backend)[name] = sub
        if p.get("Tags"):
            backend.tagger.tag_resource(es_arn(backend, name), p["Tags"])
        return json.dumps({"EventSubscription": sub})

    def describe_event_subscriptions(self: Any) -> str:
        p = json.loads(self.body or "{}")
        backend = self.dms_backend
        name = p.get("SubscriptionName")
        found = [get(backend, name)] if name else list(subs(backend).values())
        return json.dumps({"EventSubscriptionsList": found})

    def modify_event_subscription(self: Any) -> str:
        p = json.loads(self.body)
        sub = get(self.dms_backend, p["SubscriptionName"])
        for src, dst in (
            ("SnsTopicArn", "SnsTopicArn"),
            ("SourceType", "SourceType"),
            ("EventCategories", "EventCategoriesList"),
            ("Enabled", "Enabled"),
        ):
            if src in p:
                sub[dst] = p[src]
        return json.dumps({"EventSubscription": sub})

    def delete_event_subscription(self: Any) -> str:
        p = json.loads(self.body)
        backend = self.dms_backend
        sub = get(backend, p["SubscriptionName"])
        del subs(backend)[p["SubscriptionName"]]
        backend.tagger.delete_all_tags_for_resource(es_arn(backend, sub["CustSubscriptionId"]))
        return json.dumps({"EventSubscription": dict(sub, Status="deleting")})

    for fn in (
        create_event_subscription,
        describe_event_subscriptions,
        modify_event_subscription,
        delete_event_subscription,
    ):
        setattr(R, fn.__name__, fn)


@patch
def dms_tags_by_arn() -> None:
    """AWS changes the tags of any DMS resource by its ARN with AddTagsToResource /
    RemoveTagsFromResource, and forgets them when the resource is deleted.
    moto lacks the two tag actions (any tag change fails), and keeps tags of
    deleted resources (a re-created resource with the same name inherits them).
    (A subnet group's tags are put under its ARN by dms_replication_subnet_groups.)
    Seen with moto 5.2.1."""
    from moto.dms import models as m
    from moto.dms.responses import DatabaseMigrationServiceResponse as R

    B = m.DatabaseMigrationServiceBackend

    def forget_tags(method: str, arn_of: Callable[[Any, Any], str]) -> None:
        original = getattr(B, method)

        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            result = original(self, *args, **kwargs)
            self.tagger.delete_all_tags_for_resource(arn_of(self, result))
            return result

        setattr(B, method, wrapper)

    forget_tags("delete_replication_task", lambda b, r: r.arn)
    forget_tags("delete_replication_instance", lambda b, r: r.arn)
    forget_tags("delete_endpoint", lambda b, r: r.endpoint_arn)
    forget_tags(
        "delete_replication_subnet_group",
        lambda b, r: _subnet_group_arn(b, r.replication_subnet_group_identifier),
    )

    def add_tags_to_resource(self: Any) -> str:
        p = json.loads(self.body)
        self.dms_backend.tagger.tag_resource(p["ResourceArn"], p.get("Tags") or [])
        return "{}"

    def remove_tags_from_resource(self: Any) -> str:
        p = json.loads(self.body)
        self.dms_backend.tagger.untag_resource_using_names(
            p["ResourceArn"], p.get("TagKeys") or []
        )
        return "{}"

    R.add_tags_to_resource = add_tags_to_resource
    R.remove_tags_from_resource = remove_tags_from_resource
