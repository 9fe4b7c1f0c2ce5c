// Unit tests for the writer-sync Lambda: reconcile call order, event filtering and the single-file bundle.
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { builtinModules, createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { mockClient } from "aws-sdk-client-mock";
import { DBClusterNotFoundFault, DescribeDBClustersCommand, DescribeDBInstancesCommand, RDSClient } from "@aws-sdk/client-rds";
import {
  DeregisterTargetsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
  type TargetHealthStateEnum,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { ClusterNotFoundError, reconcile, type ReconcileResult } from "../../functions/writer-sync/reconcile";
import { createHandler, handler } from "../../functions/writer-sync/handler";
import { bundleWriterSync } from "../../functions/writer-sync/bundle";

const REGION = "eu-west-1";
const CLUSTER = "lab-source";
const TG_ARN = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/lab-source-pg/0123456789abcdef";
const PORT = 5432;

interface FakeInstance {
  id: string;
  ip: string;
  writer: boolean;
  /** false models an instance RDS has not assigned an endpoint to yet. */
  hasEndpoint?: boolean;
}

const hostname = (id: string) => `${id}.cabc123xyz.${REGION}.rds.amazonaws.com`;
const INSTANCE_1 = "lab-source-1";
const INSTANCE_2 = "lab-source-2";
const IP_1 = "10.0.1.10";
const IP_2 = "10.0.2.20";

const rdsMock = mockClient(RDSClient);
const elbMock = mockClient(ElasticLoadBalancingV2Client);
const rds = new RDSClient({ region: REGION });
const elbv2 = new ElasticLoadBalancingV2Client({ region: REGION });

let resolved: string[] = [];
let dnsTable = new Map<string, string[]>();
const resolveAddress = async (name: string): Promise<string[]> => {
  resolved.push(name);
  const ips = dnsTable.get(name);
  if (!ips) throw new Error(`queryA ENOTFOUND ${name}`);
  return ips;
};

function givenCluster(instances: FakeInstance[], status = "available"): void {
  rdsMock.on(DescribeDBClustersCommand, { DBClusterIdentifier: CLUSTER }).resolves({
    DBClusters: [
      {
        DBClusterIdentifier: CLUSTER,
        DBClusterArn: `arn:aws:rds:${REGION}:123456789012:cluster:${CLUSTER}`,
        Engine: "aurora-postgresql",
        EngineVersion: "16.4",
        Status: status,
        Port: PORT,
        Endpoint: `${CLUSTER}.cluster-cabc123xyz.${REGION}.rds.amazonaws.com`,
        DBClusterMembers: instances.map((i, n) => ({
          DBInstanceIdentifier: i.id,
          IsClusterWriter: i.writer,
          DBClusterParameterGroupStatus: "in-sync",
          PromotionTier: n + 1,
        })),
      },
    ],
  });
  for (const i of instances) {
    dnsTable.set(hostname(i.id), [i.ip]);
    rdsMock.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: i.id }).resolves({
      DBInstances: [
        {
          DBInstanceIdentifier: i.id,
          DBInstanceClass: "db.t4g.medium",
          Engine: "aurora-postgresql",
          DBInstanceStatus: i.hasEndpoint === false ? "creating" : "available",
          DBClusterIdentifier: CLUSTER,
          Endpoint: i.hasEndpoint === false ? undefined : { Address: hostname(i.id), Port: PORT, HostedZoneId: "Z29XKXDKYMONMX" },
        },
      ],
    });
  }
}

function givenTargets(targets: Array<{ ip: string; state: TargetHealthStateEnum; port?: number }>): void {
  elbMock.on(DescribeTargetHealthCommand, { TargetGroupArn: TG_ARN }).resolves({
    TargetHealthDescriptions: targets.map((t) => ({
      Target: { Id: t.ip, Port: t.port ?? PORT, AvailabilityZone: t.ip === IP_1 ? "eu-west-1a" : "eu-west-1b" },
      HealthCheckPort: String(t.port ?? PORT),
      TargetHealth:
        t.state === "healthy"
          ? { State: t.state }
          : { State: t.state, Reason: "Target.DeregistrationInProgress", Description: "Target deregistration is in progress" },
    })),
  });
}

/** Every SDK call across both clients, in the order it was made, as [command, input]. */
function journal(): Array<[string, unknown]> {
  const calls = [...rdsMock.calls(), ...elbMock.calls()];
  calls.sort((a, b) => (a.calledBefore(b) ? -1 : 1));
  return calls.map((c) => [c.args[0].constructor.name, c.args[0].input]);
}

