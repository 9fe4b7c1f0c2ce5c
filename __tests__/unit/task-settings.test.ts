// Unit tests for DMS task settings: the emitter's defaults, merging and stability; every check of the schema on overrides.
import type { z } from "zod";
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  taskSettingsDocument,
  taskSettingsJson,
  type JsonObject,
  type TargetTablePrepMode,
  type TaskSettingsOptions,
  type TaskSettingsOverrides,
  type TaskSettingsSection,
} from "../../constructs/dms/mapping/task-settings";
import { formatFieldPath } from "../../variables/load";
import { migrationTaskSchema } from "../../variables/migration-schema";
import {
  CHECKED_DEFAULTS,
  READ_ONLY_TASK_SETTING_KEYS,
  TARGET_TABLE_PREP_MODES,
  TASK_SETTINGS_SECTIONS,
  taskSettingsOverridesSchema,
} from "../../variables/task-settings-schema";

const demoTask = {
  id: "dms-task-demo",
  migrationType: "full-load-and-cdc",
  tableMappings: [{ type: "selection", action: "include", schema: "demo_schema", table: "%" }],
};

/** Every problem the deployment schema finds in a task with these fields, as `field.path: message` lines. */
function problems(fields: Record<string, unknown>): string {
  const result = migrationTaskSchema.safeParse({ ...demoTask, ...fields });
  if (result.success) throw new Error("the schema accepted the task");
  return result.error.issues.map((issue) => `${formatFieldPath(issue.path)}: ${issue.message}`).join("\n");
}

describe("defaults", () => {
  const settings = taskSettingsDocument();

  it("keeps the original lab's full-load settings", () => {
    expect(settings.FullLoadSettings).toEqual({ MaxFullLoadSubTasks: 16, TargetTablePrepMode: "TRUNCATE_BEFORE_LOAD" });
  });

  it("uses limited LOB mode with 32 KB LOBs", () => {
    expect(settings.TargetMetadata).toEqual({
      FullLobMode: false,
      LimitedSizeLobMode: true,
      LobChunkSize: 64,
      LobMaxSize: 32,
      SupportLobs: true,
    });
  });

  // The schema checks overrides against these values (one LOB mode, logging on) without importing
  // the emitter; this keeps its copy true.
  it("writes the LOB and logging values the schema's merged checks start from", () => {
    expect(settings.TargetMetadata).toMatchObject(CHECKED_DEFAULTS.TargetMetadata);
    expect(settings.Logging).toMatchObject(CHECKED_DEFAULTS.Logging);
  });

  it("enables CloudWatch logging without pinning log components", () => {
    expect(settings.Logging).toEqual({ EnableLogging: true });
  });

  it("enables row-level validation", () => {
    expect(settings.ValidationSettings).toMatchObject({ EnableValidation: true, ValidationMode: "ROW_LEVEL", ThreadCount: 5 });
    expect(settings.ValidationSettings.FailureMaxCount).toBeGreaterThan(0);
  });

  it("logs data and apply errors, suspends failing tables and bounds recoverable retries", () => {
    expect(settings.ErrorBehavior).toMatchObject({
      DataErrorPolicy: "LOG_ERROR",
      TableErrorPolicy: "SUSPEND_TABLE",
      ApplyErrorInsertPolicy: "LOG_ERROR",
      ApplyErrorUpdatePolicy: "LOG_ERROR",
      ApplyErrorDeletePolicy: "IGNORE_RECORD",
      FailOnNoTablesCaptured: true,
    });
    expect(settings.ErrorBehavior.RecoverableErrorCount).toBeGreaterThan(0);
  });

  it("writes out DMS's CDC tuning defaults with transactional apply", () => {
    expect(settings.ChangeProcessingTuning).toMatchObject({
      BatchApplyPreserveTransaction: true,
      CommitTimeout: 1,
      MemoryLimitTotal: 1024,
    });
    expect(settings.TargetMetadata.BatchApplyEnabled).toBeUndefined();
  });

  it.each(READ_ONLY_TASK_SETTING_KEYS)("never emits the read-only key %s", (key) => {
    const name = key.split(".")[1];
    expect(taskSettingsJson()).not.toContain(name);
    expect(Object.keys(settings.Logging)).not.toContain(name);
  });

  it("emits only documented sections", () => {
    for (const section of Object.keys(settings)) expect(TASK_SETTINGS_SECTIONS).toContain(section);
  });
});

