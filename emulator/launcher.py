#!/usr/bin/env python3
"""Emulator launcher for the dms-privatelink-lab.

Starts moto's server (moto 5.2.1) on 127.0.0.1 and applies small, documented
monkey-patches where moto departs from AWS in ways that make the real Terraform
AWS provider (hashicorp/aws 5.100.0) fail or see a perpetual diff.

Usage:  python3 emulator/launcher.py [--port N] [--quiet] [--list-patches]
        (N=0, the default: pick a free port)
Prints  "emulator listening on http://127.0.0.1:<port>"  once ready, and exits
cleanly on SIGTERM / SIGINT.

Every patch is a function decorated with @patch; see emulator/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import zipfile
from datetime import datetime, timezone
from io import BytesIO
from typing import Any, Callable

# Environment the lab needs. Must be set before moto is imported.
EMULATOR_ENV = {
    # aws_iam_role_policy_attachment to arn:aws:iam::aws:policy/... needs the
    # AWS-managed policies to exist.
    "MOTO_IAM_LOAD_MANAGED_POLICIES": "true",
    # The AMI that /aws/service/ami-amazon-linux-latest/... points at must exist.
    "MOTO_EC2_LOAD_DEFAULT_AMIS": "true",
    # Image-based Lambda functions: accept ECR image URIs without a registry.
    "MOTO_LAMBDA_STUB_ECR": "true",
}

PATCHES: list[Callable[[], None]] = []


def patch(fn: Callable[[], None]) -> Callable[[], None]:
    """Register a patch; applied in order after moto is importable."""
    PATCHES.append(fn)
    return fn


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


# --------------------------------------------------------------------- DMS --


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


def _dms_subnet_group_dict(group: Any, account_id: str, region: str) -> dict:
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
def dms_subnet_group_real_subnets() -> None:
    """AWS reads a replication subnet group back with the subnets (and VPC) it
    was created with; moto drops SubnetIds and returns the placeholder
    `subnet-12345` / `vpc-12345`, so subnet_ids diffs forever. The replication
    instance's embedded ReplicationSubnetGroup gets the same treatment.
    Seen with moto 5.2.1."""
    from moto.dms import models as m

    B = m.DatabaseMigrationServiceBackend
    original_create = B.create_replication_subnet_group

    def create_replication_subnet_group(self: Any, *args: Any, **kwargs: Any) -> Any:
        group = original_create(self, *args, **kwargs)
        subnet_ids = kwargs.get("subnet_ids", args[2] if len(args) > 2 else None)
        group.subnetIds = list(subnet_ids or [])
        group._emu_backend = self
        return group

    def group_to_dict(self: Any) -> dict:
        backend = getattr(self, "_emu_backend", None)
        if backend is None:
            return original_group_to_dict(self)
        return _dms_subnet_group_dict(self, backend.account_id, backend.region_name)

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
    """AWS tags every DMS resource by ARN (a subnet group's is
    arn:...:dms:<region>:<account>:subgrp:<id>), supports AddTagsToResource /
    RemoveTagsFromResource, and forgets tags when the resource is deleted.
    moto tags a subnet group under its bare identifier (so provider
    default_tags read back empty -> perpetual diff on tags_all), lacks the two
    tag actions (any tag change fails), and keeps tags of deleted resources
    (a re-created resource with the same name inherits them).
    Seen with moto 5.2.1."""
    from moto.dms import models as m
    from moto.dms.responses import DatabaseMigrationServiceResponse as R
    from moto.utilities.utils import get_partition

    B = m.DatabaseMigrationServiceBackend

    def subgrp_arn(backend: Any, identifier: str) -> str:
        partition = get_partition(backend.region_name)
        return (
            f"arn:{partition}:dms:{backend.region_name}:{backend.account_id}"
            f":subgrp:{identifier}"
        )

    original_create = B.create_replication_subnet_group

    def create_replication_subnet_group(self: Any, *args: Any, **kwargs: Any) -> Any:
        group = original_create(self, *args, **kwargs)
        name = group.replication_subnet_group_identifier
        tags = self.tagger.list_tags_for_resource(name).get("Tags", [])
        self.tagger.delete_all_tags_for_resource(name)
        if tags:
            self.tagger.tag_resource(subgrp_arn(self, name), tags)
        return group

    B.create_replication_subnet_group = create_replication_subnet_group

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
        lambda b, r: subgrp_arn(b, r.replication_subnet_group_identifier),
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


# --------------------------------------------------------------------- RDS --


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


# --------------------------------------------------------------------- EC2 --


@patch
def ec2_endpoint_service_permission_ids() -> None:
    """AWS answers ModifyVpcEndpointServicePermissions with AddedPrincipals
    (each with a ServicePermissionId) and lists that id in
    DescribeVpcEndpointServicePermissions; moto returns neither, and
    aws_vpc_endpoint_service_allowed_principal takes its id from
    AddedPrincipals -> "Root object was present, but now absent".
    Seen with moto 5.2.1."""
    import hashlib

    from moto.core.responses import ActionResult
    from moto.ec2.responses.vpc_service_configuration import (
        VPCEndpointServiceConfiguration as R,
    )

    def permission(service_id: str, principal: str) -> dict:
        digest = hashlib.sha256(f"{service_id}|{principal}".encode()).hexdigest()
        if principal == "*":
            kind = "All"
        elif ":root" in principal or principal.isdigit():
            kind = "Account"
        elif ":role/" in principal:
            kind = "Role"
        elif ":user/" in principal:
            kind = "User"
        else:
            kind = "Service"
        return {
            "PrincipalType": kind,
            "Principal": principal,
            "ServicePermissionId": f"vpce-svc-perm-{digest[:17]}",
            "ServiceId": service_id,
        }

    def modify_vpc_endpoint_service_permissions(self: Any) -> ActionResult:
        service_id = self._get_param("ServiceId")
        add = self._get_param("AddAllowedPrincipals", [])
        remove = self._get_param("RemoveAllowedPrincipals", [])
        self.ec2_backend.modify_vpc_endpoint_service_permissions(
            service_id, add, remove
        )
        result: dict[str, Any] = {"ReturnValue": True}
        if add:
            result["AddedPrincipals"] = [permission(service_id, p) for p in add]
        return ActionResult(result)

    def describe_vpc_endpoint_service_permissions(self: Any) -> ActionResult:
        service_id = self._get_param("ServiceId")
        principals = self.ec2_backend.describe_vpc_endpoint_service_permissions(
            service_id
        )
        allowed = [permission(service_id, p) for p in sorted(principals)]
        for entry in allowed:
            entry.pop("ServiceId")
        return ActionResult({"AllowedPrincipals": allowed})

    R.modify_vpc_endpoint_service_permissions = modify_vpc_endpoint_service_permissions
    R.describe_vpc_endpoint_service_permissions = (
        describe_vpc_endpoint_service_permissions
    )


@patch
def ec2_sg_rule_description_for_group_refs() -> None:
    """AWS keeps the description of a rule that references a security group;
    moto's SecurityGroupRule.description reads only the
    CIDR range, so aws_vpc_security_group_ingress_rule with
    referenced_security_group_id + description diffs forever.
    Seen with moto 5.2.1."""
    from moto.ec2.models.security_groups import SecurityGroupRule

    def description(self: Any) -> str | None:
        return self.ip_range.get("Description") or self.source_group.get(
            "Description"
        )

    SecurityGroupRule.description = property(description)


@patch
def ec2_sg_rule_description_for_prefix_lists() -> None:
    """AWS keeps the description of a rule that allows a managed prefix list (e.g. the S3
    gateway endpoint's); moto drops it when it stores the prefix list id, so
    aws_vpc_security_group_egress_rule with prefix_list_id + description diffs forever.
    Seen with moto 5.2.1."""
    from moto.ec2.models.security_groups import SecurityGroupRule

    original_init = SecurityGroupRule.__init__
    group_description = SecurityGroupRule.description

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        prefix_list = kwargs.get("prefix_list_id", args[7] if len(args) > 7 else None)
        self.prefix_list_description = (prefix_list or {}).get("Description")

    def description(self: Any) -> str | None:
        return group_description.fget(self) or getattr(self, "prefix_list_description", None)

    SecurityGroupRule.__init__ = __init__
    SecurityGroupRule.description = property(description)


@patch
def elbv2_idempotent_create_target_group() -> None:
    """CreateTargetGroup is idempotent on AWS: a second call with the same name and settings
    succeeds and returns the existing group. moto raised DuplicateTargetGroupName, so a
    provider retry of a call that had already succeeded failed the apply (seen once in CI on a
    loaded 2-core machine). Seen with moto 5.2.1."""
    from moto.elbv2.models import ELBv2Backend

    original = ELBv2Backend.create_target_group

    def create_target_group(self: Any, name: str, **kwargs: Any) -> Any:
        for group in list(self.target_groups.values()):
            if group.name != name:
                continue
            same = (
                str(group.port) == str(kwargs.get("port"))
                and (group.protocol or "") == (kwargs.get("protocol") or "")
                and group.vpc_id == kwargs.get("vpc_id")
                and (group.target_type or "instance") == (kwargs.get("target_type") or "instance")
            )
            if same:
                return group
        return original(self, name, **kwargs)

    ELBv2Backend.create_target_group = create_target_group


@patch
def lambda_logging_config() -> None:
    """AWS stores a function's LoggingConfig (log format and group) and returns it, with
    defaults, on every GetFunction; moto ignores it, so aws_lambda_function with
    logging_config plans an update after every apply. Seen with moto 5.2.1."""
    from moto.awslambda.models import LambdaFunction

    original_init = LambdaFunction.__init__
    original_get = LambdaFunction.get_configuration
    original_update = LambdaFunction.update_configuration

    def __init__(self: Any, account_id: str, spec: dict, *args: Any, **kwargs: Any) -> None:
        original_init(self, account_id, spec, *args, **kwargs)
        self.logging_config = {
            "LogFormat": "Text",
            "LogGroup": f"/aws/lambda/{self.function_name}",
            **(spec.get("LoggingConfig") or {}),
        }

    def get_configuration(self: Any, *args: Any, **kwargs: Any) -> dict:
        config = original_get(self, *args, **kwargs)
        config["LoggingConfig"] = getattr(self, "logging_config", None) or {
            "LogFormat": "Text",
            "LogGroup": f"/aws/lambda/{self.function_name}",
        }
        return config

    def update_configuration(self: Any, config_updates: dict) -> dict:
        if "LoggingConfig" in config_updates:
            self.logging_config = {**getattr(self, "logging_config", {}), **config_updates["LoggingConfig"]}
        return original_update(self, config_updates)

    LambdaFunction.__init__ = __init__
    LambdaFunction.get_configuration = get_configuration
    LambdaFunction.update_configuration = update_configuration


@patch
def ec2_instance_network_interface_fields() -> None:
    """AWS returns, for an instance launched with a NetworkInterfaces spec
    (what the provider sends when associate_public_ip_address is set):
    the primary ENI's groups as the instance's SecurityGroups, and no
    <association> on an ENI without a public IP. moto returns an empty
    SecurityGroups list and an empty <association/> element, which the
    provider reads as vpc_security_group_ids=[] and
    associate_public_ip_address=true -> forced replacement every plan.
    Seen with moto 5.2.1."""
    from moto.ec2.models.elastic_network_interfaces import NetworkInterface
    from moto.ec2.models.instances import Instance

    original_association = NetworkInterface.association.fget

    def association(self: Any) -> Any:
        return original_association(self) if self.public_ip else None

    NetworkInterface.association = property(association)

    def get_groups(self: Any) -> list:
        stored = self.__dict__.get("_emu_security_groups") or []
        if stored:
            return stored
        primary = (self.__dict__.get("nics") or {}).get(0)
        return list(primary._group_set) if primary is not None else []

    def set_groups(self: Any, value: list) -> None:
        self.__dict__["_emu_security_groups"] = list(value or [])

    Instance.security_groups = property(get_groups, set_groups)


@patch
def ec2_interface_endpoint_dns_names() -> None:
    """AWS names an interface endpoint
    `vpce-<id>-<suffix>.<svc>.<region>.vpce.amazonaws.com` (<svc> = `ssm`,
    or `vpce-svc-...` for a PrivateLink endpoint service); moto appends the
    whole service name (`...com.amazonaws.vpce.us-east-1.vpce-svc-...`),
    which is not a DNS name a client (e.g. a DMS endpoint) would use.
    Seen with moto 5.2.1."""
    from moto.ec2.models import vpcs
    from moto.ec2.utils import random_resource_id

    def create_dns_entries(service_name: str, vpc_endpoint_id: str) -> dict:
        parts = service_name.split(".")
        if len(parts) >= 3:
            region, short = parts[-2], parts[-1]
            name = f"{vpc_endpoint_id}-{random_resource_id(8)}.{short}.{region}.vpce.amazonaws.com"
        else:
            name = f"{vpc_endpoint_id}-{random_resource_id(8)}.{service_name}"
        return {"dns_name": name, "hosted_zone_id": random_resource_id(13).upper()}

    vpcs.create_dns_entries = create_dns_entries


# ------------------------------------------------------------------- ELBv2 --


@patch
def elbv2_network_lb_arn() -> None:
    """AWS names a network load balancer `loadbalancer/net/<name>/<id>`
    (arn_suffix `net/...`, used as the CloudWatch `LoadBalancer` dimension);
    moto always uses `loadbalancer/app/...`. Seen with moto 5.2.1."""
    from moto.elbv2.models import ELBv2Backend

    original = ELBv2Backend.create_load_balancer

    def create_load_balancer(self: Any, *args: Any, **kwargs: Any) -> Any:
        lb = original(self, *args, **kwargs)
        kind = {"network": "net", "gateway": "gwy"}.get(lb.type)
        if kind and ":loadbalancer/app/" in lb.arn:
            old = lb.arn
            lb.arn = old.replace(":loadbalancer/app/", f":loadbalancer/{kind}/", 1)
            self.load_balancers = {
                (lb.arn if k == old else k): v for k, v in self.load_balancers.items()
            }
            tags = self.tagging_service.list_tags_for_resource(old).get("Tags", [])
            self.tagging_service.delete_all_tags_for_resource(old)
            if tags:
                self.tagging_service.tag_resource(lb.arn, tags)
        return lb

    ELBv2Backend.create_load_balancer = create_load_balancer


@patch
def elbv2_nlb_privatelink_sg_enforcement() -> None:
    """AWS keeps SetSecurityGroups' EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic
    for a network load balancer with security groups and returns it ("on"
    by default) in DescribeLoadBalancers; moto ignores it, so
    aws_lb.enforce_security_group_inbound_rules_on_private_link_traffic
    = "off" diffs forever. Seen with moto 5.2.1."""
    from moto.core.responses import ActionResult
    from moto.elbv2.models import FakeLoadBalancer
    from moto.elbv2.responses import ELBV2Response

    def get_flag(self: Any) -> str | None:
        if self.type != "network" or not self.security_groups:
            return None
        return self.__dict__.get("_emu_enforce_sg_privatelink", "on")

    FakeLoadBalancer.enforce_security_group_inbound_rules_on_private_link_traffic = (
        property(get_flag)
    )
    original = ELBV2Response.set_security_groups

    def set_security_groups(self: Any) -> ActionResult:
        result = original(self)
        flag = self._get_param("EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic")
        lb = self.elbv2_backend.load_balancers.get(self._get_param("LoadBalancerArn"))
        if lb is not None and flag in ("on", "off"):
            lb._emu_enforce_sg_privatelink = flag
        if lb is not None and get_flag(lb) is not None:
            result.result[  # type: ignore[index]
                "EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic"
            ] = get_flag(lb)
        return result

    ELBV2Response.set_security_groups = set_security_groups


# ------------------------------------------------------------------ Lambda --

_NODE_RUNNER = r"""
const path = require('path');
const fs = require('fs');
const { pathToFileURL } = require('url');
const [taskDir, handlerSpec, resultFile] = process.argv.slice(2);
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => { input += d; });
process.stdin.on('end', async () => {
  const write = (obj) => fs.writeFileSync(resultFile, JSON.stringify(obj === undefined ? null : obj));
  try {
    const dot = handlerSpec.lastIndexOf('.');
    const modName = handlerSpec.slice(0, dot), fnName = handlerSpec.slice(dot + 1);
    const base = path.resolve(taskDir, modName);
    const file = ['.js', '.mjs', '.cjs'].map((e) => base + e).find((f) => fs.existsSync(f));
    if (!file) throw Object.assign(new Error(`Cannot find module '${modName}'`), { name: 'Runtime.ImportModuleError' });
    const mod = await import(pathToFileURL(file).href);
    const handler = mod[fnName] || (mod.default && mod.default[fnName]);
    if (typeof handler !== 'function') {
      const notFound = new Error(`${handlerSpec} is undefined or not exported`);
      throw Object.assign(notFound, { name: 'Runtime.HandlerNotFound' });
    }
    const deadline = Date.now() + Number(process.env.AWS_LAMBDA_FUNCTION_TIMEOUT || 3) * 1000;
    const context = {
      functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
      functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
      memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
      awsRequestId: process.env.EMU_REQUEST_ID,
      invokedFunctionArn: process.env.EMU_FUNCTION_ARN,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    };
    const event = input ? JSON.parse(input) : {};
    const result = await new Promise((resolve, reject) => {
      const r = handler(event, context, (err, val) => (err ? reject(err) : resolve(val)));
      if (r && typeof r.then === 'function') r.then(resolve, reject);
    });
    write(result);
    process.exit(0);
  } catch (err) {
    write({ errorType: (err && err.name) || 'Error', errorMessage: String(err && err.message || err),
            trace: String(err && err.stack || '').split('\n') });
    process.exit(1);
  }
});
"""


def _rds_endpoint_addresses(account_id: str, region: str) -> dict[str, str]:
    """Each RDS instance endpoint name -> a stable private IPv4 address inside the first subnet of
    its DB subnet group (what the name resolves to inside the VPC on AWS). moto assigns instances
    no address at all; this one is derived from the identifier so it survives restarts."""
    import hashlib
    import ipaddress

    from moto.rds.models import rds_backends

    addresses: dict[str, str] = {}
    backend = rds_backends[account_id][region]
    for database in list(backend.databases.values()):
        group = getattr(database, "db_subnet_group", None)
        subnets = getattr(group, "_subnets", None) or []
        if not subnets:
            continue
        network = ipaddress.ip_network(subnets[0].cidr_block)
        # AWS reserves the first four addresses and the last one of every subnet.
        usable = network.num_addresses - 5
        offset = 4 + int(hashlib.sha256(database.db_instance_identifier.encode()).hexdigest(), 16) % max(usable, 1)
        addresses[database.address.lower()] = str(network.network_address + offset)
    return addresses


@patch
def lambda_nodejs_without_docker() -> None:
    """AWS runs the function; moto runs it only in Docker, and without Docker
    every Invoke returns "error running docker" with X-Amz-Function-Error, so
    aws_lambda_invocation fails. For nodejs* runtimes, run the handler with
    the local `node` binary in a subprocess (event on stdin, result as JSON),
    with the Lambda environment variables and AWS_ENDPOINT_URL pointing back
    at the emulator. The runtime-provided AWS SDK v3 is stood in for by
    EMULATOR_LAMBDA_NODE_PATH (default: the project's node_modules).
    Not a sandbox: it runs as the emulator's user.
    Other runtimes keep moto's Docker path. Seen with moto 5.2.1."""
    from moto.awslambda.models import LambdaFunction
    from moto.moto_api._internal import mock_random

    node = shutil.which("node")
    if node is None:
        return
    original = LambdaFunction._invoke_lambda

    def _invoke_lambda(self: Any, event: Any = None) -> tuple[str, bool, str]:
        if not str(self.run_time or "").startswith("nodejs"):
            return original(self, event)
        self.logs_backend.ensure_log_group(self.logs_group_name)
        request_id = str(mock_random.uuid4())
        port = os.environ.get("MOTO_PORT", "5000")
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", "/tmp"),
            "LANG": "C.UTF-8",
            "_HANDLER": self.handler,
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{self.run_time}",
            "AWS_LAMBDA_FUNCTION_TIMEOUT": str(self.timeout),
            "AWS_LAMBDA_FUNCTION_NAME": self.function_name,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(self.memory_size),
            "AWS_LAMBDA_FUNCTION_VERSION": str(self.version),
            "AWS_LAMBDA_LOG_GROUP_NAME": self.logs_group_name,
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_SESSION_TOKEN": "session-token",
            "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
            "EMU_REQUEST_ID": request_id,
            "EMU_FUNCTION_ARN": self.function_arn,
            # The real nodejs runtimes ship AWS SDK v3 (/var/runtime/node_modules), so
            # functions bundle it as external; here the project's copy stands in for it.
            "NODE_PATH": os.environ.get(
                "EMULATOR_LAMBDA_NODE_PATH",
                os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "node_modules"),
            ),
        }
        env["EMULATOR_DNS_HOSTS"] = json.dumps(_rds_endpoint_addresses(self.account_id, self.region))
        dns_shim = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lambda-dns-shim.cjs")
        env["NODE_OPTIONS"] = f"--require {dns_shim}"
        env.update({k: str(v) for k, v in (self.environment_vars or {}).items()})
        with tempfile.TemporaryDirectory(prefix="emu-lambda-") as tmp:
            task_dir = os.path.join(tmp, "task")
            with zipfile.ZipFile(BytesIO(self.code_bytes)) as zf:
                zf.extractall(task_dir)
            # NODE_PATH serves require(); ESM `import` ignores it but walks up
            # the directories, so the same SDK also appears at tmp/node_modules.
            if os.path.isdir(env["NODE_PATH"]):
                os.symlink(os.path.abspath(env["NODE_PATH"]), os.path.join(tmp, "node_modules"))
            runner = os.path.join(tmp, "runner.cjs")
            result_file = os.path.join(tmp, "result.json")
            with open(runner, "w") as fh:
                fh.write(_NODE_RUNNER)
            try:
                proc = subprocess.run(
                    [node, runner, task_dir, self.handler, result_file],
                    input=json.dumps(event if event is not None else {}),
                    capture_output=True,
                    text=True,
                    env=env,
                    cwd=task_dir,
                    timeout=float(self.timeout or 3),
                )
                logs = proc.stdout + proc.stderr
                failed = proc.returncode != 0
                if os.path.exists(result_file):
                    with open(result_file) as fh:
                        result = fh.read()
                else:
                    failed = True
                    result = json.dumps(
                        {"errorType": "Runtime.ExitError",
                         "errorMessage": f"exit status {proc.returncode}"}
                    )
            except subprocess.TimeoutExpired as exc:
                logs = (exc.stdout or "") + (exc.stderr or "")
                if isinstance(logs, bytes):
                    logs = logs.decode("utf-8", "replace")
                failed = True
                result = json.dumps(
                    {"errorType": "Sandbox.Timedout",
                     "errorMessage": f"Task timed out after {self.timeout} seconds"}
                )
        report = f"START RequestId: {request_id}\n{logs}END RequestId: {request_id}\n"
        self.save_logs(report)
        return result, failed, report

    LambdaFunction._invoke_lambda = _invoke_lambda


