// The `taskSettings` of a deployment file's task: partial DMS ReplicationTaskSettings in PascalCase, checked alone and merged.
import { z } from "zod";
import { quoteList, suggest } from "./wording";

type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Top-level sections of ReplicationTaskSettings as the AWS DMS User Guide ("Task settings example") names them. */
export const TASK_SETTINGS_SECTIONS = [
  "TargetMetadata",
  "FullLoadSettings",
  "TTSettings",
  "Logging",
  "ControlTablesSettings",
  "StreamBufferSettings",
  "ChangeProcessingTuning",
  "ChangeProcessingDdlHandlingPolicy",
  "LoopbackPreventionSettings",
  "CharacterSetSettings",
  "BeforeImageSettings",
  "ValidationSettings",
  "DataResyncSettings",
  "ErrorBehavior",
] as const;
type TaskSettingsSection = (typeof TASK_SETTINGS_SECTIONS)[number];

/**
 * Keys DMS fills in itself. Sending them fails CreateReplicationTask ("Task Settings CloudWatchLogGroup or
 * CloudWatchLogStream cannot be set on create"), and terraform-provider-aws rejects them in
 * `replication_task_settings` because they would never match what AWS reports back.
 */
export const READ_ONLY_TASK_SETTING_KEYS = ["Logging.CloudWatchLogGroup", "Logging.CloudWatchLogStream"] as const;

export const TARGET_TABLE_PREP_MODES = ["DO_NOTHING", "DROP_AND_CREATE", "TRUNCATE_BEFORE_LOAD"] as const;

/** DMS documents at most 49 tables loaded in parallel. */
export const MAX_FULL_LOAD_SUBTASKS_LIMIT = 49;

// ---------------------------------------------------------------------------
// Overrides schema (PascalCase, pasted from the AWS docs). Known keys are typed;
// other PascalCase keys pass through so newer DMS settings need no code change.
// ---------------------------------------------------------------------------

// Typed as ZodLazy rather than a bare ZodType: zod infers no index signature for a catchall whose
// type is indistinguishable from ZodType<any>, which would hide pass-through keys from TypeScript.
const jsonValueSchema: z.ZodLazy<z.ZodType<JsonValue>> = z.lazy(() =>
  z.union([z.string(), z.number().finite(), z.boolean(), z.null(), z.array(jsonValueSchema), z.record(jsonValueSchema)]),
);

/**
 * Every DMS task-setting key is PascalCase. A camelCase key is a typo that DMS would ignore and that
 * Terraform would then show as a diff forever, because AWS never reports it back.
 */
function checkPascalCase(value: Record<string, unknown>, known: readonly string[], ctx: z.RefinementCtx): void {
  for (const key of Object.keys(value)) {
    if (/^[A-Z]/.test(key)) continue;
    const hint = suggest(key, known) ?? key.charAt(0).toUpperCase() + key.slice(1);
    ctx.addIssue({
      code: "custom",
      path: [key],
      message: `"${key}" is not a DMS task setting: keys are PascalCase as in the AWS docs (did you mean "${hint}"?)`,
    });
  }
}

function section<T extends z.ZodRawShape>(name: string, shape: T) {
  const known = Object.keys(shape);
  return z
    .object(shape, {
      // Applies to this object's own issues only; nested schemas report through their own maps.
      errorMap: (issue, ctx) =>
        issue.code === "invalid_type" ? { message: `${name} must be an object of settings` } : { message: ctx.defaultError },
    })
    .catchall(jsonValueSchema)
    .superRefine((value, ctx) => checkPascalCase(value, known, ctx));
}

const nonNegativeInt = z.number().int().nonnegative();
const positiveInt = z.number().int().positive();
const recordPolicy = z.enum(["IGNORE_RECORD", "LOG_ERROR", "SUSPEND_TABLE", "STOP_TASK"]);
const escalationPolicy = z.enum(["LOG_ERROR", "SUSPEND_TABLE", "STOP_TASK"]);

function readOnlyKey(key: (typeof READ_ONLY_TASK_SETTING_KEYS)[number]) {
  const message =
    `${key} is read-only: DMS fills it in, rejects it on create, and Terraform would show a perpetual diff ` +
    "on aws_dms_replication_task. Remove it from the overrides (even a null value counts as setting it).";
  return z.never({ errorMap: () => ({ message }) }).optional();
}

const targetMetadataSchema = section("TargetMetadata", {
  TargetSchema: z.string().optional(),
  SupportLobs: z.boolean().optional(),
  FullLobMode: z.boolean().optional(),
  LobChunkSize: nonNegativeInt.optional(),
  LimitedSizeLobMode: z.boolean().optional(),
  LobMaxSize: nonNegativeInt.optional(),
  InlineLobMaxSize: nonNegativeInt.max(102_400).optional(),
  LoadMaxFileSize: nonNegativeInt.optional(),
  ParallelLoadThreads: nonNegativeInt.optional(),
  ParallelLoadBufferSize: nonNegativeInt.optional(),
  BatchApplyEnabled: z.boolean().optional(),
  TaskRecoveryTableEnabled: z.boolean().optional(),
});

