"""An interface endpoint's name reaches the cluster's server through the PrivateLink chain, while it is whole."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import psycopg
import pytest
from dataplane.names import rds_instance_addresses, resolve

EMULATOR_DIR = Path(__file__).resolve().parents[1]
MASTER_USER = "labadmin"
PASSWORD = "a-chain-password"


@dataclass(frozen=True)
class PrivateLink:
    cluster: dict
    instance_name: str
    instance_ip: str
    target_group_arn: str
    load_balancer_arn: str
    endpoint_name: str


@pytest.fixture(scope="module")
def link(
    aws: Callable[[str], Any], unique: Callable[[str], str], network: Any, endpoint_service: Any
) -> Iterator[PrivateLink]:
    """The lab's path: cluster and writer behind an NLB, an endpoint service, an interface endpoint in another VPC."""
    rds, ec2 = aws("rds"), aws("ec2")
    subnet_group = unique("chain-subnets")
    rds.create_db_subnet_group(
        DBSubnetGroupName=subnet_group, DBSubnetGroupDescription="test", SubnetIds=list(network.subnet_ids)
    )
    cluster = rds.create_db_cluster(
        DBClusterIdentifier=unique("chain-cluster"),
        Engine="aurora-postgresql",
        EngineVersion="16.6",
        MasterUsername=MASTER_USER,
        MasterUserPassword=PASSWORD,
        DatabaseName="demo_db",
        DBSubnetGroupName=subnet_group,
    )["DBCluster"]
    instance = rds.create_db_instance(
        DBInstanceIdentifier=unique("chain-writer"),
        DBClusterIdentifier=cluster["DBClusterIdentifier"],
        Engine="aurora-postgresql",
        DBInstanceClass="db.t4g.medium",
        DBSubnetGroupName=subnet_group,
    )["DBInstance"]
    instance_name = instance["Endpoint"]["Address"]
    instance_ip = rds_instance_addresses()[instance_name.lower()]
    path = endpoint_service(instance_ip, "chain")
    balancer, group, service_name = path.load_balancer_arn, path.target_group_arn, path.service_name
    consumer_vpc = ec2.create_vpc(CidrBlock="10.50.0.0/16")["Vpc"]["VpcId"]
    consumer_subnet = ec2.create_subnet(VpcId=consumer_vpc, CidrBlock="10.50.0.0/24", AvailabilityZone="us-east-1a")[
        "Subnet"
    ]["SubnetId"]
    endpoint = ec2.create_vpc_endpoint(
        VpcEndpointType="Interface",
        VpcId=consumer_vpc,
        ServiceName=service_name,
        SubnetIds=[consumer_subnet],
    )["VpcEndpoint"]
    yield PrivateLink(cluster, instance_name, instance_ip, group, balancer, endpoint["DnsEntries"][0]["DnsName"])
    rds.delete_db_instance(DBInstanceIdentifier=instance["DBInstanceIdentifier"], SkipFinalSnapshot=True)
    rds.delete_db_cluster(DBClusterIdentifier=cluster["DBClusterIdentifier"], SkipFinalSnapshot=True)


def connect_through(resolution: Any, host_name: str) -> psycopg.Connection:
    return psycopg.connect(
        host=host_name,
        hostaddr=resolution.address,
        port=5432,
        user=MASTER_USER,
        password=PASSWORD,
        dbname="demo_db",
        sslmode="require",
        connect_timeout=5,
    )


def test_the_interface_endpoints_name_leads_to_the_clusters_server_and_psycopg_connects(link: PrivateLink) -> None:
    resolution = resolve(link.endpoint_name)

    assert resolution is not None and resolution.reason is None, resolution
    assert resolution.cluster_id == link.cluster["DBClusterIdentifier"]
    assert f"rds instance {link.instance_name.lower()}" in resolution.chain
    with connect_through(resolution, link.endpoint_name) as connection:
        assert connection.execute("SELECT current_database()").fetchone() == ("demo_db",)


def test_a_per_zone_name_of_the_endpoint_leads_to_the_same_server(link: PrivateLink) -> None:
    first, _, rest = link.endpoint_name.partition(".")

    zonal = resolve(f"{first}-us-east-1a.{rest}")

    assert zonal is not None and zonal.address == resolve(link.endpoint_name).address  # type: ignore[union-attr]


def test_a_deregistered_target_breaks_the_chain_and_registering_it_again_mends_it(
    aws: Callable[[str], Any], link: PrivateLink
) -> None:
    elbv2 = aws("elbv2")
    elbv2.deregister_targets(TargetGroupArn=link.target_group_arn, Targets=[{"Id": link.instance_ip, "Port": 5432}])
    try:
        broken = resolve(link.endpoint_name)
        assert broken is not None and broken.address is None
        assert "no registered target" in (broken.reason or "")
    finally:
        elbv2.register_targets(TargetGroupArn=link.target_group_arn, Targets=[{"Id": link.instance_ip, "Port": 5432}])

    mended = resolve(link.endpoint_name)
    assert mended is not None and mended.address is not None


def test_a_port_without_a_listener_leads_nowhere(link: PrivateLink) -> None:
    resolution = resolve(link.endpoint_name, port=5433)

    assert resolution is not None and resolution.address is None
    assert (resolution.reason or "").startswith("no listener on port 5433")


