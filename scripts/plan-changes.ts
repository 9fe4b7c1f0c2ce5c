// Reads `terraform show -json <plan>` and sorts each resource change into what it does to state: keep, move, update, create, delete, replace.

/** The part of a plan's `resource_changes[]` entry this check reads (Terraform's JSON output format 1.x). */
export interface PlannedResourceChange {
  readonly address: string;
  /** Set when a `moved` block (cdktf `moveTo`/`moveFromId`) carries the state from another address. */
  readonly previous_address?: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly change: { readonly actions: readonly string[] };
  readonly action_reason?: string;
}

export interface PlanJson {
  readonly resource_changes?: readonly PlannedResourceChange[];
}

/** `move` is a state move with nothing else to do; `other` is an action list this script does not know. */
export type ChangeKind = "no-op" | "move" | "update" | "create" | "delete" | "replace" | "forget" | "other";

export interface ClassifiedChange {
  readonly address: string;
  readonly previousAddress?: string;
  readonly type: string;
  readonly kind: ChangeKind;
  readonly actions: readonly string[];
  readonly reason?: string;
}

export function classify(change: PlannedResourceChange): ChangeKind {
  const actions = change.change.actions.join(",");
  switch (actions) {
    case "no-op":
      return change.previous_address ? "move" : "no-op";
    case "create":
    case "update":
    case "delete":
    case "forget":
      return actions;
    // Terraform writes create-before-destroy as create,delete; both leave a new object behind.
    case "delete,create":
    case "create,delete":
      return "replace";
    default:
      return "other";
  }
}

/** Every managed resource's change; data sources are left out: reading one changes no state. */
export function classifyPlan(plan: PlanJson): ClassifiedChange[] {
  return (plan.resource_changes ?? [])
    .filter((change) => change.mode === "managed")
    .map((change) => ({
      address: change.address,
      previousAddress: change.previous_address,
      type: change.type,
      kind: classify(change),
      actions: change.change.actions,
      reason: change.action_reason,
    }));
}

/** A change that alters what exists, as opposed to keeping it (in place or at a new address). */
export function altersState(change: ClassifiedChange): boolean {
  return change.kind !== "no-op" && change.kind !== "move";
}

export interface ChangeCounts {
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
  readonly forget: number;
  readonly moved: number;
}

/** Counted as Terraform's own plan summary counts them: a replacement is one add and one destroy. */
export function countChanges(changes: readonly ClassifiedChange[]): ChangeCounts {
  const count = (...kinds: ChangeKind[]) => changes.filter((change) => kinds.includes(change.kind)).length;
  return {
    add: count("create", "replace"),
    change: count("update", "other"),
    destroy: count("delete", "replace"),
    forget: count("forget"),
    moved: changes.filter((change) => change.previousAddress).length,
  };
}

export function summaryLine(stackId: string, counts: ChangeCounts): string {
  const forget = counts.forget ? `, ${counts.forget} to forget` : "";
  return `${stackId}: ${counts.add} to add, ${counts.change} to change, ${counts.destroy} to destroy${forget}, ${counts.moved} moved`;
}

/** One line per change that alters state, e.g. `  delete   aws_rds_cluster.X  [delete]`. */
export function changeLines(changes: readonly ClassifiedChange[]): string[] {
  return changes.filter(altersState).map((change) => {
    const moved = change.previousAddress ? `  (moved from ${change.previousAddress})` : "";
    const reason = change.reason ? `  ${change.reason}` : "";
    return `  ${change.kind.padEnd(8)} ${change.address}  [${change.actions.join(", ")}]${moved}${reason}`;
  });
}

/**
 * Resource types that lose an address and gain another in the same stack: the mark of a renamed or
 * regrouped construct, whose state a `moved` block would keep.
 */
export function likelyRenames(changes: readonly ClassifiedChange[]): string[] {
  const types = new Set(changes.filter((change) => change.kind === "delete").map((change) => change.type));
  return [...types].filter((type) => changes.some((change) => change.kind === "create" && change.type === type)).sort();
}
