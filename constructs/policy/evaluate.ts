// Runs the rules on one synthesized stack: the pure core of the policy pack, shared by the synth-time aspect and the tests.
import type { Finding } from "./finding";
import type { PolicyRule } from "./rule";
import type { SynthesizedStack } from "./synthesized-stack";

/** The reason a finding of `ruleId` at construct `path` is suppressed, or undefined. */
export type SuppressionLookup = (path: string, ruleId: string) => string | undefined;

const noSuppressions: SuppressionLookup = () => undefined;

export function evaluateStack(
  stack: SynthesizedStack,
  rules: readonly PolicyRule[],
  suppressionOf: SuppressionLookup = noSuppressions,
): Finding[] {
  const findings: Finding[] = [];
  for (const rule of rules) {
    if (rule.productionOnly && !stack.production) continue;
    for (const resource of stack.resources) {
      if (resource.mode !== "resource" || !rule.resourceTypes.includes(resource.type)) continue;
      for (const problem of rule.check(resource, stack)) {
        findings.push({
          rule,
          stack: stack.name,
          path: resource.path,
          address: resource.address,
          problem,
          suppressedBecause: suppressionOf(resource.path, rule.id),
        });
      }
    }
  }
  return findings;
}
