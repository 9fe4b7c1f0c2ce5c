// JSON values as `terraform show -json` writes them, and the attribute paths the review names.

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** One step into a value: an object key or a list index. */
export type PathStep = string | number;

export function isJsonObject(value: unknown): value is { [key: string]: JsonValue } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `ingress[0].cidr_blocks`, Terraform's own way of writing an attribute path. */
export function formatPath(path: readonly PathStep[]): string {
  return path.reduce<string>((text, step) => {
    if (typeof step === "number") return `${text}[${step}]`;
    const key = /^[A-Za-z_][\w-]*$/.test(step) ? step : JSON.stringify(step);
    return text ? `${text}.${key}` : key;
  }, "");
}

/** The value at `path`, or undefined when any step is missing. */
export function valueAt(value: JsonValue | undefined, path: readonly PathStep[]): JsonValue | undefined {
  let current: JsonValue | undefined = value;
  for (const step of path) {
    if (typeof step === "number") current = Array.isArray(current) ? current[step] : undefined;
    else current = isJsonObject(current) ? current[step] : undefined;
    if (current === undefined) return undefined;
  }
  return current;
}

/** A string attribute, or undefined when it is absent, unknown or not a string. */
export function stringAt(value: JsonValue | undefined, ...path: PathStep[]): string | undefined {
  const found = valueAt(value, path);
  return typeof found === "string" ? found : undefined;
}
