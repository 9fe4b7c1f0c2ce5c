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
        return {k: (_to_epoch(v) if k in keys else _convert_timestamps(v, keys)) for k, v in obj.items()}
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
            data["ReplicationSubnetGroup"] = backend.replication_subnet_groups[name].to_dict()
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
            "SubscriptionCreationTime": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3],
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
        self.dms_backend.tagger.untag_resource_using_names(p["ResourceArn"], p.get("TagKeys") or [])
        return "{}"

    R.add_tags_to_resource = add_tags_to_resource
    R.remove_tags_from_resource = remove_tags_from_resource


# ---------------------------------------------------------------------------
# The DMS stand-in (emulator/dms_standin/): connection tests and replication tasks that really connect
# ---------------------------------------------------------------------------

CDC_POSITION_PARAMETERS = ("CdcStartPosition", "CdcStartTime", "CdcStopPosition")


def _invalid_parameter(message: str) -> Exception:
    """DMS's InvalidParameterValueException (HTTP 400), which moto does not define."""
    from moto.core.exceptions import JsonRESTError

    return JsonRESTError("InvalidParameterValueException", message)


def _body(response: Any) -> dict[str, Any]:
    return json.loads(response.body or "{}")


def _task(backend: Any, arn: str | None) -> Any:
    from moto.dms.exceptions import ResourceNotFoundFault

    task = backend.replication_tasks.get(arn)
    if task is None:
        raise ResourceNotFoundFault("Replication task could not be found.")
    return task


def _cdc_latency_sink(backend: Any, task: Any) -> Callable[[float, float], None]:
    """Publishes the stand-in's CDC latency as DMS does: AWS/DMS CDCLatencySource and CDCLatencyTarget, in seconds,
    with the replication instance's identifier and the task's resource id (the ARN's last part) as dimensions."""
    from moto.cloudwatch.models import cloudwatch_backends

    instance = backend.replication_instances.get(task.replication_instance_arn)
    dimensions = [
        {"Name": "ReplicationInstanceIdentifier", "Value": instance.id if instance is not None else ""},
        {"Name": "ReplicationTaskIdentifier", "Value": task.arn.rsplit(":", 1)[-1]},
    ]

    def publish(source_seconds: float, target_seconds: float) -> None:
        cloudwatch_backends[backend.account_id][backend.region_name].put_metric_data(
            "AWS/DMS",
            [
                {"MetricName": name, "Value": float(value), "Unit": "Seconds", "Dimensions": dimensions}
                for name, value in (("CDCLatencySource", source_seconds), ("CDCLatencyTarget", target_seconds))
            ],
        )

    return publish


def _task_status(task: Any) -> str:
    """The status DMS reports: the data plane's once the task was started, else moto's record."""
    from dms_standin import task_registry

    if task.status == "creating":
        task.ready()  # as dms_task_becomes_ready does on Describe
    return task_registry().status(task.arn) or task.status


def _task_dict(task: Any, status: str | None = None) -> dict[str, Any]:
    """moto's record of the task with what the data plane reports merged in."""
    from dms_standin import task_registry

    data = task.to_dict()
    described = task_registry().describe(task.arn)
    if described:
        data.update(described)
    if status is not None:
        data["Status"] = status
    return data


@patch
def dms_endpoint_connection_tests() -> None:
    """AWS DMS's TestConnection really connects from the replication instance to
    the endpoint (reading its Secrets Manager secret through the access role,
    following the host from the instance's VPC, with the endpoint's SslMode),
    answers `testing`, and DescribeConnections then shows `successful` or
    `failed` with the database's message; testing a pair again updates its
    record; DescribeConnections filters by endpoint-arn, endpoint-identifier,
    replication-instance-arn and replication-instance-identifier and pages with
    MaxRecords/Marker. moto connected to nothing (every test became
    `successful`), crashed (HTTP 500) when a pair was tested a second time, and
    applied only the last filter. Now dms_standin/connections.py does the test
    (IAM permission policies are not evaluated; the role must exist and trust
    dms.amazonaws.com). Seen with moto 5.2.1."""
    from dms_standin import connection_tests
    from dms_standin.connections import describe_connections as describe
    from moto.dms.exceptions import ResourceNotFoundFault
    from moto.dms.responses import DatabaseMigrationServiceResponse as R

    def test_connection(self: Any) -> str:
        p = _body(self)
        backend = self.dms_backend
        instance = backend.replication_instances.get(p.get("ReplicationInstanceArn"))
        if instance is None:
            raise ResourceNotFoundFault("Replication instance could not be found.")
        endpoint = next((e for e in backend.endpoints.values() if e.endpoint_arn == p.get("EndpointArn")), None)
        if endpoint is None:
            raise ResourceNotFoundFault("Endpoint could not be found.")
        record = connection_tests().test(backend, instance, endpoint)
        return json.dumps({"Connection": record.to_dict()})

    def describe_connections(self: Any) -> str:
        p = _body(self)
        try:
            page, marker = describe(
                self.dms_backend.connections, p.get("Filters") or [], p.get("MaxRecords"), p.get("Marker")
            )
        except ValueError as error:
            raise _invalid_parameter(str(error)) from None
        out: dict[str, Any] = {"Connections": page}
        if marker:
            out["Marker"] = marker
        return json.dumps(out)

    R.test_connection = test_connection
    R.describe_connections = describe_connections


