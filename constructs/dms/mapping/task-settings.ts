// Builds DMS ReplicationTaskSettings JSON: the lab's defaults, validated PascalCase overrides, no read-only keys.
import { z } from "zod";
import { formatIssues, quoteList, suggest } from "./errors";

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Thrown for invalid options or overrides; the message names the setting and what to change. */
export class TaskSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TaskSettingsError";
  }
}

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
export type TaskSettingsSection = (typeof TASK_SETTINGS_SECTIONS)[number];

/**
 * Keys DMS fills in itself. Sending them fails CreateReplicationTask ("Task Settings CloudWatchLogGroup or
 * CloudWatchLogStream cannot be set on create"), and terraform-provider-aws rejects them in
 * `replication_task_settings` because they would never match what AWS reports back.
 */
export const READ_ONLY_TASK_SETTING_KEYS = ["Logging.CloudWatchLogGroup", "Logging.CloudWatchLogStream"] as const;

export const TARGET_TABLE_PREP_MODES = ["DO_NOTHING", "DROP_AND_CREATE", "TRUNCATE_BEFORE_LOAD"] as const;
export type TargetTablePrepMode = (typeof TARGET_TABLE_PREP_MODES)[number];

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
 * The `taskSettings` part of the deployment file: a partial ReplicationTaskSettings in DMS's PascalCase,
 * so snippets from the AWS docs paste in unchanged. Unknown sections and read-only keys are rejected.
 */
export const taskSettingsOverridesSchema = z
  .object(overrideSections, {
    errorMap: (issue, ctx) => {
      if (issue.code === "unrecognized_keys") return { message: unknownSectionMessage(issue.keys) };
      if (issue.code === "invalid_type") {
        return { message: 'task-settings overrides must be an object keyed by section, e.g. { "FullLoadSettings": { "MaxFullLoadSubTasks": 8 } }' };
      }
      return { message: ctx.defaultError };
    },
  })
  .strict();

export type TaskSettingsOverrides = z.input<typeof taskSettingsOverridesSchema>;
type ParsedOverrides = z.output<typeof taskSettingsOverridesSchema>;

/** The settings document: every section typed as in the overrides, the lab's default sections always present. */
export type DmsTaskSettings = Omit<ParsedOverrides, DefaultSection> & {
  [K in DefaultSection]-?: NonNullable<ParsedOverrides[K]>;
};

/** Validates deployment-file overrides (straight from JSON) and returns them typed. */
export function parseTaskSettingsOverrides(input: unknown): TaskSettingsOverrides {
  const parsed = taskSettingsOverridesSchema.safeParse(input);
  if (!parsed.success) {
    throw new TaskSettingsError(`Invalid task-settings overrides:\n${formatIssues(parsed.error, "")}`);
  }
  return parsed.data;
}

// ---------------------------------------------------------------------------
// Defaults and builder
// ---------------------------------------------------------------------------

/** Options for {@link buildTaskSettings}; the named options are applied first, `overrides` last. */
export interface TaskSettingsOptions {
  /**
   * How DMS prepares each target table when a full load starts.
   * @default "TRUNCATE_BEFORE_LOAD"
   */
  targetTablePrepMode?: TargetTablePrepMode;
  /**
   * Tables DMS loads in parallel during the full load (1–49).
   * @default 16
   */
  maxFullLoadSubTasks?: number;
  /**
   * Row-level comparison of source and target after the full load and during CDC.
   * @default true
   */
  enableValidation?: boolean;
  /**
   * Largest LOB, in KB, copied in limited LOB mode; longer values are truncated (and logged).
   * @default 32
   */
  lobMaxSizeKb?: number;
  /**
   * Partial ReplicationTaskSettings in DMS's PascalCase, deep-merged over the result: objects merge
   * key by key, arrays and scalars replace, `undefined` leaves a value as it is.
   * @default {}
   */
  overrides?: TaskSettingsOverrides;
}

