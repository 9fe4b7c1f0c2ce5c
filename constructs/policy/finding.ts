// A finding: one rule's verdict on one resource, and the one-line message cdktf prints for it.
import type { PolicyRule } from "./rule";

export interface Finding {
  readonly rule: PolicyRule;
  /** Id of the stack the resource belongs to. */
  readonly stack: string;
  /** Construct path of the resource, e.g. `dev-lab/Source/Endpoint/Resource`. */
  readonly path: string;
  /** Terraform address, e.g. `aws_dms_endpoint.Source_Endpoint_D47F8A76`. */
  readonly address: string;
  /** What is wrong, in one sentence. */
  readonly problem: string;
  /** The reason given where the finding is suppressed; undefined when it counts. */
  readonly suppressedBecause?: string;
  /** Construct path the suppression was declared on (the resource or one of its ancestors). */
  readonly suppressedAt?: string;
}

/**
 * `error`/`warning` per the rule's severity, `suppressed` whatever the severity when a reason covers
 * it; `unused` marks a suppression that covers no finding (reported as a warning, to be deleted).
 */
export type FindingStatus = "error" | "warning" | "suppressed" | "unused";

export function statusOf(finding: Finding): FindingStatus {
  return finding.suppressedBecause !== undefined ? "suppressed" : finding.rule.severity;
}

/**
 * The annotation text: `[LAB-DMS1] error: <problem> (<address>). Fix: <fix>`, or for a suppressed
 * finding `[LAB-DMS1] suppressed: <problem> (<address>). Reason: <reason>`. The construct path is
 * the annotation's own; `npm run policy` reads these lines back with `parseFindingMessage`.
 */
export function findingMessage(finding: Finding): string {
  const status = statusOf(finding);
  const tail = status === "suppressed" ? `Reason: ${finding.suppressedBecause}` : `Fix: ${finding.rule.fix}`;
  return `[${finding.rule.id}] ${status}: ${finding.rule.title}: ${finding.problem} (${finding.address}). ${tail}`;
}

/** The warning for a suppression that matches nothing in a stack where its rule applies. */
export function unusedSuppressionMessage(ruleId: string, reason: string): string {
  return `[${ruleId}] unused: this suppression matches no finding in the stack; delete it (its reason: ${reason})`;
}

export interface ParsedFindingMessage {
  readonly ruleId: string;
  readonly status: FindingStatus;
  readonly text: string;
}

export function parseFindingMessage(message: string): ParsedFindingMessage | undefined {
  const match = /^\[(LAB-[A-Z0-9]+)\] (error|warning|suppressed|unused): (.*)$/s.exec(message);
  return match ? { ruleId: match[1], status: match[2] as FindingStatus, text: match[3] } : undefined;
}
