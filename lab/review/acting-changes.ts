// The resource changes of a raw plan that do something: what the fingerprint covers and the golden fixtures keep.
import { changeKind } from "./change-kind";
import type { PlanJson, ResourceChangeJson } from "./plan-json";

/** Managed resources that are created, changed, replaced, destroyed, forgotten, moved or imported. */
export function actingChanges(plan: PlanJson): ResourceChangeJson[] {
  return (plan.resource_changes ?? []).filter(
    (change) =>
      change.mode === "managed" &&
      (changeKind(change.change.actions) !== "no-op" ||
        (change.previous_address !== undefined && change.previous_address !== change.address) ||
        (change.change.importing !== undefined && change.change.importing !== null)),
  );
}
