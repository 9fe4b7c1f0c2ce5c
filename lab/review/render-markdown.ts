// The review as Markdown for a pull-request comment: header, findings first, then per-resource detail layered to fit the size limit.
import { countsLine } from "./counts";
import type { JsonValue } from "./json-value";
import type { Review, StackReview } from "./review";
import { KNOWN_AFTER_APPLY, type ReviewedChange } from "./review-model";
import type { Finding } from "./rules/rule";

/** GitHub refuses comments over 65,536 characters; this leaves room for the workflow's marker and notes. */
export const COMMENT_LIMIT = 60_000;

/**
 * How much per-resource detail the report carries, most first. Findings are in every level.
 * - `full`: every change with its changed attributes' values;
 * - `paths`: resources without a finding lose their values (paths only);
 * - `flagged`: resources without a finding are counted, not listed;
 * - `flagged-paths`: flagged resources lose their values too;
 * - `findings`: no per-resource detail at all.
 */
export const DETAIL_LEVELS = ["full", "paths", "flagged", "flagged-paths", "findings"] as const;
export type DetailLevel = (typeof DETAIL_LEVELS)[number];

export interface RenderOptions {
  /** Largest report in characters; detail is layered away until it fits. @default COMMENT_LIMIT */
  readonly limit?: number;
  /** Render at this level whatever the size (e.g. `full` for `--full`). @default the most detailed level that fits */
  readonly level?: DetailLevel;
}

const VALUE_WIDTH = 120;
/** Paths listed per resource when values are left out. */
const PATH_LIMIT = 25;

/** A value inside inline code: JSON text, shortened, with no backtick or line break to break the Markdown. */
function shown(value: JsonValue): string {
  let text = JSON.stringify(value) ?? "null";
  if (text.length > VALUE_WIDTH) text = `${text.slice(0, VALUE_WIDTH - 1)}…`;
  return `\`${text.replace(/`/g, "'")}\``;
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

function resourceLabel(address: string, physicalName?: string): string {
  return physicalName ? `${code(address)} (${code(physicalName)})` : code(address);
}

function actionLabel(change: ReviewedChange): string {
  const moved = change.previousAddress && change.previousAddress !== change.address ? `moved from ${code(change.previousAddress)}` : "";
  const kind = change.kind === "no-op" ? "" : change.kind;
  const importing = change.importing ? "import" : "";
  return [kind, moved, importing].filter(Boolean).join(", ");
}

function banner(review: Review): string {
  const changed = review.stacks.some((stack) => stack.changes.length > 0 || stack.outputChanges.length > 0);
  if (!review.highest) {
    return changed
      ? "> **No risk found** by the lab's rules. The changes are listed below."
      : "> **No changes.** Every stack matches its configuration.";
  }
  const bySeverity = new Map<string, number>();
  for (const finding of review.findings) bySeverity.set(finding.severity, (bySeverity.get(finding.severity) ?? 0) + 1);
  const tally = [...bySeverity].map(([severity, count]) => `${count} ${severity}`).join(", ");
  const plural = review.findings.length === 1 ? "finding" : "findings";
  return `> **Highest risk: ${review.highest.toUpperCase()}**: ${review.findings.length} ${plural} (${tally}).`;
}

/** The banner, and a warning that stacks are missing from it when some could not be planned yet. */
function fullBanner(review: Review): string {
  const count = review.unplanned.length;
  if (count === 0) return banner(review);
  return `${banner(review)} **${count} ${count === 1 ? "stack was" : "stacks were"} not planned yet** and ${count === 1 ? "is" : "are"} not in it (below).`;
}

function header(review: Review): string[] {
  const lines = [`## Plan review: ${code(review.deployment)}`, "", fullBanner(review), "", "| Stack | Plan |", "| --- | --- |"];
  for (const stack of review.stacks) {
    const provisional = stack.provisional.length ? " (provisional)" : "";
    lines.push(`| ${code(stack.stack)}${provisional} | ${countsLine(stack.counts)} |`);
  }
  for (const unplanned of review.unplanned) lines.push(`| ${code(unplanned.stack)} | not planned: ${unplanned.reason} |`);
  if (review.fingerprint) lines.push("", `Plans reviewed: ${code(review.fingerprint)}`);
  return lines;
}

function findingLines(finding: Finding, index: number): string[] {
  return [
    `${index + 1}. **${finding.severity.toUpperCase()}** ${code(finding.ruleId)} ${finding.category}: ${resourceLabel(finding.address, finding.physicalName)} in ${code(finding.stack)}`,
    `   ${finding.message}`,
    `   **What to do:** ${finding.advice}.`,
  ];
}

function provisionalLines(review: Review): string[] {
  return review.stacks
    .filter((stack) => stack.provisional.length > 0)
    .flatMap((stack) => [
      "",
      `### ${code(stack.stack)} is provisional`,
      "",
      "It finds the lab's resources by name when it plans; the lab's plan changes some of them, so this plan will differ once the lab is applied. Plan it again then.",
      "",
      ...stack.provisional.map((reason) => `- ${reason}`),
    ]);
}

