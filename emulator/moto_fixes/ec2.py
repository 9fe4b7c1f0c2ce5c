"""Corrections to moto's EC2 (VPC endpoints and services, security groups, instances) where it departs from AWS."""

from __future__ import annotations

from typing import Any

from .registry import patch


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
        self.ec2_backend.modify_vpc_endpoint_service_permissions(service_id, add, remove)
        result: dict[str, Any] = {"ReturnValue": True}
        if add:
            result["AddedPrincipals"] = [permission(service_id, p) for p in add]
        return ActionResult(result)

    def describe_vpc_endpoint_service_permissions(self: Any) -> ActionResult:
        service_id = self._get_param("ServiceId")
        principals = self.ec2_backend.describe_vpc_endpoint_service_permissions(service_id)
        allowed = [permission(service_id, p) for p in sorted(principals)]
        for entry in allowed:
            entry.pop("ServiceId")
        return ActionResult({"AllowedPrincipals": allowed})

    R.modify_vpc_endpoint_service_permissions = modify_vpc_endpoint_service_permissions
    R.describe_vpc_endpoint_service_permissions = describe_vpc_endpoint_service_permissions


@patch
def ec2_sg_rule_descriptions() -> None:
    """AWS keeps the description of a security group rule whatever its peer: a
    CIDR range, another security group, or a managed prefix list (e.g. the S3
    gateway endpoint's). moto's SecurityGroupRule.description reads only the
    CIDR range's, and moto drops a prefix list's description when it stores
    the prefix list id, so an aws_vpc_security_group_ingress_rule with
    referenced_security_group_id, or an aws_vpc_security_group_egress_rule
    with prefix_list_id, that has a description diffs forever. One correction
    of SecurityGroupRule restores both. Seen with moto 5.2.1."""
    from moto.ec2.models.security_groups import SecurityGroupRule

    original_init = SecurityGroupRule.__init__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        prefix_list = kwargs.get("prefix_list_id", args[7] if len(args) > 7 else None)
        self.prefix_list_description = (prefix_list or {}).get("Description")

    def description(self: Any) -> str | None:
        return (
            self.ip_range.get("Description")
            or self.source_group.get("Description")
            or getattr(self, "prefix_list_description", None)
        )

    SecurityGroupRule.__init__ = __init__
    SecurityGroupRule.description = property(description)


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


@patch
def ec2_endpoint_connection_acceptance() -> None:
    """AWS puts an interface endpoint to a service with AcceptanceRequired
    in state pendingAcceptance until the service's owner accepts it
    (AcceptVpcEndpointConnections), lists the endpoints of its services in
    DescribeVpcEndpointConnections, and rejects with
    RejectVpcEndpointConnections; moto makes every endpoint available at once
    and has none of the three actions, so aws_vpc_endpoint_connection_accepter
    fails with InvalidAction. Seen with moto 5.2.1."""
    from moto.core.responses import ActionResult
    from moto.ec2.models.vpcs import VPCBackend
    from moto.ec2.responses.vpc_service_configuration import (
        VPCEndpointServiceConfiguration as R,
    )

    original_create = VPCBackend.create_vpc_endpoint

    def create_vpc_endpoint(self: Any, *args: Any, **kwargs: Any) -> Any:
        endpoint = original_create(self, *args, **kwargs)
        services = getattr(self, "configurations", {}).values()
        if any(s.service_name == endpoint.service_name and s.acceptance_required for s in list(services)):
            endpoint.state = "pendingAcceptance"
        return endpoint

    def service_and_endpoints(response: Any) -> tuple[Any, list[Any]]:
        backend = response.ec2_backend
        service = backend.get_vpc_endpoint_service(response._get_param("ServiceId"))
        endpoints = [
            e for e in list(backend.vpc_end_points.values()) if service and e.service_name == service.service_name
        ]
        return service, endpoints

    def decide(response: Any, new_state: str) -> ActionResult:
        service, endpoints = service_and_endpoints(response)
        by_id = {e.id: e for e in endpoints}
        unsuccessful = []
        for endpoint_id in response._get_param("VpcEndpointIds", []):
            endpoint = by_id.get(endpoint_id)
            if service is None or endpoint is None:
                error = {
                    "Code": "InvalidVpcEndpoint.NotFound",
                    "Message": f"The Vpc Endpoint Id '{endpoint_id}' does not exist",
                }
                unsuccessful.append({"ResourceId": endpoint_id, "Error": error})
            else:
                # Deciding again on an endpoint that is no longer pending is not refused here; what AWS
                # answers to that was not checked.
                endpoint.state = new_state
        return ActionResult({"Unsuccessful": unsuccessful})

    def accept_vpc_endpoint_connections(self: Any) -> ActionResult:
        return decide(self, "available")

    def reject_vpc_endpoint_connections(self: Any) -> ActionResult:
        return decide(self, "rejected")

    def describe_vpc_endpoint_connections(self: Any) -> ActionResult:
        backend = self.ec2_backend
        filters = self._filters_from_querystring()
        connections = []
        for service in list(backend.configurations.values()):
            for endpoint in list(backend.vpc_end_points.values()):
                if endpoint.service_name != service.service_name:
                    continue
                entry = {
                    "ServiceId": service.id,
                    "VpcEndpointId": endpoint.id,
                    "VpcEndpointOwner": backend.account_id,
                    "VpcEndpointState": endpoint.state,
                    "CreationTimestamp": endpoint.creation_timestamp,
                    "DnsEntries": [
                        {"DnsName": d.get("dns_name"), "HostedZoneId": d.get("hosted_zone_id")}
                        for d in endpoint.dns_entries or []
                    ],
                    "NetworkLoadBalancerArns": list(service.network_load_balancer_arns),
                }
                keys = {
                    "service-id": entry["ServiceId"],
                    "vpc-endpoint-id": entry["VpcEndpointId"],
                    "vpc-endpoint-owner": entry["VpcEndpointOwner"],
                    "vpc-endpoint-state": entry["VpcEndpointState"],
                }
                if all(keys.get(name) in values for name, values in filters.items() if name in keys):
                    connections.append(entry)
        return ActionResult({"VpcEndpointConnections": connections})

    VPCBackend.create_vpc_endpoint = create_vpc_endpoint
    R.accept_vpc_endpoint_connections = accept_vpc_endpoint_connections
    R.reject_vpc_endpoint_connections = reject_vpc_endpoint_connections
    R.describe_vpc_endpoint_connections = describe_vpc_endpoint_connections
