// `lab review`'s command line: `review [--deployment <name>] [--out <file.md>] [--full <file.md>] [--json <file>] [--limit <characters>]`.
import { UsageError } from "../runbook/context";
import { COMMENT_LIMIT } from "./render-markdown";

export interface ReviewArguments {
  /** @default "local" */
  readonly deployment: string;
  /** Where the comment-sized Markdown goes. @default standard output */
  readonly out?: string;
  /** Where the report with every detail goes, whatever its size. @default not written */
  readonly full?: string;
  /** Where the findings go as JSON. @default not written */
  readonly json?: string;
  /** Largest `--out` report in characters (a workflow commenting several deployments splits the comment's room). @default COMMENT_LIMIT */
  readonly limit: number;
}

const OPTIONS = { "--deployment": "deployment", "--out": "out", "--full": "full", "--json": "json", "--limit": "limit" } as const;
/** Below this even a handful of findings cannot fit. */
const SMALLEST_LIMIT = 2_000;

/** Parses the arguments after `review`; a wrong or valueless option is a UsageError naming the valid ones. */
export function parseReviewArguments(argv: readonly string[]): ReviewArguments {
  const values: { -readonly [key in keyof ReviewArguments]?: string } = {};
  for (let index = 0; index < argv.length; index += 1) {
    const [name, inline] = argv[index].split("=", 2);
    const key = (OPTIONS as Record<string, keyof ReviewArguments | undefined>)[name];
    if (!key) throw new UsageError(`unknown option "${argv[index]}" for review; options: ${Object.keys(OPTIONS).join(", ")}`);
    const value = inline ?? argv[(index += 1)];
    if (value === undefined || value === "" || value.startsWith("--")) throw new UsageError(`${name} needs a value`);
    values[key] = value;
  }
  const limit = values.limit === undefined ? COMMENT_LIMIT : Number(values.limit);
  if (!Number.isInteger(limit) || limit < SMALLEST_LIMIT || limit > COMMENT_LIMIT) {
    throw new UsageError(`--limit must be a whole number of characters from ${SMALLEST_LIMIT} to ${COMMENT_LIMIT}, not "${values.limit}"`);
  }
  return { ...values, deployment: values.deployment ?? "local", limit };
}
