// Builds every deployment's stacks into an app; shared by main.ts, the tests and the benchmarks.
import type { App } from "cdktf";
import { loadDeployments } from "../variables/load";
import type { RuntimeSettings } from "../variables/runtime";
import type { Deployment } from "../variables/schema";
import type { TerraformStack } from "cdktf";
import { AccountStack } from "./account-stack";
import { DataStack } from "./data-stack";
import { LabStack } from "./lab-stack";
import { MigrationStack } from "./migration-stack";

/** The stacks of one deployment, in deploy order. */
export interface DeploymentStacks {
  readonly deployment: Deployment;
  /** Only when the deployment creates the account-wide DMS roles. */
  readonly account?: AccountStack;
  /** Only with `encryption.dataKeyStack`: the deployment's key, which a lab destroy never touches. */
  readonly data?: DataStack;
  readonly lab: LabStack;
  /** Tasks, alarms and the cutover switch; deploys after (and destroys before) the lab, on its own. */
  readonly migration: MigrationStack;
  /** Every stack above, in the order they deploy. */
  readonly all: readonly TerraformStack[];
}

export function buildDeployment(app: App, deployment: Deployment, runtime: RuntimeSettings): DeploymentStacks {
  const account = deployment.dms.serviceRoles === "create" ? new AccountStack(app, { deployment, runtime }) : undefined;
  const data = deployment.encryption.dataKeyStack ? new DataStack(app, { deployment, runtime }) : undefined;
  const lab = new LabStack(app, { deployment, runtime });
  if (account) lab.addDependency(account);
  // Deploy order only: the lab looks the key up by alias, so no reference crosses and `cdktf destroy
  // <name>-lab` leaves the data stack alone.
  if (data) lab.addDependency(data);
  const migration = new MigrationStack(app, { deployment, runtime });
  // Deploy order only (`cdktf deploy <name>-migration` brings the lab first): the migration stack
  // reads the lab by name, so no output or reference crosses between the two.
  migration.addDependency(lab);
  const all: TerraformStack[] = [...(account ? [account] : []), ...(data ? [data] : []), lab, migration];
  return { deployment, account, data, lab, migration, all };
}

export function buildLab(app: App, runtime: RuntimeSettings): DeploymentStacks[] {
  const deployments = loadDeployments(runtime.variablesDir).filter(
    (deployment) => !runtime.deploymentFilter || runtime.deploymentFilter.includes(deployment.name),
  );
  if (runtime.deploymentFilter) {
    const missing = runtime.deploymentFilter.filter((name) => !deployments.some((deployment) => deployment.name === name));
    if (missing.length) {
      throw new Error(`LAB_DEPLOYMENTS names ${missing.join(", ")}, which has no file in ${runtime.variablesDir}`);
    }
  }
  return deployments.map((deployment) => buildDeployment(app, deployment, runtime));
}
