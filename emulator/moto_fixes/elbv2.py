"""Corrections to moto's ELBv2 (Elastic Load Balancing: load balancers, target groups) where it departs from AWS."""

from __future__ import annotations

from typing import Any

from .registry import patch


@patch
def elbv2_idempotent_create_target_group() -> None:
    """AWS makes CreateTargetGroup idempotent: a second call with the same name and settings
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
            self.load_balancers = {(lb.arn if k == old else k): v for k, v in self.load_balancers.items()}
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

    FakeLoadBalancer.enforce_security_group_inbound_rules_on_private_link_traffic = property(get_flag)
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
