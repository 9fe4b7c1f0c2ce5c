// Turns a parsed plan into the redacted model: sensitive-marked values, credential-like keys and credential-like content become "(sensitive)".
import { changeKind } from "./change-kind";
import { changedPaths } from "./changed-paths";
import { isCredentialKey, looksLikeCredential } from "./credential-pattern";
import { formatPath, isJsonObject, type JsonValue, type PathStep } from "./json-value";
import { physicalName } from "./physical-name";
import type { PlanJson, ResourceChangeJson } from "./plan-json";
import { KNOWN_AFTER_APPLY, SENSITIVE, type ReviewedChange, type ReviewedStackPlan } from "./review-model";

/**
 * One value with its sensitivity and unknown markers (Terraform's parallel structures). `key` is
 * the attribute or map key the value sits under; list items inherit their list's key.
 */
export function redactValue(value: JsonValue | undefined, sensitive?: JsonValue, unknown?: JsonValue, key?: string): JsonValue {
  if (unknown === true) return KNOWN_AFTER_APPLY;
  if (value === undefined || value === null) return null;
  if (sensitive === true) return SENSITIVE;
  if (key !== undefined && typeof value !== "boolean" && isCredentialKey(key)) return SENSITIVE;
  if (typeof value === "string") return looksLikeCredential(value) ? SENSITIVE : value;
  if (Array.isArray(value)) {
    return value.map((item, index) =>
      redactValue(item, Array.isArray(sensitive) ? sensitive[index] : undefined, Array.isArray(unknown) ? unknown[index] : undefined, key),
    );
  }
  if (isJsonObject(value)) {
    const keys = new Set(Object.keys(value));
    // Attributes known only after apply may be absent from `after`: keep them, marked unknown.
    if (isJsonObject(unknown)) for (const [name, marker] of Object.entries(unknown)) if (marker === true) keys.add(name);
    const redacted: { [name: string]: JsonValue } = {};
    for (const name of [...keys].sort()) {
      redacted[name] = redactValue(
        value[name],
        isJsonObject(sensitive) ? sensitive[name] : undefined,
        isJsonObject(unknown) ? unknown[name] : undefined,
        name,
      );
    }
    return redacted;
  }
  return value;
}

/** The redacted value at `path`; a redaction marker met on the way stands for everything under it. */
function redactedAt(value: JsonValue, path: readonly PathStep[]): JsonValue {
  let current: JsonValue | undefined = value;
  for (const step of path) {
    if (current === SENSITIVE || current === KNOWN_AFTER_APPLY) return current;
    if (typeof step === "number") current = Array.isArray(current) ? current[step] : undefined;
    else current = isJsonObject(current) ? current[step] : undefined;
    if (current === undefined) return null;
  }
  return current;
}

function reviewedChange(entry: ResourceChangeJson): ReviewedChange {
  const { change } = entry;
  const kind = changeKind(change.actions);
  const before = redactValue(change.before, change.before_sensitive);
  const after = redactValue(change.after, change.after_sensitive, change.after_unknown);
  const compares = kind === "update" || kind === "replace" || kind === "no-op";
  const paths = compares ? changedPaths(change.before, change.after, change.after_unknown) : [];
  return {
    address: entry.address,
    previousAddress: entry.previous_address,
    mode: entry.mode,
    type: entry.type,
    kind,
    actions: change.actions,
    actionReason: entry.action_reason,
    importing: change.importing !== undefined && change.importing !== null,
    before,
    after,
    changedPaths: paths.map(formatPath),
    attributeChanges: paths.map((path) => ({ path: formatPath(path), before: redactedAt(before, path), after: redactedAt(after, path) })),
    replacePaths: (change.replace_paths ?? []).map((path) => formatPath(path)),
    physicalName: physicalName(before, after),
  };
}

/** The review's view of one stack's plan: nothing in it carries a value that could be a credential. */
export function redactStackPlan(stack: string, plan: PlanJson): ReviewedStackPlan {
  return {
    stack,
    changes: (plan.resource_changes ?? []).map(reviewedChange),
    drift: (plan.resource_drift ?? []).map(reviewedChange),
    outputChanges: Object.entries(plan.output_changes ?? {})
      .map(([name, output]) => ({ name, kind: changeKind(output.actions) }))
      .sort((left, right) => left.name.localeCompare(right.name)),
  };
}
