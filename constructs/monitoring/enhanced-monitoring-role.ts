// The role RDS assumes to publish a cluster's Enhanced Monitoring (OS metrics) to CloudWatch Logs.
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Construct } from "constructs";
import { AwsEnvironment } from "../aws-environment";
import { nameTag } from "../naming";

export interface EnhancedMonitoringRoleProps {
  /** Role name, e.g. `prod-source-monitoring`. */
  readonly name: string;
}

/** Trusted by RDS's monitoring service for this account only; permissions are AWS's managed policy for it. */
export class EnhancedMonitoringRole extends Construct {
  readonly role: IamRole;
  readonly roleArn: string;

  constructor(scope: Construct, id: string, props: EnhancedMonitoringRoleProps) {
    super(scope, id);
    const environment = AwsEnvironment.of(this);
    const trust = new DataAwsIamPolicyDocument(this, "Trust", {
      statement: [
        {
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["monitoring.rds.amazonaws.com"] }],
          condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [environment.accountId] }],
        },
      ],
    });
    this.role = new IamRole(this, "Resource", {
      name: props.name,
      description: `${props.name}: RDS Enhanced Monitoring publishes OS metrics`,
      assumeRolePolicy: trust.json,
      tags: nameTag(props.name),
    });
    this.roleArn = this.role.arn;
    new IamRolePolicyAttachment(this, "ManagedPolicy", {
      role: this.role.name,
      policyArn: environment.managedPolicyArn("service-role/AmazonRDSEnhancedMonitoringRole"),
    });
  }
}