function changeDetail(change: ReviewedChange, withValues: boolean): string[] {
  const lines = [`- ${resourceLabel(change.address, change.physicalName)}: **${actionLabel(change)}**`];
  if (change.actionReason) lines.push(`  - why: ${code(change.actionReason)}`);
  if (change.replacePaths.length) lines.push(`  - forces replacement: ${change.replacePaths.map(code).join(", ")}`);
  if (withValues) {
    // A replacement makes every computed attribute unknown: one line names them all.
    const unknown = change.attributeChanges.filter((attribute) => attribute.after === KNOWN_AFTER_APPLY);
    for (const attribute of change.attributeChanges) {
      if (attribute.after !== KNOWN_AFTER_APPLY)
        lines.push(`  - ${code(attribute.path)}: ${shown(attribute.before)} → ${shown(attribute.after)}`);
    }
    if (unknown.length) lines.push(`  - known after apply: ${unknown.map((attribute) => code(attribute.path)).join(", ")}`);
  } else if (change.changedPaths.length) {
    const listed = change.changedPaths.slice(0, PATH_LIMIT).map(code).join(", ");
    const more = change.changedPaths.length > PATH_LIMIT ? ` and ${change.changedPaths.length - PATH_LIMIT} more` : "";
    lines.push(`  - changed: ${listed}${more}`);
  }
  return lines;
}

function stackDetail(stack: StackReview, flagged: ReadonlySet<string>, level: DetailLevel): string[] {
  if (level === "findings" || (stack.changes.length === 0 && stack.outputChanges.length === 0)) return [];
  const keepsUnflagged = level === "full" || level === "paths";
  const unflaggedValues = level === "full";
  const flaggedValues = level !== "flagged-paths";
  const isFlagged = (change: ReviewedChange) => flagged.has(`${stack.stack} ${change.address}`);
  const listed = stack.changes.filter((change) => keepsUnflagged || isFlagged(change));
  const lines = ["", `#### ${code(stack.stack)}`, ""];
  for (const change of listed) lines.push(...changeDetail(change, isFlagged(change) ? flaggedValues : unflaggedValues));
  const left = stack.changes.length - listed.length;
  if (left > 0)
    lines.push(`- ${left} more ${left === 1 ? "change" : "changes"} without a finding, left out for size (the full report has them)`);
  if (stack.outputChanges.length) {
    lines.push(`- outputs: ${stack.outputChanges.map((output) => `${code(output.name)} (${output.kind})`).join(", ")}`);
  }
  // Drift follows its resource: listed when the resource is, with values when the resource has them.
  const drift = stack.drift.filter((entry) => keepsUnflagged || isFlagged(entry));
  if (drift.length) {
    lines.push(
      "",
      `Drift outside Terraform on resources this plan changes (Terraform found it while refreshing ${code(stack.stack)}):`,
      "",
    );
    for (const entry of drift) lines.push(...changeDetail(entry, isFlagged(entry) ? flaggedValues : unflaggedValues));
  }
  return lines;
}

function renderAt(review: Review, level: DetailLevel): string {
  const flagged = new Set(review.findings.map((finding) => `${finding.stack} ${finding.address}`));
  const lines = [...header(review)];
  if (review.findings.length) {
    lines.push("", `### Findings`, "");
    review.findings.forEach((finding, index) => lines.push(...findingLines(finding, index)));
  }
  lines.push(...provisionalLines(review));
  if (review.unplanned.length) {
    lines.push(
      "",
      "### Not planned yet",
      "",
      "These stacks find earlier stacks' resources by name, which do not exist until those are applied. Apply them, then review again:",
      "",
      ...review.unplanned.map((unplanned) => `- ${code(unplanned.stack)} ${unplanned.reason}`),
    );
  }
  const details = review.stacks.flatMap((stack) => stackDetail(stack, flagged, level));
  const note = level === "full" ? "" : ` (detail level \`${level}\`: less than the full report, to fit a comment)`;
  if (details.length) lines.push("", `### Changes${note}`, ...details);
  const changeCount = review.stacks.reduce((sum, stack) => sum + stack.changes.length, 0);
  if (level === "findings" && changeCount > 0) {
    lines.push(
      "",
      `### Changes${note}`,
      "",
      `Per-resource detail of ${changeCount} changes left out for size; the full report (\`--full\`) has it.`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/**
 * The most detailed rendering under the limit; when even `findings` is over it, that one (the
 * findings are never cut). With `level` set, that level whatever its size.
 */
export function renderMarkdown(review: Review, options: RenderOptions = {}): string {
  if (options.level) return renderAt(review, options.level);
  const limit = options.limit ?? COMMENT_LIMIT;
  let rendered = "";
  for (const level of DETAIL_LEVELS) {
    rendered = renderAt(review, level);
    if (rendered.length <= limit) return rendered;
  }
  return rendered;
}
