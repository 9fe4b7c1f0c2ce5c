// What every db-ops operation is given: validated configuration, clients, and a log that redacts secrets.
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { DbOpsConfig, Side, SideConfig } from "./config";
import type { Connect } from "./connect";
import type { UserSettings } from "./grants";
import type { Redactor } from "./secrets";

/** Receives progress notes; the handler redacts and writes them as JSON lines. */
export type OpsLog = (message: string, fields?: Record<string, unknown>) => void;

export interface DbOpsContext {
  readonly config: DbOpsConfig;
  readonly secretsManager: SecretsManagerClient;
  readonly connect: Connect;
  readonly redactor: Redactor;
  readonly log: OpsLog;
}

export function sideConfig(config: DbOpsConfig, side: Side): SideConfig {
  return side === "source" ? config.source : config.target;
}

export function userSettings(config: DbOpsConfig, side: Side): UserSettings {
  const { dmsUser, database } = sideConfig(config, side);
  return { side, user: dmsUser, database, migratedSchemas: config.migratedSchemas, heartbeatSchema: config.heartbeatSchema };
}
