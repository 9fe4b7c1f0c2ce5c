"""Server verification as the lab does it: DMS certificates, ModifyEndpoint, a private hosted zone that answers a
cluster's own name with an interface endpoint, and the stand-in trust rule for the vendored RDS CA bundle."""

from __future__ import annotations

import datetime
import io
import json
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pytest
from botocore.exceptions import ClientError
from dataplane.names import private_network, rds_instance_addresses, resolve

PROJECT_DIR = Path(__file__).resolve().parents[2]
RDS_CA_BUNDLE = (PROJECT_DIR / "certificates" / "rds-global-bundle.pem").read_text()
MASTER_USER = "labadmin"
PASSWORD = "a-verification-password"
DATABASE = "demo_db"
TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "dms.amazonaws.com"}}],
}


def another_ca() -> str:
    """A self-signed CA that signed nothing the emulator serves (a wrong bundle)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "not the RDS CA")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


# ---------------------------------------------------------------------------
# DMS certificates and ModifyEndpoint (control plane)
# ---------------------------------------------------------------------------


@pytest.mark.correction("dms_certificates")
def test_an_imported_bundle_reads_back_as_given_and_cannot_be_deleted_while_an_endpoint_uses_it(
    aws: Callable[[str], Any], unique: Callable[[str], str]
) -> None:
    dms = aws("dms")
    identifier = unique("rds-ca")
    imported = dms.import_certificate(CertificateIdentifier=identifier, CertificatePem=RDS_CA_BUNDLE)["Certificate"]
    arn = imported["CertificateArn"]

    [described] = dms.describe_certificates(Filters=[{"Name": "certificate-id", "Values": [identifier]}])[
        "Certificates"
    ]
    assert described["CertificatePem"] == RDS_CA_BUNDLE
    assert described["CertificateArn"] == arn and described["ValidToDate"] > described["ValidFromDate"]
    assert dms.describe_certificates(Filters=[{"Name": "certificate-arn", "Values": [arn]}])["Certificates"]

    with pytest.raises(ClientError) as duplicate:
        dms.import_certificate(CertificateIdentifier=identifier, CertificatePem=RDS_CA_BUNDLE)
    assert duplicate.value.response["Error"]["Code"] == "ResourceAlreadyExistsFault"
    with pytest.raises(ClientError) as garbage:
        dms.import_certificate(CertificateIdentifier=unique("garbage"), CertificatePem="not a certificate")
    assert garbage.value.response["Error"]["Code"] == "InvalidCertificateFault"

    endpoint = dms.create_endpoint(
        EndpointIdentifier=unique("uses-ca"),
        EndpointType="target",
        EngineName="aurora-postgresql",
        ServerName="db.example.internal",
        Port=5432,
        DatabaseName=DATABASE,
        Username="dms_user",
        Password="not-a-secret",
        SslMode="verify-full",
        CertificateArn=arn,
    )["Endpoint"]["EndpointArn"]
    with pytest.raises(ClientError) as in_use:
        dms.delete_certificate(CertificateArn=arn)
    assert in_use.value.response["Error"]["Code"] == "InvalidResourceStateFault"

    dms.delete_endpoint(EndpointArn=endpoint)
    dms.delete_certificate(CertificateArn=arn)
    assert dms.describe_certificates(Filters=[{"Name": "certificate-id", "Values": [identifier]}])["Certificates"] == []


@pytest.mark.correction("dms_modify_endpoint")
def test_an_endpoint_moves_from_require_to_verify_full_in_place(
    aws: Callable[[str], Any], unique: Callable[[str], str]
) -> None:
    dms = aws("dms")
    arn = dms.import_certificate(CertificateIdentifier=unique("rds-ca"), CertificatePem=RDS_CA_BUNDLE)["Certificate"][
        "CertificateArn"
    ]
    endpoint = dms.create_endpoint(
        EndpointIdentifier=unique("modified"),
        EndpointType="source",
        EngineName="aurora-postgresql",
        DatabaseName=DATABASE,
        SslMode="require",
        PostgreSQLSettings={"SecretsManagerSecretId": "s", "SecretsManagerAccessRoleArn": "r", "HeartbeatEnable": True},
    )["Endpoint"]["EndpointArn"]

    modified = dms.modify_endpoint(
        EndpointArn=endpoint,
        SslMode="verify-full",
        CertificateArn=arn,
        PostgreSQLSettings={"HeartbeatFrequency": 5},
    )["Endpoint"]

    assert (modified["SslMode"], modified["CertificateArn"]) == ("verify-full", arn)
    [described] = dms.describe_endpoints(Filters=[{"Name": "endpoint-arn", "Values": [endpoint]}])["Endpoints"]
    assert described["SslMode"] == "verify-full"
    assert described["PostgreSQLSettings"]["HeartbeatEnable"] is True  # merged, not replaced
    assert described["PostgreSQLSettings"]["HeartbeatFrequency"] == 5
    with pytest.raises(ClientError) as unknown:
        dms.modify_endpoint(EndpointArn=endpoint, CertificateArn=arn.replace(":cert:", ":cert:X"))
    assert unknown.value.response["Error"]["Code"] == "ResourceNotFoundFault"
    with pytest.raises(ClientError) as bad_mode:
        dms.modify_endpoint(EndpointArn=endpoint, SslMode="verify-everything")
    assert bad_mode.value.response["Error"]["Code"] == "InvalidParameterValueException"


# ---------------------------------------------------------------------------
# The lab's path: the cluster's own name, answered in the DMS VPC with the interface endpoint
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Lab:
    cluster: dict
    dms_vpc: str
    dms_subnets: list[str]
    vpce_name: str
    vpce_ip: str
    zone_id: str
    instance_arn: str
    role_arn: str


@pytest.fixture(scope="module")
def lab(aws: Callable[[str], Any], unique: Callable[[str], str], network: Any, endpoint_service: Any) -> Iterator[Lab]:
    rds, ec2, route53, dms, iam = (aws(s) for s in ("rds", "ec2", "route53", "dms", "iam"))
    subnet_group = unique("verify-subnets")
    rds.create_db_subnet_group(
        DBSubnetGroupName=subnet_group, DBSubnetGroupDescription="test", SubnetIds=list(network.subnet_ids)
    )
    cluster = rds.create_db_cluster(
        DBClusterIdentifier=unique("verify-cluster"),
        Engine="aurora-postgresql",
        EngineVersion="16.8",
        MasterUsername=MASTER_USER,
        MasterUserPassword=PASSWORD,
        DatabaseName=DATABASE,
        DBSubnetGroupName=subnet_group,
    )["DBCluster"]
    instance = rds.create_db_instance(
        DBInstanceIdentifier=unique("verify-writer"),
        DBClusterIdentifier=cluster["DBClusterIdentifier"],
        Engine="aurora-postgresql",
        DBInstanceClass="db.t4g.medium",
        DBSubnetGroupName=subnet_group,
    )["DBInstance"]
    writer_ip = rds_instance_addresses()[instance["Endpoint"]["Address"].lower()]
    path = endpoint_service(writer_ip, "verify")
    service_name = path.service_name
    # The DMS VPC has the database VPC's CIDR, as in the lab: only PrivateLink connects them.
    dms_vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    dms_subnets = [
        ec2.create_subnet(VpcId=dms_vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=zone)["Subnet"]["SubnetId"]
        for i, zone in enumerate(("us-east-1a", "us-east-1b"))
    ]
    vpce = ec2.create_vpc_endpoint(
        VpcEndpointType="Interface", VpcId=dms_vpc, ServiceName=service_name, SubnetIds=dms_subnets
    )["VpcEndpoint"]
    vpce_name, vpce_zone = vpce["DnsEntries"][0]["DnsName"], vpce["DnsEntries"][0]["HostedZoneId"]
    eni = ec2.describe_network_interfaces(NetworkInterfaceIds=vpce["NetworkInterfaceIds"][:1])["NetworkInterfaces"][0]

    host = cluster["Endpoint"]
    zone_id = route53.create_hosted_zone(
        Name=host,
        CallerReference=unique("zone"),
        HostedZoneConfig={"PrivateZone": True, "Comment": "the cluster's name in the DMS VPC"},
        VPC={"VPCRegion": "us-east-1", "VPCId": dms_vpc},
    )["HostedZone"]["Id"].split("/")[-1]
    route53.change_resource_record_sets(
        HostedZoneId=zone_id,
        ChangeBatch={
            "Changes": [
                {
                    "Action": "CREATE",
                    "ResourceRecordSet": {
                        "Name": host,
                        "Type": "A",
                        "AliasTarget": {"HostedZoneId": vpce_zone, "DNSName": vpce_name, "EvaluateTargetHealth": False},
                    },
                }
            ]
        },
    )

    subnet_group_id = unique("verify-subgrp")
    dms.create_replication_subnet_group(
        ReplicationSubnetGroupIdentifier=subnet_group_id, ReplicationSubnetGroupDescription="dms", SubnetIds=dms_subnets
    )
    instance_arn = dms.create_replication_instance(
        ReplicationInstanceIdentifier=unique("verify-ri"),
        ReplicationInstanceClass="dms.t3.micro",
        ReplicationSubnetGroupIdentifier=subnet_group_id,
    )["ReplicationInstance"]["ReplicationInstanceArn"]
    role_arn = iam.create_role(RoleName=unique("verify-dms-secrets"), AssumeRolePolicyDocument=json.dumps(TRUST))[
        "Role"
    ]["Arn"]
    yield Lab(cluster, dms_vpc, dms_subnets, vpce_name, eni["PrivateIpAddress"], zone_id, instance_arn, role_arn)
    rds.delete_db_instance(DBInstanceIdentifier=instance["DBInstanceIdentifier"], SkipFinalSnapshot=True)
    rds.delete_db_cluster(DBClusterIdentifier=cluster["DBClusterIdentifier"], SkipFinalSnapshot=True)


def test_in_the_dms_vpc_the_clusters_name_takes_the_private_link_path(lab: Lab) -> None:
    host = lab.cluster["Endpoint"]

    inside = resolve(host, vpc_id=lab.dms_vpc)
    elsewhere = resolve(host)

    assert inside is not None and inside.reason is None, inside
    assert inside.chain[0].startswith(f"private hosted zone {lab.zone_id}")
    assert f"{host.lower()} -> {lab.vpce_name.lower()}" in inside.chain
    assert any(step.startswith("vpc endpoint ") for step in inside.chain)
    assert inside.address == elsewhere.address  # type: ignore[union-attr]
    assert not any(step.startswith("vpc endpoint ") for step in elsewhere.chain)  # type: ignore[union-attr]


def test_a_private_zone_without_the_record_answers_nxdomain_in_its_vpc(
    aws: Callable[[str], Any], unique: Callable[[str], str], lab: Lab
) -> None:
    route53 = aws("route53")
    shadow = route53.create_hosted_zone(
        Name="shadowed.example.internal",
        CallerReference=unique("shadow"),
        HostedZoneConfig={"PrivateZone": True},
        VPC={"VPCRegion": "us-east-1", "VPCId": lab.dms_vpc},
    )["HostedZone"]["Id"].split("/")[-1]
    try:
        answer = resolve("db.shadowed.example.internal", vpc_id=lab.dms_vpc)
        assert answer is not None and answer.address is None
        assert answer.reason is not None and answer.reason.startswith("NXDOMAIN")
    finally:
        route53.delete_hosted_zone(Id=shadow)


def test_a_function_in_the_dms_vpc_resolves_the_clusters_name_to_the_interface_endpoint_only_there(lab: Lab) -> None:
    inside, _ = private_network(vpc_id=lab.dms_vpc)
    outside, _ = private_network()

    assert inside[lab.cluster["Endpoint"].lower()] == lab.vpce_ip
    assert lab.cluster["Endpoint"].lower() not in outside


def connection_status(dms: Any, instance_arn: str, endpoint_arn: str) -> dict:
    assert dms.test_connection(ReplicationInstanceArn=instance_arn, EndpointArn=endpoint_arn)["Connection"]
    filters = [
        {"Name": "endpoint-arn", "Values": [endpoint_arn]},
        {"Name": "replication-instance-arn", "Values": [instance_arn]},
    ]
    deadline = time.monotonic() + 15
    while True:
        [connection] = dms.describe_connections(Filters=filters)["Connections"]
        if connection["Status"] != "testing" or time.monotonic() > deadline:
            return connection
        time.sleep(0.05)


@pytest.mark.correction("dms_certificates")
def test_dms_verifies_the_server_with_the_rds_bundle_and_a_wrong_ca_fails(
    aws: Callable[[str], Any], unique: Callable[[str], str], lab: Lab
) -> None:
    dms, secrets = aws("dms"), aws("secretsmanager")
    secret = secrets.create_secret(
        Name=unique("verify/secret"),
        SecretString=json.dumps(
            {"host": lab.cluster["Endpoint"], "port": 5432, "username": MASTER_USER, "password": PASSWORD}
        ),
    )["ARN"]

    def endpoint(ssl_mode: str, pem: str | None) -> str:
        certificate = {}
        if pem is not None:
            imported = dms.import_certificate(CertificateIdentifier=unique("ca"), CertificatePem=pem)
            certificate = {"CertificateArn": imported["Certificate"]["CertificateArn"]}
        return dms.create_endpoint(
            EndpointIdentifier=unique("verify"),
            EndpointType="target",
            EngineName="aurora-postgresql",
            DatabaseName=DATABASE,
            SslMode=ssl_mode,
            **certificate,
            PostgreSQLSettings={"SecretsManagerSecretId": secret, "SecretsManagerAccessRoleArn": lab.role_arn},
        )["Endpoint"]["EndpointArn"]

    verified = connection_status(dms, lab.instance_arn, endpoint("verify-full", RDS_CA_BUNDLE))
    wrong_ca = connection_status(dms, lab.instance_arn, endpoint("verify-ca", another_ca()))
    no_ca = connection_status(dms, lab.instance_arn, endpoint("verify-full", None))

    assert verified["Status"] == "successful", verified["LastFailureMessage"]
    assert wrong_ca["Status"] == "failed" and "certificate verify failed" in wrong_ca["LastFailureMessage"]
    assert no_ca["Status"] == "failed" and "names none (CertificateArn)" in no_ca["LastFailureMessage"]


PROBE = """
const { Client } = require("pg");
exports.handler = async (event) => {
  const client = new Client({
    host: event.host, port: 5432, user: event.user, password: event.password, database: event.database,
    ssl: { ca: event.ca, rejectUnauthorized: true }, connectionTimeoutMillis: 5000,
  });
  try {
    await client.connect();
    const { rows } = await client.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
    await client.end();
    return { ok: true, ssl: rows[0].ssl };
  } catch (error) {
    return { ok: false, message: String(error.message) };
  }
};
"""


def test_a_function_in_the_dms_vpc_verifies_the_server_by_its_name_with_the_rds_bundle_and_not_with_another_ca(
    aws: Callable[[str], Any], unique: Callable[[str], str], lab: Lab
) -> None:
    trust = json.dumps(TRUST).replace("dms.amazonaws.com", "lambda.amazonaws.com")
    role = aws("iam").create_role(RoleName=unique("verify-probe"), AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.js", PROBE)
    name = unique("verify-probe")
    aws("lambda").create_function(
        FunctionName=name,
        Runtime="nodejs20.x",
        Role=role,
        Handler="index.handler",
        Code={"ZipFile": buffer.getvalue()},
        Timeout=15,
        VpcConfig={"SubnetIds": lab.dms_subnets, "SecurityGroupIds": []},
    )

    def connect(host: str, ca: str) -> dict:
        event = {"host": host, "user": MASTER_USER, "password": PASSWORD, "database": DATABASE, "ca": ca}
        answer = aws("lambda").invoke(FunctionName=name, Payload=json.dumps(event))
        assert "FunctionError" not in answer
        return json.loads(answer["Payload"].read())

    assert connect(lab.cluster["Endpoint"], RDS_CA_BUNDLE) == {"ok": True, "ssl": True}
    wrong_ca = connect(lab.cluster["Endpoint"], another_ca())
    assert wrong_ca == {"ok": False, "message": "unable to verify the first certificate"}
    # The interface endpoint's own name is not on the certificate: verify-full refuses it.
    through_vpce = connect(lab.vpce_name, RDS_CA_BUNDLE)
    assert not through_vpce["ok"] and "does not match certificate's altnames" in through_vpce["message"]