const optionsSchema = z
  .object({
    targetTablePrepMode: z.enum(TARGET_TABLE_PREP_MODES).optional(),
    maxFullLoadSubTasks: positiveInt
      .max(MAX_FULL_LOAD_SUBTASKS_LIMIT, { message: `maxFullLoadSubTasks must be at most ${MAX_FULL_LOAD_SUBTASKS_LIMIT} (DMS's limit)` })
      .optional(),
    enableValidation: z.boolean().optional(),
    lobMaxSizeKb: positiveInt.max(102_400, { message: "lobMaxSizeKb must be at most 102400 (100 MB), DMS's recommended maximum" }).optional(),
    overrides: z.unknown().optional(),
  })
  .strict();

type DefaultSection = "TargetMetadata" | "FullLoadSettings" | "Logging" | "ValidationSettings" | "ErrorBehavior" | "ChangeProcessingTuning";

function defaults(options: z.output<typeof optionsSchema>): JsonObject {
  return {
    TargetMetadata: {
      SupportLobs: true,
      // Limited LOB mode: the demo has no LOB columns, and limited mode is the fast path that also
      // allows batch apply; full LOB mode would look every LOB up separately.
      FullLobMode: false,
      LimitedSizeLobMode: true,
      LobMaxSize: options.lobMaxSizeKb ?? 32,
      // Only read in full LOB mode; 64 KB is DMS's recommended chunk and the value its own task-settings
      // example carries, so switching FullLobMode on via overrides needs no second change.
      LobChunkSize: 64,
    },
    FullLoadSettings: {
      // TRUNCATE_BEFORE_LOAD (the original lab's choice) keeps the target DDL the runbook created
      // (primary key, exact types) while making a reload idempotent. DROP_AND_CREATE would replace that
      // DDL with DMS's own type mapping and drop secondary indexes; DO_NOTHING would collide with rows
      // from an earlier load.
      TargetTablePrepMode: options.targetTablePrepMode ?? "TRUNCATE_BEFORE_LOAD",
      // The original lab's value; DMS's own default is 8.
      MaxFullLoadSubTasks: options.maxFullLoadSubTasks ?? 16,
    },
    // CloudWatch logging is how a lab user sees why a task failed. LogComponents are left to DMS:
    // it fills in every component at LOGGER_SEVERITY_DEFAULT, and Terraform ignores keys it adds.
    Logging: { EnableLogging: true },
    ValidationSettings: {
      EnableValidation: options.enableValidation ?? true,
      ValidationMode: "ROW_LEVEL",
      ThreadCount: 5,
      // DMS's defaults: a task suspends validation after 10000 failed rows overall or 1000 per table,
      // which still records enough mismatches to diagnose a type-mapping problem.
      FailureMaxCount: 10_000,
      TableFailureMaxCount: 1_000,
    },
    ErrorBehavior: {
      // A bad row is logged and skipped rather than stopping the lab's whole task.
      DataErrorPolicy: "LOG_ERROR",
      DataTruncationErrorPolicy: "LOG_ERROR",
      DataErrorEscalationPolicy: "SUSPEND_TABLE",
      DataErrorEscalationCount: 0,
      // A table-level failure (e.g. missing privileges) suspends that table so the others still load.
      TableErrorPolicy: "SUSPEND_TABLE",
      TableErrorEscalationPolicy: "STOP_TASK",
      TableErrorEscalationCount: 0,
      // Bounded rather than DMS's -1 (retry until the throttling cap): a broken PrivateLink path shows
      // up as a recoverable connection error, and a task retrying for hours hides it. Five throttled
      // retries ride out a brief endpoint failover.
      RecoverableErrorCount: 5,
      RecoverableErrorInterval: 5,
      RecoverableErrorThrottling: true,
      RecoverableErrorThrottlingMax: 1800,
      // CDC conflicts: a delete of a missing row is harmless; insert/update conflicts are logged so
      // validation and the logs show them instead of the task stopping.
      ApplyErrorDeletePolicy: "IGNORE_RECORD",
      ApplyErrorInsertPolicy: "LOG_ERROR",
      ApplyErrorUpdatePolicy: "LOG_ERROR",
      ApplyErrorEscalationPolicy: "LOG_ERROR",
      ApplyErrorEscalationCount: 0,
      FullLoadIgnoreConflicts: true,
      // Selection rules that match nothing are a configuration mistake; fail instead of idling.
      FailOnNoTablesCaptured: true,
    },
    // DMS's documented defaults, written out so the CDC behaviour is visible and overridable.
    // BatchApplyEnabled stays false (TargetMetadata default): transactional apply keeps source commit
    // order, which the CDC demo and row-level validation rely on.
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
  };
}

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Objects merge key by key; arrays, scalars and null replace; undefined is "not set". */
function deepMerge(base: JsonObject, patch: Record<string, unknown>): JsonObject {
  const out: JsonObject = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const current = out[key];
    out[key] = isJsonObject(current) && isJsonObject(value) ? deepMerge(current, value) : (structuredClone(value) as JsonValue);
  }
  return out;
}