@patch
def dms_replication_tasks_replicate() -> None:
    """AWS DMS runs a started replication task on the data plane: a full load
    of the selected tables and change data capture into the target, with the
    lifecycle starting -> running -> stopping -> stopped (or failed with a
    LastFailureMessage when an endpoint cannot be reached), resume-processing
    and reload-target, statistics in DescribeReplicationTasks, and
    InvalidResourceStateFault for a start that does not fit the task's state
    (start-replication is valid only for a task's first run), a stop of a task
    that is not running, and a modify or delete of a running one. moto only
    flipped a status (to `running` at once) and moved no data; it had no
    ModifyReplicationTask, and it ignored StartReplicationTaskType. Now
    dms_standin/tasks.py runs one dataplane ReplicationTaskRunner per task
    (selection rules only: any other rule refuses the start with
    InvalidParameterValueException; CdcStartPosition/CdcStartTime/CdcStopPosition
    are refused as not emulated). Seen with moto 5.2.1."""
    from dataplane.replication import (
        START_TYPES,
        InvalidTaskStateError,
        ReplicationConfigError,
        parse_table_mappings,
    )
    from dms_standin import EndpointError, endpoint_connection_params, task_registry
    from dms_standin.connections import paginate
    from dms_standin.tasks import RUNNING_STATES, STARTABLE_STATES
    from moto.dms.exceptions import InvalidResourceStateFault
    from moto.dms.responses import DatabaseMigrationServiceResponse as R

    original_delete = R.delete_replication_task

    def refuse_cdc_positions(p: dict[str, Any]) -> None:
        given = [key for key in CDC_POSITION_PARAMETERS if p.get(key) not in (None, "")]
        if given:
            raise _invalid_parameter(
                f"{', '.join(given)}: CDC start and stop positions are not emulated; the DMS stand-in starts CDC "
                "where the full load's snapshot ends (or where a stopped task stopped)"
            )

    def endpoint_params(backend: Any, task: Any, role: str, arn: str) -> dict[str, Any]:
        instance = backend.replication_instances.get(task.replication_instance_arn)
        if instance is None:
            raise EndpointError(f"Replication instance {task.replication_instance_arn} does not exist")
        endpoint = next((e for e in backend.endpoints.values() if e.endpoint_arn == arn), None)
        if endpoint is None:
            raise EndpointError(f"The {role} endpoint {arn} does not exist")
        try:
            return endpoint_connection_params(endpoint, instance, backend.account_id, backend.region_name)
        except EndpointError as error:
            raise EndpointError(f"{role} endpoint {endpoint.endpoint_identifier}: {error}") from None

    def start_replication_task(self: Any) -> str:
        p = _body(self)
        refuse_cdc_positions(p)
        backend = self.dms_backend
        task = _task(backend, p.get("ReplicationTaskArn"))
        start_type = p.get("StartReplicationTaskType") or "start-replication"
        if start_type not in START_TYPES:
            raise _invalid_parameter(f"StartReplicationTaskType {start_type}; valid: {', '.join(START_TYPES)}")
        registry = task_registry()
        status = _task_status(task)
        if status not in STARTABLE_STATES:
            raise InvalidResourceStateFault(
                f"Replication task {task.id} is {status}; only a ready, stopped or failed task can be started"
            )
        if start_type == "start-replication" and registry.has_run(task.arn):
            raise InvalidResourceStateFault(
                "Start Type : START_REPLICATION, valid only for tasks running for the first time"
            )
        try:
            parse_table_mappings(task.table_mappings)
        except ReplicationConfigError as error:  # UnsupportedRuleError too: the start is refused
            raise _invalid_parameter(str(error)) from None
        try:
            source = endpoint_params(backend, task, "Source", task.source_endpoint_arn)
            target = endpoint_params(backend, task, "Target", task.target_endpoint_arn)
        except EndpointError as error:
            # DMS accepts the start and the task then fails; so does the stand-in.
            registry.fail_start(task.arn, str(error))
            return json.dumps({"ReplicationTask": _task_dict(task, "starting")})
        try:
            registry.start(
                task.arn,
                task.id,
                source,
                target,
                task.migration_type,
                task.table_mappings,
                task.replication_task_settings,
                start_type,
                metrics_sink=_cdc_latency_sink(backend, task),
            )
        except ReplicationConfigError as error:
            raise _invalid_parameter(str(error)) from None
        except InvalidTaskStateError as error:
            raise InvalidResourceStateFault(str(error)) from None
        task.start_date = datetime.now(timezone.utc)
        return json.dumps({"ReplicationTask": _task_dict(task, "starting")})

    def stop_replication_task(self: Any) -> str:
        p = _body(self)
        task = _task(self.dms_backend, p.get("ReplicationTaskArn"))
        if _task_status(task) not in ("starting", "running"):
            raise InvalidResourceStateFault(f"Replication task {task.id} is currently not running")
        try:
            task_registry().stop(task.arn)
        except InvalidTaskStateError:
            raise InvalidResourceStateFault(f"Replication task {task.id} is currently not running") from None
        return json.dumps({"ReplicationTask": _task_dict(task, "stopping")})

    def describe_replication_tasks(self: Any) -> str:
        p = _body(self)
        tasks = self.dms_backend.describe_replication_tasks(filters=p.get("Filters") or [], max_records=0)
        page, marker = paginate(list(tasks), p.get("MaxRecords"), p.get("Marker"))
        found = []
        for task in page:
            data = _task_dict(task)
            if p.get("WithoutSettings"):
                data.pop("ReplicationTaskSettings", None)
            found.append(data)
        out: dict[str, Any] = {"ReplicationTasks": found}
        if marker:
            out["Marker"] = marker
        return json.dumps(out)

    def modify_replication_task(self: Any) -> str:
        from moto.dms.exceptions import ResourceAlreadyExistsFault

        p = _body(self)
        backend = self.dms_backend
        task = _task(backend, p.get("ReplicationTaskArn"))
        if _task_status(task) in RUNNING_STATES:
            raise InvalidResourceStateFault(
                "Replication Task, excluding logging severity task settings, cannot be modified while it is "
                "running state"
            )
        refuse_cdc_positions(p)
        new_id = p.get("ReplicationTaskIdentifier")
        if new_id and new_id != task.id:
            if any(other.id == new_id for other in backend.replication_tasks.values()):
                raise ResourceAlreadyExistsFault(f"Replication task {new_id} already exists.")
            task.id = new_id
        task.migration_type = p.get("MigrationType") or task.migration_type
        task.table_mappings = p.get("TableMappings") or task.table_mappings
        if p.get("ReplicationTaskSettings") is not None:
            task.replication_task_settings = p["ReplicationTaskSettings"]
        task_registry().modified(task.arn, task.migration_type, task.table_mappings, task.replication_task_settings)
        return json.dumps({"ReplicationTask": _task_dict(task, "modifying")})

    def delete_replication_task(self: Any) -> str:
        p = _body(self)
        task = _task(self.dms_backend, p.get("ReplicationTaskArn"))
        status = _task_status(task)
        if status in RUNNING_STATES:
            raise InvalidResourceStateFault(f"Replication task {task.id} is {status}; stop it before deleting it")
        data = _task_dict(task, "deleting")
        task_registry().delete(task.arn)  # the runner goes, and its replication slot on the source
        original_delete(self)
        return json.dumps({"ReplicationTask": data})

    R.start_replication_task = start_replication_task
    R.stop_replication_task = stop_replication_task
    R.describe_replication_tasks = describe_replication_tasks
    R.modify_replication_task = modify_replication_task
    R.delete_replication_task = delete_replication_task


