#!/usr/bin/env node
// `npm test`: type-check, format and lint checks, the emulator's pytest suite, then every test tier (unit, terraform, integration); ends with `N passed, N failed`.
import { spawn, spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync } from "node:fs";
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
  // For the same reason the tier starts first and runs while the checks and the other tiers do.
  { name: "integration", dir: "__tests__/integration", workerPerFile: true, alongside: true },
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

/**
 * The emulator's pytest suite, counted test by test (like the tiers) from its JUnit report. No tests
 * (pytest's exit 5) or a failure that is no test's (a broken conftest) counts as one failure.
 */
function checkPytest(name, dir) {
  const report = join(resultsDir, "emulator-pytest.xml");
  rmSync(report, { force: true });
  const started = Date.now();
  const result = spawnSync("python3", ["-m", "pytest", dir, "-q", `--junitxml=${report}`], { cwd: root, stdio: "inherit" });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (!existsSync(report)) {
    failed++;
    summary.push(`FAIL ${name}: pytest wrote no report (exit ${result.status}) (${seconds} s)`);
    return;
  }
  const suite = /<testsuite\b[^>]*>/.exec(readFileSync(report, "utf8"))?.[0] ?? "";
  const attribute = (key) => Number(new RegExp(`\\s${key}="(\\d+)"`).exec(suite)?.[1] ?? 0);
  const [tests, failures, skipped] = [attribute("tests"), attribute("failures") + attribute("errors"), attribute("skipped")];
  passed += tests - failures - skipped;
  failed += failures;
  const ok = result.status === 0 && failures === 0 && tests > 0;
  const why = ok || failures > 0 ? "" : tests === 0 ? ", no test ran" : `, pytest exited ${result.status}`;
  if (why) failed++;
  summary.push(
    `${ok ? "ok  " : "FAIL"} ${name}: ${tests - failures - skipped} passed, ${failures} failed, ${skipped} skipped${why} (${seconds} s)`,
  );
}

function vitestArgs({ dir, workerPerFile }, report) {
  const files = readdirSync(join(root, dir)).filter((file) => file.endsWith(".test.ts"));
  // minWorkers too: with fewer kept, the pool retired the worker of a finished file while the others
  // ran, and vitest 3.2 (isolate: false) failed the run with "Terminating worker thread".
  const count = Math.max(files.length, 1);
  const workerArgs = workerPerFile ? [`--maxWorkers=${count}`, `--minWorkers=${count}`] : [];
  return ["run", dir, ...workerArgs, "--reporter=default", "--reporter=json", `--outputFile.json=${report}`];
}

/** Counts a finished tier from vitest's JSON report. */
function count({ name }, report, status, started) {
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (!existsSync(report)) {
    failed++;
    summary.push(`FAIL ${name} tier: vitest wrote no report (exit ${status}) (${seconds} s)`);
    return;
  }
  const json = JSON.parse(readFileSync(report, "utf8"));
  // A file that fails to load counts as a failure even though it ran no test.
  const brokenFiles = json.testResults.filter((file) => file.status === "failed" && file.assertionResults.length === 0).length;
  passed += json.numPassedTests;
  failed += json.numFailedTests + brokenFiles;
  const ok = status === 0 && json.numFailedTests === 0 && brokenFiles === 0;
  if (!ok && json.numFailedTests === 0 && brokenFiles === 0) failed++;
  summary.push(
    `${ok ? "ok  " : "FAIL"} ${name} tier: ${json.numPassedTests} passed, ${json.numFailedTests + brokenFiles} failed, ${json.numPendingTests} skipped (${seconds} s)`,
  );
}

function runTier(tier) {
  if (!existsSync(join(root, tier.dir))) return;
  const report = join(resultsDir, `${tier.name}.json`);
  rmSync(report, { force: true });
  const started = Date.now();
  const result = spawnSync(bin("vitest"), vitestArgs(tier, report), { cwd: root, stdio: "inherit" });
  count(tier, report, result.status, started);
}

/**
 * Starts a tier in the background with its output in a log file (written by the OS, so nothing
 * waits on this process while the checks run), and returns a function that waits for it, prints
 * the log and counts it.
 */
function startTier(tier) {
  if (!existsSync(join(root, tier.dir))) return async () => {};
  const report = join(resultsDir, `${tier.name}.json`);
  const log = join(resultsDir, `${tier.name}.log`);
  rmSync(report, { force: true });
  const started = Date.now();
  const fd = openSync(log, "w");
  const child = spawn(bin("vitest"), vitestArgs(tier, report), { cwd: root, stdio: ["ignore", fd, fd] });
  closeSync(fd);
  const exited = new Promise((resolve) => {
    child.on("exit", (code) => resolve(code));
    child.on("error", () => resolve(null));
  });
  console.log(`(the ${tier.name} tier runs alongside; its output follows when it ends: ${log})`);
  return async () => {
    const status = await exited;
    console.log(`\n---- ${tier.name} tier ----`);
    process.stdout.write(readFileSync(log, "utf8"));
    count(tier, report, status, started);
  };
}

const background = tiers.filter((tier) => tier.alongside).map(startTier);
check("typecheck (tsc --noEmit)", bin("tsc"), ["--noEmit", "-p", "."]);
check("format (prettier --check)", bin("prettier"), ["--check", "--log-level=warn", "."]);
check("lint (eslint)", bin("eslint"), ["."]);
check("lint python (ruff, emulator/)", "python3", ["-m", "ruff", "check"]);
checkPytest("emulator (pytest: corrections, data plane; emulator/tests)", "emulator/tests");
for (const tier of tiers.filter((each) => !each.alongside)) runTier(tier);
for (const finish of background) await finish();

console.log("\n" + summary.join("\n"));
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
