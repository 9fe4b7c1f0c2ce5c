"""The ELBv2 corrections, each shown as the AWS behaviour it restores."""

from __future__ import annotations

from typing import Any, Callable

import pytest
from botocore.exceptions import ClientError


@pytest.mark.correction("elbv2_idempotent_create_target_group")
def test_creating_the_same_target_group_again_returns_it(
    aws: Callable[[str], Any], unique: Callable[[str], str], network: Any
) -> None:
    elbv2 = aws("elbv2")
    settings = {"Name": unique("tg"), "Protocol": "TCP", "Port": 5432, "VpcId": network.vpc_id, "TargetType": "ip"}

    first = elbv2.create_target_group(**settings)["TargetGroups"][0]
    again = elbv2.create_target_group(**settings)["TargetGroups"][0]

    assert again["TargetGroupArn"] == first["TargetGroupArn"]
    with pytest.raises(ClientError, match="DuplicateTargetGroupName"):
        elbv2.create_target_group(**{**settings, "Port": 5433})


@pytest.mark.correction("elbv2_network_lb_arn")
def test_a_network_load_balancer_arn_says_net(
    aws: Callable[[str], Any], unique: Callable[[str], str], network: Any
) -> None:
    elbv2 = aws("elbv2")

    arn = elbv2.create_load_balancer(
        Name=unique("nlb"),
        Type="network",
        Scheme="internal",
        Subnets=list(network.subnet_ids),
        Tags=[{"Key": "Deployment", "Value": "test"}],
    )["LoadBalancers"][0]["LoadBalancerArn"]

    assert ":loadbalancer/net/" in arn
    assert elbv2.describe_tags(ResourceArns=[arn])["TagDescriptions"][0]["Tags"] == [
        {"Key": "Deployment", "Value": "test"}
    ]


@pytest.mark.correction("elbv2_nlb_privatelink_sg_enforcement")
def test_privatelink_security_group_enforcement_is_kept(
    aws: Callable[[str], Any], unique: Callable[[str], str], network: Any
) -> None:
    ec2, elbv2 = aws("ec2"), aws("elbv2")
    group = ec2.create_security_group(GroupName=unique("nlb"), Description="nlb", VpcId=network.vpc_id)["GroupId"]
    arn = elbv2.create_load_balancer(
        Name=unique("nlb"), Type="network", Scheme="internal", Subnets=list(network.subnet_ids), SecurityGroups=[group]
    )["LoadBalancers"][0]["LoadBalancerArn"]

    def enforcement() -> str:
        balancer = elbv2.describe_load_balancers(LoadBalancerArns=[arn])["LoadBalancers"][0]
        return balancer["EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic"]

    assert enforcement() == "on"
    answer = elbv2.set_security_groups(
        LoadBalancerArn=arn, SecurityGroups=[group], EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic="off"
    )
    assert answer["EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic"] == "off"
    assert enforcement() == "off"
