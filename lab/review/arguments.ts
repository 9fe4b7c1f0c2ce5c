// `lab review`'s command line: `review [--deployment <name>] [--out <file.md>] [--full <file.md>] [--json <file>]`.
import { UsageError } from "../runbook/context";

export interface ReviewArguments {
  /** @default "local" */
  readonly deployment: string;
  /** Where the comment-sized Markdown goes. @default standard output */
  readonly out?: string;
  /** Where the report with every detail goes, whatever its size. @default not written */
  readonly full?: string;
  /** Where the findings go as JSON. @default not written */
  readonly json?: string;
}

const OPTIONS = { "--deployment": "deployment", "--out": "out", "--full": "full", "--json": "json" } as const;

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
  return { ...values, deployment: values.deployment ?? "local" };
}
