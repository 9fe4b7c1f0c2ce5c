// Builds every deployment's stacks into an app; shared by main.ts, the tests and the benchmarks.
import type { App } from "cdktf";
import { loadDeployments } from "../variables/load";
import type { RuntimeSettings } from "../variables/runtime";
import type { Deployment } from "../variables/schema";
import { LabStack } from "./lab-stack";

/** The stacks of one deployment. */
export interface DeploymentStacks {
  readonly deployment: Deployment;
  readonly lab: LabStack;
}

export function buildDeployment(app: App, deployment: Deployment, runtime: RuntimeSettings): DeploymentStacks {
  const lab = new LabStack(app, { deployment, runtime });
  return { deployment, lab };
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
