// The runbook's decisions, as pure functions of what DMS reports: which start a task needs, and when a start is done.
import type { ReplicationTask, TableStatistics } from "@aws-sdk/client-database-migration-service";

export type StartType = "start-replication" | "resume-processing" | "reload-target";

export type StartDecision =
  | { readonly kind: "start"; readonly startType: StartType }
  | { readonly kind: "nothing"; readonly reason: string }
  | { readonly kind: "refuse"; readonly reason: string };

/**
 * DMS accepts `start-replication` only on a task's first run, `resume-processing` to go on from where
 * a stopped or failed task left off (nothing lost: the slot kept the changes), `reload-target` to load
 * again from scratch. A task in a transitional state is left alone.
 */
export function decideStart(status: string | undefined, reload: boolean): StartDecision {
  switch (status) {
    case "ready":
      return { kind: "start", startType: "start-replication" };
    case "stopped":
    case "failed":
      return { kind: "start", startType: reload ? "reload-target" : "resume-processing" };
    case "running":
    case "starting":
      return reload
        ? { kind: "refuse", reason: `the task is ${status}; stop it first (npm run lab -- stop), then start --reload` }
        : { kind: "nothing", reason: `the task is already ${status}` };
    default:
      return { kind: "refuse", reason: `the task is ${status ?? "in an unknown state"}; wait until it is ready, stopped or failed` };
  }
}

export type StartProgress =
  { readonly kind: "waiting" } | { readonly kind: "done"; readonly summary: string } | { readonly kind: "failed"; readonly reason: string };

/** Whether a start has reached where it was going: CDC running after a complete load, or (full-load) the load finished. */
export function startProgress(task: ReplicationTask): StartProgress {
  const status = task.Status;
  const percent = task.ReplicationTaskStats?.FullLoadProgressPercent ?? 0;
  if (status === "failed") return { kind: "failed", reason: task.LastFailureMessage ?? task.StopReason ?? "no reason given" };
  if (task.MigrationType === "full-load") {
    if (status === "stopped" && /FULL_LOAD_ONLY_FINISHED/.test(task.StopReason ?? ""))
      return { kind: "done", summary: "full load complete" };
    if (status === "stopped") return { kind: "failed", reason: `stopped before the load finished (${task.StopReason ?? "no reason"})` };
    return { kind: "waiting" };
  }
  if (status === "stopped") return { kind: "failed", reason: `stopped (${task.StopReason ?? "no reason"})` };
  if (status !== "running") return { kind: "waiting" };
  if (task.MigrationType === "cdc") return { kind: "done", summary: "CDC running" };
  return percent >= 100 ? { kind: "done", summary: "full load complete, CDC running" } : { kind: "waiting" };
}

/** One line per table: state, rows loaded and changes applied. */
export function tableLines(tables: readonly TableStatistics[]): string[] {
  return tables.map(
    (table) =>
      `  ${`${table.SchemaName}.${table.TableName}`.padEnd(32)} ${(table.TableState ?? "").padEnd(16)} ` +
      `loaded ${table.FullLoadRows ?? 0}, +${table.Inserts ?? 0} ~${table.Updates ?? 0} -${table.Deletes ?? 0}`,
  );
}
