// The `<name>-data` stack: the deployment's KMS key and its alias, and nothing else, so that no lab destroy can reach them.
import type { Construct } from "constructs";
import type { LabKey } from "../constructs/encryption/lab-key";
import { DeploymentStack, type DeploymentStackProps } from "./deployment-stack";
import { createDeploymentKey } from "./deployment-key";

export function dataStackId(deploymentName: string): string {
  return `${deploymentName}-data`;
}

/**
 * Built when the deployment says `encryption.dataKeyStack`. The key encrypts the clusters' storage,
 * their final snapshots and the recoverable secrets; kept here, it outlives a deliberate teardown
 * of `<name>-lab`, so what that teardown leaves behind stays readable. It deploys before the lab,
 * which finds the key by alias (`KeyLookup`); nothing else that holds state belongs here.
 */
export class DataStack extends DeploymentStack {
  readonly encryptionKey: LabKey;

  constructor(scope: Construct, props: DeploymentStackProps) {
    super(scope, dataStackId(props.deployment.name), props);
    this.encryptionKey = createDeploymentKey(this, props.deployment);
  }
}
