// What a policy rule is: an id, a severity, why it matters, how to fix it, and a pure check of one synthesized resource.
import type { SynthesizedResource, SynthesizedStack } from "./synthesized-stack";

/** `error` fails `cdktf synth` and `npm run policy`; `warning` is printed. */
export type Severity = "error" | "warning";

export interface PolicyRule {
  /** Stable id, `LAB-<AREA><n>`, used in findings and suppressions. */
  readonly id: string;
  readonly severity: Severity;
  /** What the rule requires, in one line. */
  readonly title: string;
  /** Why it matters, in one paragraph. */
  readonly explanation: string;
  /** What to change when the rule finds something. */
  readonly fix: string;
  /** Cases the rule deliberately accepts, with the reason; shown in docs/policy-pack.md. @default none */
  readonly exceptions?: string;
  /** Terraform types (managed resources) the rule looks at. */
  readonly resourceTypes: readonly string[];
  /** Only checked in stacks of deployments marked production. @default false */
  readonly productionOnly?: boolean;
  /**
   * What is wrong with one resource, one sentence per problem; empty when it complies. Pure: reads the
   * resource and, for cross-resource facts, the rest of its stack.
   */
  check(resource: SynthesizedResource, stack: SynthesizedStack): readonly string[];
}
