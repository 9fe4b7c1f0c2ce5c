// A stack that cannot be planned yet: an earlier stack of the same review creates what it looks up.
import { actingChanges } from "./acting-changes";
import type { PlanJson } from "./plan-json";

export interface UnplannedStack {
  readonly stack: string;
  /** Why, in one line: the earlier stacks to apply first, and Terraform's first error line (no values). */
  readonly reason: string;
}

/**
 * Whether a failed plan is one that can only succeed after earlier stacks are applied: true when an earlier
 * stack of this review plans to create something (a new deployment's data or lab stack, whose names the later
 * stack looks up). The reason keeps only Terraform's first `Error:` line, which names what was not found.
 */
export function unplannedBecauseOfEarlier(
  stack: string,
  earlier: ReadonlyArray<{ readonly stack: string; readonly plan: PlanJson }>,
  failure: unknown,
): UnplannedStack | undefined {
  const creating = earlier
    .filter(({ plan }) => actingChanges(plan).some((change) => change.change.actions.includes("create")))
    .map(({ stack: id }) => id);
  if (creating.length === 0) return undefined;
  const text = failure instanceof Error ? failure.message : String(failure);
  const error = text.split("\n").find((line) => /^\s*(│\s*)?Error: /.test(line));
  const why = error ? error.replace(/^\s*(│\s*)?/, "").trim() : "its plan failed";
  return { stack, reason: `cannot be planned before ${creating.join(", ")} ${creating.length === 1 ? "is" : "are"} applied (${why})` };
}
