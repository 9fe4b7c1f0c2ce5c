// LAB-IAM2: a role that an AWS service assumes names the account (or resource) the service acts for.
import { hasConditionOn, policyStatements } from "../policy-document";
import type { PolicyRule } from "../rule";

const CONFUSED_DEPUTY_KEYS = ["aws:SourceAccount", "aws:SourceArn", "aws:SourceOrgID", "aws:SourceOrgPaths"];

/**
 * Service principals that assume roles without a source resource to name. Each entry says why.
 */
export const SERVICES_WITHOUT_SOURCE_CONTEXT: ReadonlyArray<{ readonly service: string; readonly reason: string }> = [
  {
    service: "ec2.amazonaws.com",
    reason:
      "EC2 assumes an instance profile's role for the instance itself, not on behalf of another resource; AWS documents no aws:SourceAccount/aws:SourceArn for it, and who may attach the role is governed by iam:PassRole instead",
  },
];

const isExempt = (service: string) => SERVICES_WITHOUT_SOURCE_CONTEXT.some((entry) => entry.service === service);

export const serviceTrustConfusedDeputy: PolicyRule = {
  id: "LAB-IAM2",
  severity: "error",
  title: "Service trust policies carry confused-deputy conditions",
  explanation:
    "A trust policy that lets a service principal (dms.amazonaws.com, lambda.amazonaws.com...) assume a role without aws:SourceAccount or aws:SourceArn lets that service assume it while acting for any AWS account: another customer who learns the role's ARN can make the service use it (the cross-service confused deputy). The condition ties the trust to this account or to the exact resource.",
  fix: "Add a condition on aws:SourceAccount (this account's id, data.aws_caller_identity) or aws:SourceArn (the resource's ARN pattern) to every Allow statement with a Service principal.",
  exceptions: SERVICES_WITHOUT_SOURCE_CONTEXT.map((entry) => `\`${entry.service}\`: ${entry.reason}`).join("; "),
  resourceTypes: ["aws_iam_role"],
  check(resource, stack) {
    const statements = policyStatements(resource.config.assume_role_policy, stack);
    if (!statements) return ["the trust policy cannot be read at synth; write it with aws_iam_policy_document so it can be checked"];
    return statements
      .filter((statement) => statement.effect === "Allow" && !hasConditionOn(statement, CONFUSED_DEPUTY_KEYS))
      .flatMap((statement) =>
        statement.principals.filter((principal) => principal.type === "Service").flatMap((principal) => principal.identifiers),
      )
      .filter((service) => !isExempt(service))
      .map((service) => `${service} may assume the role with no aws:SourceAccount or aws:SourceArn condition`);
  },
};
