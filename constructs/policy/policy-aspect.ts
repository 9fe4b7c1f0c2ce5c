// The policy pack at synth: an Aspect that runs every rule on each stack and reports findings as cdktf annotations.
import { AnnotationMetadataEntryType, Aspects, TerraformStack, type App, type IAspect } from "cdktf";
import type { IConstruct } from "constructs";
import { ALL_RULES } from "./all-rules";
import { evaluateStack } from "./evaluate";
import { findingMessage, statusOf, type Finding } from "./finding";
import { isProductionStack } from "./production";
import type { PolicyRule } from "./rule";
import { suppressionReason } from "./suppressions";
import { SynthesizedStack, type TerraformJson } from "./synthesized-stack";

const ANNOTATION_LEVEL = {
  error: AnnotationMetadataEntryType.ERROR,
  warning: AnnotationMetadataEntryType.WARN,
  suppressed: AnnotationMetadataEntryType.INFO,
} as const;

/** The findings of one stack, with suppressions read from its construct tree. */
export function stackFindings(stack: TerraformStack, rules: readonly PolicyRule[] = ALL_RULES): Finding[] {
  // The JSON that synth writes (with cdktf's `//` metadata naming each resource's construct path).
  const json = stack.toTerraform() as TerraformJson;
  const constructsByPath = new Map(stack.node.findAll().map((construct) => [construct.node.path, construct]));
  const synthesized = new SynthesizedStack(stack.node.id, json, isProductionStack(stack, json));
  return evaluateStack(synthesized, rules, (path, ruleId) => {
    const construct = constructsByPath.get(path);
    return construct ? suppressionReason(construct, ruleId) : undefined;
  });
}

/**
 * Runs the rules when cdktf synthesizes a stack. An unsuppressed error becomes an error annotation on
 * the resource's construct, which fails `cdktf synth` (and `app.synth()`) with the rule, the path and
 * the fix; a warning is printed; a suppressed finding is printed as info with its reason.
 */
export class PolicyAspect implements IAspect {
  constructor(private readonly rules: readonly PolicyRule[] = ALL_RULES) {}

  visit(node: IConstruct): void {
    if (!TerraformStack.isStack(node)) return;
    const constructsByPath = new Map(node.node.findAll().map((construct) => [construct.node.path, construct]));
    for (const finding of stackFindings(node, this.rules)) {
      const target = constructsByPath.get(finding.path) ?? node;
      // Metadata without a stack trace: the trace would point at this aspect, not at the resource.
      target.node.addMetadata(ANNOTATION_LEVEL[statusOf(finding)], findingMessage(finding));
    }
  }
}

/**
 * Applies the policy pack to every stack of the app. cdktf invokes aspects per stack, starting at
 * the stack (an aspect added to the App itself never runs), so this adds it to each stack the app
 * holds; call it after the last stack is added, right before `app.synth()`.
 */
export function applyPolicyPack(app: App, rules: readonly PolicyRule[] = ALL_RULES): void {
  const aspect = new PolicyAspect(rules);
  for (const stack of app.node.findAll().filter(TerraformStack.isStack)) Aspects.of(stack).add(aspect);
}