@patch
def dms_table_statistics() -> None:
    """AWS DMS's DescribeTableStatistics returns, per table of a task, its state
    and the rows loaded, inserted, updated and deleted, filtered by
    schema-name, table-name and table-state, paged with MaxRecords/Marker.
    moto had no DescribeTableStatistics (HTTP 500). Now it answers what the
    task's runner counts (an empty list for a task never started).
    Seen with moto 5.2.1."""
    from dms_standin import task_registry
    from dms_standin.connections import paginate
    from moto.dms.responses import DatabaseMigrationServiceResponse as R

    keys = {"schema-name": "SchemaName", "table-name": "TableName", "table-state": "TableState"}

    def describe_table_statistics(self: Any) -> str:
        p = _body(self)
        task = _task(self.dms_backend, p.get("ReplicationTaskArn"))
        statistics = task_registry().table_statistics(task.arn)
        for each in p.get("Filters") or []:
            key = keys.get(each.get("Name"))
            if key is None:
                raise _invalid_parameter(f"Invalid filter name: {each.get('Name')}; valid names: {', '.join(keys)}")
            values = set(each.get("Values") or [])
            statistics = [entry for entry in statistics if entry.get(key) in values]
        try:
            page, marker = paginate(statistics, p.get("MaxRecords"), p.get("Marker"))
        except ValueError as error:
            raise _invalid_parameter(str(error)) from None
        out: dict[str, Any] = {"ReplicationTaskArn": task.arn, "TableStatistics": page}
        if marker:
            out["Marker"] = marker
        return json.dumps(out)

    R.describe_table_statistics = describe_table_statistics


