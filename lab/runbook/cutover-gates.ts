// The cutover's gates, as pure functions of what DMS and the source report: each passes, waits, or refuses with a reason.
import type { ReplicationTask } from "@aws-sdk/client-database-migration-service";
import { lsnValue } from "../../functions/db-ops/lsn";
import { startProgress } from "./decisions";

export type Gate = { readonly pass: true; readonly detail: string } | { readonly pass: false; readonly reason: string };

/** A replication slot as db-ops' `status` reports it. */
export interface SourceSlot {
  readonly slotName: string;
  readonly plugin: string | null;
  readonly active: boolean;
  readonly confirmedFlushLsn: string | null;
  readonly walRetainedBytes: number | null;
}

/**
 * Gate 1: every task being cut over is in CDC (a full load finished and changes streaming), or the cutover is
 * being resumed: every such task already stopped by an earlier cutover run while the source stayed frozen. No
 * other task of the deployment may be running: db_url moves the whole application, not one task's tables.
 */
export function tasksGate(
  tasks: ReadonlyArray<{ readonly identifier: string; readonly task: ReplicationTask }>,
  others: ReadonlyArray<{ readonly identifier: string; readonly status: string | undefined }>,
  sourceFrozen: boolean,
): Gate & { readonly resuming?: boolean } {
  const busy = others.filter((other) => other.status === "running" || other.status === "starting");
  if (busy.length > 0) {
    return {
      pass: false,
      reason: `${busy.map((o) => `${o.identifier} is ${o.status}`).join(", ")}: db_url moves the whole application; cut over without --task, or stop it`,
    };
  }
  if (tasks.length > 0 && sourceFrozen && tasks.every(({ task }) => task.Status === "stopped")) {
    return { pass: true, resuming: true, detail: "resuming an earlier cutover: the tasks are stopped and the source is still frozen" };
  }
  for (const { identifier, task } of tasks) {
    if (task.MigrationType === "full-load")
      return { pass: false, reason: `${identifier} is a full-load task: there is no CDC to drain; cutover needs CDC` };
    const progress = startProgress(task);
    if (progress.kind !== "done") {
      return {
        pass: false,
        reason: `${identifier} is ${task.Status}${progress.kind === "failed" ? ` (${progress.reason})` : ""}, not in CDC: start it (npm run lab -- start) and let the full load finish`,
      };
    }
  }
  return { pass: true, detail: `${tasks.map((t) => t.identifier).join(", ")} in CDC` };
}

/**
 * Gate 3: every logical slot on the source has confirmed a position past the sentinel's LSN, so DMS has
 * applied every change committed before the sentinel (the freeze made sure nothing else came after).
 */
export function drainGate(slots: readonly SourceSlot[], sentinelLsn: string): Gate {
  const logical = slots.filter((slot) => slot.confirmedFlushLsn !== null);
  if (logical.length === 0) return { pass: false, reason: "the source has no logical replication slot: no task is reading its changes" };
  const sentinel = lsnValue(sentinelLsn);
  const behind = logical.filter((slot) => lsnValue(slot.confirmedFlushLsn ?? "0/0") <= sentinel);
  if (behind.length > 0) {
    return {
      pass: false,
      reason: behind
        .map((slot) => `slot ${slot.slotName} confirmed ${slot.confirmedFlushLsn}, not past the sentinel at ${sentinelLsn}`)
        .join("; "),
    };
  }
  return { pass: true, detail: `${logical.map((slot) => slot.slotName).join(", ")} past the sentinel at ${sentinelLsn}` };
}

/** Gate 5: every source sequence of the migrated schemas exists on the target (DMS migrates none). */
export function sequencesGate(plan: {
  readonly missing: readonly string[];
  readonly move: ReadonlyArray<{ sequence: string; to: string }>;
}): Gate {
  if (plan.missing.length > 0) {
    return {
      pass: false,
      reason: `${plan.missing.join(", ")} exist${plan.missing.length === 1 ? "s" : ""} on the source only: DMS migrates no sequences; create them on the target (pg_dump --schema-only) and cut over again`,
    };
  }
  return {
    pass: true,
    detail: plan.move.length ? `moved ${plan.move.map((m) => `${m.sequence} to ${m.to}`).join(", ")}` : "no sequence behind the source's",
  };
}

/** `--rollback` needs a slot: while it exists, the task can take the source's changes up again. */
export function rollbackGate(slots: readonly SourceSlot[]): Gate {
  const logical = slots.filter((slot) => slot.confirmedFlushLsn !== null);
  if (logical.length === 0) {
    return {
      pass: false,
      reason:
        "the source has no replication slot any more (stop --final dropped it): the migration ended there, so there is nothing to roll back to",
    };
  }
  return { pass: true, detail: `slot ${logical.map((s) => s.slotName).join(", ")} still on the source` };
}
