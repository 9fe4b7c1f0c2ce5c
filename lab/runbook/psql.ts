// `lab psql <source|target> [-c <sql>]`: psql as the master user, through the interface endpoint the application uses.
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { DescribeDBClustersCommand } from "@aws-sdk/client-rds";
import { GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { PROJECT_ROOT } from "../../variables/runtime";
import { databaseOperation, type CommandOptions } from "./commands";
import type { DatabaseEndpoint, DatabaseStatus } from "./database-status";
import { NotDeployedError, UsageError, type RunbookContext } from "./context";

export type PsqlSide = "source" | "target";

/** The RDS CA bundle the lab imports into DMS, for psql's verify-full on a real account. */
export const RDS_CA_BUNDLE = join(PROJECT_ROOT, "certificates", "rds-global-bundle.pem");

/** The local port a real account's port-forward listens on, one per side so both can be open at once. */
export const FORWARD_PORTS: Record<PsqlSide, number> = { source: 15432, target: 15433 };

async function endpointOf(context: RunbookContext, side: PsqlSide): Promise<DatabaseEndpoint> {
  const status = await databaseOperation<DatabaseStatus>(context, { operation: "status" });
  const endpoint = status[side]?.endpoint;
  if (!endpoint) throw new Error(`db-ops did not report the ${side}'s endpoint`);
  return endpoint;
}

async function masterSecretArn(context: RunbookContext, side: PsqlSide): Promise<string> {
  const cluster = context.names[side].cluster;
  const { DBClusters } = await context.clients.rds
    .send(new DescribeDBClustersCommand({ DBClusterIdentifier: cluster }))
    .catch(() => ({ DBClusters: [] }));
  const arn = DBClusters?.[0]?.MasterUserSecret?.SecretArn;
  if (!arn) throw new NotDeployedError(`cluster ${cluster} is not deployed (or has no RDS-managed master secret)`);
  return arn;
}

const shellQuote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

/**
 * The commands a person runs on a real account: a Session Manager port-forward to the side's interface endpoint
 * through the bastion, then psql to it with the master password read from its secret into the environment only.
 */
export function realAccountCommands(
  context: RunbookContext,
  side: PsqlSide,
  endpoint: DatabaseEndpoint,
  secretArn: string,
  sql: string | undefined,
): string[] {
  const region = context.deployment.region;
  const port = FORWARD_PORTS[side];
  const bastion =
    `$(aws ec2 describe-instances --region ${region} --filters Name=tag:Name,Values=${context.names.bastion} ` +
    `Name=instance-state-name,Values=running --query 'Reservations[0].Instances[0].InstanceId' --output text)`;
  const parameters = JSON.stringify({ host: [endpoint.host], portNumber: [String(endpoint.port)], localPortNumber: [String(port)] });
  const secret = (field: string) =>
    `$(aws secretsmanager get-secret-value --region ${region} --secret-id ${secretArn} --query SecretString --output text | ` +
    `python3 -c 'import json,sys; print(json.load(sys.stdin)["${field}"])')`;
  return [
    `aws ssm start-session --region ${region} --target ${bastion} --document-name AWS-StartPortForwardingSessionToRemoteHost --parameters ${shellQuote(parameters)}`,
    `PGPASSWORD="${secret("password")}" psql "host=${endpoint.host} hostaddr=127.0.0.1 port=${port} dbname=${endpoint.database} ` +
      `user=${secret("username")} sslmode=verify-full sslrootcert=${RDS_CA_BUNDLE}"` +
      (sql === undefined ? "" : ` -c ${shellQuote(sql)}`),
  ];
}

interface Resolution {
  readonly address: string | null;
  readonly ca_bundle_path: string | null;
  readonly reason: string | null;
}

/** Runs psql on `conninfo` and returns its exit code. */
function runPsql(conninfo: string, password: string | undefined, sql: string | undefined): Promise<number> {
  const child = spawn("psql", [conninfo, ...(sql === undefined ? [] : ["-c", sql])], {
    stdio: "inherit",
    // The password goes to psql in its environment only: never on the command line (ps shows that) or in a file.
    env: { ...process.env, PGPASSWORD: password ?? "" },
  });
  return new Promise((resolve, reject) => {
    child.on("error", (error) =>
      reject(new Error(`psql: ${error.message}; install the PostgreSQL client (apt-get install postgresql-client)`)),
    );
    child.on("exit", (code) => resolve(code ?? 1));
  });
}

async function localPsql(
  context: RunbookContext,
  side: PsqlSide,
  endpoint: DatabaseEndpoint,
  secretArn: string,
  sql?: string,
): Promise<number> {
  const response = await fetch(`${context.emulatorUrl}/_emulator/resolve?host=${encodeURIComponent(endpoint.host)}&port=${endpoint.port}`);
  const resolution = (await response.json()) as Resolution;
  if (!resolution.address || !resolution.ca_bundle_path) throw new NotDeployedError(`${endpoint.host} leads nowhere: ${resolution.reason}`);
  const { SecretString } = await context.clients.secrets.send(new GetSecretValueCommand({ SecretId: secretArn }));
  const master = JSON.parse(SecretString ?? "{}") as { username?: string; password?: string };
  // As DMS reaches it: by the cluster's name, at its address on this machine, the server verified by that name.
  const conninfo =
    `host=${endpoint.host} hostaddr=${resolution.address} port=${endpoint.port} dbname=${endpoint.database} ` +
    `user=${master.username ?? ""} sslmode=verify-full sslrootcert=${resolution.ca_bundle_path}`;
  context.say(`psql "${conninfo}"  (${side}, ${context.names[side].cluster}, master user; password from its secret)`);
  return runPsql(conninfo, master.password, sql);
}

/** Waits for the port-forward to say it listens (the plugin prints "Waiting for connections..."). */
function listening(child: ReturnType<typeof spawn>, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => reject(new Error(`the port-forward did not open within ${timeoutMs / 1000} s:\n${seen}`)), timeoutMs);
    child.stdout?.on("data", (chunk: Buffer) => {
      seen += chunk.toString("utf8");
      if (/Waiting for connections/i.test(seen)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the port-forward ended (exit ${code ?? "?"}):\n${seen}`));
    });
  });
}

/** With the plugin there: opens the port-forward, runs psql through it, closes the forward. */
async function forwardedPsql(
  context: RunbookContext,
  side: PsqlSide,
  endpoint: DatabaseEndpoint,
  secretArn: string,
  sql?: string,
): Promise<number> {
  const region = context.deployment.region;
  const found = spawnSync(
    "aws",
    [
      "ec2",
      "describe-instances",
      "--region",
      region,
      "--filters",
      `Name=tag:Name,Values=${context.names.bastion}`,
      "Name=instance-state-name,Values=running",
      "--query",
      "Reservations[0].Instances[0].InstanceId",
      "--output",
      "text",
    ],
    { encoding: "utf8" },
  );
  const bastion = found.stdout?.trim();
  if (found.status !== 0 || !bastion || bastion === "None")
    throw new NotDeployedError(`no running bastion ${context.names.bastion} in ${region}`);
  const port = FORWARD_PORTS[side];
  const forward = spawn(
    "aws",
    [
      "ssm",
      "start-session",
      "--region",
      region,
      "--target",
      bastion,
      "--document-name",
      "AWS-StartPortForwardingSessionToRemoteHost",
      "--parameters",
      JSON.stringify({ host: [endpoint.host], portNumber: [String(endpoint.port)], localPortNumber: [String(port)] }),
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  try {
    await listening(forward, 60_000);
    const { SecretString } = await context.clients.secrets.send(new GetSecretValueCommand({ SecretId: secretArn }));
    const master = JSON.parse(SecretString ?? "{}") as { username?: string; password?: string };
    // The cluster's name as host (what the RDS certificate names), the forward's address as hostaddr.
    const conninfo =
      `host=${endpoint.host} hostaddr=127.0.0.1 port=${port} dbname=${endpoint.database} user=${master.username ?? ""} ` +
      `sslmode=verify-full sslrootcert=${RDS_CA_BUNDLE}`;
    context.say(`psql "${conninfo}"  (${side} through ${bastion}; password from its secret)`);
    return await runPsql(conninfo, master.password, sql);
  } finally {
    forward.kill();
  }
}

export async function psql(context: RunbookContext, options: CommandOptions = {}): Promise<number> {
  const side = options.side;
  if (side !== "source" && side !== "target") throw new UsageError("psql needs a side: npm run lab -- psql <source|target> [-c <sql>]");
  const endpoint = await endpointOf(context, side);
  const secretArn = await masterSecretArn(context, side);
  if (context.emulatorUrl) return localPsql(context, side, endpoint, secretArn, options.sql);
  if (spawnSync("session-manager-plugin", ["--version"], { stdio: "ignore" }).status === 0) {
    return forwardedPsql(context, side, endpoint, secretArn, options.sql);
  }
  const [forward, client] = realAccountCommands(context, side, endpoint, secretArn, options.sql);
  context.say(
    "The Session Manager plugin is not installed here (https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-install-plugin.html). " +
      "Install it and run this command again, or run these in two shells (the first keeps the port-forward open):",
  );
  context.say(`  ${forward}`);
  context.say(`  ${client}`);
  return 0;
}
