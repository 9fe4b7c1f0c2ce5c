// Paired tests for the IAM policy rules: wildcards only where AWS allows nothing narrower, and confused-deputy conditions on service trust.
import { describe, expect, it } from "vitest";
import { iamNoWildcards } from "../../constructs/policy/rules/iam-no-wildcards";
import { serviceTrustConfusedDeputy } from "../../constructs/policy/rules/service-trust-confused-deputy";
import { documentsData, fixtureStack, policyDocument, problems } from "../helpers/policy-fixtures";

const SOURCE_ACCOUNT = { test: "StringEquals", variable: "aws:SourceAccount", values: ["${data.aws_caller_identity.Account.account_id}"] };

describe("LAB-IAM1 no wildcard action or resource where resource-level permissions exist", () => {
  it('accepts named actions on named resources, and "*" only for actions listed as having no resource type', () => {
    const document = policyDocument("Permissions", [
      { sid: "ReadSecrets", actions: ["secretsmanager:GetSecretValue"], resources: ["${aws_secretsmanager_secret.Dms.arn}"] },
      {
        sid: "Describe",
        actions: ["ec2:DescribeNetworkInterfaces", "elasticloadbalancing:DescribeTargetHealth", "dms:DescribeReplicationTasks"],
        resources: ["*"],
      },
      { sid: "DescribeAll", actions: ["ec2:Describe*"], resources: ["*"] },
      { sid: "DenyEverythingElse", effect: "Deny", actions: ["*"], resources: ["*"] },
    ]);
    const stack = fixtureStack(
      { aws_iam_role_policy: { Policy: { policy: document.json } }, aws_iam_role: { Role: { assume_role_policy: "{}" } } },
      { data: document.data },
    );
    expect(problems(iamNoWildcards, stack)).toEqual([]);
  });

  it('finds wildcard actions, "*" on actions that take a resource, NotAction and NotResource', () => {
    const document = policyDocument("Permissions", [
      { sid: "Admin", actions: ["s3:*"], resources: ["arn:aws:s3:::bucket/*"] },
      { sid: "Stats", actions: ["dms:DescribeTableStatistics", "dms:DescribeEndpoints"], resources: ["*"] },
      { sid: "Inverted", not_actions: ["iam:*"], not_resources: ["arn:aws:iam::*:role/admin"] },
    ]);
    const stack = fixtureStack({ aws_iam_role_policy: { Policy: { policy: document.json } } }, { data: document.data });
    expect(problems(iamNoWildcards, stack)).toEqual([
      "aws_iam_role_policy.Policy: statement Admin allows wildcard actions s3:*",
      "aws_iam_role_policy.Policy: statement Inverted uses NotAction, which allows every other action",
      "aws_iam_role_policy.Policy: statement Inverted uses NotResource, which allows every other resource",
      'aws_iam_role_policy.Policy: statement Stats allows dms:DescribeTableStatistics on Resource "*", though they support resource-level permissions',
    ]);
  });

  it("reads literal JSON policies (managed policies, role inline policies) and finds what cannot be read", () => {
    const stack = fixtureStack({
      aws_iam_policy: { Literal: { policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }) } },
      aws_iam_role: {
        Inline: {
          assume_role_policy: "{}",
          inline_policy: [
            { name: "fine", policy: JSON.stringify({ Statement: { Effect: "Allow", Action: "sts:GetCallerIdentity", Resource: "*" } }) },
          ],
        },
      },
      aws_iam_user_policy: { Computed: { policy: "${jsonencode(local.policy)}" } },
    });
    expect(problems(iamNoWildcards, stack)).toEqual([
      "aws_iam_policy.Literal: a statement allows wildcard actions *",
      "aws_iam_user_policy.Computed: the policy cannot be read at synth; write it with aws_iam_policy_document so it can be checked",
    ]);
  });
});

describe("LAB-IAM2 service trust policies carry confused-deputy conditions", () => {
  it("accepts service trust with aws:SourceAccount or aws:SourceArn, EC2 instance roles, and roles for people", () => {
    const lambdaTrust = policyDocument("LambdaTrust", [
      {
        actions: ["sts:AssumeRole"],
        principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }],
        condition: [SOURCE_ACCOUNT],
      },
    ]);
    const dmsTrust = policyDocument("DmsTrust", [
      {
        actions: ["sts:AssumeRole"],
        principals: [{ type: "Service", identifiers: ["dms.amazonaws.com"] }],
        condition: [{ test: "ArnLike", variable: "AWS:SourceArn", values: ["arn:aws:dms:eu-west-1:123456789012:*"] }],
      },
    ]);
    const ec2Trust = policyDocument("Ec2Trust", [
      { actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["ec2.amazonaws.com"] }] },
    ]);
    const stack = fixtureStack(
      {
        aws_iam_role: {
          Function: { assume_role_policy: lambdaTrust.json },
          Dms: { assume_role_policy: dmsTrust.json },
          Bastion: { assume_role_policy: ec2Trust.json },
          Operator: {
            assume_role_policy: JSON.stringify({
              Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "sts:AssumeRole" }],
            }),
          },
        },
      },
      { data: documentsData(lambdaTrust, dmsTrust, ec2Trust) },
    );
    expect(problems(serviceTrustConfusedDeputy, stack)).toEqual([]);
  });

  it("finds every service that may assume a role without a condition, in documents and in literal JSON", () => {
    const trust = policyDocument("Trust", [
      { actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["dms.amazonaws.com", "ec2.amazonaws.com"] }] },
    ]);
    const stack = fixtureStack(
      {
        aws_iam_role: {
          Dms: { assume_role_policy: trust.json },
          Literal: {
            assume_role_policy: JSON.stringify({
              Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
            }),
          },
        },
      },
      { data: trust.data },
    );
    expect(problems(serviceTrustConfusedDeputy, stack)).toEqual([
      "aws_iam_role.Dms: dms.amazonaws.com may assume the role with no aws:SourceAccount or aws:SourceArn condition",
      "aws_iam_role.Literal: lambda.amazonaws.com may assume the role with no aws:SourceAccount or aws:SourceArn condition",
    ]);
  });
});
