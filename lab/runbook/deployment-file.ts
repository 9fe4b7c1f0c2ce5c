// The cutover's record in the deployment file: `migration.cutover.pointAppAt`, changed in place and nothing else.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import type { AppSide } from "../../constructs/cutover/app-database-url-value";

export class DeploymentFileEditError extends Error {}

type Json = Record<string, unknown>;

const withoutCutover = (value: Json): Json => {
  const migration = { ...((value.migration as Json | undefined) ?? {}) };
  delete migration.cutover;
  return { ...value, migration };
};

/**
 * The file's text with `migration.cutover.pointAppAt` set to `side`, keeping every other byte: an existing value
 * is replaced where it stands, a missing `cutover` is added as the first member of `migration`. The result is
 * checked to differ from the original in that one setting only.
 */
export function withPointAppAt(text: string, side: AppSide, file = "the deployment file"): string {
  const original = JSON.parse(text) as Json;
  const migration = original.migration as Json | undefined;
  const cutover = migration?.cutover as Json | undefined;
  // An absent setting means "source", its default: nothing to write then.
  if ((cutover?.pointAppAt ?? "source") === side) return text;
  let next: string | undefined;
  const setting = /("pointAppAt"\s*:\s*)"(?:source|target)"/g;
  const found = [...text.matchAll(setting)].length;
  if (cutover?.pointAppAt !== undefined && found === 1) next = text.replace(setting, `$1"${side}"`);
  else if (migration !== undefined && cutover === undefined) {
    const opening = /("migration"\s*:\s*\{)(\s*)/.exec(text);
    if (opening && [...text.matchAll(/"migration"\s*:/g)].length === 1) {
      const at = opening.index + opening[0].length;
      const empty = text[at] === "}";
      next = `${text.slice(0, at)}"cutover": { "pointAppAt": "${side}" }${empty ? "" : `,${opening[2] || " "}`}${text.slice(at)}`;
    }
  }
  const problem = `set "migration": { "cutover": { "pointAppAt": "${side}" } } in ${file} yourself`;
  if (next === undefined) throw new DeploymentFileEditError(`cannot find where pointAppAt goes in ${file}; ${problem}`);
  const parsed = JSON.parse(next) as Json;
  const ok =
    ((parsed.migration as Json).cutover as Json).pointAppAt === side &&
    JSON.stringify(withoutCutover(parsed)) === JSON.stringify(withoutCutover(original)) &&
    Object.keys((parsed.migration as Json).cutover as Json).join() === Object.keys(cutover ?? { pointAppAt: side }).join();
  if (!ok) throw new DeploymentFileEditError(`editing ${file} would change more than pointAppAt; ${problem}`);
  return next;
}

/** Records the side in the file (atomically); returns whether the file changed. */
export function recordPointAppAt(file: string, side: AppSide): boolean {
  const text = readFileSync(file, "utf8");
  const next = withPointAppAt(text, side, file);
  if (next === text) return false;
  writeFileSync(`${file}.tmp`, next);
  renameSync(`${file}.tmp`, file);
  return true;
}
