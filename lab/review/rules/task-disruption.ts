// LAB-MIG1: a DMS replication task changed (Terraform stops a running task) or replaced (a new full load); worse when its settings truncate or drop target tables.
import { stringAt } from "../json-value";
import type { ReviewedChange } from "../review-model";
import { findingFor, managedChanges, type RiskRule } from "./rule";

/** `TargetTablePrepMode` values that empty the target's tables when a full load starts. */
const DESTRUCTIVE_PREP = /"TargetTablePrepMode"\s*:\s*"(TRUNCATE_BEFORE_LOAD|DROP_AND_CREATE)"/;

function destructivePrepMode(change: ReviewedChange): string | undefined {
  const settings = stringAt(change.after, "replication_task_settings") ?? stringAt(change.before, "replication_task_settings");
  return settings ? DESTRUCTIVE_PREP.exec(settings)?.[1] : undefined;
}

export const taskDisruption: RiskRule = {
  id: "LAB-MIG1",
  category: "migration disruption",
  severity: "medium",
  explanation:
    "A DMS replication task is changed (a running task is stopped and this lab does not restart it on deploy), replaced or destroyed; raised when its settings truncate or drop target tables.",
  check: (plans) =>
    managedChanges(plans).flatMap(({ stack, change }) => {
      if (change.type !== "aws_dms_replication_task") return [];
      const prep = destructivePrepMode(change);
      const prepNote = prep ? ` Its TargetTablePrepMode is ${prep}: a full load empties the target tables it maps.` : "";
      if (change.kind === "update") {
        return [
          findingFor(
            taskDisruption,
            stack,
            change,
            `Modifying the task stops it if it runs, and the deploy does not restart it: replication pauses and the source's slot keeps WAL.${prepNote}`,
            "apply when the task may pause, then `lab start --task <id>` (resumes from where it stopped)",
            prep ? "high" : "medium",
          ),
        ];
      }
      if (change.kind === "replace" || change.kind === "delete") {
        const verb =
          change.kind === "replace"
            ? "Replacing the task deletes it and creates a new one that starts over with a full load"
            : "Destroying the task ends its replication";
        return [
          findingFor(
            taskDisruption,
            stack,
            change,
            `${verb}; CDC position and table statistics are lost.${prepNote}`,
            prep
              ? "revert the attribute that forces it; if meant, stop writes to the target's tables first and expect them reloaded from scratch"
              : "revert the attribute that forces it; if meant, plan a full reload and drop the old task's replication slot on the source",
            prep ? "critical" : "high",
          ),
        ];
      }
      return [];
    }),
};
