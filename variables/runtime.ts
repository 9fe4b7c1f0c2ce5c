// The one place that reads process.env: where deployment files live, the emulator's address, where state goes.
import { resolve } from "node:path";

/** Settings of this run (not of a deployment): they change where things are, never what is deployed. */
export interface RuntimeSettings {
  /** Folder of deployment files. `LAB_VARIABLES_DIR`, @default "<project>/variables" */
  readonly variablesDir: string;
  /** Only these deployments are synthesized (comma list). `LAB_DEPLOYMENTS`, @default all */
  readonly deploymentFilter?: readonly string[];
  /** Overrides the emulator URL of deployments that name an emulator. `LAB_EMULATOR_URL` */
  readonly emulatorUrl?: string;
  /** Folder of local-backend state files. `LAB_STATE_DIR`, @default "<project>/.lab/state" */
  readonly stateDir: string;
}

export const PROJECT_ROOT = resolve(__dirname, "..");

export function readRuntimeSettings(env: NodeJS.ProcessEnv = process.env): RuntimeSettings {
  const filter = env.LAB_DEPLOYMENTS?.split(",")
    .map((name) => name.trim())
    .filter(Boolean);
  return {
    variablesDir: resolve(env.LAB_VARIABLES_DIR ?? resolve(PROJECT_ROOT, "variables")),
    deploymentFilter: filter && filter.length > 0 ? filter : undefined,
    emulatorUrl: env.LAB_EMULATOR_URL || undefined,
    stateDir: resolve(env.LAB_STATE_DIR ?? resolve(PROJECT_ROOT, ".lab", "state")),
  };
}
