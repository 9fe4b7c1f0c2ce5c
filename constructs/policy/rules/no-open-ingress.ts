// LAB-NET1: no security group admits traffic from the whole internet (0.0.0.0/0 or ::/0).
import type { PolicyRule } from "../rule";
import { blocks, strings, type TerraformConfig } from "../synthesized-stack";

const isWholeAddressSpace = (cidr: string) => cidr.trim().endsWith("/0");

function openSources(rule: TerraformConfig): string[] {
  return [...strings(rule.cidr_blocks), ...strings(rule.ipv6_cidr_blocks), ...strings(rule.cidr_ipv4), ...strings(rule.cidr_ipv6)].filter(
    isWholeAddressSpace,
  );
}

export const noOpenIngress: PolicyRule = {
  id: "LAB-NET1",
  severity: "error",
  title: "No ingress from 0.0.0.0/0 or ::/0",
  explanation:
    "Every database hop of the lab is private: DMS, the bastion and the functions reach the clusters through PrivateLink, and security groups reference each other or exact CIDRs. A rule open to the whole address space admits anything that can route to the ENI, and is the first thing an attacker scans for.",
  fix: "Allow the peer's security group (referenced_security_group_id) or the exact CIDR that needs the port, one rule per peer:port (constructs/network/connections.ts).",
  resourceTypes: ["aws_security_group", "aws_default_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule"],
  check(resource) {
    const ingressRules =
      resource.type === "aws_security_group" || resource.type === "aws_default_security_group"
        ? blocks(resource.config.ingress)
        : resource.type === "aws_security_group_rule"
          ? resource.config.type === "ingress"
            ? [resource.config]
            : []
          : [resource.config];
    return ingressRules.flatMap((rule) => openSources(rule).map((cidr) => `ingress is open to ${cidr}`));
  },
};
