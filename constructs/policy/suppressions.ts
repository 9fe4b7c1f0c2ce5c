// Suppressing a rule on a construct (and what it contains), always with a reason that the reports list.
import type { IConstruct } from "constructs";
import { ruleById } from "./all-rules";
import type { SuppressionMatch } from "./evaluate";

const SUPPRESSION_METADATA = "lab:policy-suppression";
const MINIMUM_REASON_LENGTH = 10;

interface Suppression {
  readonly ruleId: string;
  readonly reason: string;
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
export function suppressPolicy(scope: IConstruct, ruleId: string, reason: string): void {
  if (!ruleById(ruleId)) {
    throw new Error(`Policy suppression at ${scope.node.path}: ${ruleId} is not a rule of the policy pack (see docs/policy-pack.md)`);
  }
  const trimmed = reason.trim();
  if (trimmed.length < MINIMUM_REASON_LENGTH) {
    throw new Error(
      `Policy suppression of ${ruleId} at ${scope.node.path} needs a reason of at least ${MINIMUM_REASON_LENGTH} characters, got ${JSON.stringify(reason)}; say why the finding is acceptable or what finding will fix it`,
    );
  }
  scope.node.addMetadata(SUPPRESSION_METADATA, { ruleId, reason: trimmed } satisfies Suppression);
}

/** The suppression of `ruleId` on `construct` or its nearest ancestor that has one, or undefined. */
export function suppressionFor(construct: IConstruct, ruleId: string): SuppressionMatch | undefined {
  for (const scope of [construct, ...construct.node.scopes.slice(0, -1).reverse()]) {
    const found = scope.node.metadata.find((entry) => entry.type === SUPPRESSION_METADATA && (entry.data as Suppression).ruleId === ruleId);
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
