// A fingerprint of the reviewed plans: equal for two plans that would do the same thing, so a comment can say which plan it reviewed.
import { createHash } from "node:crypto";
import { actingChanges } from "./acting-changes";
import type { PlanJson } from "./plan-json";

/**
 * SHA-256 over each stack's id and its acting changes (address, previous address, actions, values
 * before and after, unknowns, replace paths) and output actions. No-ops, drift, timestamps and
 * prior state are left out, so planning the same change again gives the same fingerprint. Only the
 * digest leaves here: it is computed over the values before redaction, which is what makes a change
 * of a sensitive value change it, and a SHA-256 over a whole plan does not give a value back.
 */
export function planFingerprint(plans: readonly { readonly stack: string; readonly plan: PlanJson }[]): string {
  const hash = createHash("sha256");
  for (const { stack, plan } of plans) {
    const changes = actingChanges(plan).map((entry) => [
      entry.address,
      entry.previous_address ?? null,
      entry.change.actions,
      entry.change.before ?? null,
      entry.change.after ?? null,
      entry.change.after_unknown ?? null,
      entry.change.replace_paths ?? null,
    ]);
    const outputs = Object.entries(plan.output_changes ?? {})
      .map(([name, output]) => [name, output.actions])
      .sort(([left], [right]) => String(left).localeCompare(String(right)));
    hash.update(JSON.stringify([stack, changes, outputs]));
  }
  return `sha256:${hash.digest("hex")}`;
}