const fullLoadSettingsSchema = section("FullLoadSettings", {
  TargetTablePrepMode: z.enum(TARGET_TABLE_PREP_MODES).optional(),
  CreatePkAfterFullLoad: z.boolean().optional(),
  StopTaskCachedChangesApplied: z.boolean().optional(),
  StopTaskCachedChangesNotApplied: z.boolean().optional(),
  MaxFullLoadSubTasks: positiveInt.max(MAX_FULL_LOAD_SUBTASKS_LIMIT).optional(),
  TransactionConsistencyTimeout: nonNegativeInt.optional(),
  CommitRate: positiveInt.optional(),
});

const loggingSchema = section("Logging", {
  EnableLogging: z.boolean().optional(),
  EnableLogContext: z.boolean().optional(),
  DeleteTaskLogs: z.boolean().optional(),
  LogComponents: z
    .array(
      z
        .object({
          Id: z.string().min(1),
          Severity: z.enum([
            "LOGGER_SEVERITY_ERROR",
            "LOGGER_SEVERITY_WARNING",
            "LOGGER_SEVERITY_INFO",
            "LOGGER_SEVERITY_DEFAULT",
            "LOGGER_SEVERITY_DEBUG",
            "LOGGER_SEVERITY_DETAILED_DEBUG",
          ]),
        })
        .strict(),
    )
    .optional(),
  CloudWatchLogGroup: readOnlyKey("Logging.CloudWatchLogGroup"),
  CloudWatchLogStream: readOnlyKey("Logging.CloudWatchLogStream"),
});

const validationSettingsSchema = section("ValidationSettings", {
  EnableValidation: z.boolean().optional(),
  ValidationMode: z.string().min(1).optional(),
  ThreadCount: positiveInt.optional(),
  PartitionSize: positiveInt.optional(),
  FailureMaxCount: nonNegativeInt.optional(),
  TableFailureMaxCount: nonNegativeInt.optional(),
  RecordFailureDelayInMinutes: nonNegativeInt.optional(),
  RecordSuspendDelayInMinutes: nonNegativeInt.optional(),
  RecordFailureDelayLimitInMinutes: nonNegativeInt.optional(),
  ValidationOnly: z.boolean().optional(),
  HandleCollationDiff: z.boolean().optional(),
  SkipLobColumns: z.boolean().optional(),
});

const errorBehaviorSchema = section("ErrorBehavior", {
  DataErrorPolicy: recordPolicy.optional(),
  DataTruncationErrorPolicy: recordPolicy.optional(),
  DataErrorEscalationPolicy: escalationPolicy.optional(),
  DataErrorEscalationCount: nonNegativeInt.optional(),
  EventErrorPolicy: z.enum(["IGNORE", "STOP_TASK"]).optional(),
  TableErrorPolicy: z.enum(["SUSPEND_TABLE", "STOP_TASK"]).optional(),
  TableErrorEscalationPolicy: z.enum(["STOP_TASK"]).optional(),
  TableErrorEscalationCount: nonNegativeInt.optional(),
  RecoverableErrorCount: z.number().int().min(-1).optional(),
  RecoverableErrorInterval: nonNegativeInt.optional(),
  RecoverableErrorThrottling: z.boolean().optional(),
  RecoverableErrorThrottlingMax: nonNegativeInt.optional(),
  RecoverableErrorStopRetryAfterThrottlingMax: z.boolean().optional(),
  ApplyErrorDeletePolicy: recordPolicy.optional(),
  ApplyErrorInsertPolicy: z.enum(["IGNORE_RECORD", "LOG_ERROR", "SUSPEND_TABLE", "STOP_TASK", "INSERT_RECORD", "UPDATE_RECORD"]).optional(),
  ApplyErrorUpdatePolicy: z.enum(["IGNORE_RECORD", "LOG_ERROR", "SUSPEND_TABLE", "STOP_TASK", "UPDATE_RECORD"]).optional(),
  ApplyErrorEscalationPolicy: escalationPolicy.optional(),
  ApplyErrorEscalationCount: nonNegativeInt.optional(),
  ApplyErrorFailOnTruncationDdl: z.boolean().optional(),
  FullLoadIgnoreConflicts: z.boolean().optional(),
  FailOnNoTablesCaptured: z.boolean().optional(),
  FailOnTransactionConsistencyBreached: z.boolean().optional(),
});

const changeProcessingTuningSchema = section("ChangeProcessingTuning", {
  BatchApplyPreserveTransaction: z.boolean().optional(),
  BatchApplyTimeoutMin: nonNegativeInt.optional(),
  BatchApplyTimeoutMax: nonNegativeInt.optional(),
  BatchApplyMemoryLimit: nonNegativeInt.optional(),
  BatchSplitSize: nonNegativeInt.optional(),
  MinTransactionSize: nonNegativeInt.optional(),
  CommitTimeout: nonNegativeInt.optional(),
  MemoryLimitTotal: nonNegativeInt.optional(),
  MemoryKeepTime: nonNegativeInt.optional(),
  StatementCacheSize: nonNegativeInt.optional(),
});

