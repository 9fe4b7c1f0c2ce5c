"""Which PostgreSQL server a DNS name reaches, followed through moto's records as AWS routes it.

An interface endpoint's name leads, as PrivateLink does, through the VPC endpoint, its endpoint
service, the service's network load balancer, the listener on the port, its target group and a
registered target IP to the RDS instance that owns that IP, its cluster and the cluster's server.
A cluster, reader or instance endpoint name leads to its cluster's server directly (a client
inside the database's VPC). Asked from a VPC (`vpc_id`), a name first meets the Route 53 private
hosted zones associated with that VPC, as Route 53 Resolver answers it: the most specific zone
whose name is the name or a parent of it decides; its record for the name (an alias or a CNAME)
leads on to the target name, and a zone without such a record ends the chain (NXDOMAIN). Any
missing link means no address, and the reason says which one.
Reads moto's backends in-process; call it only inside the emulator process.
"""

from __future__ import annotations

import hashlib
import ipaddress
from dataclasses import dataclass, field
from typing import Any

DEFAULT_ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"
POSTGRES_PORT = 5432


@dataclass(frozen=True)
class Resolution:
    """Where a name leads: `address` is None when a link is missing, and `reason` says which."""

    host: str
    port: int
    address: str | None = None
    cluster_id: str | None = None
    ca_bundle_path: str | None = None
    chain: tuple[str, ...] = field(default_factory=tuple)
    reason: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "host": self.host,
            "port": self.port,
            "address": self.address,
            "cluster_id": self.cluster_id,
            "ca_bundle_path": self.ca_bundle_path,
            "chain": list(self.chain),
            "reason": self.reason,
        }


def rds_instance_addresses(account_id: str = DEFAULT_ACCOUNT, region: str = DEFAULT_REGION) -> dict[str, str]:
    """Each RDS instance endpoint name -> a stable private IPv4 address inside the first subnet of
    its DB subnet group (what the name resolves to inside the VPC on AWS). moto assigns instances
    no address at all; this one is derived from the identifier so it survives restarts."""
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


def region_of(name: str) -> str | None:
    """The region an AWS endpoint name carries (`...<region>.vpce.amazonaws.com`, `...<region>.rds.amazonaws.com`)."""
    labels = name.lower().rstrip(".").split(".")
    for index in range(1, len(labels) - 2):
        if labels[index + 1 :] in (["vpce", "amazonaws", "com"], ["rds", "amazonaws", "com"]):
            return labels[index]
    return None


# A chain of aliases and CNAMEs longer than this is a loop.
MAX_ALIAS_HOPS = 8


def resolve(
    host: str,
    port: int = POSTGRES_PORT,
    account_id: str = DEFAULT_ACCOUNT,
    region: str | None = None,
    vpc_id: str | None = None,
) -> Resolution | None:
    """Where `host`:`port` leads from `vpc_id` (or from no VPC in particular: no private zone applies); None when
    `host` is neither an interface endpoint's nor an RDS endpoint's name nor a private zone's. The region
    defaults to the one the name carries (else us-east-1)."""
    return _resolve(host.lower().rstrip("."), port, account_id, region, vpc_id, ())


def _resolve(
    name: str, port: int, account_id: str, region: str | None, vpc_id: str | None, hops: tuple[str, ...]
) -> Resolution | None:
    if vpc_id is not None:
        zone = private_zone_for(name, vpc_id, account_id)
        if zone is not None:
            return _through_private_zone(name, port, zone, account_id, region, vpc_id, hops)
    region = region or region_of(name) or DEFAULT_REGION
    endpoint = _interface_endpoint(name, account_id, region)
    if endpoint is not None:
        return _through_private_link(name, port, endpoint, account_id, region, hops)
    cluster = _cluster_of_rds_name(name, account_id, region)
    if cluster is not None:
        return _at_server(Resolution(name, port, chain=(*hops, f"rds endpoint {name}", f"cluster {cluster}")), cluster)
    return None


def private_zone_for(name: str, vpc_id: str, account_id: str = DEFAULT_ACCOUNT) -> Any:
    """The private hosted zone that answers `name` inside `vpc_id`: of the zones associated with the VPC whose
    name is `name` or a parent domain of it, the most specific one (Route 53 Resolver's rule); None if none."""
    from moto.route53.models import route53_backends

    best = None
    for zone in list(route53_backends[account_id]["global"].zones.values()):
        if not zone.private_zone or not any(vpc.get("vpc_id") == vpc_id for vpc in zone.vpcs):
            continue
        zone_name = zone.name.lower().rstrip(".")
        if (name == zone_name or name.endswith("." + zone_name)) and (
            best is None or len(zone_name) > len(best.name.rstrip("."))
        ):
            best = zone
    return best


