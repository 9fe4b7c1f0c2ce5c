// The base of every stack of a deployment: its AWS provider, its state backend and the deployment it belongs to.
import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { markDeployment } from "../constructs/policy/deployment";
import type { RuntimeSettings } from "../variables/runtime";
import type { Deployment } from "../variables/schema";
import { createAwsProvider } from "./aws-provider";
import { configureBackend } from "./backend";

export interface DeploymentStackProps {
  /** The validated deployment file this stack belongs to. */
  readonly deployment: Deployment;
  /** Where state and the emulator are for this run. */
  readonly runtime: RuntimeSettings;
}

/**
 * Provider and backend belong to the stack, never to a reusable construct: every stack of a
 * deployment gets the same region, default tags, emulator endpoints (when the file names one) and a
 * state file of its own. Constructs read account, partition and region through `AwsEnvironment.of`.
 */
export abstract class DeploymentStack extends TerraformStack {
  readonly deployment: Deployment;

  protected constructor(scope: Construct, id: string, props: DeploymentStackProps) {
    super(scope, id);
    this.deployment = props.deployment;
    // The policy pack reads a deployment's stacks together: prod-lab's key is managed in prod-data.
    markDeployment(this, props.deployment.name);
    createAwsProvider(this, props.deployment, props.runtime);
    configureBackend(this, id, props.deployment, props.runtime);
  }
}
