// The runbook's command line: `<command> [--deployment <name>] [--task <id>] [--rows N] [--json <file>] [--reload] [--final] [--rollback]`.
import { UsageError } from "./context";
import type { CommandOptions } from "./commands";

export interface ParsedArguments {
  readonly command: string;
  readonly deployment: string;
  readonly options: CommandOptions;
}

const VALUE_OPTIONS = ["--deployment", "--task", "--rows", "--json", "-c"] as const;
/** Commands that take one word before their options, and the words they accept. */
const POSITIONALS: Record<string, readonly string[]> = { psql: ["source", "target"] };
const FLAG_OPTIONS = ["--reload", "--final", "--rollback"] as const;

/** Parses the arguments after the command name; a wrong option is a UsageError naming the valid ones. */
export function parseArguments(argv: readonly string[], commands: readonly string[]): ParsedArguments {
  const [command, ...afterCommand] = argv;
  if (!command || !commands.includes(command)) {
    throw new UsageError(`${command ? `unknown command "${command}"` : "no command"}; choose one of: ${commands.join(", ")}`);
  }
  const accepted = POSITIONALS[command];
  const positional = accepted ? afterCommand[0] : undefined;
  if (accepted && (positional === undefined || !accepted.includes(positional))) {
    throw new UsageError(`${command} needs one of: ${accepted.join(", ")}${positional === undefined ? "" : `, not "${positional}"`}`);
  }
  const rest = accepted ? afterCommand.slice(1) : afterCommand;
  if (!accepted && afterCommand.includes("-c")) throw new UsageError(`-c belongs to psql only`);
  const values: Record<string, string> = {};
  const flags = new Set<string>();
  for (let index = 0; index < rest.length; index += 1) {
    const argument = rest[index];
    const [name, inline] = argument.split("=", 2);
    if ((VALUE_OPTIONS as readonly string[]).includes(name)) {
      const value = inline ?? rest[(index += 1)];
      if (value === undefined || value.startsWith("--")) throw new UsageError(`${name} needs a value`);
      values[name] = value;
    } else if ((FLAG_OPTIONS as readonly string[]).includes(argument)) {
      flags.add(argument);
    } else {
      throw new UsageError(`unknown option "${argument}"; options: ${[...VALUE_OPTIONS, ...FLAG_OPTIONS].join(", ")}`);
    }
  }
  let rows: number | undefined;
  if (values["--rows"] !== undefined) {
    rows = Number(values["--rows"]);
    if (!Number.isInteger(rows) || rows < 0 || rows > 5_000_000)
      throw new UsageError(`--rows must be a whole number from 0 to 5000000, not "${values["--rows"]}"`);
  }
  return {
    command,
    deployment: values["--deployment"] ?? "local",
    options: {
      task: values["--task"],
      rows,
      reload: flags.has("--reload"),
      final: flags.has("--final"),
      rollback: flags.has("--rollback"),
      json: values["--json"],
      ...(positional === "source" || positional === "target" ? { side: positional } : {}),
      ...(values["-c"] !== undefined ? { sql: values["-c"] } : {}),
    },
  };
}
