// The account-wide DMS service roles (fixed names): created once per account, looked up everywhere else.
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsIamRole } from "@cdktf/provider-aws/lib/data-aws-iam-role";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Construct } from "constructs";
import { AwsEnvironment } from "../aws-environment";
import { suppressPolicy } from "../policy/suppressions";

/** DMS looks these roles up by name; there is one of each per account, whatever the deployment. */
export const DMS_SERVICE_ROLES = {
  vpc: { name: "dms-vpc-role", managedPolicy: "service-role/AmazonDMSVPCManagementRole" },
  cloudwatchLogs: { name: "dms-cloudwatch-logs-role", managedPolicy: "service-role/AmazonDMSCloudWatchLogsRole" },
} as const;

/** Creates both roles. Lives in the `<name>-account` stack so destroying a lab never removes them. */
export class DmsServiceRoles extends Construct {
  readonly roles: IamRole[];

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const environment = AwsEnvironment.of(this);
    const trust = new DataAwsIamPolicyDocument(this, "Trust", {
      statement: [{ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["dms.amazonaws.com"] }] }],
    });
    this.roles = Object.entries(DMS_SERVICE_ROLES).map(([key, role]) => {
      const resource = new IamRole(this, key, {
        name: role.name,
        description: "Account-wide role AWS DMS requires by this exact name",
        assumeRolePolicy: trust.json,
      });
      new IamRolePolicyAttachment(this, `${key}-policy`, {
        role: resource.name,
        policyArn: environment.managedPolicyArn(role.managedPolicy),
      });
      return resource;
    });
    suppressPolicy(this, "LAB-IAM2", "open: real-account-review finding 10 (DMS service-role trust without confused-deputy conditions)");
  }
}

/**
 * Reads both roles. DMS resources depend on this lookup, so they are created only once the roles
 * exist (the "dms-vpc-role is not configured properly" race), and a missing role fails the plan
 * with IAM's own message instead of failing DMS half-way.
 */
export class DmsServiceRoleLookup extends Construct {
  readonly roles: DataAwsIamRole[];

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.roles = Object.entries(DMS_SERVICE_ROLES).map(([key, role]) => new DataAwsIamRole(this, key, { name: role.name }));
  }
}
