// Whether `lab apply --reviewed` may apply: only the very plan a review approved, and only when it is not provisional.

export type ApplyDecision =
  | { readonly apply: true; readonly stacks: readonly string[] }
  | { readonly apply: false; readonly reason: string; readonly exitCode: 0 | 1 };

export const FINGERPRINT = /^sha256:[0-9a-f]{64}$/;

/**
 * `expected` is the fingerprint printed in the reviewed report ("Plans reviewed: sha256:…"); `actual` the fingerprint
 * of the plans made now. Any difference, however small, refuses: state or code changed since the review, so the
 * review no longer describes what would happen. A provisional migration plan refuses too: it was made against
 * names the lab's own plan changes, so applying it would act on a guess.
 */
export function decideApply(
  expected: string,
  actual: string,
  provisional: readonly string[],
  changedStacks: readonly string[],
): ApplyDecision {
  if (actual !== expected) {
    return {
      apply: false,
      exitCode: 1,
      reason: `the plans differ from the reviewed ones (reviewed ${expected}, now ${actual}): something changed since the review; review again and approve that plan`,
    };
  }
  if (provisional.length > 0) {
    return {
      apply: false,
      exitCode: 1,
      reason: `the migration stack's plan is provisional (${provisional.join("; ")}): apply the lab stack on its own (cdktf deploy <name>-lab), then review and apply again`,
    };
  }
  if (changedStacks.length === 0) return { apply: false, exitCode: 0, reason: "the reviewed plans change nothing: nothing to apply" };
  return { apply: true, stacks: changedStacks };
}
