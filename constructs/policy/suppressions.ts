// Suppressing a rule on a construct (and what it contains), always with a reason that the reports list.
import type { IConstruct } from "constructs";
import { ruleById } from "./all-rules";
import type { SuppressionMatch } from "./evaluate";

const SUPPRESSION_METADATA = "lab:policy-suppression";
const MINIMUM_REASON_LENGTH = 10;

interface Suppression {
  readonly ruleId: string;
  readonly reason: string;
  /** Only findings whose problem contains this text. @default every finding of the rule */
  readonly onlyWhere?: string;
}

export interface SuppressionOptions {
  /**
   * Covers only the findings whose problem contains this text, e.g. `statement AttachToTheVpc` for
   * one statement of a policy, so a new problem elsewhere in the same resource still fails.
   * @default every finding of the rule on the construct and under it
   */
  readonly onlyWhere?: string;
}

/** A suppression as declared: on which construct, for which rule, why. */
export interface DeclaredSuppression extends Suppression {
  readonly at: string;
}

/**
 * Accepts findings of `ruleId` on `scope` and every construct under it, for the reason given. The
 * finding is still reported (as suppressed, with the reason) by `cdktf synth` and `npm run policy`.
 * Reasons for work still to do start with `open:` so they are easy to find.
 */
export function suppressPolicy(scope: IConstruct, ruleId: string, reason: string, options: SuppressionOptions = {}): void {
  if (!ruleById(ruleId)) {
    throw new Error(`Policy suppression at ${scope.node.path}: ${ruleId} is not a rule of the policy pack (see docs/policy-pack.md)`);
  }
  const trimmed = reason.trim();
  if (trimmed.length < MINIMUM_REASON_LENGTH) {
    throw new Error(
      `Policy suppression of ${ruleId} at ${scope.node.path} needs a reason of at least ${MINIMUM_REASON_LENGTH} characters, got ${JSON.stringify(reason)}; say why the finding is acceptable or what finding will fix it`,
    );
  }
  if (options.onlyWhere !== undefined && !options.onlyWhere.trim()) {
    throw new Error(
      `Policy suppression of ${ruleId} at ${scope.node.path}: onlyWhere is empty; name the text of the findings it covers, or leave it out`,
    );
  }
  scope.node.addMetadata(SUPPRESSION_METADATA, { ruleId, reason: trimmed, onlyWhere: options.onlyWhere } satisfies Suppression);
}

/** The suppression of `ruleId` covering `problem` on `construct` or its nearest ancestor that has one, or undefined. */
export function suppressionFor(construct: IConstruct, ruleId: string, problem: string): SuppressionMatch | undefined {
  const covers = (suppression: Suppression) =>
    suppression.ruleId === ruleId && (suppression.onlyWhere === undefined || problem.includes(suppression.onlyWhere));
  for (const scope of [construct, ...construct.node.scopes.slice(0, -1).reverse()]) {
    const found = scope.node.metadata.find((entry) => entry.type === SUPPRESSION_METADATA && covers(entry.data as Suppression));
    if (found) return { at: scope.node.path, reason: (found.data as Suppression).reason };
  }
  return undefined;
}

/** Every suppression declared on `scope` or under it. */
export function suppressionsIn(scope: IConstruct): DeclaredSuppression[] {
  return scope.node
    .findAll()
    .flatMap((construct) =>
      construct.node.metadata
        .filter((entry) => entry.type === SUPPRESSION_METADATA)
        .map((entry) => ({ ...(entry.data as Suppression), at: construct.node.path })),
    );
}
