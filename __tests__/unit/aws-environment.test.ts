// AwsEnvironment: account, partition, region and ARNs from the stack, with one lookup per stack made only when asked.
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Testing, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { describe, expect, it } from "vitest";
import { AwsEnvironment } from "../../constructs/aws-environment";
import { shipped, synthesize } from "../helpers/synth";

function stackWithProvider(region = "eu-west-1") {
  const stack = new TerraformStack(Testing.app(), "environment");
  new AwsProvider(stack, "aws", { region });
  return stack;
}

describe("AwsEnvironment", () => {
  it("takes the region from the stack's AWS provider", () => {
    expect(AwsEnvironment.of(new Construct(stackWithProvider("ap-south-1"), "Deep")).region).toBe("ap-south-1");
  });

  it("formats ARNs from the stack's partition and account lookups", () => {
    const stack = stackWithProvider();
    const environment = AwsEnvironment.of(stack);
    const partition = "${data.aws_partition.Partition.partition}";
    const account = "${data.aws_caller_identity.Account.account_id}";
    new TerraformOutput(stack, "cluster", { value: environment.arn({ service: "rds", resource: "cluster:dev-source" }) });
    new TerraformOutput(stack, "root", { value: environment.accountRootArn });
    new TerraformOutput(stack, "policy", { value: environment.managedPolicyArn("service-role/AmazonDMSVPCManagementRole") });
    const outputs = synthesize(stack).output ?? {};
    expect(outputs.cluster.value).toBe(`arn:${partition}:rds:eu-west-1:${account}:cluster:dev-source`);
    expect(outputs.root.value).toBe(`arn:${partition}:iam::${account}:root`);
    expect(outputs.policy.value).toBe(`arn:${partition}:iam::aws:policy/service-role/AmazonDMSVPCManagementRole`);
  });

  it("is one per stack, whichever construct asks, and adds each lookup once", () => {
    const stack = stackWithProvider();
    const environment = AwsEnvironment.of(new Construct(stack, "A"));
    expect(AwsEnvironment.of(new Construct(stack, "B"))).toBe(environment);
    void environment.accountId;
    void environment.accountId;
    void environment.partition;
    const synth = synthesize(stack);
    expect(Object.keys(synth.data?.aws_caller_identity ?? {})).toEqual(["Account"]);
    expect(Object.keys(synth.data?.aws_partition ?? {})).toEqual(["Partition"]);
  });

  it("adds no lookup a stack does not use", () => {
    const stack = stackWithProvider();
    void AwsEnvironment.of(stack).region;
    expect(synthesize(stack).data).toBeUndefined();
    // The account stack of an adopting deployment is not built; prod's needs account (trust) and partition (managed policies).
    expect(Object.keys(shipped("prod").account?.data?.aws_caller_identity ?? {})).toEqual(["Account"]);
    expect(Object.keys(shipped("prod").account?.data?.aws_partition ?? {})).toEqual(["Partition"]);
  });

  it("refuses a stack without an AWS provider, saying what to do", () => {
    const stack = new TerraformStack(Testing.app(), "bare");
    expect(() => AwsEnvironment.of(stack)).toThrow(
      "bare: constructs need the stack's region, but the stack has no AWS provider with a literal region; create the provider (with its region) before the constructs",
    );
  });
});
