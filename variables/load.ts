// Reads and validates deployment files; every problem becomes one DeploymentFileError naming file and field.
import { readdirSync, readFileSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { defaultErrorMap, type ZodIssue } from "zod";
import { DEPLOYMENT_NAME_PATTERN, DEPLOYMENT_NAME_RULE, deploymentFileSchema, type Deployment } from "./schema";

/** A user-fixable problem in a deployment file. Its message is complete: print it, no stack trace. */
export class DeploymentFileError extends Error {
  constructor(
    readonly file: string,
    readonly fieldPath: string,
    readonly problem: string,
  ) {
    super(fieldPath ? `${file}: ${fieldPath}: ${problem}` : `${file}: ${problem}`);
    this.name = "DeploymentFileError";
  }
}

/** `network.dms.privateSubnets[1]` from zod's `["network", "dms", "privateSubnets", 1]`. */
export function formatFieldPath(path: ReadonlyArray<string | number>): string {
  return path.reduce<string>(
    (text, key) => (typeof key === "number" ? `${text}[${key}]` : text ? `${text}.${key}` : key),
    "",
  );
}

/** True when the schema gave this issue its own wording (e.g. the DMS mapping builders' unknown-key lists). */
function hasOwnMessage(issue: ZodIssue): boolean {
  return issue.message !== defaultErrorMap(issue, { defaultError: issue.message, data: undefined }).message;
}

function describeIssue(issue: ZodIssue): string {
  if (hasOwnMessage(issue)) return issue.message;
  switch (issue.code) {
    case "unrecognized_keys":
      return `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((key) => `"${key}"`).join(", ")} (a typo?); remove or rename ${issue.keys.length > 1 ? "them" : "it"}`;
    case "invalid_type":
      return issue.received === "undefined"
        ? `is required (${issue.expected})`
        : `must be ${issue.expected}, not ${issue.received}`;
    case "invalid_union_discriminator":
      return `must be one of ${issue.options.map((option) => JSON.stringify(option)).join(", ")}`;
    default:
      return issue.message;
  }
}

function lineAndColumn(text: string, position: number): string {
  const before = text.slice(0, position).split("\n");
  return `line ${before.length}, column ${before[before.length - 1].length + 1}`;
}

/**
 * Node 20's JSON.parse does not say where the error is; TypeScript's JSON parser does. It is loaded
 * only on this error path, and skipped where it is not installed.
 */
function locateSyntaxError(text: string): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ts = require("typescript") as typeof import("typescript");
    const { error } = ts.parseConfigFileTextToJson("deployment.json", text);
    return error?.start !== undefined ? ` at ${lineAndColumn(text, error.start)}` : "";
  } catch {
    return "";
  }
}

/**
 * Loads one deployment file. `displayPath` is how the file is named in errors (relative to the
 * project by default).
 */
export function loadDeployment(filePath: string, displayPath = relative(process.cwd(), filePath) || filePath): Deployment {
  const name = basename(filePath, ".json");
  if (!DEPLOYMENT_NAME_PATTERN.test(name)) {
    throw new DeploymentFileError(
      displayPath,
      "",
      `"${name}" cannot prefix AWS resource names; rename the file to ${DEPLOYMENT_NAME_RULE}`,
    );
  }
  let text: string;
  try {
    text = readFileSync(filePath, "utf8");
  } catch (error) {
    throw new DeploymentFileError(displayPath, "", `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new DeploymentFileError(displayPath, "", `is not valid JSON${locateSyntaxError(text)}: ${(error as Error).message}`);
  }
  const parsed = deploymentFileSchema.safeParse(raw);
  if (!parsed.success) {
    const [first, ...rest] = parsed.error.issues;
    const more = rest.length ? ` (and ${rest.length} more problem${rest.length > 1 ? "s" : ""})` : "";
    throw new DeploymentFileError(displayPath, formatFieldPath(first.path), describeIssue(first) + more);
  }
  return { ...parsed.data, name };
}

/** Loads every `*.json` deployment file of a folder, sorted by name. */
export function loadDeployments(directory: string): Deployment[] {
  const files = readdirSync(directory)
    .filter((file) => file.endsWith(".json") && !file.endsWith(".schema.json"))
    .sort();
  if (files.length === 0) {
    throw new DeploymentFileError(relative(process.cwd(), directory) || directory, "", "holds no deployment file (<name>.json)");
  }
  return files.map((file) => loadDeployment(join(directory, file)));
}
