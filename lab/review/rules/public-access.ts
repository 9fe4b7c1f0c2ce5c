// LAB-SEC3: something made public: publicly_accessible on a database or replication instance, an internet-facing load balancer, a public IP.
import { valueAt } from "../json-value";
import type { ReviewedChange } from "../review-model";
import { findingFor, managedChanges, type RiskRule } from "./rule";

/** Attribute and the value that makes the resource reachable from outside its VPC. */
const PUBLIC_WHEN: readonly (readonly [attribute: string, value: boolean])[] = [
  ["publicly_accessible", true],
  ["internal", false],
  ["associate_public_ip_address", true],
  ["map_public_ip_on_launch", true],
];

function madePublic(change: ReviewedChange): string[] {
  if (change.kind !== "create" && change.kind !== "update" && change.kind !== "replace") return [];
  return PUBLIC_WHEN.filter(([attribute, value]) => {
    if (valueAt(change.after, [attribute]) !== value) return false;
    return change.kind === "create" || valueAt(change.before, [attribute]) !== value;
  }).map(([attribute, value]) => `${attribute} = ${value}`);
}

export const publicAccess: RiskRule = {
  id: "LAB-SEC3",
  category: "security weakened",
  severity: "critical",
  explanation: "A database, replication instance, load balancer, subnet or instance is made reachable from outside its VPC.",
  check: (plans) =>
    managedChanges(plans).flatMap(({ stack, change }) =>
      madePublic(change).map((setting) =>
        findingFor(
          publicAccess,
          stack,
          change,
          `Made public (${setting}): in this lab nothing is reachable from outside its VPC; the databases are reached through PrivateLink only.`,
          "revert the setting; reach the resource through the bastion's SSM session or the PrivateLink path",
        ),
      ),
    ),
};