def zone_record_target(zone: Any, name: str) -> str | None:
    """The name `zone`'s alias (A/AAAA) or CNAME record for `name` points at (lower case, no trailing dot);
    None when the zone holds no such record (A records with addresses are not followed: no VPC address is real here)."""
    for record in list(zone.rrsets):
        if record.name.lower().rstrip(".") != name:
            continue
        if record.alias_target and record.type in ("A", "AAAA"):
            target = str(record.alias_target.get("DNSName", ""))
        elif record.type == "CNAME" and record.records:
            target = str(record.records[0])
        else:
            continue
        if target:
            return target.lower().rstrip(".")
    return None


def _through_private_zone(
    name: str, port: int, zone: Any, account_id: str, region: str | None, vpc_id: str, hops: tuple[str, ...]
) -> Resolution:
    """Follows the zone's alias or CNAME record for `name` to its target, resolved from the same VPC."""
    step = f"private hosted zone {str(zone.id).split('/')[-1]} ({zone.name.rstrip('.')})"
    chain = (*hops, step)
    target = zone_record_target(zone, name)
    if not target:
        # Resolver answers from the most specific private zone only: no record there means NXDOMAIN.
        return Resolution(name, port, chain=chain, reason=f"NXDOMAIN: {step} has no alias or CNAME record for {name}")
    if len(hops) >= MAX_ALIAS_HOPS:
        return Resolution(name, port, chain=chain, reason=f"more than {MAX_ALIAS_HOPS} aliases from {name}: a loop")
    followed = _resolve(target, port, account_id, region, vpc_id, (*chain, f"{name} -> {target}"))
    if followed is None:
        return Resolution(name, port, chain=(*chain, f"{name} -> {target}"), reason=f"{target} leads nowhere")
    return Resolution(
        name,
        port,
        address=followed.address,
        cluster_id=followed.cluster_id,
        ca_bundle_path=followed.ca_bundle_path,
        chain=followed.chain,
        reason=followed.reason,
    )


def _interface_endpoint(name: str, account_id: str, region: str) -> Any:
    """The VPC endpoint whose regional name is `name`, or whose per-zone name is (`<first label>-<zone>.<rest>`)."""
    from moto.ec2.models import ec2_backends

    for endpoint in list(ec2_backends[account_id][region].vpc_end_points.values()):
        for entry in endpoint.dns_entries or []:
            regional = str(entry.get("dns_name", "")).lower()
            if not regional:
                continue
            first, _, rest = regional.partition(".")
            if name == regional or (name.startswith(first + "-") and name.endswith("." + rest)):
                return endpoint
    return None


def _through_private_link(
    name: str, port: int, endpoint: Any, account_id: str, region: str, hops: tuple[str, ...] = ()
) -> Resolution:
    from moto.ec2.models import ec2_backends
    from moto.elbv2.models import elbv2_backends

    chain = [*hops, f"vpc endpoint {endpoint.id}"]

    def failed(reason: str) -> Resolution:
        return Resolution(name, port, chain=tuple(chain), reason=reason)

    if str(endpoint.state).lower() != "available":
        # An endpoint awaiting acceptance (pendingAcceptance) or rejected carries nothing, as on AWS.
        return failed(f"vpc endpoint {endpoint.id} is {endpoint.state}, not available")
    services = ec2_backends[account_id][region].configurations
    service = next((s for s in list(services.values()) if s.service_name == endpoint.service_name), None)
    if service is None:
        return failed(f"no endpoint service named {endpoint.service_name}")
    chain.append(f"endpoint service {service.id}")
    elbv2 = elbv2_backends[account_id][region]
    balancers = [elbv2.load_balancers[arn] for arn in service.network_load_balancer_arns if arn in elbv2.load_balancers]
    if not balancers:
        return failed(f"endpoint service {service.id} has no network load balancer")
    for balancer in balancers:
        listener = next((lis for lis in list(balancer.listeners.values()) if int(lis.port) == port), None)
        if listener is None:
            continue
        chain.extend([f"load balancer {balancer.name}", f"listener {port}"])
        instance_addresses = {ip: dns for dns, ip in rds_instance_addresses(account_id, region).items()}
        for group_arn in _forward_target_groups(listener):
            group = elbv2.target_groups.get(group_arn)
            if group is None:
                continue
            chain.append(f"target group {group.name}")
            for target in list(group.targets.values()):
                instance_name = instance_addresses.get(target["Id"])
                if instance_name is None or int(target.get("Port") or port) != POSTGRES_PORT:
                    continue
                chain.extend([f"target {target['Id']}:{target.get('Port') or port}", f"rds instance {instance_name}"])
                cluster = _cluster_of_rds_name(instance_name, account_id, region)
                if cluster is None:
                    return failed(f"rds instance {instance_name} belongs to no cluster")
                chain.append(f"cluster {cluster}")
                return _at_server(Resolution(name, port, chain=tuple(chain)), cluster)
            return failed(f"target group {group.name} has no registered target that is an RDS instance's address")
        return failed(f"listener {port} of {balancer.name} forwards to no target group")
    return failed(f"no listener on port {port} of " + ", ".join(b.name for b in balancers))


