// `lab verify`: every table a task selects, compared between source and target by chunked content digests.
import { writeFileSync } from "node:fs";
import type { TableDigest as FunctionTableDigest } from "../../functions/db-ops/verify";
import type { MigrationTaskConfig } from "../../variables/migration-schema";
import { databaseOperation, taskIdentifier, type CommandOptions } from "./commands";
import type { RunbookContext } from "./context";

/** What db-ops' `table-digest` answers for one side. */
export type TableDigest = Omit<FunctionTableDigest, "side">;

export interface TableVerdict {
  readonly table: string;
  readonly match: boolean;
  readonly sourceRows: number;
  readonly targetRows: number;
  readonly problems: string[];
  /** Chunks whose digests differ: (lower, upper] key ranges to narrow down; `upper` undefined for the rows above the last. */
  readonly ranges: Array<{ readonly lower?: string; readonly upper?: string }>;
}

/** A DMS wildcard (`%` any run, `_` one character, `[...]` a class) as an anchored regular expression. */
export function wildcard(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i += 1) {
    const c = pattern[i];
    if (c === "%") source += ".*";
    else if (c === "_") source += ".";
    else if (c === "[") {
      const end = pattern.indexOf("]", i + 1);
      if (end < 0) source += "\\[";
      else {
        source += `[${pattern.slice(i + 1, end).replace(/\\/g, "\\\\")}]`;
        i = end;
      }
    } else source += c.replace(/[.*+?^${}()|\\/]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

/** The tables a task's selection rules take (include or explicit, minus exclude), of the given ones. */
export function selectedTables(rules: MigrationTaskConfig["tableMappings"], tables: readonly string[]): string[] {
  const matches = (rule: { schema: string; table: string }, name: string) => {
    const [schema, table] = name.split(".", 2);
    return wildcard(rule.schema).test(schema) && wildcard(rule.table).test(table);
  };
  const selections = rules.flatMap((rule) => (rule.type === "selection" ? [rule] : []));
  return tables.filter(
    (name) =>
      selections.some((rule) => rule.action !== "exclude" && matches(rule, name)) &&
      !selections.some((rule) => rule.action === "exclude" && matches(rule, name)),
  );
}

/** Compares the two sides' digests of one table (the target's cut at the source's chunk uppers). */
export function compareDigests(table: string, source: TableDigest, target: TableDigest): TableVerdict {
  const problems: string[] = [];
  const ranges: Array<{ lower?: string; upper?: string }> = [];
  if (!target.exists) problems.push("missing on the target");
  else {
    if (source.columns.join(", ") !== target.columns.join(", ")) {
      problems.push(`columns differ: source (${source.columns.join(", ")}), target (${target.columns.join(", ")})`);
    }
    if (source.key && source.chunks.length === target.chunks.length) {
      source.chunks.forEach((chunk, index) => {
        const other = target.chunks[index];
        if (chunk.digest !== other.digest || chunk.rows !== other.rows) {
          ranges.push({ lower: index > 0 ? source.chunks[index - 1].upper : undefined, upper: chunk.upper });
        }
      });
      if ((target.beyond ?? 0) > 0) ranges.push({ lower: source.chunks.at(-1)?.upper, upper: undefined });
      if (ranges.length > 0)
        problems.push(`${ranges.length} of ${source.chunks.length + ((target.beyond ?? 0) > 0 ? 1 : 0)} key ranges differ`);
    } else if (!source.key && source.digest !== target.digest) {
      problems.push("content differs (no single-column primary key to narrow it down by)");
    }
    if (source.rows !== target.rows) problems.push(`row counts differ: source ${source.rows}, target ${target.rows}`);
  }
  return { table, match: problems.length === 0, sourceRows: source.rows, targetRows: target.rows, problems, ranges };
}

/** Keys missing on the target, extra on it, or with other content, from both sides' row hashes. */
export function differingKeys(
  source: ReadonlyArray<{ key: string; hash: string }>,
  target: ReadonlyArray<{ key: string; hash: string }>,
): { missing: string[]; extra: string[]; changed: string[] } {
  const targetHashes = new Map(target.map((row) => [row.key, row.hash]));
  const sourceKeys = new Set(source.map((row) => row.key));
  return {
    missing: source.filter((row) => !targetHashes.has(row.key)).map((row) => row.key),
    extra: target.filter((row) => !sourceKeys.has(row.key)).map((row) => row.key),
    changed: source.filter((row) => targetHashes.has(row.key) && targetHashes.get(row.key) !== row.hash).map((row) => row.key),
  };
}

const SHOWN_KEYS = 10;

export async function verify(context: RunbookContext, options: CommandOptions & { readonly json?: string } = {}): Promise<number> {
  const identifier = taskIdentifier(context, options.task);
  const task = context.deployment.migration.tasks.find((t) => `${context.deployment.name}-${t.id}` === identifier);
  const status = await databaseOperation<{ source?: { tables?: Array<{ schema: string; table: string }> } }>(context, {
    operation: "status",
  });
  const tables = selectedTables(
    task?.tableMappings ?? [],
    (status.source?.tables ?? []).map((t) => `${t.schema}.${t.table}`),
  );
  if (tables.length === 0) {
    context.say(`${identifier} selects no table that exists on the source; seed it first (npm run lab -- seed)`);
    return 1;
  }
  const report: Array<TableVerdict & { keys?: ReturnType<typeof differingKeys> }> = [];
  for (const name of tables) {
    const [schema, table] = name.split(".", 2);
    const source = await databaseOperation<TableDigest>(context, { operation: "table-digest", side: "source", schema, table });
    const uppers = source.key ? source.chunks.map((chunk) => chunk.upper) : undefined;
    const target = await databaseOperation<TableDigest>(context, { operation: "table-digest", side: "target", schema, table, uppers });
    const verdict = compareDigests(name, source, target);
    let keys: ReturnType<typeof differingKeys> | undefined;
    for (const range of verdict.ranges) {
      const rows = async (side: string) =>
        (
          await databaseOperation<{ rows: Array<{ key: string; hash: string }> }>(context, {
            operation: "row-digests",
            side,
            schema,
            table,
            ...range,
          })
        ).rows;
      const found = differingKeys(await rows("source"), await rows("target"));
      keys = keys
        ? {
            missing: [...keys.missing, ...found.missing],
            extra: [...keys.extra, ...found.extra],
            changed: [...keys.changed, ...found.changed],
          }
        : found;
    }
    report.push({ ...verdict, ...(keys ? { keys } : {}) });
    const keyName = source.key?.name ?? "key";
    const detail = keys
      ? (["missing", "extra", "changed"] as const)
          .filter((kind) => keys[kind].length > 0)
          .map(
            (kind) =>
              `${kind} ${keyName} ${keys[kind].slice(0, SHOWN_KEYS).join(", ")}${keys[kind].length > SHOWN_KEYS ? ` (+${keys[kind].length - SHOWN_KEYS} more)` : ""}`,
          )
      : [];
    context.say(
      verdict.match
        ? `${name}: ${verdict.sourceRows} rows, ${source.chunks.length || 1} chunk(s), identical`
        : `${name}: DIFFERS: ${[...verdict.problems, ...detail].join("; ")}`,
    );
  }
  if (options.json) writeFileSync(options.json, `${JSON.stringify({ task: identifier, tables: report }, null, 2)}\n`);
  const differing = report.filter((verdict) => !verdict.match).length;
  context.say(differing === 0 ? `${identifier}: every table identical.` : `${identifier}: ${differing} of ${report.length} tables differ.`);
  return differing === 0 ? 0 : 1;
}