def test_rds_endpoint_names_lead_to_the_server_directly(link: PrivateLink) -> None:
    addresses = {
        name: resolve(name).address  # type: ignore[union-attr]
        for name in (link.cluster["Endpoint"], link.cluster["ReaderEndpoint"], link.instance_name)
    }

    assert len(set(addresses.values())) == 1 and None not in addresses.values()
    assert resolve("db.example.com") is None


def test_the_host_asks_the_emulator_where_a_name_leads(endpoint: str, link: PrivateLink) -> None:
    query = urllib.parse.urlencode({"host": link.endpoint_name, "port": 5432})
    with urllib.request.urlopen(f"{endpoint}/_emulator/resolve?{query}", timeout=10) as response:
        answer = json.load(response)

    assert answer["address"] == resolve(link.endpoint_name).address  # type: ignore[union-attr]
    assert answer["ca_bundle_path"] and answer["chain"][0].startswith("vpc endpoint vpce-")


def test_resolve_py_prints_how_to_connect_through_the_interface_endpoint(endpoint: str, link: PrivateLink) -> None:
    resolved = subprocess.run(
        [sys.executable, str(EMULATOR_DIR / "resolve.py"), "--endpoint", endpoint, link.endpoint_name],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )

    lines = resolved.stdout.splitlines()
    assert lines[0] == f"hostaddr={resolve(link.endpoint_name).address}"  # type: ignore[union-attr]
    assert lines[-1].startswith(f"host={link.endpoint_name} ") and lines[-1].endswith("sslmode=require")


# Asks the server at event.host:5432 for TLS (PostgreSQL's SSLRequest) and answers its one-byte reply ("S");
# also says what DNS answers for the name, so the VPC address the writer-sync registers stays visible.
PROBE = """
const dns = require("node:dns");
const net = require("node:net");
exports.handler = async (event) => {
  const resolved = await dns.promises.resolve4(event.host).catch((error) => [error.code]);
  const reply = await new Promise((done) => {
    const socket = net.connect({ host: event.host, port: 5432 }, () =>
      socket.write(Buffer.from([0, 0, 0, 8, 4, 210, 22, 47])));
    socket.setTimeout(3000, () => { socket.destroy(); done("timeout"); });
    socket.once("data", (data) => { socket.destroy(); done(data.toString("latin1", 0, 1)); });
    socket.once("error", (error) => done(error.code));
  });
  return { resolved, reply };
};
"""


@pytest.fixture(scope="module")
def probe(aws: Callable[[str], Any], unique: Callable[[str], str]) -> Callable[[str], dict]:
    """A nodejs function that connects to a name on 5432, invoked with the name."""
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "lambda.amazonaws.com"}}
        ],
    }
    role = aws("iam").create_role(RoleName=unique("probe"), AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.js", PROBE)
    name = unique("probe")
    aws("lambda").create_function(
        FunctionName=name,
        Runtime="nodejs20.x",
        Role=role,
        Handler="index.handler",
        Code={"ZipFile": buffer.getvalue()},
        Timeout=10,
    )

    def invoke(host: str) -> dict:
        answer = aws("lambda").invoke(FunctionName=name, Payload=json.dumps({"host": host}))
        assert "FunctionError" not in answer
        return json.loads(answer["Payload"].read())

    return invoke


def test_a_function_reaches_the_server_through_the_interface_endpoint_and_the_instance_name(
    probe: Callable[[str], dict], link: PrivateLink
) -> None:
    through_endpoint = probe(link.endpoint_name)
    at_instance = probe(link.instance_name)

    assert through_endpoint["reply"] == "S"
    assert at_instance == {"resolved": [link.instance_ip], "reply": "S"}


def test_a_function_reaches_nothing_through_the_endpoint_while_no_target_is_registered(
    aws: Callable[[str], Any], probe: Callable[[str], dict], link: PrivateLink
) -> None:
    elbv2 = aws("elbv2")
    elbv2.deregister_targets(TargetGroupArn=link.target_group_arn, Targets=[{"Id": link.instance_ip, "Port": 5432}])
    try:
        # On AWS the connect would time out; here the name is not looked up at all (ENOTFOUND), which is quicker.
        assert probe(link.endpoint_name)["reply"] == "ENOTFOUND"
    finally:
        elbv2.register_targets(TargetGroupArn=link.target_group_arn, Targets=[{"Id": link.instance_ip, "Port": 5432}])


@pytest.mark.parametrize(
    ("name", "region"),
    [
        ("vpce-0abc-1de2.vpce-svc-0123.eu-west-1.vpce.amazonaws.com", "eu-west-1"),
        ("vpce-0abc-1de2-eu-west-1a.vpce-svc-0123.eu-west-1.vpce.amazonaws.com.", "eu-west-1"),
        ("prod-source.cluster-abc.eu-west-1.rds.amazonaws.com", "eu-west-1"),
        ("local-source-1.abc.us-east-1.rds.amazonaws.com", "us-east-1"),
        ("db.example.internal", None),
    ],
)
def test_a_name_carries_its_region(name: str, region: str | None) -> None:
    from dataplane.names import region_of

    assert region_of(name) == region
