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
