// Account, partition, region and ARNs of the stack a construct lives in: one lookup per stack, made when first asked.
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Token } from "cdktf";
import type { Construct } from "constructs";

/** The parts of an ARN after `arn:<partition>:`; region and account default to the stack's. */
export interface ArnComponents {
  /** e.g. `rds`, `logs`, `dms`. */
  readonly service: string;
  /** Everything after the account: `cluster:dev-source`, `log-group:*`, `root`. */
  readonly resource: string;
  /** `""` for global services such as IAM. @default the stack's region */
  readonly region?: string;
  /** `""` for AWS-owned resources, `aws` for AWS managed policies. @default the stack's account */
  readonly account?: string;
}

const environments = new WeakMap<TerraformStack, AwsEnvironment>();

/**
 * What constructs would otherwise take as `accountId`, `partition` and `region` props. The region is
 * the stack's AWS provider's (a literal, known at synth); account and partition come from data
 * sources created at the stack's root (ids `Account` and `Partition`) the first time a construct asks,
 * so a stack that needs neither has neither.
 */
export class AwsEnvironment {
  /** The environment of the stack that holds `scope`. */
  static of(scope: Construct): AwsEnvironment {
    const stack = TerraformStack.of(scope);
    let environment = environments.get(stack);
    if (!environment) {
      environment = new AwsEnvironment(stack);
      environments.set(stack, environment);
    }
    return environment;
  }

  readonly region: string;
  private callerIdentity?: DataAwsCallerIdentity;
  private partitionLookup?: DataAwsPartition;

  private constructor(private readonly stack: TerraformStack) {
    const provider = stack.node.children.find((child): child is AwsProvider => child instanceof AwsProvider);
    const region = provider?.region;
    if (!region || Token.isUnresolved(region)) {
      throw new Error(
        `${stack.node.path}: constructs need the stack's region, but the stack has no AWS provider with a literal region; create the provider (with its region) before the constructs`,
      );
    }
    this.region = region;
  }

  /** The account Terraform deploys into (`aws_caller_identity`). */
  get accountId(): string {
    this.callerIdentity ??= new DataAwsCallerIdentity(this.stack, "Account");
    return this.callerIdentity.accountId;
  }

  /** `aws`, `aws-cn` or `aws-us-gov` (`aws_partition`). */
  get partition(): string {
    this.partitionLookup ??= new DataAwsPartition(this.stack, "Partition");
    return this.partitionLookup.partition;
  }

  /** `arn:<partition>:<service>:<region>:<account>:<resource>`. */
  arn(components: ArnComponents): string {
    const region = components.region ?? this.region;
    const account = components.account ?? this.accountId;
    return `arn:${this.partition}:${components.service}:${region}:${account}:${components.resource}`;
  }

  /** The account's root principal: key and endpoint-service policies grant to it, IAM then decides. */
  get accountRootArn(): string {
    return this.arn({ service: "iam", region: "", resource: "root" });
  }

  /** An AWS managed IAM policy, e.g. `service-role/AmazonDMSVPCManagementRole`. */
  managedPolicyArn(policyName: string): string {
    return this.arn({ service: "iam", region: "", account: "aws", resource: `policy/${policyName}` });
  }
}
