// The policy pack at synth: an Aspect that runs every rule on each stack and reports findings as cdktf annotations.
import { AnnotationMetadataEntryType, Aspects, TerraformStack, type App, type IAspect } from "cdktf";
import type { IConstruct } from "constructs";
import { ALL_RULES } from "./all-rules";
import { deploymentSiblings } from "./deployment";
import { evaluateStack } from "./evaluate";
import { findingMessage, statusOf, unusedSuppressionMessage, type Finding } from "./finding";
import { isProductionStack } from "./production";
import type { PolicyRule } from "./rule";
import { suppressionFor, suppressionsIn, type DeclaredSuppression } from "./suppressions";
import { SynthesizedStack, type TerraformJson } from "./synthesized-stack";

const ANNOTATION_LEVEL = {
  error: AnnotationMetadataEntryType.ERROR,
  warning: AnnotationMetadataEntryType.WARN,
  suppressed: AnnotationMetadataEntryType.INFO,
  unused: AnnotationMetadataEntryType.WARN,
} as const;

/** What the pack found in one stack. */
export interface StackCheck {
  readonly findings: Finding[];
  /** Suppressions of rules that apply to the stack which cover none of its findings. */
  readonly unusedSuppressions: DeclaredSuppression[];
}

/** Runs the rules on one stack, with suppressions read from its construct tree. */
export function checkStack(stack: TerraformStack, rules: readonly PolicyRule[] = ALL_RULES): StackCheck {
  // The JSON that synth writes (with cdktf's `//` metadata naming each resource's construct path).
  const json = stack.toTerraform() as TerraformJson;
  const constructsByPath = new Map(stack.node.findAll().map((construct) => [construct.node.path, construct]));
  const synthesized = new SynthesizedStack(stack.node.id, json, isProductionStack(stack, json), () =>
    deploymentSiblings(stack).map((sibling) => {
      const siblingJson = sibling.toTerraform() as TerraformJson;
      return new SynthesizedStack(sibling.node.id, siblingJson, isProductionStack(sibling, siblingJson));
    }),
  );
  const findings = evaluateStack(synthesized, rules, (path, ruleId, problem) => {
    const construct = constructsByPath.get(path);
    return construct ? suppressionFor(construct, ruleId, problem) : undefined;
  });
  const used = new Set(findings.map((finding) => `${finding.rule.id} ${finding.suppressedAt}`));
  const applies = (ruleId: string) => rules.some((rule) => rule.id === ruleId && (!rule.productionOnly || synthesized.production));
  const unusedSuppressions = suppressionsIn(stack).filter(
    (suppression) => applies(suppression.ruleId) && !used.has(`${suppression.ruleId} ${suppression.at}`),
  );
  return { findings, unusedSuppressions };
}

/** The findings of one stack. */
export function stackFindings(stack: TerraformStack, rules: readonly PolicyRule[] = ALL_RULES): Finding[] {
  return checkStack(stack, rules).findings;
}

/**
 * Runs the rules when cdktf synthesizes a stack. An unsuppressed error becomes an error annotation on
 * the resource's construct, which fails `cdktf synth` (and `app.synth()`) with the rule, the path and
 * the fix; a warning is printed; a suppressed finding is printed as info with its reason; a
 * suppression that covers nothing is a warning, so it is deleted once its finding is fixed. The
 * stack is visited before its children, so the rules see the stack as it is when synthesis starts:
 * an aspect that changes resources further down the tree runs after this one.
 */
export class PolicyAspect implements IAspect {
  constructor(private readonly rules: readonly PolicyRule[] = ALL_RULES) {}

  visit(node: IConstruct): void {
    if (!TerraformStack.isStack(node)) return;
    const constructsByPath = new Map(node.node.findAll().map((construct) => [construct.node.path, construct]));
    const { findings, unusedSuppressions } = checkStack(node, this.rules);
    // Metadata without a stack trace: the trace would point at this aspect, not at the resource.
    for (const finding of findings) {
      const target = constructsByPath.get(finding.path) ?? node;
      target.node.addMetadata(ANNOTATION_LEVEL[statusOf(finding)], findingMessage(finding));
    }
    for (const suppression of unusedSuppressions) {
      const target = constructsByPath.get(suppression.at) ?? node;
      target.node.addMetadata(ANNOTATION_LEVEL.unused, unusedSuppressionMessage(suppression.ruleId, suppression.reason));
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
