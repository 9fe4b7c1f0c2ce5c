#!/usr/bin/env node
// Compares two synthesized outputs (cdktf.out folders) stack by stack, reading moved blocks as renames.
// Usage: node scripts/compare-synth.mjs <before-outdir> <after-outdir>
// Exit 0 when every stack is the same configuration once each `moved { from, to }` of the newer output
// is read as a rename, and a data source whose only change is its id is matched to its old self (data
// sources hold no state, so Terraform just reads them again); construct-path metadata and key order
// are ignored. Exit 1 otherwise.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const [before, after] = process.argv.slice(2);
if (!before || !after) {
  console.error("usage: node scripts/compare-synth.mjs <before-outdir> <after-outdir>");
  process.exit(2);
}

const stacksOf = (outdir) => readdirSync(join(outdir, "stacks")).filter((name) => existsSync(join(outdir, "stacks", name, "cdk.tf.json")));
const read = (outdir, stack) => JSON.parse(readFileSync(join(outdir, "stacks", stack, "cdk.tf.json"), "utf8"));

/** Drops cdktf's `//` metadata (construct paths), which changes with any regrouping and means nothing to Terraform. */
function withoutMetadata(value) {
  if (Array.isArray(value)) return value.map(withoutMetadata);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => key !== "//")
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, inner]) => [key, withoutMetadata(inner)]),
    );
  }
  return value;
}

/** `config` with the block `kind.type.toId` renamed to `fromId`, and every reference to it (`${...}` and depends_on). */
function rename(config, kind, type, fromId, toId) {
  const address = kind === "data" ? `data.${type}.` : `${type}.`;
  const escaped = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const pattern = new RegExp(`(^|[^a-z0-9_.])${escaped(address + toId)}(?=[."}\\]])`, "g");
  const renamed = JSON.parse(JSON.stringify(config).replace(pattern, `$1${address}${fromId}`));
  const blocks = renamed[kind]?.[type];
  if (blocks && toId in blocks) {
    blocks[fromId] = blocks[toId];
    delete blocks[toId];
  }
  return renamed;
}

/** The newer configuration read back in the older one's names: moved blocks, then data sources matched by content. */
function renamedBack(config, older) {
  const moves = [].concat(config.moved ?? []);
  let renamed = { ...config };
  delete renamed.moved;
  for (const { from, to } of moves) {
    const [type, fromId] = from.split(".");
    renamed = rename(renamed, "resource", type, fromId, to.split(".")[1]);
  }
  let dataRenames = 0;
  for (const [type, blocks] of Object.entries(renamed.data ?? {})) {
    const olderBlocks = older.data?.[type] ?? {};
    for (const id of Object.keys(blocks)) {
      if (id in olderBlocks) continue;
      const body = JSON.stringify(withoutMetadata(renamed.data[type][id]));
      const match = Object.keys(olderBlocks).find(
        (olderId) => !(olderId in renamed.data[type]) && JSON.stringify(withoutMetadata(olderBlocks[olderId])) === body,
      );
      if (match) {
        renamed = rename(renamed, "data", type, match, id);
        dataRenames++;
      }
    }
  }
  return { config: renamed, moves: moves.length, dataRenames };
}

function differences(a, b, path = "") {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((key) => differences(a[key], b[key], path ? `${path}.${key}` : key));
  }
  return [`${path}:\n    before ${JSON.stringify(a)}\n    after  ${JSON.stringify(b)}`];
}

let changed = 0;
const stacks = [...new Set([...stacksOf(before), ...stacksOf(after)])].sort();
for (const stack of stacks) {
  if (!stacksOf(before).includes(stack) || !stacksOf(after).includes(stack)) {
    console.log(`${stack}: only in ${stacksOf(before).includes(stack) ? before : after}`);
    changed++;
    continue;
  }
  const older = read(before, stack);
  const { config, moves, dataRenames } = renamedBack(read(after, stack), older);
  const found = differences(withoutMetadata(older), withoutMetadata(config));
  const notes = [moves && `${moves} moved blocks`, dataRenames && `${dataRenames} data sources renamed`].filter(Boolean);
  console.log(
    `${stack}: ${found.length ? `${found.length} difference(s)` : "same configuration"}${notes.length ? ` (${notes.join(", ")})` : ""}`,
  );
  for (const line of found.slice(0, 40)) console.log(`  ${line}`);
  if (found.length) changed++;
}
process.exit(changed ? 1 : 0);
