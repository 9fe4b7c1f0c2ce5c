"""One emulator for the whole test session: moto's server with every correction applied, in this process."""

from __future__ import annotations

import os
import sys
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Callable

import pytest

EMULATOR_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, EMULATOR_DIR)

from moto_fixes import apply_patches  # noqa: E402
from moto_fixes.environment import prepare_environment  # noqa: E402
from moto_fixes.server import make_emulator_server  # noqa: E402

# moto reads these when it is first imported, which may be during collection (botocore, boto3 are fine).
prepare_environment()


@pytest.fixture(scope="session")
def endpoint() -> Iterator[str]:
    """The URL of an emulator as the launcher runs it (corrections applied, the HTTP layer in front)."""
    apply_patches()
    server = make_emulator_server("127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    from dms_standin import connection_tests, task_registry
    from moto_fixes.rds import postgres_servers

    # Replication tasks read and write the servers: they stop (and drop their slots) first.
    task_registry().close_all()
    connection_tests().wait()
    postgres_servers().stop_all()


@pytest.fixture(scope="session")
def aws(endpoint: str) -> Callable[[str], Any]:
    """A boto3 client of the emulator for a service; no retries, so a failure shows at once."""
    import boto3
    from botocore.config import Config

    config = Config(retries={"max_attempts": 1, "mode": "standard"})

    def client(service: str) -> Any:
        return boto3.client(
            service,
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
            config=config,
        )

    return client


@pytest.fixture(scope="session")
def unique() -> Callable[[str], str]:
    """Names that no other test uses: the tests share one emulator."""
    return lambda prefix: f"{prefix}-{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class Network:
    vpc_id: str
    subnet_ids: tuple[str, str]
    availability_zones: tuple[str, str]


@pytest.fixture(scope="session")
def network(aws: Callable[[str], Any]) -> Network:
    """A VPC with one subnet in each of two availability zones."""
    ec2 = aws("ec2")
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    zones = ("us-east-1a", "us-east-1b")
    subnets = tuple(
        ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"10.0.{index}.0/24", AvailabilityZone=zone)["Subnet"]["SubnetId"]
        for index, zone in enumerate(zones)
    )
    return Network(vpc_id, subnets, zones)  # type: ignore[arg-type]


@dataclass(frozen=True)
class EndpointService:
    """The provider side of a PrivateLink path to a database, as the lab builds it."""

    load_balancer_arn: str
    target_group_arn: str
    service_name: str


@pytest.fixture(scope="session")
def endpoint_service(
    aws: Callable[[str], Any], unique: Callable[[str], str], network: Network
) -> Callable[[str, str], EndpointService]:
    """`(target_ip, prefix)` -> an internal NLB in `network` with a TCP 5432 listener forwarding to an `ip` target
    group that holds `target_ip`, behind an endpoint service that needs no acceptance."""
    elbv2, ec2 = aws("elbv2"), aws("ec2")

    def build(target_ip: str, prefix: str) -> EndpointService:
        balancer = elbv2.create_load_balancer(
            Name=unique(f"{prefix}-nlb"), Type="network", Scheme="internal", Subnets=list(network.subnet_ids)
        )["LoadBalancers"][0]["LoadBalancerArn"]
        group = elbv2.create_target_group(
            Name=unique(f"{prefix}-tg"), Protocol="TCP", Port=5432, VpcId=network.vpc_id, TargetType="ip"
        )["TargetGroups"][0]["TargetGroupArn"]
        elbv2.create_listener(
            LoadBalancerArn=balancer,
            Protocol="TCP",
            Port=5432,
            DefaultActions=[{"Type": "forward", "TargetGroupArn": group}],
        )
        elbv2.register_targets(TargetGroupArn=group, Targets=[{"Id": target_ip, "Port": 5432}])
        service = ec2.create_vpc_endpoint_service_configuration(
            NetworkLoadBalancerArns=[balancer], AcceptanceRequired=False
        )["ServiceConfiguration"]
        return EndpointService(balancer, group, service["ServiceName"])

    return build
