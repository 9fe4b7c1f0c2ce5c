"""Corrections to moto's Route 53 where it departs from AWS."""

from __future__ import annotations

from typing import Any

from .registry import patch


@patch
def route53_private_zone_from_vpc() -> None:
    """AWS creates a private hosted zone when CreateHostedZone names a VPC
    (`HostedZoneConfig.PrivateZone` may be left out, and the provider's
    `aws_route53_zone` leaves it out). moto made such a zone public and dropped
    the VPC, so GetHostedZone listed no VPC, every plan wanted to add the `vpc`
    block again, and the zone answered nothing in the VPC. Now a VPC in the
    request makes the zone private with that VPC. Seen with moto 5.2.1."""
    from moto.route53.responses import Route53

    original = Route53.create_hosted_zone

    def create_hosted_zone(self: Any) -> Any:
        if self._get_param("VPC.VPCId") and not self._get_bool_param("HostedZoneConfig.PrivateZone", False):
            config = self.params.get("HostedZoneConfig") or {}
            self.params["HostedZoneConfig"] = {**config, "PrivateZone": True}
        return original(self)

    Route53.create_hosted_zone = create_hosted_zone
