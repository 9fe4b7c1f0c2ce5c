// The attribute paths whose value differs between a change's before and after (values unknown until apply count as changed).
import { isJsonObject, type JsonValue, type PathStep } from "./json-value";

function differ(
  before: JsonValue | undefined,
  after: JsonValue | undefined,
  unknown: JsonValue | undefined,
  path: PathStep[],
  into: PathStep[][],
): void {
  if (unknown === true) {
    into.push(path);
    return;
  }
  if (isJsonObject(before) && isJsonObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const key of keys) differ(before[key], after[key], isJsonObject(unknown) ? unknown[key] : undefined, [...path, key], into);
    return;
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    before.forEach((item, index) =>
      differ(item, after[index], Array.isArray(unknown) ? unknown[index] : undefined, [...path, index], into),
    );
    return;
  }
  if (JSON.stringify(before ?? null) !== JSON.stringify(after ?? null)) into.push(path);
}

/**
 * Paths of an update or replacement, sorted as Terraform lists attributes. Lists of different
 * lengths are named as a whole; `null` and an absent key count as the same. Reads the values
 * before redaction but returns only paths (keys), never values.
 */
export function changedPaths(before: JsonValue, after: JsonValue, afterUnknown?: JsonValue): PathStep[][] {
  const into: PathStep[][] = [];
  differ(before, after, afterUnknown, [], into);
  return into.filter((path) => path.length > 0);
}
