// A stack's change counts as the review's header shows them: a replacement is one replacement, not an add and a destroy.
import type { ReviewedChange } from "./review-model";

export interface ChangeCounts {
  readonly add: number;
  readonly change: number;
  readonly replace: number;
  readonly destroy: number;
  /** Addresses whose state moves (`previous_address`), whatever else happens to them. */
  readonly move: number;
  readonly import: number;
  /** Removed from state without being destroyed (a `removed` block with `destroy = false`). */
  readonly forget: number;
}

/** Managed resources only: a data source's read changes nothing. */
export function countChanges(changes: readonly ReviewedChange[]): ChangeCounts {
  const managed = changes.filter((change) => change.mode === "managed");
  const count = (kind: ReviewedChange["kind"]) => managed.filter((change) => change.kind === kind).length;
  return {
    add: count("create"),
    change: count("update"),
    replace: count("replace"),
    destroy: count("delete"),
    move: managed.filter((change) => change.previousAddress !== undefined && change.previousAddress !== change.address).length,
    import: managed.filter((change) => change.importing).length,
    forget: count("forget"),
  };
}

export function hasChanges(counts: ChangeCounts): boolean {
  return Object.values(counts).some((value) => value > 0);
}

/** `2 to add, 1 to change, 1 to replace, 0 to destroy, 0 moved, 0 imported` (forget only when there is one). */
export function countsLine(counts: ChangeCounts): string {
  const forget = counts.forget ? `, ${counts.forget} to forget` : "";
  return (
    `${counts.add} to add, ${counts.change} to change, ${counts.replace} to replace, ${counts.destroy} to destroy, ` +
    `${counts.move} moved, ${counts.import} imported${forget}`
  );
}