# ------------------------------------------------------------------ server --


def _serialized(app: Any) -> Any:
    """AWS applies each API call atomically; moto's backends are plain Python objects that
    concurrent requests mutate without locks. Terraform sends many calls at once, and security
    group rules then came back wrong. One request at a time restores the atomicity. Lambda
    invocations are exempt: the function calls back into the emulator while it runs.

    A retried call is answered once: AWS SDKs resend a call whose answer they did not get (same
    `amz-sdk-invocation-id`, next `amz-sdk-request: attempt=N`), and AWS makes such retries safe
    (CreateTargetGroup and friends are idempotent, others take client tokens). moto ran the retry
    again and answered InvalidPermission.Duplicate / DuplicateTargetGroupName, failing applies on
    a loaded machine. The first answer is kept per invocation id and replayed to its retries.
    Seen with moto 5.2.1."""
    from collections import OrderedDict

    lock = threading.Lock()
    answers: OrderedDict[str, tuple[str, list, list[bytes]]] = OrderedDict()

    def wsgi(environ: dict, start_response: Callable) -> Any:
        path = environ.get("PATH_INFO", "")
        if "/functions/" in path and path.endswith("/invocations"):
            return app(environ, start_response)
        invocation = environ.get("HTTP_AMZ_SDK_INVOCATION_ID")
        with lock:
            if invocation and invocation in answers:
                status, headers, body = answers[invocation]
                print(f"replayed the answer to a retried call ({environ.get('HTTP_AMZ_SDK_REQUEST', '')}, {path})",
                      file=sys.stderr, flush=True)
                start_response(status, headers)
                return body
            captured: dict[str, Any] = {}

            def capture(status: str, headers: list, exc_info: Any = None) -> Any:
                captured["status"], captured["headers"] = status, headers
                return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

            # Materialise the body inside the lock: moto builds responses lazily.
            body = list(app(environ, capture))
            if invocation and not captured.get("status", "5").startswith("5"):
                answers[invocation] = (captured["status"], captured["headers"], body)
                while len(answers) > 5000:
                    answers.popitem(last=False)
            return body

    return wsgi


def apply_patches() -> list[str]:
    applied = []
    for fn in PATCHES:
        fn()
        applied.append(fn.__name__)
    return applied


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="0 = pick a free port")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--quiet", action="store_true", help="no request log")
    parser.add_argument(
        "--list-patches", action="store_true", help="print the patches and exit"
    )
    args = parser.parse_args(argv)

    if args.list_patches:
        for fn in PATCHES:
            first = " ".join((fn.__doc__ or "").split())
            print(f"{fn.__name__}: {first}")
        return 0

    for key, value in EMULATOR_ENV.items():
        os.environ.setdefault(key, value)

    import logging

    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    apply_patches()

    if args.quiet:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)

    app = _serialized(DomainDispatcherApplication(create_backend_app))
    server = make_server(args.host, args.port, app, threaded=True)
    port = server.server_address[1]
    # moto uses MOTO_PORT to build self-referencing URLs (and we pass it to
    # Lambda handlers), so it must be the real port.
    os.environ["MOTO_PORT"] = str(port)

    stop = threading.Event()

    def on_signal(signum: int, frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    print(f"emulator listening on http://{args.host}:{port}", flush=True)
    while not stop.wait(0.5):
        if not thread.is_alive():
            return 1
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