const describeCluster: [string, unknown] = ["DescribeDBClustersCommand", { DBClusterIdentifier: CLUSTER }];
const describeInstance = (id: string): [string, unknown] => ["DescribeDBInstancesCommand", { DBInstanceIdentifier: id }];
const describeTargets: [string, unknown] = ["DescribeTargetHealthCommand", { TargetGroupArn: TG_ARN }];
const register = (...ips: string[]): [string, unknown] => [
  "RegisterTargetsCommand",
  { TargetGroupArn: TG_ARN, Targets: ips.map((Id) => ({ Id, Port: PORT })) },
];
const deregister = (...targets: Array<{ ip: string; port?: number }>): [string, unknown] => [
  "DeregisterTargetsCommand",
  { TargetGroupArn: TG_ARN, Targets: targets.map((t) => ({ Id: t.ip, Port: t.port ?? PORT })) },
];

const run = (): Promise<ReconcileResult> =>
  reconcile({ rds, elbv2, resolveAddress, clusterIdentifier: CLUSTER, targetGroupArn: TG_ARN, port: PORT });

beforeEach(() => {
  rdsMock.reset();
  elbMock.reset();
  elbMock.on(RegisterTargetsCommand).resolves({});
  elbMock.on(DeregisterTargetsCommand).resolves({});
  resolved = [];
  dnsTable = new Map();
});

afterAll(() => {
  rdsMock.restore();
  elbMock.restore();
});

describe("writer-sync reconcile", () => {
  it("makes no mutating call when the writer is already the only target", async () => {
    givenCluster([
      { id: INSTANCE_1, ip: IP_1, writer: true },
      { id: INSTANCE_2, ip: IP_2, writer: false },
    ]);
    givenTargets([{ ip: IP_1, state: "healthy" }]);

    const result = await run();

    expect(journal()).toEqual([describeCluster, describeInstance(INSTANCE_1), describeTargets]);
    expect(result).toEqual({ writerInstance: INSTANCE_1, desired: [IP_1], registered: [], deregistered: [], unchanged: true });
    expect(resolved).toEqual([hostname(INSTANCE_1)]);
  });

  it("after a failover registers the new writer before deregistering the old one", async () => {
    givenCluster([
      { id: INSTANCE_1, ip: IP_1, writer: false },
      { id: INSTANCE_2, ip: IP_2, writer: true },
    ]);
    givenTargets([{ ip: IP_1, state: "healthy" }]);

    const result = await run();

    expect(journal()).toEqual([describeCluster, describeInstance(INSTANCE_2), describeTargets, register(IP_2), deregister({ ip: IP_1 })]);
    expect(result).toEqual({
      writerInstance: INSTANCE_2,
      desired: [IP_2],
      registered: [IP_2],
      deregistered: [IP_1],
      unchanged: false,
    });
  });

  it("with two instances keeps only the writer: the registered reader is deregistered", async () => {
    givenCluster([
      { id: INSTANCE_1, ip: IP_1, writer: true },
      { id: INSTANCE_2, ip: IP_2, writer: false },
    ]);
    givenTargets([
      { ip: IP_1, state: "healthy" },
      { ip: IP_2, state: "healthy" },
    ]);

    const result = await run();

    expect(journal()).toEqual([describeCluster, describeInstance(INSTANCE_1), describeTargets, deregister({ ip: IP_2 })]);
    expect(result.registered).toEqual([]);
    expect(result.deregistered).toEqual([IP_2]);
    expect(resolved).toEqual([hostname(INSTANCE_1)]);
  });

  it("registers the writer into an empty target group on the first run", async () => {
    givenCluster([
      { id: INSTANCE_1, ip: IP_1, writer: true },
      { id: INSTANCE_2, ip: IP_2, writer: false },
    ]);
    givenTargets([]);

    const result = await run();

    expect(journal()).toEqual([describeCluster, describeInstance(INSTANCE_1), describeTargets, register(IP_1)]);
    expect(result).toEqual({ writerInstance: INSTANCE_1, desired: [IP_1], registered: [IP_1], deregistered: [], unchanged: false });
  });

  it("changes nothing and says why while the cluster has no writer", async () => {
    givenCluster(
      [
        { id: INSTANCE_1, ip: IP_1, writer: false },
        { id: INSTANCE_2, ip: IP_2, writer: false },
      ],
      "failing-over",
    );
    givenTargets([{ ip: IP_1, state: "healthy" }]);

    const result = await run();

    expect(journal()).toEqual([describeCluster]);
    expect(result).toEqual({
      writerInstance: undefined,
      desired: [],
      registered: [],
      deregistered: [],
      unchanged: true,
      reason: `no writer yet in cluster "${CLUSTER}"`,
    });
  });

  it("changes nothing while the writer has no endpoint address yet", async () => {
    givenCluster([{ id: INSTANCE_1, ip: IP_1, writer: true, hasEndpoint: false }], "creating");

    const result = await run();

    expect(journal()).toEqual([describeCluster, describeInstance(INSTANCE_1)]);
    expect(result.unchanged).toBe(true);
    expect(result.writerInstance).toBe(INSTANCE_1);
    expect(result.reason).toMatch(/no endpoint address yet/);
    expect(resolved).toEqual([]);
  });

  it("fails with an error naming the cluster when it does not exist", async () => {
    rdsMock
      .on(DescribeDBClustersCommand)
      .rejects(new DBClusterNotFoundFault({ message: "DBCluster lab-missing not found.", $metadata: { httpStatusCode: 404 } }));

    const attempt = reconcile({ rds, elbv2, resolveAddress, clusterIdentifier: "lab-missing", targetGroupArn: TG_ARN, port: PORT });

    await expect(attempt).rejects.toThrow(ClusterNotFoundError);
    await expect(attempt).rejects.toThrow('Aurora cluster "lab-missing" not found');
    expect(journal()).toEqual([["DescribeDBClustersCommand", { DBClusterIdentifier: "lab-missing" }]]);
  });

  it("re-registers the writer when its target is draining, and leaves a draining reader alone", async () => {
    givenCluster([
      { id: INSTANCE_1, ip: IP_1, writer: true },
      { id: INSTANCE_2, ip: IP_2, writer: false },
    ]);
    givenTargets([
      { ip: IP_1, state: "draining" },
      { ip: IP_2, state: "draining" },
    ]);

    const result = await run();

    expect(journal()).toEqual([describeCluster, describeInstance(INSTANCE_1), describeTargets, register(IP_1)]);
    expect(result).toEqual({ writerInstance: INSTANCE_1, desired: [IP_1], registered: [IP_1], deregistered: [], unchanged: false });
  });

  it("deregisters a target on another port, since the listener would forward PostgreSQL traffic to it", async () => {
    givenCluster([{ id: INSTANCE_1, ip: IP_1, writer: true }]);
    givenTargets([
      { ip: IP_1, state: "healthy" },
      { ip: IP_1, state: "unhealthy", port: 5433 },
    ]);

    const result = await run();

    expect(journal()).toEqual([describeCluster, describeInstance(INSTANCE_1), describeTargets, deregister({ ip: IP_1, port: 5433 })]);
    expect(result.deregistered).toEqual([`${IP_1}:5433`]);
  });

  it("does not deregister the old writer when registering the new one fails", async () => {
    givenCluster([
      { id: INSTANCE_1, ip: IP_1, writer: false },
      { id: INSTANCE_2, ip: IP_2, writer: true },
    ]);
    givenTargets([{ ip: IP_1, state: "healthy" }]);
    elbMock.on(RegisterTargetsCommand).rejects(new Error("Throttling: Rate exceeded"));

    await expect(run()).rejects.toThrow("Rate exceeded");
    expect(journal()).toEqual([describeCluster, describeInstance(INSTANCE_2), describeTargets, register(IP_2)]);
  });
});

