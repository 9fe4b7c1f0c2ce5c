// The `<name>-account` stack: account-wide resources a deployment creates once (the DMS service roles).
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { DmsServiceRoles } from "../constructs/dms/service-roles";
import type { RuntimeSettings } from "../variables/runtime";
import type { Deployment } from "../variables/schema";
import { createAwsProvider } from "./aws-provider";
import { configureBackend } from "./backend";

export function accountStackId(deploymentName: string): string {
  return `${deploymentName}-account`;
}

/**
 * A stack of its own so that destroying a lab never deletes roles other deployments in the same
 * account use. Exactly one deployment per account says `"serviceRoles": "create"`.
 */
export class AccountStack extends TerraformStack {
  readonly dmsServiceRoles: DmsServiceRoles;

  constructor(scope: Construct, props: { readonly deployment: Deployment; readonly runtime: RuntimeSettings }) {
    const stackId = accountStackId(props.deployment.name);
    super(scope, stackId);
    createAwsProvider(this, props.deployment, props.runtime);
    configureBackend(this, stackId, props.deployment, props.runtime);
    const partition = new DataAwsPartition(this, "Partition");
    this.dmsServiceRoles = new DmsServiceRoles(this, "DmsServiceRoles", { partition: partition.partition });
  }
}
