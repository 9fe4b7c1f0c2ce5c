// LAB-SEC4: an IAM policy gains a wildcard action ("*", "service:*") or a wildcard resource it did not have.
import { isJsonObject, type JsonValue } from "../json-value";
import type { ReviewedChange } from "../review-model";
import type { Severity } from "../severity";
import { findingFor, managedChanges, type RiskRule } from "./rule";

/** Resource types whose `policy` (or `inline_policy[].policy`) is an IAM policy document. */
const POLICY_TYPES = new Set(["aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy", "aws_iam_role"]);

function list(value: JsonValue | undefined): JsonValue[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

function documents(values: JsonValue): string[] {
  if (!isJsonObject(values)) return [];
  const inline = list(values.inline_policy).flatMap((entry) => (isJsonObject(entry) ? [entry.policy] : []));
  return [values.policy, ...inline].filter((document): document is string => typeof document === "string");
}

/** `action s3:*`, `resource *`: the wildcards in a document's Allow statements (unparsable text has none). */
function wildcards(document: string): Map<string, Severity> {
  const found = new Map<string, Severity>();
  let parsed: unknown;
  try {
    parsed = JSON.parse(document);
  } catch {
    return found;
  }
  const statements = isJsonObject(parsed as JsonValue) ? list((parsed as { Statement?: JsonValue }).Statement) : [];
  for (const statement of statements) {
    if (!isJsonObject(statement) || statement.Effect !== "Allow") continue;
    for (const action of list(statement.Action)) {
      if (action === "*") found.set("action *", "critical");
      else if (typeof action === "string" && action.endsWith(":*")) found.set(`action ${action}`, "high");
    }
    if (list(statement.Resource).includes("*")) found.set("resource *", "medium");
  }
  return found;
}

function added(change: ReviewedChange): [string, Severity][] {
  if (!POLICY_TYPES.has(change.type) || change.kind === "delete" || change.kind === "no-op") return [];
  const before = new Set(documents(change.before).flatMap((document) => [...wildcards(document).keys()]));
  const after = new Map(documents(change.after).flatMap((document) => [...wildcards(document)]));
  return [...after].filter(([wildcard]) => !before.has(wildcard));
}

export const iamWildcard: RiskRule = {
  id: "LAB-SEC4",
  category: "security weakened",
  severity: "high",
  explanation: 'An IAM policy gains an Allow with action "*" (critical), "service:*" (high) or resource "*" (medium).',
  check: (plans) =>
    managedChanges(plans).flatMap(({ stack, change }) =>
      added(change).map(([wildcard, severity]) =>
        findingFor(
          iamWildcard,
          stack,
          change,
          `IAM wildcard added (${wildcard}): the lab's roles are least-privilege, naming actions and resources.`,
          "name the actions and the resources (ARNs) the role needs",
          severity,
        ),
      ),
    ),
};