describe("options", () => {
  it("applies the named options", () => {
    const settings = taskSettingsDocument({ targetTablePrepMode: "DROP_AND_CREATE", maxFullLoadSubTasks: 8 });
    expect(settings.FullLoadSettings).toEqual({ MaxFullLoadSubTasks: 8, TargetTablePrepMode: "DROP_AND_CREATE" });
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ["too many subtasks", { maxFullLoadSubTasks: 50 }, /maxFullLoadSubTasks: DMS loads at most 49 tables in parallel; use 49 or less/],
    ["zero subtasks", { maxFullLoadSubTasks: 0 }, /maxFullLoadSubTasks: must be 1 or more/],
    ["a fractional subtask count", { maxFullLoadSubTasks: 2.5 }, /maxFullLoadSubTasks: must be a whole number/],
    [
      "unknown prep mode",
      { targetTablePrepMode: "TRUNCATE" },
      /targetTablePrepMode: Invalid enum value\. Expected 'DO_NOTHING' \| 'DROP_AND_CREATE' \| 'TRUNCATE_BEFORE_LOAD'/,
    ],
    ["unknown option", { maxFullLoadSubtasks: 4 }, /Unrecognized key\(s\) in object: 'maxFullLoadSubtasks'/],
  ])("the schema rejects %s", (_case, fields, message) => {
    expect(problems(fields)).toMatch(message);
  });
});

describe("overrides", () => {
  it("deep-merges: sibling defaults survive, overridden keys change", () => {
    const settings = taskSettingsDocument({
      taskSettings: { FullLoadSettings: { CommitRate: 50_000 }, ValidationSettings: { ThreadCount: 8 } },
    });
    expect(settings.FullLoadSettings).toEqual({ CommitRate: 50_000, MaxFullLoadSubTasks: 16, TargetTablePrepMode: "TRUNCATE_BEFORE_LOAD" });
    expect(settings.ValidationSettings).toMatchObject({ EnableValidation: true, ThreadCount: 8 });
  });

  it("applies overrides after the named options", () => {
    const settings = taskSettingsDocument({ maxFullLoadSubTasks: 4, taskSettings: { FullLoadSettings: { MaxFullLoadSubTasks: 12 } } });
    expect(settings.FullLoadSettings.MaxFullLoadSubTasks).toBe(12);
  });

  it("replaces arrays instead of merging them", () => {
    const components = [{ Id: "TARGET_APPLY", Severity: "LOGGER_SEVERITY_DEBUG" }] as const;
    const settings = taskSettingsDocument({ taskSettings: { Logging: { LogComponents: [...components] } } });
    expect(settings.Logging).toEqual({ EnableLogging: true, LogComponents: components });
  });

  it("adds sections the defaults leave to DMS, including DMS's null", () => {
    const settings = taskSettingsDocument({
      taskSettings: { ControlTablesSettings: { HistoryTableEnabled: true, ControlSchema: "dms_control" }, BeforeImageSettings: null },
    });
    expect(settings.ControlTablesSettings).toEqual({ ControlSchema: "dms_control", HistoryTableEnabled: true });
    expect(settings.BeforeImageSettings).toBeNull();
  });

  it("passes through PascalCase keys it does not type, so newer DMS settings need no code change", () => {
    const settings = taskSettingsDocument({ taskSettings: { TargetMetadata: { ParallelApplyThreads: 4 } } });
    expect(settings.TargetMetadata.ParallelApplyThreads).toBe(4);
  });

  it("switches to full LOB mode when both mode flags are overridden", () => {
    const settings = taskSettingsDocument({ taskSettings: { TargetMetadata: { FullLobMode: true, LimitedSizeLobMode: false } } });
    expect(settings.TargetMetadata).toMatchObject({ FullLobMode: true, LimitedSizeLobMode: false, LobChunkSize: 64 });
  });

  it("does not modify the overrides object it is given", () => {
    const overrides: TaskSettingsOverrides = { Logging: { LogComponents: [{ Id: "SOURCE_CAPTURE", Severity: "LOGGER_SEVERITY_INFO" }] } };
    const before = structuredClone(overrides);
    const settings = taskSettingsDocument({ taskSettings: overrides });
    (settings.Logging.LogComponents as JsonObject[])[0].Id = "CHANGED";
    expect(overrides).toEqual(before);
  });

  it("accepts the task-settings example from the AWS docs as pasted", () => {
    const documented = {
      TargetMetadata: {
        TargetSchema: "",
        SupportLobs: true,
        FullLobMode: false,
        LobChunkSize: 64,
        LimitedSizeLobMode: true,
        LobMaxSize: 32,
        BatchApplyEnabled: true,
      },
      FullLoadSettings: {
        TargetTablePrepMode: "DO_NOTHING",
        CreatePkAfterFullLoad: false,
        StopTaskCachedChangesApplied: false,
        StopTaskCachedChangesNotApplied: false,
        MaxFullLoadSubTasks: 8,
        TransactionConsistencyTimeout: 600,
        CommitRate: 10000,
      },
      Logging: { EnableLogging: false },
      ControlTablesSettings: {
        ControlSchema: "",
        HistoryTimeslotInMinutes: 5,
        HistoryTableEnabled: false,
        SuspendedTablesTableEnabled: false,
        StatusTableEnabled: false,
      },
      StreamBufferSettings: { StreamBufferCount: 3, StreamBufferSizeInMB: 8 },
      ChangeProcessingTuning: {
        BatchApplyPreserveTransaction: true,
        BatchApplyTimeoutMin: 1,
        BatchApplyTimeoutMax: 30,
        BatchApplyMemoryLimit: 500,
        BatchSplitSize: 0,
        MinTransactionSize: 1000,
        CommitTimeout: 1,
        MemoryLimitTotal: 1024,
        MemoryKeepTime: 60,
        StatementCacheSize: 50,
      },
      ChangeProcessingDdlHandlingPolicy: {
        HandleSourceTableDropped: true,
        HandleSourceTableTruncated: true,
        HandleSourceTableAltered: true,
      },
      ValidationSettings: { EnableValidation: false, ThreadCount: 5 },
      ErrorBehavior: {
        DataErrorPolicy: "LOG_ERROR",
        DataTruncationErrorPolicy: "LOG_ERROR",
        DataErrorEscalationPolicy: "SUSPEND_TABLE",
        DataErrorEscalationCount: 50,
        TableErrorPolicy: "SUSPEND_TABLE",
        TableErrorEscalationPolicy: "STOP_TASK",
        TableErrorEscalationCount: 50,
        RecoverableErrorCount: 0,
        RecoverableErrorInterval: 5,
        RecoverableErrorThrottling: true,
        RecoverableErrorThrottlingMax: 1800,
        ApplyErrorDeletePolicy: "IGNORE_RECORD",
        ApplyErrorInsertPolicy: "LOG_ERROR",
        ApplyErrorUpdatePolicy: "LOG_ERROR",
        ApplyErrorEscalationPolicy: "LOG_ERROR",
        ApplyErrorEscalationCount: 0,
        FullLoadIgnoreConflicts: true,
      },
    };
    const settings = taskSettingsDocument({ taskSettings: taskSettingsOverridesSchema.parse(JSON.parse(JSON.stringify(documented))) });
    expect(settings.FullLoadSettings.TargetTablePrepMode).toBe("DO_NOTHING");
    expect(settings.Logging.EnableLogging).toBe(false);
    expect(settings.StreamBufferSettings).toEqual({ StreamBufferCount: 3, StreamBufferSizeInMB: 8 });
  });

  it.each(TASK_SETTINGS_SECTIONS)("accepts the documented section %s", (section) => {
    expect(taskSettingsOverridesSchema.safeParse({ [section]: {} }).success).toBe(true);
  });
});

