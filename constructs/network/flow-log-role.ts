// The role VPC Flow Logs assumes to write the lab's flow logs to CloudWatch Logs, held to this account's flow logs.
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Construct } from "constructs";
import { AwsEnvironment } from "../aws-environment";
import { nameTag } from "../naming";

export interface FlowLogRoleProps {
  /** Role name, e.g. `dev-flow-logs`. */
  readonly name: string;
  /** Names of the log groups it may write (see `flowLogGroupName`). */
  readonly logGroupNames: readonly string[];
}

/**
 * One role for the three VPCs. Its trust follows the VPC guide's confused-deputy advice: only VPC
 * Flow Logs, only for this account's flow logs in this region.
 */
export class FlowLogRole extends Construct {
  readonly role: IamRole;
  readonly roleArn: string;

  constructor(scope: Construct, id: string, props: FlowLogRoleProps) {
    super(scope, id);
    const environment = AwsEnvironment.of(this);
    const trust = new DataAwsIamPolicyDocument(this, "Trust", {
      statement: [
        {
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["vpc-flow-logs.amazonaws.com"] }],
          condition: [
            { test: "StringEquals", variable: "aws:SourceAccount", values: [environment.accountId] },
            { test: "ArnLike", variable: "aws:SourceArn", values: [environment.arn({ service: "ec2", resource: "vpc-flow-log/*" })] },
          ],
        },
      ],
    });
    this.role = new IamRole(this, "Resource", {
      name: props.name,
      description: `${props.name}: VPC Flow Logs writes the lab's flow logs`,
      assumeRolePolicy: trust.json,
      tags: nameTag(props.name),
    });
    this.roleArn = this.role.arn;
    const logGroups = props.logGroupNames.map((name) => environment.arn({ service: "logs", resource: `log-group:${name}` }));
    const permissions = new DataAwsIamPolicyDocument(this, "Permissions", {
      statement: [
        {
          sid: "WriteLabFlowLogs",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
          resources: logGroups.flatMap((group) => [group, `${group}:*`]),
        },
        // DescribeLogGroups lists the account's groups; it takes a log-group resource, so the region's groups of this account.
        {
          sid: "FindLogGroups",
          actions: ["logs:DescribeLogGroups"],
          resources: [environment.arn({ service: "logs", resource: "log-group:*" })],
        },
      ],
    });
    new IamRolePolicy(this, "Policy", { name: "flow-logs", role: this.role.id, policy: permissions.json });
  }
}
