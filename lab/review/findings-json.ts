// `--json`: the findings for other tools (rule id, severity, resource, message), from the same redacted review the Markdown comes from.
import type { Review } from "./review";

export interface FindingsDocument {
  readonly deployment: string;
  /** The worst severity found, or null when no rule fired. */
  readonly highest: string | null;
  /** The reviewed plans' fingerprint, or null when none was computed. */
  readonly fingerprint: string | null;
  readonly findings: readonly {
    readonly ruleId: string;
    readonly severity: string;
    readonly category: string;
    readonly stack: string;
    readonly resource: { readonly address: string; readonly physicalName: string | null };
    readonly message: string;
    readonly advice: string;
  }[];
}

export function findingsDocument(review: Review): FindingsDocument {
  return {
    deployment: review.deployment,
    highest: review.highest ?? null,
    fingerprint: review.fingerprint ?? null,
    findings: review.findings.map((finding) => ({
      ruleId: finding.ruleId,
      severity: finding.severity,
      category: finding.category,
      stack: finding.stack,
      resource: { address: finding.address, physicalName: finding.physicalName ?? null },
      message: finding.message,
      advice: finding.advice,
    })),
  };
}
