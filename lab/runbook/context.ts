// Where a runbook command runs: the deployment, its region and names, and AWS clients for it (the emulator or a real account).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { DatabaseMigrationServiceClient } from "@aws-sdk/client-database-migration-service";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { RDSClient } from "@aws-sdk/client-rds";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SSMClient } from "@aws-sdk/client-ssm";
import { labNames, type LabNames } from "../../stacks/lab-names";
import { loadDeployment } from "../../variables/load";
import { PROJECT_ROOT, readRuntimeSettings } from "../../variables/runtime";
import type { Deployment } from "../../variables/schema";
import { EmulatorProcess } from "../emulator-process";

/** A command's input was wrong (unknown deployment, task, option): one line, exit 2. */
export class UsageError extends Error {}

/** The lab is not there to act on: one line, exit 1. */
export class NotDeployedError extends Error {}

/** The deployment files: `LAB_VARIABLES_DIR`, as for `cdktf synth`, @default "<project>/variables". */
export const VARIABLES_DIR = readRuntimeSettings().variablesDir;
export const LOCAL_WORK_DIR = join(PROJECT_ROOT, ".lab");

export interface AwsClients {
  readonly cloudwatch: CloudWatchClient;
  readonly dms: DatabaseMigrationServiceClient;
  readonly lambda: LambdaClient;
  readonly rds: RDSClient;
  readonly secrets: SecretsManagerClient;
  readonly ssm: SSMClient;
}

export interface RunbookContext {
  readonly deployment: Deployment;
  readonly names: LabNames;
  readonly clients: AwsClients;
  /** The emulator's URL when the deployment runs on it. */
  readonly emulatorUrl?: string;
  /** The deployment's file, where `cutover` records which side db_url points at. */
  readonly deploymentFile?: string;
  /** Writes one line to the operator. */
  readonly say: (line?: string) => void;
}

/** The deployment files' names, for an error that lists the valid choices. */
export function deploymentNames(variablesDir = VARIABLES_DIR): string[] {
  return ["local", "dev", "prod"].filter((name) => existsSync(join(variablesDir, `${name}.json`)));
}

export function deploymentFileOf(name: string, variablesDir = VARIABLES_DIR): string {
  return join(variablesDir, `${name}.json`);
}

export function loadNamedDeployment(name: string, variablesDir = VARIABLES_DIR): Deployment {
  const file = deploymentFileOf(name, variablesDir);
  if (!existsSync(file)) {
    throw new UsageError(`unknown deployment "${name}"; choose one of: ${deploymentNames(variablesDir).join(", ")}`);
  }
  return loadDeployment(file);
}

/**
 * Clients for the deployment: on the emulator (a deployment with an `emulator` block) the running
 * local lab's emulator and its test credentials; otherwise the standard AWS credential chain in the
 * deployment's region. `emulator` names another emulator than the local lab's (the integration tier's).
 */
export function createContext(
  deployment: Deployment,
  say: (line?: string) => void,
  emulator?: { readonly url: string },
  deploymentFile?: string,
): RunbookContext {
  let emulatorUrl = emulator?.url;
  if (deployment.emulator && emulatorUrl === undefined) {
    const status = new EmulatorProcess(LOCAL_WORK_DIR).status();
    if (status.state !== "running") throw new NotDeployedError("the local lab is not running; start it with `npm start`");
    emulatorUrl = status.record.url;
  }
  const config = {
    region: deployment.region,
    ...(emulatorUrl ? { endpoint: emulatorUrl, credentials: { accessKeyId: "test", secretAccessKey: "test" } } : {}),
  };
  return {
    deployment,
    names: labNames(deployment.name),
    emulatorUrl,
    deploymentFile,
    say,
    clients: {
      cloudwatch: new CloudWatchClient(config),
      dms: new DatabaseMigrationServiceClient(config),
      lambda: new LambdaClient(config),
      rds: new RDSClient(config),
      secrets: new SecretsManagerClient(config),
      ssm: new SSMClient(config),
    },
  };
}
