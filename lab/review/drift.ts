// Drift Terraform found while refreshing, kept only where it touches a resource the plan changes.
import type { ReviewedChange, ReviewedStackPlan } from "./review-model";

/** Resources whose real object differs from state and which this plan also changes (anything but no-op or read). */
export function relevantDrift(plan: ReviewedStackPlan): ReviewedChange[] {
  const changed = new Set(
    plan.changes.filter((change) => change.kind !== "no-op" && change.kind !== "read").map((change) => change.address),
  );
  return plan.drift.filter((drift) => changed.has(drift.address));
}
