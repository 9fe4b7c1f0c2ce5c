// A deployed lab on the emulator as its users reach it: AWS SDK clients, Terraform outputs, and SQL by DNS name.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  DatabaseMigrationServiceClient,
  CreateEndpointCommand,
  CreateReplicationTaskCommand,
  DeleteEndpointCommand,
  DeleteReplicationTaskCommand,
  DescribeEndpointsCommand,
  DescribeConnectionsCommand,
  DescribeReplicationInstancesCommand,
  DescribeReplicationTasksCommand,
  DescribeTableStatisticsCommand,
  StartReplicationTaskCommand,
  StopReplicationTaskCommand,
  TestConnectionCommand,
  type StartReplicationTaskTypeValue,
  type Connection,
  type ReplicationTask,
  type TableStatistics,
} from "@aws-sdk/client-database-migration-service";
import {
  DeregisterTargetsCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
  type TargetDescription,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import {
  CloudWatchLogsClient,
  DeleteLogGroupCommand,
  DescribeLogGroupsCommand,
  FilterLogEventsCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { CreateFunctionCommand, DeleteFunctionCommand, GetFunctionCommand, InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { DescribeDBClustersCommand, FailoverDBClusterCommand, RDSClient } from "@aws-sdk/client-rds";
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { Client, type QueryResultRow } from "pg";
import { run, terraformEnvironment } from "../../lab/terraform-cli";

/** User name and password of a database user, as an RDS-managed master secret holds them. */
export interface Credentials {
  readonly username: string;
  readonly password: string;
}

/** Where `GET /_emulator/resolve` says a DNS name leads (emulator/dataplane/names.py). */
export interface Resolution {
  readonly address: string | null;
  readonly ca_bundle_path: string | null;
  readonly chain: string[];
  readonly reason: string | null;
}

/** Polls `probe` until it returns a value that is not undefined, or fails after `timeoutMs` with `what`. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

// Runs in the DMS VPC as an emulated Lambda function: reads an endpoint secret as DMS does and runs one
// statement against the secret's host (the interface endpoint's name), with TLS as the lab's endpoints use it.
const PROBE_FUNCTION_SOURCE = `
const { SecretsManagerClient, GetSecretValueCommand } = require("@aws-sdk/client-secrets-manager");
const { Client } = require("pg");
exports.handler = async (event) => {
  const secrets = new SecretsManagerClient({});
  const secret = JSON.parse((await secrets.send(new GetSecretValueCommand({ SecretId: event.secretArn }))).SecretString);
  const client = new Client({
    host: secret.host, port: Number(secret.port), user: secret.username, password: secret.password,
    database: secret.dbname, ssl: { rejectUnauthorized: false }, connectionTimeoutMillis: 3000,
  });
  await client.connect();
  try {
    return { host: secret.host, rows: (await client.query(event.sql)).rows };
  } finally {
    await client.end();
  }
};
`;

export class EmulatedLab {
  readonly dms: DatabaseMigrationServiceClient;
  readonly secrets: SecretsManagerClient;
  readonly rds: RDSClient;
  readonly elbv2: ElasticLoadBalancingV2Client;
  readonly lambda: LambdaClient;
  readonly logs: CloudWatchLogsClient;

  constructor(
    readonly url: string,
    readonly region = "us-east-1",
  ) {
    const config = { endpoint: url, region, credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1 };
    this.dms = new DatabaseMigrationServiceClient(config);
    this.secrets = new SecretsManagerClient(config);
    this.rds = new RDSClient(config);
    this.elbv2 = new ElasticLoadBalancingV2Client(config);
    this.lambda = new LambdaClient(config);
    this.logs = new CloudWatchLogsClient(config);
  }

  /** A stack's Terraform outputs (`terraform output -json`), as strings. */
  async outputs(stackDir: string): Promise<Record<string, string>> {
    const result = await run("terraform", ["output", "-json"], { cwd: stackDir, env: terraformEnvironment() });
    if (result.code !== 0) throw new Error(`terraform output in ${stackDir}: ${result.stderr}`);
    const parsed = JSON.parse(result.stdout) as Record<string, { value: unknown }>;
    return Object.fromEntries(Object.entries(parsed).map(([key, { value }]) => [key, String(value)]));
  }

  /** The cluster's master user and password, read from its RDS-managed master secret. */
  async masterCredentials(clusterId: string): Promise<Credentials> {
    const { DBClusters } = await this.rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: clusterId }));
    const secretArn = DBClusters?.[0]?.MasterUserSecret?.SecretArn;
    if (!secretArn) throw new Error(`cluster ${clusterId} has no managed master secret`);
    return this.secretJson<Credentials>(secretArn);
  }

  async secretJson<T>(secretId: string): Promise<T> {
    const { SecretString } = await this.secrets.send(new GetSecretValueCommand({ SecretId: secretId }));
    return JSON.parse(SecretString ?? "{}") as T;
  }

  async putSecretJson(secretId: string, value: object): Promise<void> {
    await this.secrets.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: JSON.stringify(value) }));
  }

  /** Where a DNS name leads on port 5432, as the emulator follows it (from `vpcId`: its private hosted zones first). */
  async resolve(host: string, vpcId?: string): Promise<Resolution> {
    const vpc = vpcId ? `&vpc=${encodeURIComponent(vpcId)}` : "";
    const response = await fetch(`${this.url}/_emulator/resolve?host=${encodeURIComponent(host)}&port=5432${vpc}`);
    return (await response.json()) as Resolution;
  }

  /** Runs statements from the host against the server a DNS name leads to (TLS verified against the emulator's CA). */
  async sql<R extends QueryResultRow = QueryResultRow>(host: string, user: Credentials, database: string, text: string): Promise<R[]> {
    const resolution = await this.resolve(host);
    if (!resolution.address || !resolution.ca_bundle_path) throw new Error(`${host} leads nowhere: ${resolution.reason}`);
    const client = new Client({
      host: resolution.address,
      port: 5432,
      user: user.username,
      password: user.password,
      database,
      // verify-ca: the certificate names the cluster's endpoints, not the interface endpoint's name.
      ssl: { ca: readFileSync(resolution.ca_bundle_path, "utf8"), checkServerIdentity: () => undefined },
      connectionTimeoutMillis: 5000,
    });
    await client.connect();
    try {
      const results = await client.query<R>(text);
      const last = Array.isArray(results) ? (results as { rows: R[] }[]).at(-1) : results;
      return last?.rows ?? [];
    } finally {
      await client.end();
    }
  }

  /** Creates a Node.js function in the given subnets that runs one statement through an endpoint secret's host. */
  async createProbeFunction(name: string, roleArn: string, subnetIds: string[], securityGroupIds: string[]): Promise<void> {
    const dir = mkdtempSync(join(tmpdir(), "lab-probe-"));
    writeFileSync(join(dir, "index.js"), PROBE_FUNCTION_SOURCE);
    await promisify(execFile)("python3", ["-m", "zipfile", "-c", join(dir, "probe.zip"), "index.js"], { cwd: dir });
    await this.lambda.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Runtime: "nodejs20.x",
        Handler: "index.handler",
        Role: roleArn,
        Timeout: 15,
        Code: { ZipFile: readFileSync(join(dir, "probe.zip")) },
        VpcConfig: { SubnetIds: subnetIds, SecurityGroupIds: securityGroupIds },
      }),
    );
  }

  /** Deletes the probe function and the log group its invocations made. */
  async deleteProbeFunction(name: string): Promise<void> {
    await this.lambda.send(new DeleteFunctionCommand({ FunctionName: name }));
    await this.logs.send(new DeleteLogGroupCommand({ logGroupName: `/aws/lambda/${name}` }));
  }

  /** Invokes the probe function; its result, or the error it failed with. */
  async probe(name: string, secretArn: string, sql: string): Promise<{ rows?: QueryResultRow[]; error?: string }> {
    const response = await this.lambda.send(
      new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify({ secretArn, sql })) }),
    );
    const payload = JSON.parse(Buffer.from(response.Payload ?? new Uint8Array()).toString("utf8") || "{}") as {
      rows?: QueryResultRow[];
      errorMessage?: string;
    };
    return response.FunctionError ? { error: payload.errorMessage ?? response.FunctionError } : { rows: payload.rows };
  }

  /** Starts DMS's connection test and waits for its outcome. */
  async testConnection(replicationInstanceArn: string, endpointArn: string): Promise<Connection> {
    await this.dms.send(new TestConnectionCommand({ ReplicationInstanceArn: replicationInstanceArn, EndpointArn: endpointArn }));
    return eventually(`the connection test of ${endpointArn}`, async () => {
      const { Connections } = await this.dms.send(
        new DescribeConnectionsCommand({
          Filters: [
            { Name: "endpoint-arn", Values: [endpointArn] },
            { Name: "replication-instance-arn", Values: [replicationInstanceArn] },
          ],
        }),
      );
      const connection = Connections?.[0];
      return connection && connection.Status !== "testing" ? connection : undefined;
    });
  }

  async task(taskArn: string): Promise<ReplicationTask> {
    const { ReplicationTasks } = await this.dms.send(
      new DescribeReplicationTasksCommand({ Filters: [{ Name: "replication-task-arn", Values: [taskArn] }] }),
    );
    const task = ReplicationTasks?.[0];
    if (!task) throw new Error(`no replication task ${taskArn}`);
    return task;
  }

  /** Waits until the task reports one of `statuses`; fails at once on `failed` unless that is awaited. */
  async taskReaches(taskArn: string, ...statuses: string[]): Promise<ReplicationTask> {
    return eventually(`task ${taskArn} to be ${statuses.join(" or ")}`, async () => {
      const task = await this.task(taskArn);
      if (task.Status === "failed" && !statuses.includes("failed")) throw new Error(`task failed: ${task.LastFailureMessage}`);
      return statuses.includes(task.Status ?? "") ? task : undefined;
    });
  }

  async tableStatistics(taskArn: string): Promise<TableStatistics[]> {
    const { TableStatistics } = await this.dms.send(new DescribeTableStatisticsCommand({ ReplicationTaskArn: taskArn }));
    return TableStatistics ?? [];
  }

  async startTask(taskArn: string, type: StartReplicationTaskTypeValue): Promise<void> {
    await this.dms.send(new StartReplicationTaskCommand({ ReplicationTaskArn: taskArn, StartReplicationTaskType: type }));
  }

  async stopTask(taskArn: string): Promise<void> {
    await this.dms.send(new StopReplicationTaskCommand({ ReplicationTaskArn: taskArn }));
  }

  /** A full-load-and-cdc task between the lab's endpoints, with the given table mappings. */
  async createTask(id: string, outputs: Record<string, string>, tableMappings: object): Promise<string> {
    const { ReplicationTask } = await this.dms.send(
      new CreateReplicationTaskCommand({
        ReplicationTaskIdentifier: id,
        ReplicationInstanceArn: outputs.replication_instance_arn,
        SourceEndpointArn: outputs.source_endpoint_arn,
        TargetEndpointArn: outputs.target_endpoint_arn,
        MigrationType: "full-load-and-cdc",
        TableMappings: JSON.stringify(tableMappings),
      }),
    );
    const arn = ReplicationTask?.ReplicationTaskArn;
    if (!arn) throw new Error(`CreateReplicationTask ${id} returned no ARN`);
    await this.taskReaches(arn, "ready");
    return arn;
  }

  async deleteTask(taskArn: string): Promise<void> {
    await this.dms.send(new DeleteReplicationTaskCommand({ ReplicationTaskArn: taskArn }));
  }

  /** The subnets and security groups of a replication instance: where DMS sits in the DMS VPC. */
  async replicationSubnetGroup(instanceArn: string): Promise<{ subnetIds: string[]; securityGroupIds: string[] }> {
    const { ReplicationInstances } = await this.dms.send(
      new DescribeReplicationInstancesCommand({ Filters: [{ Name: "replication-instance-arn", Values: [instanceArn] }] }),
    );
    const instance = ReplicationInstances?.[0];
    const subnetIds = (instance?.ReplicationSubnetGroup?.Subnets ?? []).flatMap((subnet) => subnet.SubnetIdentifier ?? []);
    const securityGroupIds = (instance?.VpcSecurityGroups ?? []).flatMap((group) => group.VpcSecurityGroupId ?? []);
    return { subnetIds, securityGroupIds };
  }

  async functionRole(functionName: string): Promise<string> {
    const { Configuration } = await this.lambda.send(new GetFunctionCommand({ FunctionName: functionName }));
    if (!Configuration?.Role) throw new Error(`function ${functionName} has no role`);
    return Configuration.Role;
  }

  private async targetGroupArn(name: string): Promise<string> {
    const { TargetGroups } = await this.elbv2.send(new DescribeTargetGroupsCommand({ Names: [name] }));
    const arn = TargetGroups?.[0]?.TargetGroupArn;
    if (!arn) throw new Error(`no target group ${name}`);
    return arn;
  }

  /** The targets registered in a target group (IP and port). */
  async registeredTargets(name: string): Promise<TargetDescription[]> {
    const TargetGroupArn = await this.targetGroupArn(name);
    const { TargetHealthDescriptions } = await this.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn }));
    return (TargetHealthDescriptions ?? []).flatMap((description) => (description.Target ? [description.Target] : []));
  }

  async deregisterTargets(name: string, Targets: TargetDescription[]): Promise<void> {
    await this.elbv2.send(new DeregisterTargetsCommand({ TargetGroupArn: await this.targetGroupArn(name), Targets }));
  }

  async registerTargets(name: string, Targets: TargetDescription[]): Promise<void> {
    await this.elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: await this.targetGroupArn(name), Targets }));
  }

  /** The emulator's PostgreSQL servers and its directory of their data (GET /_emulator/postgres-servers). */
  async postgresServers(): Promise<{ servers: { cluster_id: string }[]; directory: string | null }> {
    const response = await fetch(`${this.url}/_emulator/postgres-servers`);
    return (await response.json()) as { servers: { cluster_id: string }[]; directory: string | null };
  }

  /** The instance that is the cluster's writer, as DescribeDBClusters reports it. */
  async writer(clusterId: string): Promise<string> {
    const { DBClusters } = await this.rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: clusterId }));
    const writer = DBClusters?.[0]?.DBClusterMembers?.find((member) => member.IsClusterWriter)?.DBInstanceIdentifier;
    if (!writer) throw new Error(`cluster ${clusterId} has no writer`);
    return writer;
  }

  async failover(clusterId: string, targetInstance: string): Promise<void> {
    await this.rds.send(new FailoverDBClusterCommand({ DBClusterIdentifier: clusterId, TargetDBInstanceIdentifier: targetInstance }));
  }

  /** The RDS instance whose address an interface endpoint's target group holds (from the name's chain). */
  async instanceBehind(endpointDns: string): Promise<string | undefined> {
    const { chain } = await this.resolve(endpointDns);
    const link = chain.find((step) => step.startsWith("rds instance "));
    return link?.slice("rds instance ".length).split(".")[0];
  }

  /** Starts a rotation of a secret (it runs in the background, as on AWS). */
  async rotate(secretId: string): Promise<void> {
    await this.secrets.send(new RotateSecretCommand({ SecretId: secretId }));
  }

  private readonly emptySecrets = new Map<string, string>();

  /** A source endpoint like `likeEndpointArn` (same access role) whose secret has no value; its ARN. */
  async emptyEndpoint(id: string, likeEndpointArn: string): Promise<string> {
    const { Endpoints } = await this.dms.send(
      new DescribeEndpointsCommand({ Filters: [{ Name: "endpoint-arn", Values: [likeEndpointArn] }] }),
    );
    const roleArn = Endpoints?.[0]?.PostgreSQLSettings?.SecretsManagerAccessRoleArn;
    const { ARN: secretArn } = await this.secrets.send(new CreateSecretCommand({ Name: `${id}-secret` }));
    const { Endpoint } = await this.dms.send(
      new CreateEndpointCommand({
        EndpointIdentifier: id,
        EndpointType: "source",
        EngineName: "aurora-postgresql",
        DatabaseName: "demo_db",
        SslMode: "require",
        PostgreSQLSettings: { SecretsManagerSecretId: secretArn, SecretsManagerAccessRoleArn: roleArn },
      }),
    );
    if (!Endpoint?.EndpointArn || !secretArn) throw new Error(`could not create endpoint ${id}`);
    this.emptySecrets.set(Endpoint.EndpointArn, secretArn);
    return Endpoint.EndpointArn;
  }

  /** Deletes an endpoint made by emptyEndpoint, and its secret. */
  async deleteEndpoint(endpointArn: string): Promise<void> {
    await this.dms.send(new DeleteEndpointCommand({ EndpointArn: endpointArn }));
    const secretArn = this.emptySecrets.get(endpointArn);
    if (secretArn) await this.secrets.send(new DeleteSecretCommand({ SecretId: secretArn, ForceDeleteWithoutRecovery: true }));
  }

  /** Every message of every log group in the emulated account, joined. */
  async allLogMessages(): Promise<string> {
    const { logGroups } = await this.logs.send(new DescribeLogGroupsCommand({}));
    const messages: string[] = [];
    for (const group of logGroups ?? []) {
      const { events } = await this.logs.send(new FilterLogEventsCommand({ logGroupName: group.logGroupName }));
      messages.push(...(events ?? []).map((event) => event.message ?? ""));
    }
    return messages.join("\n");
  }
}
