// Small synthesized stacks for the policy rules' tests: Terraform JSON written by hand, checked without building constructs.
import { evaluateStack } from "../../constructs/policy/evaluate";
import type { PolicyRule } from "../../constructs/policy/rule";
import { SynthesizedStack, type TerraformConfig } from "../../constructs/policy/synthesized-stack";

type Blocks = Record<string, Record<string, TerraformConfig>>;

export interface FixtureOptions {
  /** Data sources, by type and name. @default none */
  readonly data?: Blocks;
  /** Whether the stack belongs to a production deployment. @default false */
  readonly production?: boolean;
}

/** A stack of the given resources (by type and name), as the policy pack reads a synthesized one. */
export function fixtureStack(resources: Blocks, options: FixtureOptions = {}): SynthesizedStack {
  return new SynthesizedStack("fixture", { resource: resources, data: options.data }, options.production ?? false);
}

/** `address: problem` for every finding of `rule` in the stack, sorted; empty when everything complies. */
export function problems(rule: PolicyRule, stack: SynthesizedStack): string[] {
  return evaluateStack(stack, [rule])
    .map((finding) => `${finding.address}: ${finding.problem}`)
    .sort();
}

/** A policy document data source with the given statements, and the reference to its JSON. */
export function policyDocument(name: string, statement: TerraformConfig[]): { data: Blocks; json: string } {
  return { data: { aws_iam_policy_document: { [name]: { statement } } }, json: `\${data.aws_iam_policy_document.${name}.json}` };
}

/** The data blocks of several policy documents, for one stack. */
export function documentsData(...documents: ReadonlyArray<{ data: Blocks }>): Blocks {
  return { aws_iam_policy_document: Object.assign({}, ...documents.map((document) => document.data.aws_iam_policy_document)) };
}

/** The stack's customer managed key, for resources that must reference one. */
export const KEY = { aws_kms_key: { Key: { description: "fixture key" } } };
export const KEY_ARN = "${aws_kms_key.Key.arn}";
