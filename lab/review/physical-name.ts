// The name a resource has in AWS, read from its (redacted) attributes: what an operator searches the console for.
import { isJsonObject, stringAt, type JsonValue } from "./json-value";
import { KNOWN_AFTER_APPLY, SENSITIVE } from "./review-model";

/** First match wins: an instance has `identifier` and its cluster's `cluster_identifier`. */
const NAME_PATHS: readonly (readonly string[])[] = [
  ["identifier"],
  ["cluster_identifier"],
  ["replication_task_id"],
  ["replication_instance_id"],
  ["endpoint_id"],
  ["function_name"],
  ["name"],
  ["tags", "Name"],
  ["bucket"],
];

function nameIn(values: JsonValue): string | undefined {
  if (!isJsonObject(values)) return undefined;
  for (const path of NAME_PATHS) {
    const name = stringAt(values, ...path);
    if (name && name !== SENSITIVE && name !== KNOWN_AFTER_APPLY) return name;
  }
  return undefined;
}

/** The name after the change, else the name before it (a delete has only a before). */
export function physicalName(before: JsonValue, after: JsonValue): string | undefined {
  return nameIn(after) ?? nameIn(before);
}