def _forward_target_groups(listener: Any) -> list[str]:
    arns: list[str] = []
    for action in listener.default_actions:
        data = getattr(action, "data", {}) or {}
        if data.get("TargetGroupArn"):
            arns.append(data["TargetGroupArn"])
        for group in (data.get("ForwardConfig") or {}).get("TargetGroups", []):
            arns.append(group["TargetGroupArn"])
    return arns


def _cluster_of_rds_name(name: str, account_id: str, region: str) -> str | None:
    """The cluster whose cluster, reader or instance endpoint is `name`."""
    from moto.rds.models import rds_backends

    backend = rds_backends[account_id][region]
    for cluster in list(backend.clusters.values()):
        if name in (cluster.endpoint.lower(), cluster.reader_endpoint.lower()):
            return cluster.db_cluster_identifier
    for database in list(backend.databases.values()):
        if database.address.lower() == name:
            return getattr(database, "db_cluster_identifier", None)
    return None


def _at_server(partial: Resolution, cluster_id: str) -> Resolution:
    from moto_fixes.rds import postgres_servers

    info = postgres_servers().info(cluster_id)
    if info is None:
        return Resolution(
            partial.host,
            partial.port,
            cluster_id=cluster_id,
            chain=partial.chain,
            reason=f"cluster {cluster_id} has no PostgreSQL server",
        )
    return Resolution(
        partial.host,
        partial.port,
        address=info.address,
        cluster_id=cluster_id,
        ca_bundle_path=info.ca_bundle_path,
        chain=(*partial.chain, f"server {info.address}:{info.port}"),
    )


def private_network(
    account_id: str = DEFAULT_ACCOUNT, region: str = DEFAULT_REGION, vpc_id: str | None = None
) -> tuple[dict, dict]:
    """What a client inside `vpc_id` sees, for the Lambda shim: (DNS name -> private IP, "IP:5432" -> server address).

    Names resolve as on AWS: an RDS instance endpoint to its private address, an interface endpoint's
    regional name to the private IP of its first network interface, and a name that a private hosted
    zone of `vpc_id` holds to what its alias or CNAME leads to (a name the zone shadows but does not
    hold resolves to nothing). A connection to one of those addresses on 5432 goes to the server the
    name's chain leads to, and only while the chain is whole.
    """
    from moto.ec2.models import ec2_backends
    from moto.route53.models import route53_backends

    ec2 = ec2_backends[account_id][region]
    hosts = dict(rds_instance_addresses(account_id, region))
    for endpoint in list(ec2.vpc_end_points.values()):
        enis = [ec2.enis[eni_id] for eni_id in endpoint.network_interface_ids or [] if eni_id in ec2.enis]
        for entry in endpoint.dns_entries or []:
            if enis and entry.get("dns_name"):
                hosts[str(entry["dns_name"]).lower()] = enis[0].private_ip_address
    connections: dict[str, str] = {}
    for name, private_ip in hosts.items():
        resolution = resolve(name, POSTGRES_PORT, account_id, region)
        if resolution is not None and resolution.address is not None:
            connections[f"{private_ip}:{POSTGRES_PORT}"] = resolution.address
    if vpc_id is not None:
        zoned = {
            record.name.lower().rstrip(".")
            for zone in list(route53_backends[account_id]["global"].zones.values())
            if zone.private_zone and any(vpc.get("vpc_id") == vpc_id for vpc in zone.vpcs)
            for record in list(zone.rrsets)
        }
        public = dict(hosts)
        for name in sorted(zoned | set(public)):
            if private_zone_for(name, vpc_id, account_id) is None:
                continue
            hosts.pop(name, None)
            address = _zone_answer(name, vpc_id, account_id, public)
            if address is not None:
                hosts[name] = address
    return hosts, connections


def _zone_answer(name: str, vpc_id: str, account_id: str, public: dict[str, str]) -> str | None:
    """The private IP `name` resolves to inside `vpc_id` through its private zone's aliases and CNAMEs."""
    for _ in range(MAX_ALIAS_HOPS):
        zone = private_zone_for(name, vpc_id, account_id)
        if zone is None:
            return public.get(name)
        target = zone_record_target(zone, name)
        if not target:
            return None
        name = target
    return None


def vpc_of_subnets(
    subnet_ids: list[str], account_id: str = DEFAULT_ACCOUNT, region: str = DEFAULT_REGION
) -> str | None:
    """The VPC of the first of `subnet_ids` that exists (a function's or an instance's VPC)."""
    from moto.ec2.models import ec2_backends

    for subnet_id in subnet_ids:
        try:
            return ec2_backends[account_id][region].get_subnet(subnet_id).vpc_id
        except Exception:
            continue
    return None
