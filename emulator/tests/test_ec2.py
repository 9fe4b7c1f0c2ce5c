"""The EC2 corrections, each shown as the AWS behaviour it restores."""

from __future__ import annotations

import re
from typing import Any, Callable

import pytest


def create_security_group(ec2: Any, name: str, vpc_id: str) -> str:
    return ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc_id)["GroupId"]


def rules_of(ec2: Any, group_id: str, egress: bool) -> list[dict]:
    rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [group_id]}])
    return [rule for rule in rules["SecurityGroupRules"] if rule["IsEgress"] == egress]


@pytest.mark.correction("ec2_endpoint_service_permission_ids")
def test_allowing_a_principal_returns_its_permission_id(
    aws: Callable[[str], Any], unique: Callable[[str], str], network: Any
) -> None:
    ec2, elbv2 = aws("ec2"), aws("elbv2")
    nlb_arn = elbv2.create_load_balancer(
        Name=unique("nlb"), Type="network", Scheme="internal", Subnets=list(network.subnet_ids)
    )["LoadBalancers"][0]["LoadBalancerArn"]
    service_id = ec2.create_vpc_endpoint_service_configuration(NetworkLoadBalancerArns=[nlb_arn])[
        "ServiceConfiguration"
    ]["ServiceId"]

    added = ec2.modify_vpc_endpoint_service_permissions(
        ServiceId=service_id, AddAllowedPrincipals=["arn:aws:iam::123456789012:root"]
    )["AddedPrincipals"]
    allowed = ec2.describe_vpc_endpoint_service_permissions(ServiceId=service_id)["AllowedPrincipals"]

    assert [(p["PrincipalType"], p["Principal"]) for p in added] == [("Account", "arn:aws:iam::123456789012:root")]
    assert added[0]["ServicePermissionId"].startswith("vpce-svc-perm-")
    assert [p["ServicePermissionId"] for p in allowed] == [added[0]["ServicePermissionId"]]


@pytest.mark.correction("ec2_sg_rule_descriptions")
def test_a_rule_keeps_its_description_when_it_references_a_group_or_a_prefix_list(
    aws: Callable[[str], Any], unique: Callable[[str], str], network: Any
) -> None:
    ec2 = aws("ec2")
    database = create_security_group(ec2, unique("database"), network.vpc_id)
    dms = create_security_group(ec2, unique("dms"), network.vpc_id)
    prefix_list = ec2.create_managed_prefix_list(PrefixListName=unique("s3"), MaxEntries=1, AddressFamily="IPv4")[
        "PrefixList"
    ]["PrefixListId"]

    ec2.authorize_security_group_ingress(
        GroupId=database,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 5432,
                "ToPort": 5432,
                "UserIdGroupPairs": [{"GroupId": dms, "Description": "from-dms-5432"}],
            }
        ],
    )
    ec2.authorize_security_group_egress(
        GroupId=dms,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 443,
                "ToPort": 443,
                "PrefixListIds": [{"PrefixListId": prefix_list, "Description": "to-s3-443"}],
            }
        ],
    )

    ingress = rules_of(ec2, database, egress=False)
    egress = [rule for rule in rules_of(ec2, dms, egress=True) if rule.get("PrefixListId")]
    assert [(r["ReferencedGroupInfo"]["GroupId"], r.get("Description")) for r in ingress] == [(dms, "from-dms-5432")]
    assert [(r["PrefixListId"], r.get("Description")) for r in egress] == [(prefix_list, "to-s3-443")]


@pytest.mark.correction("ec2_instance_network_interface_fields")
def test_an_instance_launched_with_an_interface_spec_reports_its_groups_and_no_public_address(
    aws: Callable[[str], Any], unique: Callable[[str], str], network: Any
) -> None:
    ec2 = aws("ec2")
    group = create_security_group(ec2, unique("bastion"), network.vpc_id)
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]

    instance_id = ec2.run_instances(
        ImageId=image,
        InstanceType="t3.micro",
        MinCount=1,
        MaxCount=1,
        NetworkInterfaces=[
            {"DeviceIndex": 0, "SubnetId": network.subnet_ids[0], "Groups": [group], "AssociatePublicIpAddress": False}
        ],
    )["Instances"][0]["InstanceId"]

    instance = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]
    assert [g["GroupId"] for g in instance["SecurityGroups"]] == [group]
    assert [("Association" in eni) for eni in instance["NetworkInterfaces"]] == [False]


@pytest.mark.correction("ec2_interface_endpoint_dns_names")
def test_an_interface_endpoint_gets_a_vpce_dns_name(aws: Callable[[str], Any], network: Any) -> None:
    ec2 = aws("ec2")

    endpoint = ec2.create_vpc_endpoint(
        VpcEndpointType="Interface",
        VpcId=network.vpc_id,
        ServiceName="com.amazonaws.us-east-1.ssm",
        SubnetIds=[network.subnet_ids[0]],
    )["VpcEndpoint"]

    pattern = rf"{endpoint['VpcEndpointId']}-[a-z0-9]{{8}}\.ssm\.us-east-1\.vpce\.amazonaws\.com"
    assert [bool(re.fullmatch(pattern, entry["DnsName"])) for entry in endpoint["DnsEntries"]] == [True]


@pytest.mark.correction("ec2_endpoint_connection_acceptance")
def test_an_endpoint_waits_for_acceptance_when_its_service_requires_it(
    aws: Callable[[str], Any], unique: Callable[[str], str], network: Any
) -> None:
    ec2, elbv2 = aws("ec2"), aws("elbv2")
    nlb_arn = elbv2.create_load_balancer(
        Name=unique("nlb"), Type="network", Scheme="internal", Subnets=list(network.subnet_ids)
    )["LoadBalancers"][0]["LoadBalancerArn"]
    service = ec2.create_vpc_endpoint_service_configuration(NetworkLoadBalancerArns=[nlb_arn], AcceptanceRequired=True)[
        "ServiceConfiguration"
    ]

    def endpoint() -> str:
        return ec2.create_vpc_endpoint(
            VpcId=network.vpc_id,
            ServiceName=service["ServiceName"],
            VpcEndpointType="Interface",
            SubnetIds=list(network.subnet_ids),
        )["VpcEndpoint"]["VpcEndpointId"]

    accepted, rejected = endpoint(), endpoint()

    def states() -> dict[str, str]:
        listed = ec2.describe_vpc_endpoint_connections(
            Filters=[{"Name": "service-id", "Values": [service["ServiceId"]]}]
        )
        return {c["VpcEndpointId"]: c["VpcEndpointState"] for c in listed["VpcEndpointConnections"]}

    assert states() == {accepted: "pendingAcceptance", rejected: "pendingAcceptance"}
    assert (
        ec2.accept_vpc_endpoint_connections(ServiceId=service["ServiceId"], VpcEndpointIds=[accepted])["Unsuccessful"]
        == []
    )
    assert (
        ec2.reject_vpc_endpoint_connections(ServiceId=service["ServiceId"], VpcEndpointIds=[rejected])["Unsuccessful"]
        == []
    )
    assert states() == {accepted: "available", rejected: "rejected"}
    described = ec2.describe_vpc_endpoints(VpcEndpointIds=[accepted])["VpcEndpoints"][0]
    assert described["State"] == "available"
    unknown = ec2.accept_vpc_endpoint_connections(
        ServiceId=service["ServiceId"], VpcEndpointIds=["vpce-0123456789abcdef0"]
    )
    assert [u["Error"]["Code"] for u in unknown["Unsuccessful"]] == ["InvalidVpcEndpoint.NotFound"]
