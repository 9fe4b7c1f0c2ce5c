// A deployment's review: each stack's counts and changes, the rules' findings, relevant drift and the provisional mark, from redacted plans only.
import { countChanges, type ChangeCounts } from "./counts";
import { relevantDrift } from "./drift";
import { provisionalReasons } from "./provisional";
import type { ReviewedChange, ReviewedOutputChange, ReviewedStackPlan } from "./review-model";
import { RISK_RULES } from "./rules";
import type { Finding, RiskRule } from "./rules/rule";
import { highestSeverity, severityRank, type Severity } from "./severity";
import type { UnplannedStack } from "./unplanned";

export interface StackReview {
  readonly stack: string;
  readonly counts: ChangeCounts;
  /** Managed changes that do something (anything but no-op, or a no-op that moves or imports). */
  readonly changes: readonly ReviewedChange[];
  readonly drift: readonly ReviewedChange[];
  readonly outputChanges: readonly ReviewedOutputChange[];
  /** Set when this plan may change once an earlier stack is applied: why. */
  readonly provisional: readonly string[];
}

export interface Review {
  readonly deployment: string;
  readonly stacks: readonly StackReview[];
  /** Worst first, then in stack order and by address. */
  readonly findings: readonly Finding[];
  readonly highest?: Severity;
  /** Of the raw plans (fingerprint.ts), when the caller computed one. */
  readonly fingerprint?: string;
  /** Stacks that cannot be planned until an earlier stack is applied. */
  readonly unplanned: readonly UnplannedStack[];
}

export interface ReviewInput {
  readonly deployment: string;
  /** Every stack's redacted plan, in deploy order. */
  readonly plans: readonly ReviewedStackPlan[];
  /** The lab stack, the stack that looks it up by name, and the names it looks up. */
  readonly lookup?: { readonly labStack: string; readonly migrationStack: string; readonly names: readonly string[] };
  /** @default RISK_RULES */
  readonly rules?: readonly RiskRule[];
  /** The raw plans' fingerprint, shown in the header. @default none shown */
  readonly fingerprint?: string;
  /** Stacks whose plan must wait for an earlier stack's apply. @default none */
  readonly unplanned?: readonly UnplannedStack[];
}

/** A change worth listing: it alters, moves or imports the object. */
function acts(change: ReviewedChange): boolean {
  if (change.mode !== "managed") return false;
  return change.kind !== "no-op" || change.importing || (change.previousAddress !== undefined && change.previousAddress !== change.address);
}

export function buildReview(input: ReviewInput): Review {
  const { lookup } = input;
  const labPlan = lookup && input.plans.find((plan) => plan.stack === lookup.labStack);
  const stackOrder = input.plans.map((plan) => plan.stack);
  const findings = (input.rules ?? RISK_RULES)
    .flatMap((rule) => rule.check(input.plans))
    .sort(
      (left, right) =>
        severityRank(left.severity) - severityRank(right.severity) ||
        stackOrder.indexOf(left.stack) - stackOrder.indexOf(right.stack) ||
        left.address.localeCompare(right.address) ||
        left.ruleId.localeCompare(right.ruleId),
    );
  return {
    deployment: input.deployment,
    stacks: input.plans.map((plan) => ({
      stack: plan.stack,
      counts: countChanges(plan.changes),
      changes: plan.changes.filter(acts),
      drift: relevantDrift(plan),
      outputChanges: plan.outputChanges.filter((output) => output.kind !== "no-op"),
      provisional: labPlan && plan.stack === lookup.migrationStack ? provisionalReasons(labPlan, lookup.names) : [],
    })),
    findings,
    highest: highestSeverity(findings.map((finding) => finding.severity)),
    fingerprint: input.fingerprint,
    unplanned: input.unplanned ?? [],
  };
}