describe("writer-sync handler", () => {
  const env = { CLUSTER_IDENTIFIER: CLUSTER, TARGET_GROUP_ARN: TG_ARN, AWS_REGION: REGION };
  const clusterEvent = (clusterId: string) => ({
    version: "0",
    id: "a1b2c3d4-0000-1111-2222-333344445555",
    "detail-type": "RDS DB Cluster Event",
    source: "aws.rds",
    account: "123456789012",
    time: "2025-01-01T12:00:00Z",
    region: REGION,
    resources: [`arn:aws:rds:${REGION}:123456789012:cluster:${clusterId}`],
    detail: {
      EventCategories: ["failover"],
      SourceType: "CLUSTER",
      SourceArn: `arn:aws:rds:${REGION}:123456789012:cluster:${clusterId}`,
      Date: "2025-01-01T12:00:00.000Z",
      Message: `Completed failover to DB instance: ${clusterId}-2`,
      SourceIdentifier: clusterId,
      EventID: "RDS-EVENT-0071",
    },
  });
  const instanceEvent = (instanceId: string) => ({
    version: "0",
    id: "b1b2c3d4-0000-1111-2222-333344445555",
    "detail-type": "RDS DB Instance Event",
    source: "aws.rds",
    account: "123456789012",
    time: "2025-01-01T12:00:00Z",
    region: REGION,
    resources: [`arn:aws:rds:${REGION}:123456789012:db:${instanceId}`],
    detail: {
      EventCategories: ["availability"],
      SourceType: "DB_INSTANCE",
      SourceArn: `arn:aws:rds:${REGION}:123456789012:db:${instanceId}`,
      Message: "DB instance restarted",
      SourceIdentifier: instanceId,
      EventID: "RDS-EVENT-0006",
    },
  });
  const scheduledEvent = {
    version: "0",
    id: "c1b2c3d4-0000-1111-2222-333344445555",
    "detail-type": "Scheduled Event",
    source: "aws.events",
    account: "123456789012",
    time: "2025-01-01T12:05:00Z",
    region: REGION,
    resources: [`arn:aws:events:${REGION}:123456789012:rule/lab-source-writer-sync`],
    detail: {},
  };

  function withLines(extraEnv: Record<string, string> = {}) {
    const lines: string[] = [];
    const handle = createHandler({ rds, elbv2, resolveAddress, env: { ...env, ...extraEnv }, writeLine: (l) => lines.push(l) });
    return { handle, lines };
  }

  function givenSteadyCluster(): void {
    givenCluster([
      { id: INSTANCE_1, ip: IP_1, writer: true },
      { id: INSTANCE_2, ip: IP_2, writer: false },
    ]);
    givenTargets([{ ip: IP_1, state: "healthy" }]);
  }

  it("ignores an event for another cluster without any API call", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      const result = await handler(clusterEvent("other-cluster"));
      expect(result).toMatchObject({ ignored: true, trigger: "rds-event" });
      expect(journal()).toEqual([]);
    } finally {
      for (const key of Object.keys(env)) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    }
  });

  it("reconciles for a cluster event of its own cluster and logs one JSON line with the result", async () => {
    givenSteadyCluster();
    const { handle, lines } = withLines();

    const result = await handle(clusterEvent(CLUSTER));

    expect(result).toEqual({
      ignored: false,
      trigger: "rds-event",
      writerInstance: INSTANCE_1,
      desired: [IP_1],
      registered: [],
      deregistered: [],
      unchanged: true,
    });
    expect(journal()).toEqual([describeCluster, describeInstance(INSTANCE_1), describeTargets]);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? "")).toMatchObject({ clusterIdentifier: CLUSTER, writerInstance: INSTANCE_1, unchanged: true });
  });

  it("reconciles for a scheduled event and for the deploy-time invocation payload", async () => {
    givenSteadyCluster();
    const { handle } = withLines();

    await expect(handle(scheduledEvent)).resolves.toMatchObject({ ignored: false, trigger: "schedule" });
    await expect(handle({ trigger: "deploy" })).resolves.toMatchObject({ ignored: false, trigger: "invoke" });
    expect(journal().filter(([name]) => name === "DescribeDBClustersCommand")).toHaveLength(2);
  });

  it("filters instance events by INSTANCE_IDENTIFIERS, and reconciles them all when it is unset", async () => {
    givenSteadyCluster();
    const scoped = withLines({ INSTANCE_IDENTIFIERS: `${INSTANCE_1},${INSTANCE_2}` });

    await expect(scoped.handle(instanceEvent("other-cluster-1"))).resolves.toMatchObject({ ignored: true });
    expect(journal()).toEqual([]);
    await expect(scoped.handle(instanceEvent(INSTANCE_2))).resolves.toMatchObject({ ignored: false });
    await expect(withLines().handle(instanceEvent("other-cluster-1"))).resolves.toMatchObject({ ignored: false });
  });

  it("rejects a missing CLUSTER_IDENTIFIER and a bad DB_PORT before calling AWS", async () => {
    await expect(createHandler({ rds, elbv2, env: { TARGET_GROUP_ARN: TG_ARN } })(scheduledEvent)).rejects.toThrow("CLUSTER_IDENTIFIER");
    await expect(createHandler({ rds, elbv2, env: { ...env, DB_PORT: "54x" } })(scheduledEvent)).rejects.toThrow("DB_PORT");
    expect(journal()).toEqual([]);
  });
});

describe("bundleWriterSync", () => {
  it("writes one self-contained CommonJS file that exports handler", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "writer-sync-bundle-"));
    try {
      const file = bundleWriterSync(dir);

      expect(file).toBe(path.join(dir, "index.js"));
      expect(readdirSync(dir)).toEqual(["index.js"]);
      const source = readFileSync(file, "utf8");
      const required = [...source.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1] ?? "");
      const builtins = new Set(builtinModules);
      const unexpected = required.filter((spec) => !spec.startsWith("@aws-sdk/") && !spec.startsWith("node:") && !builtins.has(spec));
      expect(required.filter((spec) => spec.startsWith("."))).toEqual([]);
      expect(unexpected).toEqual([]);
      expect(source).not.toMatch(/^\s*(import|export)\s/m);

      // The runtime provides @aws-sdk/*; the project's node_modules stands in for it here.
      symlinkSync(path.resolve(__dirname, "..", "..", "node_modules"), path.join(dir, "node_modules"), "dir");
      const loaded: unknown = createRequire(__filename)(file);
      expect(typeof (loaded as { handler?: unknown }).handler).toBe("function");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