/** Recursively sorted keys: the JSON depends only on the settings, not on the order overrides were written in. */
function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortKeys) as T;
  if (typeof value !== "object" || value === null) return value;
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(source).sort()) out[key] = sortKeys(source[key]);
  return out as T;
}

/** Checks across keys that only make sense on the merged result. */
function checkMerged(settings: JsonObject): string[] {
  const problems: string[] = [];
  const target = isJsonObject(settings.TargetMetadata) ? settings.TargetMetadata : {};
  if (target.SupportLobs === true) {
    const full = target.FullLobMode === true;
    const limited = target.LimitedSizeLobMode === true;
    if (full === limited) {
      problems.push(
        "- TargetMetadata: with SupportLobs true, exactly one of FullLobMode and LimitedSizeLobMode must be true; " +
          "set the other to false",
      );
    }
    if (limited && !(typeof target.LobMaxSize === "number" && target.LobMaxSize > 0)) {
      problems.push("- TargetMetadata.LobMaxSize: limited LOB mode needs LobMaxSize > 0 (KB)");
    }
    if (full && !(typeof target.LobChunkSize === "number" && target.LobChunkSize > 0)) {
      problems.push("- TargetMetadata.LobChunkSize: full LOB mode needs LobChunkSize > 0 (KB, 64 recommended)");
    }
  }
  const logging = isJsonObject(settings.Logging) ? settings.Logging : {};
  if (logging.EnableLogContext === true && logging.EnableLogging !== true) {
    problems.push("- Logging.EnableLogContext: DMS allows it only with Logging.EnableLogging true; enable logging or remove it");
  }
  return problems;
}

/**
 * DMS ReplicationTaskSettings for the lab's full-load-and-CDC task: limited LOB mode, the original
 * lab's full-load settings, CloudWatch logging, row-level validation and bounded error handling.
 * Read-only keys (see {@link READ_ONLY_TASK_SETTING_KEYS}) are never emitted and are rejected in overrides.
 *
 * @throws TaskSettingsError when an option or override is invalid, naming the setting to change.
 */
export function buildTaskSettings(options: TaskSettingsOptions = {}): DmsTaskSettings {
  const parsedOptions = optionsSchema.safeParse(options);
  if (!parsedOptions.success) {
    throw new TaskSettingsError(`Invalid task-settings options:\n${formatIssues(parsedOptions.error, "")}`);
  }
  const overrides = parseTaskSettingsOverrides(options.overrides ?? {});
  const merged = deepMerge(defaults(parsedOptions.data), overrides);
  const problems = checkMerged(merged);
  if (problems.length > 0) throw new TaskSettingsError(`Inconsistent task settings:\n${problems.join("\n")}`);
  // Re-checking the merged document also covers values that came from the named options.
  const final = taskSettingsOverridesSchema.safeParse(merged);
  if (!final.success) throw new TaskSettingsError(`Invalid task settings:\n${formatIssues(final.error, "")}`);
  return sortKeys(final.data) as DmsTaskSettings;
}

/** {@link buildTaskSettings} as the compact JSON string `replication_task_settings` takes; byte-stable. */
export function buildTaskSettingsJson(options: TaskSettingsOptions = {}): string {
  return JSON.stringify(buildTaskSettings(options));
}
