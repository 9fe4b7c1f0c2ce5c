// Lambda entry for writer-sync: drops events about other clusters, otherwise reconciles the NLB target group.
import { RDSClient } from "@aws-sdk/client-rds";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { reconcile, type ReconcileResult, type ResolveAddress } from "./reconcile";

export interface WriterSyncConfig {
  clusterIdentifier: string;
  targetGroupArn: string;
  port: number;
  /** Lets instance events for other clusters be dropped; when empty every instance event reconciles. */
  instanceIdentifiers: string[];
}

export type Trigger = "rds-event" | "schedule" | "invoke";

export type HandlerResult =
  | ({ ignored: false; trigger: Trigger } & ReconcileResult)
  | { ignored: true; trigger: Trigger; reason: string };

export interface HandlerDeps {
  rds?: RDSClient;
  elbv2?: ElasticLoadBalancingV2Client;
  resolveAddress?: ResolveAddress;
  env?: NodeJS.ProcessEnv;
  /** Receives one JSON document per line. */
  writeLine?: (line: string) => void;
}

export function readConfig(env: NodeJS.ProcessEnv): WriterSyncConfig {
  const clusterIdentifier = env.CLUSTER_IDENTIFIER?.trim();
  const targetGroupArn = env.TARGET_GROUP_ARN?.trim();
  if (!clusterIdentifier) throw new Error("writer-sync: environment variable CLUSTER_IDENTIFIER is required");
  if (!targetGroupArn) throw new Error("writer-sync: environment variable TARGET_GROUP_ARN is required");
  const rawPort = env.DB_PORT?.trim() || "5432";
  const port = /^\d+$/.test(rawPort) ? Number(rawPort) : NaN;
  if (!(port >= 1 && port <= 65535)) throw new Error(`writer-sync: DB_PORT must be a TCP port, got "${rawPort}"`);
  const instanceIdentifiers = (env.INSTANCE_IDENTIFIERS ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  return { clusterIdentifier, targetGroupArn, port, instanceIdentifiers };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stringField(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  return typeof value === "string" ? value : undefined;
}

// RDS ARNs end in `:cluster:<id>` or `:db:<id>`; the resource type tells cluster and instance ids apart.
function idFromArn(arn: string, resourceType: "cluster" | "db"): string | undefined {
  const marker = `:${resourceType}:`;
  const at = arn.lastIndexOf(marker);
  return at >= 0 ? arn.slice(at + marker.length) : undefined;
}

/**
 * Decides cheaply (no API call) whether an event may concern this cluster. Anything that is not an
 * RDS event — the schedule, the deploy-time invocation, a manual test — reconciles, and so does any
 * RDS event we cannot attribute, since reconciling is idempotent and ignoring a real failover is not.
 */
export function classifyEvent(
  event: unknown,
  config: WriterSyncConfig,
): { trigger: Trigger; relevant: true } | { trigger: Trigger; relevant: false; reason: string } {
  if (!isRecord(event)) return { trigger: "invoke", relevant: true };
  const detailType = stringField(event, "detail-type");
  if (stringField(event, "source") !== "aws.rds") {
    return { trigger: detailType === "Scheduled Event" ? "schedule" : "invoke", relevant: true };
  }

  const detail = isRecord(event.detail) ? event.detail : {};
  const sourceIdentifier = stringField(detail, "SourceIdentifier");
  const arns = [
    ...(Array.isArray(event.resources) ? event.resources : []),
    stringField(detail, "SourceArn"),
  ].filter((r): r is string => typeof r === "string");
  const ids = (resourceType: "cluster" | "db") =>
    new Set(
      [...arns.map((arn) => idFromArn(arn, resourceType)), sourceIdentifier].filter(
        (id): id is string => id !== undefined,
      ),
    );

  if (detailType === "RDS DB Instance Event") {
    const instanceIds = ids("db");
    if (config.instanceIdentifiers.length === 0 || instanceIds.size === 0) return { trigger: "rds-event", relevant: true };
    if (config.instanceIdentifiers.some((id) => instanceIds.has(id))) return { trigger: "rds-event", relevant: true };
    return {
      trigger: "rds-event",
      relevant: false,
      reason: `instance event for ${[...instanceIds].join(", ")}, not an instance of "${config.clusterIdentifier}"`,
    };
  }

  const clusterIds = ids("cluster");
  if (clusterIds.size === 0 || clusterIds.has(config.clusterIdentifier)) return { trigger: "rds-event", relevant: true };
  return {
    trigger: "rds-event",
    relevant: false,
    reason: `event for ${[...clusterIds].join(", ")}, not cluster "${config.clusterIdentifier}"`,
  };
}

/** Builds the handler; tests inject clients, resolver and environment, the runtime uses the defaults. */
export function createHandler(deps: HandlerDeps = {}): (event: unknown) => Promise<HandlerResult> {
  // Built on first use and kept for warm invocations, so importing the module has no side effects.
  let rds = deps.rds;
  let elbv2 = deps.elbv2;
  const writeLine = deps.writeLine ?? ((line: string) => console.log(line));

  return async (event) => {
    const config = readConfig(deps.env ?? process.env);
    const classification = classifyEvent(event, config);
    const base = { msg: "writer-sync", clusterIdentifier: config.clusterIdentifier, trigger: classification.trigger };
    if (!classification.relevant) {
      const result: HandlerResult = { ignored: true, trigger: classification.trigger, reason: classification.reason };
      writeLine(JSON.stringify({ ...base, ...result }));
      return result;
    }

    rds ??= new RDSClient({});
    elbv2 ??= new ElasticLoadBalancingV2Client({});
    try {
      const outcome = await reconcile({
        rds,
        elbv2,
        resolveAddress: deps.resolveAddress,
        clusterIdentifier: config.clusterIdentifier,
        targetGroupArn: config.targetGroupArn,
        port: config.port,
        log: (message, fields) => writeLine(JSON.stringify({ ...base, msg: message, ...fields })),
      });
      const result: HandlerResult = { ignored: false, trigger: classification.trigger, ...outcome };
      writeLine(JSON.stringify({ ...base, targetGroupArn: config.targetGroupArn, ...result }));
      return result;
    } catch (error) {
      // Rethrown so the invocation fails visibly (deploy-time invocation, async retries, alarms).
      const message = error instanceof Error ? error.message : String(error);
      writeLine(JSON.stringify({ ...base, level: "error", error: message }));
      throw error;
    }
  };
}

export const handler = createHandler();
