// Every way the `migration` section of a deployment file can be wrong gives one message naming the file, the field and the fix.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, expectTypeOf, it, test } from "vitest";
import type { z } from "zod";
import type { MigrationType, ReplicationTaskProps } from "../../constructs/dms/replication-task";
import { DeploymentFileError, loadDeployment } from "../../variables/load";
import { MIGRATION_TYPES, type migrationTaskSchema } from "../../variables/migration-schema";
import { defined, VARIABLES_DIR } from "../helpers/synth";

type Task = Record<string, unknown> & { tableMappings?: Array<Record<string, unknown>>; taskSettings?: Record<string, unknown> };
type MutableFile = Record<string, unknown> & {
  dms?: Record<string, unknown>;
  tags?: Record<string, string>;
  migration: Record<string, unknown> & {
    tasks: Task[];
    monitoring?: Record<string, unknown>;
    cutover?: Record<string, unknown>;
  };
};

const devText = readFileSync(join(VARIABLES_DIR, "dev.json"), "utf8");

function load(change: (file: MutableFile) => void) {
  const file = JSON.parse(devText) as MutableFile;
  change(file);
  const directory = mkdtempSync(join(tmpdir(), "lab-migration-validation-"));
  const path = join(directory, "dev.json");
  writeFileSync(path, JSON.stringify(file, null, 2));
  return loadDeployment(path, "variables/dev.json");
}

function loadChanged(change: (file: MutableFile) => void): DeploymentFileError {
  try {
    load(change);
  } catch (error) {
    if (error instanceof DeploymentFileError) return error;
    throw error;
  }
  throw new Error("the deployment file was accepted");
}

/** The shipped demo task, the one every row below changes. */
const demoTask = (file: MutableFile): Task => file.migration.tasks[0];

describe("the migration section as shipped", () => {
  it("dev declares the demo task and gets every monitoring and cutover default", () => {
    const dev = load(() => undefined);
    expect(dev.migration.tasks.map((task) => task.id)).toEqual(["dms-task-demo"]);
    expect(dev.migration.monitoring).toEqual({
      cdcLatencyThresholdSeconds: 5,
      // A tenth of the default 50 GiB of replication instance storage.
      freeStorageThresholdBytes: 5 * 1024 ** 3,
      cpuThresholdPercent: 80,
      replicationSlotLagThresholdBytes: 1024 ** 3,
      transactionLogsDiskUsageThresholdBytes: 5 * 1024 ** 3,
      replicationSlotDiskUsageThresholdBytes: 5 * 1024 ** 3,
    });
    expect(dev.migration.cutover).toEqual({ pointAppAt: "source" });
  });

  it("may be left out entirely: no tasks, the same defaults", () => {
    const deployment = load((file) => {
      delete (file as Record<string, unknown>).migration;
    });
    expect(deployment.migration.tasks).toEqual([]);
    expect(deployment.migration.cutover.pointAppAt).toBe("source");
  });

  it("scales the free-storage default with dms.allocatedStorage, so the smallest instance still validates", () => {
    const deployment = load((file) => {
      file.dms = { allocatedStorage: 5 };
    });
    expect(deployment.migration.monitoring.freeStorageThresholdBytes).toBe(Math.floor((5 * 1024 ** 3) / 10));
  });

  it("accepts task-settings overrides and the named options", () => {
    const deployment = load((file) => {
      Object.assign(demoTask(file), {
        targetTablePrepMode: "DO_NOTHING",
        maxFullLoadSubTasks: 8,
        taskSettings: { FullLoadSettings: { CommitRate: 20000 } },
      });
    });
    expect(deployment.migration.tasks[0]).toMatchObject({ targetTablePrepMode: "DO_NOTHING", maxFullLoadSubTasks: 8 });
  });

  // The schema validates a task once; ReplicationTask takes its fields as typed props. These fail tsc
  // when the two layers drift apart (neither may import the other).
  it("gives tasks whose fields are ReplicationTask's props", () => {
    expectTypeOf<(typeof MIGRATION_TYPES)[number]>().toEqualTypeOf<MigrationType>();
    type TaskProps = Omit<ReplicationTaskProps, "name" | "replicationInstanceArn" | "sourceEndpointArn" | "targetEndpointArn">;
    expectTypeOf<z.output<typeof migrationTaskSchema>>().toExtend<TaskProps>();
  });
});

