// The runbook's commands: status, seed, test-connection, start, stop; each takes a context and its options.
import {
  DescribeConnectionsCommand,
  DescribeEndpointsCommand,
  DescribeReplicationInstancesCommand,
  DescribeReplicationTasksCommand,
  DescribeTableStatisticsCommand,
  StartReplicationTaskCommand,
  StopReplicationTaskCommand,
  TestConnectionCommand,
  type Connection,
  type ReplicationTask,
} from "@aws-sdk/client-database-migration-service";
import { GetMetricStatisticsCommand } from "@aws-sdk/client-cloudwatch";
import { InvokeCommand } from "@aws-sdk/client-lambda";
import { DescribeSecretCommand } from "@aws-sdk/client-secrets-manager";
import { GetParameterCommand } from "@aws-sdk/client-ssm";
import { appDatabaseUrlValue } from "../../constructs/cutover/app-database-url-value";
import type { SourceSlot } from "./cutover-gates";
import type { DatabaseStatus } from "./database-status";
import { decideStart, startProgress, tableLines } from "./decisions";
import { NotDeployedError, UsageError, type RunbookContext } from "./context";

const SIDES = ["source", "target"] as const;

export interface CommandOptions {
  readonly task?: string;
  readonly rows?: number;
  readonly reload?: boolean;
  readonly final?: boolean;
  /** `psql`: which database. */
  readonly side?: "source" | "target";
  /** `psql -c`: one statement to run instead of an interactive session. */
  readonly sql?: string;
  /** `cutover --rollback`: point db_url back at the source. */
  readonly rollback?: boolean;
  /** Where `verify` writes its findings as JSON. */
  readonly json?: string;
  /** How long to wait for DMS, in milliseconds. @default 15 minutes */
  readonly timeoutMs?: number;
  /** Between two polls, in milliseconds. @default 2000 */
  readonly pollMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The task's DMS identifier: `<deployment>-<task id>`; the only task when none is named. */
export function taskIdentifier(context: RunbookContext, task: string | undefined): string {
  const ids = context.deployment.migration.tasks.map((t) => t.id);
  if (ids.length === 0) throw new UsageError(`deployment "${context.deployment.name}" has no migration tasks`);
  const id = task ?? (ids.length === 1 ? ids[0] : undefined);
  if (id === undefined) throw new UsageError(`name a task with --task; this deployment has: ${ids.join(", ")}`);
  if (!ids.includes(id)) throw new UsageError(`unknown task "${id}"; this deployment has: ${ids.join(", ")}`);
  return `${context.deployment.name}-${id}`;
}

/** DMS answers a Describe call whose filter matches nothing with ResourceNotFoundFault: that is "none". */
function noneWhenNotFound<T>(empty: T): (error: unknown) => T {
  return (error: unknown) => {
    if (error instanceof Error && error.name === "ResourceNotFoundFault") return empty;
    throw error;
  };
}

export async function findTask(context: RunbookContext, identifier: string): Promise<ReplicationTask> {
  const { ReplicationTasks } = await context.clients.dms
    .send(new DescribeReplicationTasksCommand({ Filters: [{ Name: "replication-task-id", Values: [identifier] }] }))
    .catch(noneWhenNotFound({ ReplicationTasks: [] }));
  const task = ReplicationTasks?.[0];
  if (!task?.ReplicationTaskArn)
    throw new NotDeployedError(`task ${identifier} is not deployed; deploy the ${context.deployment.name}-migration stack`);
  return task;
}

/** Runs one of the db-ops function's named operations and returns its JSON result. */
export async function databaseOperation<T = Record<string, unknown>>(context: RunbookContext, operation: object): Promise<T> {
  const response = await context.clients.lambda
    .send(new InvokeCommand({ FunctionName: context.names.databaseOperations, Payload: Buffer.from(JSON.stringify(operation)) }))
    .catch((error: unknown) => {
      if (error instanceof Error && error.name === "ResourceNotFoundException") {
        throw new NotDeployedError(
          `function ${context.names.databaseOperations} is not deployed; deploy the ${context.deployment.name}-lab stack`,
        );
      }
      throw error;
    });
  const text = Buffer.from(response.Payload ?? new Uint8Array()).toString("utf8");
  const payload = (text ? JSON.parse(text) : {}) as T & { errorMessage?: string };
  if (response.FunctionError) throw new Error(`${context.names.databaseOperations}: ${payload.errorMessage ?? response.FunctionError}`);
  return payload;
}

async function replicationInstanceArn(context: RunbookContext): Promise<string> {
  const { ReplicationInstances } = await context.clients.dms
    .send(
      new DescribeReplicationInstancesCommand({
        Filters: [{ Name: "replication-instance-id", Values: [context.names.replicationInstance] }],
      }),
    )
    .catch(noneWhenNotFound({ ReplicationInstances: [] }));
  const arn = ReplicationInstances?.[0]?.ReplicationInstanceArn;
  if (!arn) throw new NotDeployedError(`replication instance ${context.names.replicationInstance} is not deployed`);
  return arn;
}

async function endpointArn(context: RunbookContext, side: (typeof SIDES)[number]): Promise<string> {
  const { Endpoints } = await context.clients.dms
    .send(new DescribeEndpointsCommand({ Filters: [{ Name: "endpoint-id", Values: [context.names[side].dmsEndpoint] }] }))
    .catch(noneWhenNotFound({ Endpoints: [] }));
  const arn = Endpoints?.[0]?.EndpointArn;
  if (!arn) throw new NotDeployedError(`DMS endpoint ${context.names[side].dmsEndpoint} is not deployed`);
  return arn;
}

async function connection(context: RunbookContext, instanceArn: string, endpoint: string): Promise<Connection | undefined> {
  const { Connections } = await context.clients.dms
    .send(
      new DescribeConnectionsCommand({
        Filters: [
          { Name: "endpoint-arn", Values: [endpoint] },
          { Name: "replication-instance-arn", Values: [instanceArn] },
        ],
      }),
    )
    .catch(noneWhenNotFound({ Connections: [] }));
  return Connections?.[0];
}

/** Hints for a failed connection test, from its message. */
export function connectionHints(message: string): string[] {
  const hints: string[] = [];
  if (/secret/i.test(message))
    hints.push("the endpoint's secret is empty or unreadable: a deploy fills it (its first rotation); check `npm run lab -- status`");
  if (/password authentication failed/i.test(message))
    hints.push(
      "the secret's password is not the user's: rotate the secret again (aws secretsmanager rotate-secret; after a failed rotation, first remove its AWSPENDING label with update-secret-version-stage)",
    );
  if (/timeout|timed out|no registered target|leads nowhere|not found/i.test(message)) {
    hints.push(
      "the path is broken: is the writer registered in the side's NLB target group (writer-sync)? is the interface endpoint available?",
    );
  }
  if (/certificate verify failed|self[- ]signed|unable to get local issuer|unknown ca/i.test(message))
    hints.push(
      "TLS: the server's certificate does not chain to the endpoint's certificate: the endpoint must name the lab's RDS CA certificate (certificates/rds-global-bundle.pem imported into DMS)",
    );
  if (/does not match host name|hostname mismatch|not in the cert|server certificate for .* does not match/i.test(message))
    hints.push(
      "TLS: verify-full checks the host name: the secret's host must be the cluster endpoint (not the interface endpoint's name), answered in the DMS VPC by the side's private hosted zone; a secret written before the move to verify-full gets it at its next rotation (aws secretsmanager rotate-secret --secret-id <name>/dms/<side>)",
    );
  if (/could not translate host name|NXDOMAIN|Name or service not known|getaddrinfo/i.test(message))
    hints.push(
      "DNS: the cluster endpoint resolves in the DMS VPC only through the side's private hosted zone; is it there and associated with the DMS VPC?",
    );
  if (/encryption|SSL|certificate/i.test(message) && hints.length === 0)
    hints.push("TLS: the clusters require it (rds.force_ssl=1); the endpoints verify the server (verify-full with the RDS CA bundle)");
  return hints;
}

export async function testConnection(context: RunbookContext, options: CommandOptions = {}): Promise<number> {
  const instanceArn = await replicationInstanceArn(context);
  const endpoints = await Promise.all(SIDES.map(async (side) => ({ side, arn: await endpointArn(context, side) })));
  for (const { arn } of endpoints)
    await context.clients.dms.send(new TestConnectionCommand({ ReplicationInstanceArn: instanceArn, EndpointArn: arn }));
  let failed = 0;
  for (const { side, arn } of endpoints) {
    const deadline = Date.now() + (options.timeoutMs ?? 5 * 60_000);
    let result = await connection(context, instanceArn, arn);
    while (result?.Status === "testing" && Date.now() < deadline) {
      await sleep(options.pollMs ?? 2000);
      result = await connection(context, instanceArn, arn);
    }
    const status = result?.Status ?? "unknown";
    context.say(`${side.padEnd(6)} ${context.names[side].dmsEndpoint}: ${status}`);
    if (status !== "successful") {
      failed += 1;
      const message = result?.LastFailureMessage ?? "no message";
      context.say(`       ${message}`);
      for (const hint of connectionHints(message)) context.say(`       hint: ${hint}`);
    }
  }
  return failed === 0 ? 0 : 1;
}

export async function seed(context: RunbookContext, options: CommandOptions = {}): Promise<number> {
  const rows = options.rows ?? 5000;
  context.say(`Seeding the source through ${context.names.databaseOperations} (demo_accounts, and ${rows} rows of demo_orders)...`);
  const result = await databaseOperation(context, { operation: "seed", rows });
  context.say(JSON.stringify(result, null, 2));
  return 0;
}

export async function start(context: RunbookContext, options: CommandOptions = {}): Promise<number> {
  const identifier = taskIdentifier(context, options.task);
  const task = await findTask(context, identifier);
  const decision = decideStart(task.Status, options.reload ?? false);
  if (decision.kind === "refuse") {
    context.say(`Not started: ${decision.reason}.`);
    return 1;
  }
  if (decision.kind === "nothing") {
    context.say(`${identifier}: ${decision.reason}.`);
  } else {
    context.say(`${identifier}: ${task.Status} -> ${decision.startType}`);
    await context.clients.dms.send(
      new StartReplicationTaskCommand({ ReplicationTaskArn: task.ReplicationTaskArn, StartReplicationTaskType: decision.startType }),
    );
  }
  const deadline = Date.now() + (options.timeoutMs ?? 15 * 60_000);
  let lastLines = "";
  for (;;) {
    const current = await findTask(context, identifier);
    const { TableStatistics } = await context.clients.dms
      .send(new DescribeTableStatisticsCommand({ ReplicationTaskArn: current.ReplicationTaskArn }))
      .catch(noneWhenNotFound({ TableStatistics: [] }));
    const lines = [
      `${identifier}: ${current.Status}, full load ${current.ReplicationTaskStats?.FullLoadProgressPercent ?? 0}%`,
      ...tableLines(TableStatistics ?? []),
    ].join("\n");
    if (lines !== lastLines) context.say(lines);
    lastLines = lines;
    const progress = startProgress(current);
    if (progress.kind === "done") {
      context.say(`${identifier}: ${progress.summary}.`);
      return 0;
    }
    if (progress.kind === "failed") {
      context.say(`${identifier} failed: ${progress.reason}`);
      return 1;
    }
    if (Date.now() > deadline) {
      context.say(`${identifier}: still ${current.Status} after the wait; see \`npm run lab -- status\`.`);
      return 1;
    }
    await sleep(options.pollMs ?? 2000);
  }
}

export async function stop(context: RunbookContext, options: CommandOptions = {}): Promise<number> {
  const identifier = taskIdentifier(context, options.task);
  const task = await findTask(context, identifier);
  if (task.Status === "running" || task.Status === "starting") {
    await context.clients.dms.send(new StopReplicationTaskCommand({ ReplicationTaskArn: task.ReplicationTaskArn }));
    const deadline = Date.now() + (options.timeoutMs ?? 10 * 60_000);
    let current = task;
    while (current.Status !== "stopped" && current.Status !== "failed" && Date.now() < deadline) {
      await sleep(options.pollMs ?? 2000);
      current = await findTask(context, identifier);
    }
    context.say(`${identifier}: ${current.Status}`);
    if (current.Status !== "stopped" && current.Status !== "failed") return 1;
  } else {
    context.say(`${identifier}: ${task.Status}, nothing to stop`);
  }
  if (options.final) {
    // The source keeps WAL for an inactive slot until it is dropped: --final ends the migration for good. DMS names
    // its slots itself, so the inactive ones are dropped, and only while no other task could still need its slot.
    const others = context.deployment.migration.tasks.map((t) => `${context.deployment.name}-${t.id}`).filter((id) => id !== identifier);
    for (const other of others) {
      const found = await findTask(context, other).catch(() => undefined);
      if (found && found.Status !== "ready") {
        context.say(
          `Not dropping slots: task ${other} is ${found.Status} and may need its slot; stop --final it last, or delete it first.`,
        );
        return 1;
      }
    }
    const dropped: string[] = [];
    for (const slot of (await sourceSlots(context)).filter((s) => !s.active)) {
      await databaseOperation(context, { operation: "drop-slot", slotName: slot.slotName });
      dropped.push(slot.slotName);
    }
    context.say(dropped.length ? `dropped replication slots: ${dropped.join(", ")}` : "no replication slot to drop");
  }
  return 0;
}

/**
 * Before a destroy: every task stopped, then every inactive replication slot dropped, so nothing is left holding
 * WAL on the source should it outlive the lab. Best effort: a lab that is half there is still destroyed.
 */
export async function stopEverything(context: RunbookContext): Promise<void> {
  for (const task of context.deployment.migration.tasks) {
    await stop(context, { task: task.id }).catch((error: unknown) =>
      context.say(`${context.deployment.name}-${task.id}: not stopped (${error instanceof Error ? error.message : String(error)})`),
    );
  }
  const slots = await sourceSlots(context).catch(() => []);
  for (const slot of slots.filter((s) => !s.active)) {
    await databaseOperation(context, { operation: "drop-slot", slotName: slot.slotName })
      .then(() => context.say(`dropped replication slot ${slot.slotName}`))
      .catch((error: unknown) =>
        context.say(`slot ${slot.slotName} not dropped (${error instanceof Error ? error.message : String(error)})`),
      );
  }
}

async function sourceSlots(context: RunbookContext): Promise<readonly SourceSlot[]> {
  const answer = await databaseOperation<DatabaseStatus>(context, { operation: "status" });
  return answer.source?.replicationSlots ?? [];
}

/** The task's CDC latency as DMS publishes it (AWS/DMS, the newest minute in the last ten), or undefined without data. */
export async function cdcLatency(
  context: RunbookContext,
  taskArn: string,
): Promise<{ source: number; target: number; at: Date } | undefined> {
  const end = new Date();
  const start = new Date(end.getTime() - 10 * 60_000);
  const newest = async (metric: string) => {
    const { Datapoints } = await context.clients.cloudwatch.send(
      new GetMetricStatisticsCommand({
        Namespace: "AWS/DMS",
        MetricName: metric,
        // DMS publishes task metrics with exactly these two dimensions (the task's resource id, not its name).
        Dimensions: [
          { Name: "ReplicationInstanceIdentifier", Value: context.names.replicationInstance },
          { Name: "ReplicationTaskIdentifier", Value: taskArn.replace(/^.*:/, "") },
        ],
        StartTime: start,
        EndTime: end,
        Period: 60,
        Statistics: ["Maximum"],
      }),
    );
    return [...(Datapoints ?? [])].sort((a, b) => (b.Timestamp?.getTime() ?? 0) - (a.Timestamp?.getTime() ?? 0))[0];
  };
  const [source, target] = await Promise.all([newest("CDCLatencySource"), newest("CDCLatencyTarget")]);
  if (source?.Maximum === undefined || target?.Maximum === undefined) return undefined;
  return { source: source.Maximum, target: target.Maximum, at: source.Timestamp ?? end };
}

export async function status(context: RunbookContext, options: CommandOptions = {}): Promise<number> {
  const { deployment, names, clients, say } = context;
  say(`Deployment ${deployment.name} (${deployment.region}${context.emulatorUrl ? `, emulator ${context.emulatorUrl}` : ""})`);
  const instances = await clients.dms
    .send(new DescribeReplicationInstancesCommand({ Filters: [{ Name: "replication-instance-id", Values: [names.replicationInstance] }] }))
    .catch(noneWhenNotFound({ ReplicationInstances: [] }));
  const instance = instances.ReplicationInstances?.[0];
  say(`DMS instance ${names.replicationInstance}: ${instance?.ReplicationInstanceStatus ?? "not deployed"}`);
  if (instance?.ReplicationInstanceArn) {
    for (const side of SIDES) {
      const arn = await endpointArn(context, side).catch(() => undefined);
      const tested = arn ? await connection(context, instance.ReplicationInstanceArn, arn) : undefined;
      say(
        `  ${side} endpoint ${names[side].dmsEndpoint}: ${tested?.Status ?? "not tested"}${tested?.LastFailureMessage ? ` (${tested.LastFailureMessage})` : ""}`,
      );
    }
  }
  for (const task of deployment.migration.tasks) {
    if (options.task && options.task !== task.id) continue;
    const identifier = `${deployment.name}-${task.id}`;
    const found = await findTask(context, identifier).catch(() => undefined);
    if (!found) {
      say(`task ${identifier}: not deployed`);
      continue;
    }
    const stats = found.ReplicationTaskStats;
    say(
      `task ${identifier} (${found.MigrationType}): ${found.Status}${found.StopReason ? `, ${found.StopReason}` : ""}, full load ${stats?.FullLoadProgressPercent ?? 0}%`,
    );
    if (found.LastFailureMessage) say(`  last failure: ${found.LastFailureMessage}`);
    if (found.MigrationType !== "full-load" && found.ReplicationTaskArn) {
      const latency = await cdcLatency(context, found.ReplicationTaskArn).catch((error: unknown) => error as Error);
      say(
        latency instanceof Error
          ? `  CDC latency: unknown (${latency.message})`
          : latency
            ? `  CDC latency: source ${latency.source.toFixed(1)} s, target ${latency.target.toFixed(1)} s (CloudWatch, ${latency.at.toISOString()})`
            : "  CDC latency: no data in CloudWatch for the last 10 minutes (DMS publishes it while CDC runs)",
      );
    }
    const { TableStatistics } = await clients.dms
      .send(new DescribeTableStatisticsCommand({ ReplicationTaskArn: found.ReplicationTaskArn }))
      .catch(noneWhenNotFound({ TableStatistics: [] }));
    for (const line of tableLines(TableStatistics ?? [])) say(line);
  }
  for (const side of SIDES) {
    const secret = await clients.secrets.send(new DescribeSecretCommand({ SecretId: names[side].dmsSecret })).catch(() => undefined);
    const rotated = secret?.LastRotatedDate ? secret.LastRotatedDate.toISOString() : "never";
    say(
      `${side} DMS secret ${names[side].dmsSecret}: last rotated ${rotated}${secret?.RotationEnabled ? `, every ${secret.RotationRules?.AutomaticallyAfterDays ?? "?"} days` : ", rotation off"}`,
    );
  }
  const database = await databaseOperation<DatabaseStatus>(context, { operation: "status" }).catch((error: unknown) => error as Error);
  if (database instanceof Error) say(`source replication slots: unknown (${database.message})`);
  else {
    const slots = database.source?.replicationSlots ?? [];
    say(slots.length ? "source replication slots:" : "source replication slots: none");
    for (const slot of slots) {
      say(
        `  ${slot.slotName} (${slot.plugin}, ${slot.active ? "active" : "inactive"}): holds ${slot.walRetainedBytes ?? "?"} bytes of WAL`,
      );
    }
    const frozen = database.source?.frozenTables ?? [];
    say(frozen.length ? `source writes: frozen by the cutover on ${frozen.join(", ")}` : "source writes: open");
  }
  const parameter = await clients.ssm
    .send(new GetParameterCommand({ Name: `/${deployment.name}/app/db_url` }))
    .then((answer) => answer.Parameter?.Value)
    .catch(() => undefined);
  const side =
    database instanceof Error || parameter === undefined
      ? undefined
      : SIDES.find((s) => {
          const endpoint = database[s]?.endpoint;
          return endpoint && parameter === appDatabaseUrlValue(endpoint.host, endpoint.port, endpoint.database);
        });
  say(`db_url (/${deployment.name}/app/db_url): ${parameter ?? "not deployed"}${side ? ` (the ${side})` : ""}`);
  return 0;
}
