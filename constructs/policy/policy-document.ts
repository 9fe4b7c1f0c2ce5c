// Reads an IAM policy as synthesized, from an `aws_iam_policy_document` data source or a literal JSON string, into plain statements.
import { blocks, strings, type SynthesizedStack } from "./synthesized-stack";

export interface PolicyPrincipal {
  readonly type: string;
  readonly identifiers: readonly string[];
}

export interface PolicyCondition {
  readonly test: string;
  readonly variable: string;
  readonly values: readonly string[];
}

/** One statement, normalized (Allow/Deny, lists everywhere). */
export interface PolicyStatement {
  readonly sid?: string;
  readonly effect: "Allow" | "Deny";
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly resources: readonly string[];
  readonly notResources: readonly string[];
  readonly principals: readonly PolicyPrincipal[];
  readonly conditions: readonly PolicyCondition[];
}

/**
 * The statements of the policy `value` holds or refers to; undefined when it cannot be read at synth
 * (a `jsonencode(...)` of computed values, a reference to something that is not a policy document).
 */
export function policyStatements(value: unknown, stack: SynthesizedStack): PolicyStatement[] | undefined {
  if (typeof value !== "string") return undefined;
  const document = stack.referenced(value);
  if (document) {
    if (document.type !== "aws_iam_policy_document" || document.mode !== "data") return undefined;
    return blocks(document.config.statement).map((statement) => ({
      sid: typeof statement.sid === "string" ? statement.sid : undefined,
      effect: statement.effect === "Deny" ? "Deny" : "Allow",
      actions: strings(statement.actions),
      notActions: strings(statement.not_actions),
      resources: strings(statement.resources),
      notResources: strings(statement.not_resources),
      principals: blocks(statement.principals).map((principal) => ({
        type: String(principal.type),
        identifiers: strings(principal.identifiers),
      })),
      conditions: blocks(statement.condition).map((condition) => ({
        test: String(condition.test),
        variable: String(condition.variable),
        values: strings(condition.values),
      })),
    }));
  }
  return parseJsonPolicy(value);
}

function parseJsonPolicy(text: string): PolicyStatement[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const statementValue = (parsed as { Statement?: unknown } | null)?.Statement;
  if (statementValue === undefined) return undefined;
  return blocks(statementValue).map((statement) => ({
    sid: typeof statement.Sid === "string" ? statement.Sid : undefined,
    effect: statement.Effect === "Deny" ? "Deny" : "Allow",
    actions: strings(statement.Action),
    notActions: strings(statement.NotAction),
    resources: strings(statement.Resource),
    notResources: strings(statement.NotResource),
    principals: jsonPrincipals(statement.Principal),
    conditions: Object.entries((statement.Condition ?? {}) as Record<string, Record<string, unknown>>).flatMap(([test, byKey]) =>
      Object.entries(byKey).map(([variable, values]) => ({ test, variable, values: strings(values) })),
    ),
  }));
}

function jsonPrincipals(value: unknown): PolicyPrincipal[] {
  if (value === "*") return [{ type: "*", identifiers: ["*"] }];
  if (!value || typeof value !== "object") return [];
  return Object.entries(value as Record<string, unknown>).map(([type, identifiers]) => ({ type, identifiers: strings(identifiers) }));
}

/** Condition keys are case-insensitive in IAM. */
export function hasConditionOn(statement: PolicyStatement, keys: readonly string[]): boolean {
  const wanted = keys.map((key) => key.toLowerCase());
  return statement.conditions.some((condition) => wanted.includes(condition.variable.toLowerCase()));
}
