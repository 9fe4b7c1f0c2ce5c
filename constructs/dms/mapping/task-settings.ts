// DMS ReplicationTaskSettings JSON: the lab's defaults with PascalCase overrides merged over them, keys sorted.

type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Top-level sections of ReplicationTaskSettings as the AWS DMS User Guide ("Task settings example") names them. */
export type TaskSettingsSection =
  | "TargetMetadata"
  | "FullLoadSettings"
  | "TTSettings"
  | "Logging"
  | "ControlTablesSettings"
  | "StreamBufferSettings"
  | "ChangeProcessingTuning"
  | "ChangeProcessingDdlHandlingPolicy"
  | "LoopbackPreventionSettings"
  | "CharacterSetSettings"
  | "BeforeImageSettings"
  | "ValidationSettings"
  | "DataResyncSettings"
  | "ErrorBehavior";

export type TargetTablePrepMode = "DO_NOTHING" | "DROP_AND_CREATE" | "TRUNCATE_BEFORE_LOAD";

/**
 * A partial ReplicationTaskSettings in DMS's PascalCase, as in the AWS docs. Keys inside a section
 * are not typed here: the deployment schema checks the ones the lab knows and passes newer ones
 * through. `null` is DMS's own value for a section it leaves unset.
 */
export type TaskSettingsOverrides = { readonly [S in TaskSettingsSection]?: JsonObject | null };

/** The sections the lab always writes. */
type DefaultSection = "TargetMetadata" | "FullLoadSettings" | "Logging" | "ValidationSettings" | "ErrorBehavior" | "ChangeProcessingTuning";
type LabDefaults = { [S in DefaultSection]: JsonObject };

/** The settings document: the lab's default sections always present, any other section as overridden. */
export type DmsTaskSettings = LabDefaults & TaskSettingsOverrides;

/** What {@link taskSettingsDocument} takes; the named settings are applied first, `taskSettings` last. */
export interface TaskSettingsOptions {
  /**
   * How DMS prepares each target table when a full load starts.
   * @default "TRUNCATE_BEFORE_LOAD"
   */
  readonly targetTablePrepMode?: TargetTablePrepMode;
  /**
   * Tables DMS loads in parallel during the full load (DMS allows 1–49).
   * @default 16
   */
  readonly maxFullLoadSubTasks?: number;
  /**
   * Partial ReplicationTaskSettings deep-merged over the lab's defaults: objects merge key by key,
   * arrays and scalars replace, `undefined` leaves a value as it is.
   * @default {} — the lab's defaults as they are: limited LOB mode, CloudWatch logging, row-level validation
   */
  readonly taskSettings?: TaskSettingsOverrides;
}

/**
 * The deployment schema's checks on merged settings (one LOB mode, logging on) start from the LOB
 * and logging values below; the task-settings unit test keeps the two in step.
 */
function defaults(options: TaskSettingsOptions): LabDefaults {
  return {
    TargetMetadata: {
      SupportLobs: true,
      // Limited LOB mode: the demo has no LOB columns, and limited mode is the fast path that also
      // allows batch apply; full LOB mode would look every LOB up separately.
      FullLobMode: false,
      LimitedSizeLobMode: true,
      LobMaxSize: 32,
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
      EnableValidation: true,
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

/**
 * Objects merge key by key; arrays, scalars and null replace; undefined is "not set". Replaced values
 * are not copied here: sortKeys rebuilds every object and array.
 */
function deepMerge(base: JsonObject, patch: { readonly [key: string]: JsonValue | undefined }): JsonObject {
  const out: JsonObject = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const current = out[key];
    out[key] = isJsonObject(current) && isJsonObject(value) ? deepMerge(current, value) : value;
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

/**
 * DMS ReplicationTaskSettings for the lab's full-load-and-CDC task: limited LOB mode, the original
 * lab's full-load settings, CloudWatch logging, row-level validation and bounded error handling.
 * Read-only keys (Logging.CloudWatchLogGroup/-Stream) are never written by the defaults; the
 * deployment schema keeps them out of the overrides. A fresh object every call.
 */
export function taskSettingsDocument(options: TaskSettingsOptions = {}): DmsTaskSettings {
  return sortKeys(deepMerge(defaults(options), options.taskSettings ?? {})) as DmsTaskSettings;
}

/** {@link taskSettingsDocument} as the compact JSON string `replication_task_settings` takes; byte-stable. */
export function taskSettingsJson(options: TaskSettingsOptions = {}): string {
  return JSON.stringify(taskSettingsDocument(options));
}