# ---------------------------------------------------------------------------
# Certificates and ModifyEndpoint
# ---------------------------------------------------------------------------

# The endpoint attributes ModifyEndpoint may change, by API name -> moto's Endpoint attribute.
MODIFIABLE_ENDPOINT_FIELDS = {
    "EndpointIdentifier": "endpoint_identifier",
    "EndpointType": "endpoint_type",
    "EngineName": "engine_name",
    "Username": "username",
    "Password": "password",
    "ServerName": "server_name",
    "Port": "port",
    "DatabaseName": "database_name",
    "ExtraConnectionAttributes": "extra_connection_attributes",
    "CertificateArn": "certificate_arn",
    "SslMode": "ssl_mode",
    "ServiceAccessRoleArn": "service_access_role_arn",
}
SSL_MODES = ("none", "require", "verify-ca", "verify-full")


def _certificate_error(code: str, message: str) -> Exception:
    """A DMS fault moto does not define (HTTP 400), e.g. InvalidCertificateFault."""
    from moto.core.exceptions import JsonRESTError

    return JsonRESTError(code, message)


@patch
def dms_certificates() -> None:
    """AWS DMS has ImportCertificate, DescribeCertificates (filters certificate-id and
    certificate-arn) and DeleteCertificate: a certificate is a PEM bundle, kept as
    given (DescribeCertificates answers the same text, so `aws_dms_certificate` reads
    back no diff), refused when it holds no certificate (InvalidCertificateFault) or
    its identifier exists (ResourceAlreadyExistsFault), and not deletable while an
    endpoint names it (InvalidResourceStateFault). moto has none of the three (HTTP
    500), so `aws_dms_certificate` could not be created. What a certificate is trusted
    for is the DMS stand-in's business (dms_standin/certificates.py). Seen with moto 5.2.1."""
    from dms_standin.certificates import Certificate, parse_pem
    from moto.dms.exceptions import InvalidResourceStateFault, ResourceAlreadyExistsFault, ResourceNotFoundFault
    from moto.dms.responses import DatabaseMigrationServiceResponse as R
    from moto.utilities.utils import get_partition

    def certificates(backend: Any) -> dict[str, Certificate]:
        if not hasattr(backend, "_emu_certificates"):
            backend._emu_certificates = {}
        return backend._emu_certificates

    def import_certificate(self: Any) -> str:
        p = _body(self)
        backend = self.dms_backend
        identifier = p.get("CertificateIdentifier") or ""
        if any(c.identifier == identifier for c in certificates(backend).values()):
            raise ResourceAlreadyExistsFault(f"Certificate with identifier {identifier} already exists.")
        pem = p.get("CertificatePem")
        if not pem:
            # A wallet (Oracle) is not emulated; PostgreSQL endpoints take PEM.
            raise _certificate_error(
                "InvalidCertificateFault", "CertificatePem is required (CertificateWallet is not emulated)"
            )
        try:
            parsed = parse_pem(pem)
        except ValueError as error:
            raise _certificate_error("InvalidCertificateFault", f"Invalid certificate: {error}") from None
        partition = get_partition(backend.region_name)
        arn = f"arn:{partition}:dms:{backend.region_name}:{backend.account_id}:cert:{identifier.upper()}"
        certificate = Certificate(identifier=identifier, arn=arn, pem=pem, owner=backend.account_id, parsed=parsed)
        certificates(backend)[arn] = certificate
        if p.get("Tags"):
            backend.tagger.tag_resource(arn, p["Tags"])
        return json.dumps({"Certificate": certificate.to_dict()})

    def describe_certificates(self: Any) -> str:
        p = _body(self)
        found = list(certificates(self.dms_backend).values())
        for item in p.get("Filters") or []:
            values = set(item.get("Values") or [])
            name = item.get("Name")
            if name == "certificate-id":
                found = [c for c in found if c.identifier in values]
            elif name == "certificate-arn":
                found = [c for c in found if c.arn in values]
            else:
                raise _invalid_parameter(f"Filter {name} is not valid; use certificate-id or certificate-arn")
        return json.dumps({"Certificates": [c.to_dict() for c in found]})

    def delete_certificate(self: Any) -> str:
        p = _body(self)
        backend = self.dms_backend
        arn = p.get("CertificateArn")
        certificate = certificates(backend).get(arn)
        if certificate is None:
            raise ResourceNotFoundFault("Certificate not found.")
        users = [e.endpoint_identifier for e in backend.endpoints.values() if e.certificate_arn == arn]
        if users:
            raise InvalidResourceStateFault(
                f"Certificate {certificate.identifier} is in use by endpoint(s) {', '.join(users)}"
            )
        del certificates(backend)[arn]
        backend.tagger.delete_all_tags_for_resource(arn)
        return json.dumps({"Certificate": certificate.to_dict()})

    R.import_certificate = import_certificate
    R.describe_certificates = describe_certificates
    R.delete_certificate = delete_certificate


