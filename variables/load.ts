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
  return path.reduce<string>((text, key) => (typeof key === "number" ? `${text}[${key}]` : text ? `${text}.${key}` : key), "");
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
      return issue.received === "undefined" ? `is required (${issue.expected})` : `must be ${issue.expected}, not ${issue.received}`;
    case "invalid_union_discriminator":
      return `must be one of ${issue.options.map((option) => JSON.stringify(option)).join(", ")}`;
    default:
      return issue.message;
  }
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split("\n");
  return `line ${before.length}, column ${before[before.length - 1].length + 1}`;
}

// V8 quotes at most this many characters either side of an unexpected token (json-parser.cc).
const V8_CONTEXT_CHARACTERS = 10;
const NOT_VALID = " is not valid JSON";

/**
 * Where an unexpected token is, from V8's `Unexpected token 'x', ..."context"... is not valid JSON`,
 * which carries no position. Padding the text with trailing blanks (still the same JSON) makes V8
 * quote context that pins the offset: `"<start of text>"...` (token within the first 10 characters)
 * or `..."<10 before><token><9 after>"...`. A context that occurs twice resolves to the first.
 */
function unexpectedTokenOffset(text: string): number | undefined {
  const padded = text + " ".repeat(2 * V8_CONTEXT_CHARACTERS + 1);
  let message: string;
  try {
    JSON.parse(padded);
    return undefined;
  } catch (error) {
    message = (error as Error).message;
  }
  const token = /^Unexpected token '[\s\S]', /.exec(message);
  if (!token || !message.endsWith(`"...${NOT_VALID}`)) return undefined;
  const quoted = message.slice(token[0].length, message.length - `"...${NOT_VALID}`.length);
  if (quoted.startsWith('..."')) {
    const found = padded.indexOf(quoted.slice(4));
    return found < 0 ? undefined : found + V8_CONTEXT_CHARACTERS;
  }
  return quoted.startsWith('"') ? quoted.length - 1 - V8_CONTEXT_CHARACTERS : undefined;
}

/** `","`, or `U+FEFF` for a character that would print as nothing (a byte-order mark, a control). */
function printable(character: string): string {
  const code = character.charCodeAt(0);
  return code > 0x20 && code < 0x7f ? JSON.stringify(character) : `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
}

/**
 * `at line L, column C: <what>` for a JSON.parse error, from the message alone (Node 20's JSON.parse
 * reports an offset, or for an unexpected token only quoted context). An error at the end of the
 * input points just after the last thing written rather than at trailing blank lines.
 */
function describeSyntaxError(text: string, error: Error): string {
  const contentEnd = text.trimEnd().length;
  const at = (offset: number, problem: string) => ` at ${lineAndColumn(text, Math.min(offset, contentEnd))}: ${problem}`;
  // "Expected ',' or '}' after property value in JSON at position 6", "... after JSON at position 8"
  const positioned = /^(.*?)(?: in JSON)? at position (\d+)/.exec(error.message);
  if (positioned) return at(Number(positioned[2]), positioned[1]);
  if (error.message.startsWith("Unexpected end of JSON input")) return at(contentEnd, "unexpected end of the file");
  const token = /^Unexpected token '([\s\S])'/.exec(error.message);
  const offset = token ? unexpectedTokenOffset(text) : undefined;
  if (token && offset !== undefined) return at(offset, `unexpected ${printable(token[1])}`);
  return `: ${error.message}`;
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
    throw new DeploymentFileError(displayPath, "", `is not valid JSON${describeSyntaxError(text, error as Error)}`);
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
