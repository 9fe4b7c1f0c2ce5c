#!/usr/bin/env node
// `npm test`: type-check, lint (TypeScript and the emulator's Python), then every test tier (unit, terraform, integration); ends with `N passed, N failed`.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, existsSync, rmSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const resultsDir = join(root, ".lab", "test-results");
mkdirSync(resultsDir, { recursive: true });
const bin = (name) => join(root, "node_modules", ".bin", name);
// `npm test -- unit` runs only the named tiers (unit, terraform, integration); checks always run.
const wanted = process.argv.slice(2);
const tiers = [
  { name: "unit", dir: "__tests__/unit" },
  { name: "terraform", dir: "__tests__/terraform" },
  // Every integration file gets a worker of its own (vitest's default on 2 cores is one worker, i.e.
  // one file after another): each file drives its own emulator, and its workers mostly wait on the
  // provider's fixed delays, so more workers than cores overlap those waits instead of adding them up.
  { name: "integration", dir: "__tests__/integration", workerPerFile: true },
].filter((tier) => wanted.length === 0 || wanted.includes(tier.name));

let passed = 0;
let failed = 0;
const summary = [];

function check(name, command, args) {
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit" });
  const ok = result.status === 0;
  if (ok) passed++;
  else failed++;
  summary.push(`${ok ? "ok  " : "FAIL"} ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

function tier({ name, dir, workerPerFile }) {
  if (!existsSync(join(root, dir))) return;
  const files = readdirSync(join(root, dir)).filter((file) => file.endsWith(".test.ts"));
  // minWorkers too: with fewer kept, the pool retired the worker of a finished file while the others
  // ran, and vitest 3.2 (isolate: false) failed the run with "Terminating worker thread".
  const count = Math.max(files.length, 1);
  const workerArgs = workerPerFile ? [`--maxWorkers=${count}`, `--minWorkers=${count}`] : [];
  const report = join(resultsDir, `${name}.json`);
  rmSync(report, { force: true });
  const started = Date.now();
  const result = spawnSync(
    bin("vitest"),
    ["run", dir, ...workerArgs, "--reporter=default", "--reporter=json", `--outputFile.json=${report}`],
    {
      cwd: root,
      stdio: "inherit",
    },
  );
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (!existsSync(report)) {
    failed++;
    summary.push(`FAIL ${name} tier: vitest wrote no report (exit ${result.status}) (${seconds} s)`);
    return;
  }
  const json = JSON.parse(readFileSync(report, "utf8"));
  // A file that fails to load counts as a failure even though it ran no test.
  const brokenFiles = json.testResults.filter((file) => file.status === "failed" && file.assertionResults.length === 0).length;
  passed += json.numPassedTests;
  failed += json.numFailedTests + brokenFiles;
  const ok = result.status === 0 && json.numFailedTests === 0 && brokenFiles === 0;
  if (!ok && json.numFailedTests === 0 && brokenFiles === 0) failed++;
  summary.push(
    `${ok ? "ok  " : "FAIL"} ${name} tier: ${json.numPassedTests} passed, ${json.numFailedTests + brokenFiles} failed, ${json.numPendingTests} skipped (${seconds} s)`,
  );
}

check("typecheck (tsc --noEmit)", bin("tsc"), ["--noEmit", "-p", "."]);
check("format (prettier --check)", bin("prettier"), ["--check", "--log-level=warn", "."]);
check("lint (eslint)", bin("eslint"), ["."]);
check("lint python (ruff, emulator/)", "python3", ["-m", "ruff", "check"]);
for (const each of tiers) tier(each);

console.log("\n" + summary.join("\n"));
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
