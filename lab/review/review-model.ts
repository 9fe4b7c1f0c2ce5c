// The redacted model of a deployment's plans: the only thing the rules and the renderer ever see.
import type { ChangeKind } from "./change-kind";
import type { JsonValue } from "./json-value";

/** What every redacted value becomes. */
export const SENSITIVE = "(sensitive)";
/** What a value Terraform knows only after apply becomes. */
export const KNOWN_AFTER_APPLY = "(known after apply)";

/** One changed attribute, values redacted. */
export interface AttributeChange {
  readonly path: string;
  readonly before: JsonValue;
  readonly after: JsonValue;
}

/** One resource's planned change (or drift), values redacted. */
export interface ReviewedChange {
  readonly address: string;
  readonly previousAddress?: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly kind: ChangeKind;
  readonly actions: readonly string[];
  readonly actionReason?: string;
  /** True when the change imports an existing object into state. */
  readonly importing: boolean;
  /** Redacted values; `null` where the object does not exist (before a create, after a delete). */
  readonly before: JsonValue;
  readonly after: JsonValue;
  /** Paths whose value changes (update, replace, drift); empty for create and delete. */
  readonly changedPaths: readonly string[];
  /** The same paths with their redacted values before and after. */
  readonly attributeChanges: readonly AttributeChange[];
  /** Paths that force the replacement, as Terraform reports them. */
  readonly replacePaths: readonly string[];
  /** The name the object has in AWS (identifier, name, `Name` tag, ...), when it has one. */
  readonly physicalName?: string;
}

export interface ReviewedOutputChange {
  readonly name: string;
  readonly kind: ChangeKind;
}

/** One stack's plan, values redacted. */
export interface ReviewedStackPlan {
  readonly stack: string;
  readonly changes: readonly ReviewedChange[];
  readonly drift: readonly ReviewedChange[];
  /** Output changes by name only: an output's value never reaches the report. */
  readonly outputChanges: readonly ReviewedOutputChange[];
}