@patch
def dms_modify_endpoint() -> None:
    """AWS DMS changes an endpoint in place with ModifyEndpoint (e.g. its SslMode and
    CertificateArn, which a move from `require` to `verify-full` changes), merging
    PostgreSQLSettings into the old ones unless ExactSettings is true, and refusing an
    unknown SslMode or a CertificateArn of no imported certificate. moto has no
    ModifyEndpoint (HTTP 500), so any change of an `aws_dms_endpoint` failed. Seen with moto 5.2.1."""
    from moto.dms.exceptions import ResourceNotFoundFault
    from moto.dms.responses import DatabaseMigrationServiceResponse as R

    def modify_endpoint(self: Any) -> str:
        p = _body(self)
        backend = self.dms_backend
        endpoint = next((e for e in backend.endpoints.values() if e.endpoint_arn == p.get("EndpointArn")), None)
        if endpoint is None:
            raise ResourceNotFoundFault("Endpoint could not be found.")
        if "SslMode" in p and p["SslMode"] not in SSL_MODES:
            raise _invalid_parameter(f"SslMode {p['SslMode']} is not valid; valid: {', '.join(SSL_MODES)}")
        certificate_arn = p.get("CertificateArn")
        if certificate_arn and certificate_arn not in getattr(backend, "_emu_certificates", {}):
            raise ResourceNotFoundFault(f"Certificate {certificate_arn} not found.")
        for api_name, attribute in MODIFIABLE_ENDPOINT_FIELDS.items():
            if api_name in p:
                setattr(endpoint, attribute, p[api_name])
        if "PostgreSQLSettings" in p:
            old = {} if p.get("ExactSettings") else dict(endpoint.postgre_sql_settings or {})
            endpoint.postgre_sql_settings = {**old, **(p["PostgreSQLSettings"] or {})}
        return json.dumps({"Endpoint": endpoint.to_dict()})

    R.modify_endpoint = modify_endpoint
