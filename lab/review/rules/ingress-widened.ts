// LAB-SEC1: security-group ingress opened to addresses it did not admit before, or to a wide block such as 0.0.0.0/0.
import { isJsonObject, type JsonValue } from "../json-value";
import type { ReviewedChange } from "../review-model";
import type { Severity } from "../severity";
import { cidrPrefix, cidrWithin } from "./cidr-range";
import { findingFor, managedChanges, type RiskRule } from "./rule";

/** Narrower than this (a /16 VPC or smaller) is how the lab admits exact peers; wider is a block of the internet. */
const WIDE_PREFIX = 16;

function strings(value: JsonValue | undefined): string[] {
  if (typeof value === "string") return [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

/** The ingress CIDRs an object admits, by the resource types that carry ingress. */
function ingressCidrs(type: string, values: JsonValue): string[] {
  if (!isJsonObject(values)) return [];
  switch (type) {
    case "aws_vpc_security_group_ingress_rule":
      return [...strings(values.cidr_ipv4), ...strings(values.cidr_ipv6)];
    case "aws_security_group_rule":
      return values.type === "ingress" ? [...strings(values.cidr_blocks), ...strings(values.ipv6_cidr_blocks)] : [];
    case "aws_security_group":
      return (Array.isArray(values.ingress) ? values.ingress : []).flatMap((rule) =>
        isJsonObject(rule) ? [...strings(rule.cidr_blocks), ...strings(rule.ipv6_cidr_blocks)] : [],
      );
    default:
      return [];
  }
}

function severityOf(cidr: string): Severity {
  const prefix = cidrPrefix(cidr);
  if (prefix === 0) return "critical";
  return prefix !== undefined && prefix < WIDE_PREFIX ? "high" : "medium";
}

/** CIDRs after the change that no CIDR before it covers; a new rule counts only when its block is wide. */
function widened(change: ReviewedChange): string[] {
  const after = ingressCidrs(change.type, change.after);
  if (change.kind === "create") return after.filter((cidr) => (cidrPrefix(cidr) ?? 32) < WIDE_PREFIX);
  if (change.kind !== "update" && change.kind !== "replace") return [];
  const before = ingressCidrs(change.type, change.before);
  return after.filter((cidr) => !before.some((old) => cidrWithin(cidr, old)));
}

export const ingressWidened: RiskRule = {
  id: "LAB-SEC1",
  category: "security weakened",
  severity: "medium",
  explanation: `Security-group ingress admits a CIDR no rule admitted before, or a new rule admits a block wider than /${WIDE_PREFIX} (0.0.0.0/0 is critical).`,
  check: (plans) =>
    managedChanges(plans).flatMap(({ stack, change }) =>
      widened(change).map((cidr) =>
        findingFor(
          ingressWidened,
          stack,
          change,
          `Ingress widened to \`${cidr}\`: the lab's security groups admit only their exact peers (security-group references or exact CIDRs).`,
          "admit the peer's security group or its exact CIDR instead; never 0.0.0.0/0",
          severityOf(cidr),
        ),
      ),
    ),
};
