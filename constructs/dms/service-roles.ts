// The account-wide DMS service roles (fixed names): created once per account, looked up everywhere else.
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsIamRole } from "@cdktf/provider-aws/lib/data-aws-iam-role";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Construct } from "constructs";
import { AwsEnvironment } from "../aws-environment";

/** DMS looks these roles up by name; there is one of each per account, whatever the deployment. */
export const DMS_SERVICE_ROLES = {
  vpc: { name: "dms-vpc-role", managedPolicy: "service-role/AmazonDMSVPCManagementRole" },
  cloudwatchLogs: { name: "dms-cloudwatch-logs-role", managedPolicy: "service-role/AmazonDMSCloudWatchLogsRole" },
} as const;

export interface DmsServiceRolesProps {
  /**
   * `lifecycle.prevent_destroy` on both roles: a plan that would delete them fails, because every
   * DMS user of the account relies on them. Hand them over with `terraform state rm` instead
   * (docs/real-account-review.md, finding 10). Off only where the account itself is thrown away
   * (the local emulator). @default true
   */
  readonly preventDestroy?: boolean;
}

/** Creates both roles. Lives in the `<name>-account` stack so destroying a lab never removes them. */
export class DmsServiceRoles extends Construct {
  readonly roles: IamRole[];

  constructor(scope: Construct, id: string, props: DmsServiceRolesProps = {}) {
    super(scope, id);
    const environment = AwsEnvironment.of(this);
    const trust = new DataAwsIamPolicyDocument(this, "Trust", {
      statement: [
        {
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["dms.amazonaws.com"] }],
          // DMS's confused-deputy guidance: aws:SourceAccount admits any DMS resource of this account
          // (these roles serve all of them, in every region, so no aws:SourceArn). DMS sends it from
          // engine 3.4.7 on; the lab creates instances at 3.5.4 or later.
          condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [environment.accountId] }],
        },
      ],
    });
    this.roles = Object.entries(DMS_SERVICE_ROLES).map(([key, role]) => {
      const resource = new IamRole(this, key, {
        name: role.name,
        description: "Account-wide role AWS DMS requires by this exact name",
        assumeRolePolicy: trust.json,
        lifecycle: { preventDestroy: props.preventDestroy ?? true },
      });
      new IamRolePolicyAttachment(this, `${key}-policy`, {
        role: resource.name,
        policyArn: environment.managedPolicyArn(role.managedPolicy),
      });
      return resource;
    });
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
