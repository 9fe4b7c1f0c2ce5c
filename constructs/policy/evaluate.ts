// Runs the rules on one synthesized stack: the pure core of the policy pack, shared by the synth-time aspect and the tests.
import type { Finding } from "./finding";
import type { PolicyRule } from "./rule";
import type { SynthesizedStack } from "./synthesized-stack";

/** Where a suppression was declared and why. */
export interface SuppressionMatch {
  /** Construct path of the construct the suppression was declared on. */
  readonly at: string;
  readonly reason: string;
}

/** The suppression that covers a finding of `ruleId` at construct `path` with this problem, or undefined. */
export type SuppressionLookup = (path: string, ruleId: string, problem: string) => SuppressionMatch | undefined;

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
        const suppression = suppressionOf(resource.path, rule.id, problem);
        findings.push({
          rule,
          stack: stack.name,
          path: resource.path,
          address: resource.address,
          problem,
          suppressedBecause: suppression?.reason,
          suppressedAt: suppression?.at,
        });
      }
    }
  }
  return findings;
}
