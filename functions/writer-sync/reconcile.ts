// Keeps an NLB `ip` target group pointed at exactly the current writer of one Aurora cluster.
import { promises as dnsPromises } from "node:dns";
import { isIPv4 } from "node:net";
import {
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  type DBCluster,
  type DBInstance,
  type RDSClient,
} from "@aws-sdk/client-rds";
import {
  DeregisterTargetsCommand,
  DescribeTargetHealthCommand,
  RegisterTargetsCommand,
  type ElasticLoadBalancingV2Client,
  type TargetDescription,
} from "@aws-sdk/client-elastic-load-balancing-v2";

/** Turns the writer's endpoint DNS name into the private IPv4 address(es) an `ip` target needs. */
export type ResolveAddress = (hostname: string) => Promise<string[]>;

/** Receives progress notes (mutations about to happen, anomalies); the handler turns them into JSON lines. */
export type ReconcileLog = (message: string, fields: Record<string, unknown>) => void;

export interface WriterEndpoint {
  instanceIdentifier: string;
  /** Absent while the instance is still being created: RDS assigns the endpoint late. */
  address?: string;
  port?: number;
}

export interface ReconcileInput {
  rds: RDSClient;
  elbv2: ElasticLoadBalancingV2Client;
  resolveAddress?: ResolveAddress;
  clusterIdentifier: string;
  targetGroupArn: string;
  port: number;
  log?: ReconcileLog;
}

export interface ReconcileResult {
  writerInstance: string | undefined;
  /** Writer IPs that should be registered on `port`. */
  desired: string[];
  /** IPs registered by this run (always on `port`). */
  registered: string[];
  /** Targets deregistered by this run: `ip` when on `port`, `ip:otherPort` otherwise. */
  deregistered: string[];
  /** True when this run made no mutating call. */
  unchanged: boolean;
  /** Why nothing was (or could be) done, when that is not simply "already in sync". */
  reason?: string;
}

export class ClusterNotFoundError extends Error {
  constructor(readonly clusterIdentifier: string) {
    super(`Aurora cluster "${clusterIdentifier}" not found (DescribeDBClusters returned no such cluster)`);
    this.name = "ClusterNotFoundError";
  }
}

// Matching on the error name rather than `instanceof` keeps this working even if a bundle ends up
// with a second copy of the SDK's exception classes.
function hasErrorName(error: unknown, name: string): boolean {
  return typeof error === "object" && error !== null && (error as { name?: unknown }).name === name;
}

export const defaultResolveAddress: ResolveAddress = async (hostname) => {
  // resolve4 would send an IP literal to DNS as a name and fail.
  if (isIPv4(hostname)) return [hostname];
  return dnsPromises.resolve4(hostname);
};

/**
 * Returns the cluster's writer, or undefined while there is none (creating, mid-failover, or the
 * writer instance vanished between the two calls). Throws ClusterNotFoundError for a missing cluster.
 */
export async function findWriter(rds: RDSClient, clusterIdentifier: string): Promise<WriterEndpoint | undefined> {
  let clusters: DBCluster[] | undefined;
  try {
    ({ DBClusters: clusters } = await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: clusterIdentifier })));
  } catch (error) {
    if (hasErrorName(error, "DBClusterNotFoundFault")) throw new ClusterNotFoundError(clusterIdentifier);
    throw error;
  }
  const cluster = clusters?.find((c) => c.DBClusterIdentifier === clusterIdentifier) ?? clusters?.[0];
  if (!cluster) throw new ClusterNotFoundError(clusterIdentifier);

  const writerId = cluster.DBClusterMembers?.find((m) => m.IsClusterWriter === true)?.DBInstanceIdentifier;
  if (!writerId) return undefined;

  let instances: DBInstance[] | undefined;
  try {
    ({ DBInstances: instances } = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: writerId })));
  } catch (error) {
    if (hasErrorName(error, "DBInstanceNotFoundFault")) return undefined;
    throw error;
  }
  const endpoint = instances?.find((i) => i.DBInstanceIdentifier === writerId)?.Endpoint ?? instances?.[0]?.Endpoint;
  return { instanceIdentifier: writerId, address: endpoint?.Address, port: endpoint?.Port };
}

function noop(writerInstance: string | undefined, reason: string): ReconcileResult {
  return { writerInstance, desired: [], registered: [], deregistered: [], unchanged: true, reason };
}

/**
 * Makes the target group hold exactly the writer's IP(s) on `port`. Idempotent: when already in sync
 * it makes no mutating call. When the writer is unknown it changes nothing, because a stale target is
 * better than an empty target group.
 *
 * The function owns the whole target group: a target on another port is deregistered too, since the
 * NLB listener would forward PostgreSQL traffic to a port nothing serves it on.
 */
export async function reconcile(input: ReconcileInput): Promise<ReconcileResult> {
  const { rds, elbv2, clusterIdentifier, targetGroupArn, port } = input;
  const resolveAddress = input.resolveAddress ?? defaultResolveAddress;
  const log: ReconcileLog = input.log ?? (() => undefined);

  const writer = await findWriter(rds, clusterIdentifier);
  if (!writer) return noop(undefined, `no writer yet in cluster "${clusterIdentifier}"`);
  if (!writer.address) {
    return noop(writer.instanceIdentifier, `writer "${writer.instanceIdentifier}" has no endpoint address yet`);
  }
  if (writer.port !== undefined && writer.port !== port) {
    log("writer listens on a different port than the target group targets", { writerPort: writer.port, port });
  }

  let resolved: string[];
  try {
    resolved = await resolveAddress(writer.address);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot resolve writer endpoint ${writer.address}: ${detail}`, { cause: error });
  }
  const desired = [...new Set(resolved.filter((ip) => isIPv4(ip)))].sort();
  if (desired.length === 0) {
    return noop(writer.instanceIdentifier, `writer endpoint ${writer.address} resolved to no IPv4 address`);
  }

  const { TargetHealthDescriptions: descriptions = [] } = await elbv2.send(
    new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }),
  );
  // A draining target is already on its way out: it counts as absent (so the writer gets re-registered,
  // which cancels the drain) and needs no deregistration of its own.
  const active: TargetDescription[] = [];
  for (const d of descriptions) {
    if (d.Target?.Id && d.TargetHealth?.State !== "draining") {
      active.push({ Id: d.Target.Id, Port: d.Target.Port ?? port });
    }
  }

  const isActive = (ip: string) => active.some((t) => t.Id === ip && t.Port === port);
  const toRegister = desired.filter((ip) => !isActive(ip));
  const stale = active.filter((t) => !(t.Port === port && t.Id !== undefined && desired.includes(t.Id)));

  // Register first: between the two calls the NLB has an extra target rather than none.
  if (toRegister.length > 0) {
    log("registering writer targets", { targets: toRegister, port });
    await elbv2.send(
      new RegisterTargetsCommand({ TargetGroupArn: targetGroupArn, Targets: toRegister.map((Id) => ({ Id, Port: port })) }),
    );
  }
  if (stale.length > 0) {
    log("deregistering stale targets", { targets: stale });
    await elbv2.send(new DeregisterTargetsCommand({ TargetGroupArn: targetGroupArn, Targets: stale }));
  }

  return {
    writerInstance: writer.instanceIdentifier,
    desired,
    registered: toRegister,
    deregistered: stale.map((t) => (t.Port === port ? `${t.Id}` : `${t.Id}:${t.Port}`)),
    unchanged: toRegister.length === 0 && stale.length === 0,
  };
}