describe("rejected migration sections", () => {
  test.each<[string, (file: MutableFile) => void, string]>([
    [
      "an unknown key in the section (typo)",
      (file) => {
        file.migration.task = [];
      },
      'variables/dev.json: migration: unknown field "task" (a typo?); remove or rename it',
    ],
    [
      "an unknown key in a task",
      (file) => {
        demoTask(file).tableMapping = [];
      },
      'variables/dev.json: migration.tasks[0]: unknown field "tableMapping" (a typo?)',
    ],
    [
      "a task id that starts with a digit",
      (file) => {
        demoTask(file).id = "1-task";
      },
      'variables/dev.json: migration.tasks[0].id: "1-task" must start with a lower-case letter (a DMS task identifier)',
    ],
    [
      "a task id with an underscore",
      (file) => {
        demoTask(file).id = "demo_task";
      },
      'migration.tasks[0].id: "demo_task" may hold only lower-case letters, digits and hyphens (a DMS task identifier)',
    ],
    [
      "a task id with upper case",
      (file) => {
        demoTask(file).id = "demoTask";
      },
      'migration.tasks[0].id: "demoTask" may hold only lower-case letters, digits and hyphens',
    ],
    [
      "a task id with two hyphens in a row",
      (file) => {
        demoTask(file).id = "demo--task";
      },
      'migration.tasks[0].id: "demo--task" holds "--", which DMS identifiers may not; use single hyphens',
    ],
    [
      "a task id that ends with a hyphen",
      (file) => {
        demoTask(file).id = "demo-";
      },
      'migration.tasks[0].id: "demo-" ends with a hyphen, which DMS identifiers may not; remove it',
    ],
    [
      "an empty task id",
      (file) => {
        demoTask(file).id = "";
      },
      "migration.tasks[0].id: is empty; name the task, e.g. dms-task-demo",
    ],
    [
      "a task id too long for DMS once prefixed",
      (file) => {
        demoTask(file).id = `t${"a".repeat(238)}`;
      },
      "migration.tasks[0].id: is 239 characters; use at most 238 (DMS allows 255 with the deployment prefix)",
    ],
    [
      "two tasks with one id",
      (file) => {
        file.migration.tasks.push({ ...demoTask(file) });
      },
      'variables/dev.json: migration.tasks[1].id: "dms-task-demo" is already the id of tasks[0]; give each task its own id',
    ],
    [
      "a task without a migration type",
      (file) => {
        delete demoTask(file).migrationType;
      },
      "migration.tasks[0].migrationType: is required",
    ],
    [
      "an unknown migration type",
      (file) => {
        demoTask(file).migrationType = "full-load-and-replicate";
      },
      "migration.tasks[0].migrationType: Invalid enum value. Expected 'full-load' | 'cdc' | 'full-load-and-cdc', received 'full-load-and-replicate'",
    ],
    [
      "a task without table mappings",
      (file) => {
        delete demoTask(file).tableMappings;
      },
      "migration.tasks[0].tableMappings: is required",
    ],
    [
      "table mappings that include nothing",
      (file) => {
        demoTask(file).tableMappings = [{ type: "selection", action: "exclude", schema: "demo_schema", table: "%" }];
      },
      "migration.tasks[0].tableMappings: DMS rejects table mappings without a selection rule that includes tables",
    ],
    [
      "a table-mapping rule the schema rejects",
      (file) => {
        defined(demoTask(file).tableMappings, "the demo task's table mappings")[0].table = "";
      },
      'migration.tasks[0].tableMappings[0].table: table must not be empty: give an exact name or a wildcard pattern such as "%"',
    ],
    [
      "an unknown target table prep mode",
      (file) => {
        demoTask(file).targetTablePrepMode = "TRUNCATE";
      },
      "migration.tasks[0].targetTablePrepMode: Invalid enum value. Expected 'DO_NOTHING' | 'DROP_AND_CREATE' | 'TRUNCATE_BEFORE_LOAD'",
    ],
    [
      "more parallel full-load subtasks than DMS allows",
      (file) => {
        demoTask(file).maxFullLoadSubTasks = 50;
      },
      "migration.tasks[0].maxFullLoadSubTasks: DMS loads at most 49 tables in parallel; use 49 or less",
    ],
    [
      "an unknown task-settings section",
      (file) => {
        demoTask(file).taskSettings = { FullLoadSetings: {} };
      },
      'migration.tasks[0].taskSettings: unknown task-settings section "FullLoadSetings" (did you mean "FullLoadSettings"?)',
    ],
    [
      "a read-only task setting",
      (file) => {
        demoTask(file).taskSettings = { Logging: { CloudWatchLogGroup: "x" } };
      },
      "migration.tasks[0].taskSettings.Logging.CloudWatchLogGroup: Logging.CloudWatchLogGroup is read-only",
    ],
    [
      "validation switched off",
      (file) => {
        demoTask(file).taskSettings = { ValidationSettings: { EnableValidation: false } };
      },
      "migration.tasks[0].taskSettings.ValidationSettings.EnableValidation: cannot be false: the cutover runbook relies on DMS validation; remove it",
    ],
    [
      "logging switched off",
      (file) => {
        demoTask(file).taskSettings = { Logging: { EnableLogging: false } };
      },
      "migration.tasks[0].taskSettings.Logging.EnableLogging: cannot be false: a failed task is diagnosed from its CloudWatch log; remove it",
    ],
    [
      "task settings that contradict each other once merged",
      (file) => {
        demoTask(file).taskSettings = { TargetMetadata: { FullLobMode: true } };
      },
      "variables/dev.json: migration.tasks[0].taskSettings.TargetMetadata: with SupportLobs true, exactly one of FullLobMode and LimitedSizeLobMode must be true (the lab's default is limited LOB mode); set the other to false",
    ],
    [
      "a malformed alarm e-mail address",
      (file) => {
        file.migration.monitoring = { email: "ops-at-example.com" };
      },
      "variables/dev.json: migration.monitoring.email: use one e-mail address such as ops@example.com",
    ],
    [
      "a CDC latency threshold of zero",
      (file) => {
        file.migration.monitoring = { cdcLatencyThresholdSeconds: 0 };
      },
      "migration.monitoring.cdcLatencyThresholdSeconds: must be more than 0 seconds",
    ],
    [
      "a CPU threshold above 100 %",
      (file) => {
        file.migration.monitoring = { cpuThresholdPercent: 120 };
      },
      "migration.monitoring.cpuThresholdPercent: is a percentage: use at most 100",
    ],
    [
      "a negative replication slot lag threshold",
      (file) => {
        file.migration.monitoring = { replicationSlotLagThresholdBytes: -1 };
      },
      "migration.monitoring.replicationSlotLagThresholdBytes: must be more than 0 bytes",
    ],
    [
      "a free-storage threshold the replication instance can never clear",
      (file) => {
        file.migration.monitoring = { freeStorageThresholdBytes: 60 * 1024 ** 3 };
      },
      "migration.monitoring.freeStorageThresholdBytes: is not below the replication instance's 50 GiB (dms.allocatedStorage), so the alarm would never clear; choose less, e.g. 5368709120",
    ],
    [
      "an unknown monitoring key",
      (file) => {
        file.migration.monitoring = { cdcLatencyThreshold: 5 };
      },
      'migration.monitoring: unknown field "cdcLatencyThreshold" (a typo?)',
    ],
    [
      "a cutover to neither side",
      (file) => {
        file.migration.cutover = { pointAppAt: "both" };
      },
      "migration.cutover.pointAppAt: Invalid enum value. Expected 'source' | 'target', received 'both'",
    ],
    [
      "a Deployment tag that would detach the bastion's task permissions",
      (file) => {
        file.tags = { Deployment: "other" };
      },
      'variables/dev.json: tags: the lab sets "Deployment" to the file name (IAM scopes task start/stop by it); remove it',
    ],
  ])("%s", (_case, change, expected) => {
    const error = loadChanged(change);
    expect(error.message).toContain(expected);
    // One message, never a stack dump: a single line naming the file.
    expect(error.message.split("\n")).toHaveLength(1);
    expect(error.message.startsWith("variables/dev.json: ")).toBe(true);
  });
});
