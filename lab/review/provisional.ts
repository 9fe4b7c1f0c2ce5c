// Marks the migration stack's plan provisional when the lab's plan changes an object the migration stack finds by name.
import { physicalName } from "./physical-name";
import type { ReviewedChange, ReviewedStackPlan } from "./review-model";

/** Why the migration plan may change once the lab is applied: one line per lab change it depends on. */
export function provisionalReasons(labPlan: ReviewedStackPlan, lookedUp: readonly string[]): string[] {
  const names = new Set(lookedUp);
  const matters = (change: ReviewedChange): string | undefined => {
    if (change.mode !== "managed") return undefined;
    const before = physicalName(change.before, null);
    const after = physicalName(null, change.after);
    const touched = [before, after].find((name): name is string => name !== undefined && names.has(name));
    if (!touched) return undefined;
    // An update under the same name keeps the object (and its id, ARN and DNS name) the lookup finds.
    if (change.kind === "update" && before === after) return undefined;
    if (change.kind === "no-op" || change.kind === "read") return undefined;
    const what = change.kind === "update" ? `renamed ${before} → ${after}` : `${change.kind} of ${touched}`;
    return `${labPlan.stack} plans a ${what} (${change.address}), which the migration stack looks up by name`;
  };
  return labPlan.changes.map(matters).filter((reason): reason is string => reason !== undefined);
}