describe("stable output", () => {
  it("gives byte-identical JSON for the same input", () => {
    const options: TaskSettingsOptions = { taskSettings: { ErrorBehavior: { RecoverableErrorCount: -1 } } };
    expect(taskSettingsJson(options)).toBe(taskSettingsJson(options));
  });

  it("does not depend on the order overrides are written in", () => {
    const a = taskSettingsJson({
      taskSettings: { ValidationSettings: { ThreadCount: 2, PartitionSize: 5000 }, FullLoadSettings: { CommitRate: 20000 } },
    });
    const b = taskSettingsJson({
      taskSettings: { FullLoadSettings: { CommitRate: 20000 }, ValidationSettings: { PartitionSize: 5000, ThreadCount: 2 } },
    });
    expect(a).toBe(b);
  });

  it("sorts keys at every level", () => {
    const settings = taskSettingsDocument({ taskSettings: { ControlTablesSettings: { StatusTableEnabled: true, ControlSchema: "c" } } });
    const sorted = (o: object) => expect(Object.keys(o)).toEqual([...Object.keys(o)].sort());
    sorted(settings);
    for (const value of Object.values(settings)) if (value !== null && typeof value === "object") sorted(value);
  });
});

describe("rejected overrides", () => {
  it.each(
    READ_ONLY_TASK_SETTING_KEYS.flatMap((key) => [
      [key, "dms-tasks-lab"],
      [key, null],
    ]),
  )("rejects the read-only key %s (value %j) and says to remove it", (key, value) => {
    const name = key.split(".")[1];
    const message = problems({ taskSettings: { Logging: { EnableLogging: true, [name]: value } } });
    expect(message).toContain(`taskSettings.${key}: ${key} is read-only`);
    expect(message).toContain("Remove it from the overrides");
  });

  it.each<[string, unknown, RegExp]>([
    [
      "a misspelt section",
      { Loging: { EnableLogging: true } },
      /unknown task-settings section "Loging" \(did you mean "Logging"\?\): DMS ReplicationTaskSettings has only "TargetMetadata", .*; fix the spelling or remove it/,
    ],
    [
      "a camelCase section",
      { fullLoadSettings: {} },
      /unknown task-settings section "fullLoadSettings" \(did you mean "FullLoadSettings"\?\)/,
    ],
    ["an unrelated section", { Replication: {} }, /unknown task-settings section "Replication": DMS ReplicationTaskSettings has only/],
    [
      "a camelCase key inside a section",
      { Logging: { enableLogging: true } },
      /Logging\.enableLogging: "enableLogging" is not a DMS task setting: keys are PascalCase as in the AWS docs \(did you mean "EnableLogging"\?\)/,
    ],
    [
      "an invalid enum value",
      { FullLoadSettings: { TargetTablePrepMode: "TRUNCATE" } },
      /FullLoadSettings\.TargetTablePrepMode: Invalid enum value/,
    ],
    [
      "too many subtasks",
      { FullLoadSettings: { MaxFullLoadSubTasks: 64 } },
      /FullLoadSettings\.MaxFullLoadSubTasks: Number must be less than or equal to 49/,
    ],
    ["a section that is not an object", { Logging: true }, /Logging: Logging must be an object of settings/],
    ["overrides that are not an object", [], /task-settings overrides must be an object keyed by section/],
    [
      "both LOB modes on once merged",
      { TargetMetadata: { FullLobMode: true } },
      /taskSettings\.TargetMetadata: with SupportLobs true, exactly one of FullLobMode and LimitedSizeLobMode must be true \(the lab's default is limited LOB mode\); set the other to false/,
    ],
    [
      "both LOB modes off",
      { TargetMetadata: { LimitedSizeLobMode: false } },
      /taskSettings\.TargetMetadata: with SupportLobs true, exactly one of FullLobMode and LimitedSizeLobMode must be true/,
    ],
    [
      "limited LOB mode without a size",
      { TargetMetadata: { LobMaxSize: 0 } },
      /taskSettings\.TargetMetadata\.LobMaxSize: limited LOB mode needs LobMaxSize > 0/,
    ],
    [
      "full LOB mode without a chunk size",
      { TargetMetadata: { FullLobMode: true, LimitedSizeLobMode: false, LobChunkSize: 0 } },
      /taskSettings\.TargetMetadata\.LobChunkSize: full LOB mode needs LobChunkSize > 0 \(KB, 64 recommended\)/,
    ],
    [
      "log context without logging",
      { Logging: { EnableLogging: false, EnableLogContext: true } },
      /taskSettings\.Logging\.EnableLogContext: DMS allows it only with Logging\.EnableLogging true/,
    ],
  ])("rejects %s with a message saying what to change", (_case, overrides, message) => {
    expect(problems({ taskSettings: overrides })).toMatch(message);
  });

  it("leaves the LOB modes alone when LOBs are off", () => {
    const result = migrationTaskSchema.safeParse({
      ...demoTask,
      taskSettings: { TargetMetadata: { SupportLobs: false, FullLobMode: true } },
    });
    expect(result.success).toBe(true);
  });

  it("reports read-only keys through the schema the loader reuses", () => {
    const result = taskSettingsOverridesSchema.safeParse({ Logging: { CloudWatchLogStream: "x" } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["Logging", "CloudWatchLogStream"]);
    const group = taskSettingsOverridesSchema.safeParse({ Logging: { CloudWatchLogGroup: "g" } });
    expect(group.error?.issues[0]?.message).toMatch(/Logging\.CloudWatchLogGroup is read-only/);
  });
});

// The emitter's types repeat the schema's lists (constructs/ may not import variables/); these fail
// tsc when the two drift apart.
describe("the emitter's types and the schema's lists", () => {
  it("name the same values", () => {
    expectTypeOf<(typeof TASK_SETTINGS_SECTIONS)[number]>().toEqualTypeOf<TaskSettingsSection>();
    expectTypeOf<(typeof TARGET_TABLE_PREP_MODES)[number]>().toEqualTypeOf<TargetTablePrepMode>();
  });

  it("accept the overrides the schema gives as overrides the emitter takes", () => {
    expectTypeOf<z.output<typeof taskSettingsOverridesSchema>>().toExtend<TaskSettingsOverrides>();
  });
});
