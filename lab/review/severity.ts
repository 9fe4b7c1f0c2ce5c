// How bad a finding is, in the order the report sorts and labels by.

export const SEVERITIES = ["critical", "high", "medium", "low"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Lower is worse: sorts critical first. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** The worst of the given severities, or undefined for none. */
export function highestSeverity(severities: readonly Severity[]): Severity | undefined {
  return [...severities].sort((left, right) => severityRank(left) - severityRank(right))[0];
}
