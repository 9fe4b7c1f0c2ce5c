// The `<name>-account` stack: account-wide resources a deployment creates once (the DMS service roles).
import type { Construct } from "constructs";
import { DmsServiceRoles } from "../constructs/dms/service-roles";
import { DeploymentStack, type DeploymentStackProps } from "./deployment-stack";

export function accountStackId(deploymentName: string): string {
  return `${deploymentName}-account`;
}

/**
 * A stack of its own so that destroying a lab never deletes roles other deployments in the same
 * account use. At most one deployment per account says `"serviceRoles": "create"`; the others
 * adopt (the default).
 */
export class AccountStack extends DeploymentStack {
  readonly dmsServiceRoles: DmsServiceRoles;

  constructor(scope: Construct, props: DeploymentStackProps) {
    super(scope, accountStackId(props.deployment.name), props);
    // An emulated account is thrown away with its roles; a real one shares them with every DMS user.
    this.dmsServiceRoles = new DmsServiceRoles(this, "DmsServiceRoles", { preventDestroy: !props.deployment.emulator });
  }
}
