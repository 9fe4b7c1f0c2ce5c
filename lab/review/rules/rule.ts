// A risk rule of the lab: a pure function from the redacted plans to findings, with an id, a severity and an explanation.
import type { ReviewedChange, ReviewedStackPlan } from "../review-model";
import type { Severity } from "../severity";

export type RiskCategory = "data loss" | "connectivity break" | "migration disruption" | "security weakened" | "cutover" | "construct move";

export interface Finding {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly category: RiskCategory;
  readonly stack: string;
  readonly address: string;
  readonly physicalName?: string;
  /** What the change puts at risk. */
  readonly message: string;
  /** What to do about it. */
  readonly advice: string;
}

export interface RiskRule {
  /** `LAB-<AREA><n>`, stable: other tools key on it. */
  readonly id: string;
  readonly category: RiskCategory;
  /** The severity the rule's findings start from; a finding may be raised (e.g. a destructive task setting). */
  readonly severity: Severity;
  /** One sentence for the rules table. */
  readonly explanation: string;
  readonly check: (plans: readonly ReviewedStackPlan[]) => Finding[];
}

/** A finding about one change, the rest filled from the rule. */
export function findingFor(
  rule: Pick<RiskRule, "id" | "category" | "severity">,
  stack: string,
  change: ReviewedChange,
  message: string,
  advice: string,
  severity: Severity = rule.severity,
): Finding {
  return {
    ruleId: rule.id,
    severity,
    category: rule.category,
    stack,
    address: change.address,
    physicalName: change.physicalName,
    message,
    advice,
  };
}

/** Every managed change of every stack, with its stack id: what most rules walk. */
export function managedChanges(plans: readonly ReviewedStackPlan[]): { stack: string; change: ReviewedChange }[] {
  return plans.flatMap((plan) =>
    plan.changes.filter((change) => change.mode === "managed").map((change) => ({ stack: plan.stack, change })),
  );
}