/** Sections the lab leaves to DMS; DMS itself reports some of them as null, so null is accepted. */
const passThroughSection = (name: TaskSettingsSection) => section(name, {}).nullable().optional();

const overrideSections = {
  TargetMetadata: targetMetadataSchema.optional(),
  FullLoadSettings: fullLoadSettingsSchema.optional(),
  TTSettings: passThroughSection("TTSettings"),
  Logging: loggingSchema.optional(),
  ControlTablesSettings: passThroughSection("ControlTablesSettings"),
  StreamBufferSettings: passThroughSection("StreamBufferSettings"),
  ChangeProcessingTuning: changeProcessingTuningSchema.optional(),
  ChangeProcessingDdlHandlingPolicy: passThroughSection("ChangeProcessingDdlHandlingPolicy"),
  LoopbackPreventionSettings: passThroughSection("LoopbackPreventionSettings"),
  CharacterSetSettings: passThroughSection("CharacterSetSettings"),
  BeforeImageSettings: passThroughSection("BeforeImageSettings"),
  ValidationSettings: validationSettingsSchema.optional(),
  DataResyncSettings: passThroughSection("DataResyncSettings"),
  ErrorBehavior: errorBehaviorSchema.optional(),
} satisfies Record<TaskSettingsSection, z.ZodTypeAny>;

function unknownSectionMessage(keys: readonly string[]): string {
  return keys
    .map((key) => {
      const hint = suggest(key, TASK_SETTINGS_SECTIONS);
      return (
        `unknown task-settings section "${key}"` +
        (hint !== undefined ? ` (did you mean "${hint}"?)` : "") +
        `: DMS ReplicationTaskSettings has only ${quoteList(TASK_SETTINGS_SECTIONS)}; fix the spelling or remove it`
      );
    })
    .join("; ");
}

/**
 * The values the lab's task settings hold when a file does not override them, as far as the checks
 * on merged settings below need them. The emitter (constructs/dms/mapping/task-settings.ts) writes
 * them; the task-settings unit test keeps the two equal.
 */
export const CHECKED_DEFAULTS = {
  TargetMetadata: { SupportLobs: true, FullLobMode: false, LimitedSizeLobMode: true, LobMaxSize: 32, LobChunkSize: 64 },
  Logging: { EnableLogging: true },
} as const;

type Overrides = z.output<typeof overridesObject>;

/** Checks across keys that only make sense on the overrides merged over the lab's defaults. */
function checkMerged(overrides: Overrides, ctx: z.RefinementCtx): void {
  const target = { ...CHECKED_DEFAULTS.TargetMetadata, ...definedOnly(overrides.TargetMetadata) };
  if (target.SupportLobs) {
    if (target.FullLobMode === target.LimitedSizeLobMode) {
      ctx.addIssue({
        code: "custom",
        path: ["TargetMetadata"],
        message:
          "with SupportLobs true, exactly one of FullLobMode and LimitedSizeLobMode must be true " +
          "(the lab's default is limited LOB mode); set the other to false",
      });
    }
    if (target.LimitedSizeLobMode && !(target.LobMaxSize > 0)) {
      ctx.addIssue({ code: "custom", path: ["TargetMetadata", "LobMaxSize"], message: "limited LOB mode needs LobMaxSize > 0 (KB)" });
    }
    if (target.FullLobMode && !(target.LobChunkSize > 0)) {
      ctx.addIssue({
        code: "custom",
        path: ["TargetMetadata", "LobChunkSize"],
        message: "full LOB mode needs LobChunkSize > 0 (KB, 64 recommended)",
      });
    }
  }
  const logging = { ...CHECKED_DEFAULTS.Logging, ...definedOnly(overrides.Logging) };
  if (logging.EnableLogContext === true && !logging.EnableLogging) {
    ctx.addIssue({
      code: "custom",
      path: ["Logging", "EnableLogContext"],
      message: "DMS allows it only with Logging.EnableLogging true; enable logging or remove it",
    });
  }
}

/** A section's keys that are set: an `undefined` override leaves the default in place, as the emitter's merge does. */
function definedOnly<T extends object>(section: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(section ?? {}).filter(([, value]) => value !== undefined)) as Partial<T>;
}

const overridesObject = z
  .object(overrideSections, {
    errorMap: (issue, ctx) => {
      if (issue.code === "unrecognized_keys") return { message: unknownSectionMessage(issue.keys) };
      if (issue.code === "invalid_type") {
        return {
          message: 'task-settings overrides must be an object keyed by section, e.g. { "FullLoadSettings": { "MaxFullLoadSubTasks": 8 } }',
        };
      }
      return { message: ctx.defaultError };
    },
  })
  .strict();

/**
 * The `taskSettings` part of the deployment file: a partial ReplicationTaskSettings in DMS's PascalCase,
 * so snippets from the AWS docs paste in unchanged. Unknown sections and read-only keys are rejected,
 * and so are overrides that contradict the lab's defaults once merged over them.
 */
export const taskSettingsOverridesSchema = overridesObject.superRefine(checkMerged);
