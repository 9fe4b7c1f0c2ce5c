// The part of `terraform show -json <saved plan>` the review reads (JSON output format 1.x), checked once where it enters.
import { isJsonObject, type JsonValue } from "./json-value";

/** A resource's planned change or drift: `resource_changes[]` / `resource_drift[]`. */
export interface ResourceChangeJson {
  readonly address: string;
  /** Set when a `moved` block (cdktf `moveTo`/`moveFromId`) carries the state from another address. */
  readonly previous_address?: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
  readonly change: ChangeJson;
  /** Why Terraform replaces, deletes or reads: `replace_because_cannot_update`, `delete_because_no_resource_config`, ... */
  readonly action_reason?: string;
}

export interface ChangeJson {
  readonly actions: readonly string[];
  readonly before: JsonValue;
  readonly after: JsonValue;
  /** `true` at every path whose value is known only after apply. */
  readonly after_unknown?: JsonValue;
  /** `true` at every path the provider or configuration marks sensitive (or `true` for the whole value). */
  readonly before_sensitive?: JsonValue;
  readonly after_sensitive?: JsonValue;
  /** The attribute paths that force the replacement. */
  readonly replace_paths?: readonly (readonly (string | number)[])[];
  /** Present when the change imports an existing object. */
  readonly importing?: { readonly id?: string };
}

export interface OutputChangeJson {
  readonly actions: readonly string[];
  readonly before?: JsonValue;
  readonly after?: JsonValue;
  readonly before_sensitive?: JsonValue;
  readonly after_sensitive?: JsonValue;
}

export interface PlanJson {
  readonly format_version: string;
  readonly terraform_version?: string;
  readonly resource_changes?: readonly ResourceChangeJson[];
  readonly resource_drift?: readonly ResourceChangeJson[];
  readonly output_changes?: Readonly<Record<string, OutputChangeJson>>;
  /** True when the plan stopped on an error: such a plan cannot be reviewed. */
  readonly errored?: boolean;
}

export class PlanFormatError extends Error {
  override readonly name = "PlanFormatError";
}

function checkChanges(source: string, field: string, entries: unknown): void {
  if (entries === undefined) return;
  if (!Array.isArray(entries)) throw new PlanFormatError(`${source}: ${field} is not a list`);
  entries.forEach((entry: unknown, index) => {
    const where = `${source}: ${field}[${index}]`;
    if (!isJsonObject(entry)) throw new PlanFormatError(`${where} is not an object`);
    for (const key of ["address", "type", "name", "mode"]) {
      if (typeof entry[key] !== "string") throw new PlanFormatError(`${where}.${key} is missing or not a string`);
    }
    const change = entry.change;
    if (!isJsonObject(change) || !Array.isArray(change.actions) || !change.actions.every((action) => typeof action === "string")) {
      throw new PlanFormatError(`${where}.change.actions is missing or not a list of strings`);
    }
  });
}

/**
 * Checks the shape the review relies on and returns the plan typed; `source` names the file or
 * stack in the message. A plan Terraform marked `errored` is refused: it describes no full change.
 */
export function parsePlanJson(value: unknown, source: string): PlanJson {
  if (!isJsonObject(value)) throw new PlanFormatError(`${source}: not a JSON object (expected \`terraform show -json <plan>\`)`);
  if (typeof value.format_version !== "string" || !value.format_version.startsWith("1.")) {
    throw new PlanFormatError(`${source}: format_version ${JSON.stringify(value.format_version)} is not 1.x`);
  }
  if (value.errored === true) throw new PlanFormatError(`${source}: Terraform marked this plan as errored; fix the plan's error first`);
  checkChanges(source, "resource_changes", value.resource_changes);
  checkChanges(source, "resource_drift", value.resource_drift);
  if (value.output_changes !== undefined && !isJsonObject(value.output_changes)) {
    throw new PlanFormatError(`${source}: output_changes is not an object`);
  }
  return value as unknown as PlanJson;
}
