// The `migration` section of a deployment file: replication tasks, their monitoring and the cutover switch.
import { z } from "zod";
import { tableMappingRulesSchema } from "./table-mapping-schema";
import { MAX_FULL_LOAD_SUBTASKS_LIMIT, TARGET_TABLE_PREP_MODES, taskSettingsOverridesSchema } from "./task-settings-schema";

export const MIGRATION_TYPES = ["full-load", "cdc", "full-load-and-cdc"] as const;
export type MigrationType = (typeof MIGRATION_TYPES)[number];

/** DMS allows 255 characters; the physical id adds the deployment name (16 at most) and a hyphen. */
export const TASK_ID_MAX_LENGTH = 255 - 17;

export const GIB = 1024 ** 3;

/** Why `id` cannot be a DMS replication task identifier, or undefined when it can. */
function taskIdProblem(id: string): string | undefined {
  if (id.length === 0) return "is empty; name the task, e.g. dms-task-demo";
  if (id.length > TASK_ID_MAX_LENGTH)
    return `is ${id.length} characters; use at most ${TASK_ID_MAX_LENGTH} (DMS allows 255 with the deployment prefix)`;
  // Lower case only, like the deployment name that prefixes it, so the physical id has one style and
  // two ids never differ by case alone.
  if (!/^[a-z]/.test(id)) return `"${id}" must start with a lower-case letter (a DMS task identifier)`;
  if (!/^[a-z0-9-]+$/.test(id)) return `"${id}" may hold only lower-case letters, digits and hyphens (a DMS task identifier)`;
  if (id.includes("--")) return `"${id}" holds "--", which DMS identifiers may not; use single hyphens`;
  if (id.endsWith("-")) return `"${id}" ends with a hyphen, which DMS identifiers may not; remove it`;
  return undefined;
}

const taskIdSchema = z.string().superRefine((id, ctx) => {
  const problem = taskIdProblem(id);
  if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
});

/** One replication task. Its physical identifier is `<deployment>-<id>`. */
export const migrationTaskSchema = z
  .object({
    /** Short task name, unique in the file, e.g. `dms-task-demo`; DMS identifier rules, lower case. */
    id: taskIdSchema,
    /** What the task copies: the existing rows, the ongoing changes, or both. */
    migrationType: z.enum(MIGRATION_TYPES),
    /** Selection and transformation rules (camelCase; emitted in DMS's spelling). */
    tableMappings: tableMappingRulesSchema,
    /** How each target table is prepared when a full load starts. @default "TRUNCATE_BEFORE_LOAD" */
    targetTablePrepMode: z.enum(TARGET_TABLE_PREP_MODES).optional(),
    /** Tables loaded in parallel. @default 16 */
    maxFullLoadSubTasks: z
      .number()
      .int("must be a whole number")
      .min(1, "must be 1 or more")
      .max(
        MAX_FULL_LOAD_SUBTASKS_LIMIT,
        `DMS loads at most ${MAX_FULL_LOAD_SUBTASKS_LIMIT} tables in parallel; use ${MAX_FULL_LOAD_SUBTASKS_LIMIT} or less`,
      )
      .optional(),
    /**
     * ReplicationTaskSettings overrides in DMS's PascalCase, merged over the lab's defaults; the schema
     * also checks the merged result (e.g. one LOB mode). @default {}
     */
    taskSettings: taskSettingsOverridesSchema.optional(),
  })
  .strict()
  .superRefine((task, ctx) => {
    // The cutover runbook decides on DMS validation results and a failed task is diagnosed from its
    // CloudWatch log: neither may be switched off from a deployment file.
    if (task.taskSettings?.ValidationSettings?.EnableValidation === false) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["taskSettings", "ValidationSettings", "EnableValidation"],
        message: "cannot be false: the cutover runbook relies on DMS validation; remove it",
      });
    }
    if (task.taskSettings?.Logging?.EnableLogging === false) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["taskSettings", "Logging", "EnableLogging"],
        message: "cannot be false: a failed task is diagnosed from its CloudWatch log; remove it",
      });
    }
  });

const monitoringSchema = z
  .object({
    /** Address subscribed to the alarm topic (AWS e-mails a confirmation link first). @default no subscription */
    email: z.string().email("use one e-mail address such as ops@example.com").optional(),
    /** CDCLatencySource / CDCLatencyTarget alarm above this many seconds. @default 5 */
    cdcLatencyThresholdSeconds: z.number().positive("must be more than 0 seconds").default(5),
    /** Replication instance FreeStorageSpace alarm below this many bytes. @default a tenth of dms.allocatedStorage */
    freeStorageThresholdBytes: z.number().int().positive("must be more than 0 bytes").optional(),
    /** Replication instance CPUUtilization alarm above this percentage. @default 80 */
    cpuThresholdPercent: z.number().gt(0, "must be more than 0").max(100, "is a percentage: use at most 100").default(80),
    /** Source cluster OldestReplicationSlotLag alarm above this many bytes of WAL. @default 1 GiB */
    replicationSlotLagThresholdBytes: z.number().int().positive("must be more than 0 bytes").default(GIB),
    /** Source cluster TransactionLogsDiskUsage alarm above this many bytes (WAL a slot holds back). @default 5 GiB */
    transactionLogsDiskUsageThresholdBytes: z
      .number()
      .int()
      .positive("must be more than 0 bytes")
      .default(5 * GIB),
    /** Source cluster ReplicationSlotDiskUsage alarm above this many bytes (slot files on disk). @default 5 GiB */
    replicationSlotDiskUsageThresholdBytes: z
      .number()
      .int()
      .positive("must be more than 0 bytes")
      .default(5 * GIB),
  })
  .strict();

const cutoverSchema = z
  .object({
    /** Which database `/<name>/app/db_url` points at; flip to "target" at cutover. @default "source" */
    pointAppAt: z.enum(["source", "target"]).default("source"),
  })
  .strict();

/** The `<name>-migration` stack's part of the deployment file. */
export const migrationSchema = z
  .object({
    /** Replication tasks. @default [] — the stack then holds monitoring and the db_url parameter only */
    tasks: z
      .array(migrationTaskSchema)
      .default([])
      .superRefine((tasks, ctx) => {
        tasks.forEach((task, index) => {
          const first = tasks.findIndex((other) => other.id === task.id);
          if (first < index) {
            ctx.addIssue({
              code: z.ZodIssueCode.custom,
              path: [index, "id"],
              message: `"${task.id}" is already the id of tasks[${first}]; give each task its own id`,
            });
          }
        });
      }),
    monitoring: monitoringSchema.default({}),
    cutover: cutoverSchema.default({}),
  })
  .strict();

export type MigrationTaskConfig = z.output<typeof migrationTaskSchema>;
export type CutoverConfig = z.output<typeof cutoverSchema>;
