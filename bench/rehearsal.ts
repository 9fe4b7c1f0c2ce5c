// Benchmark: the whole local rehearsal, timed step by step: deploy, seed, start, verify, cutover, down (goal: 5 minutes).
// Each step is the command a person types (`npm start`, `npm run lab -- ...`, `npm run lab:down`); their output is
// shown as it comes. The cutover records db_url's side in a copy of variables/ (LAB_VARIABLES_DIR), never in the
// shipped files. Needs no lab running before it, and leaves none.
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(__dirname, "..");
const variables = mkdtempSync(join(tmpdir(), "rehearsal-variables-"));
cpSync(join(ROOT, "variables"), variables, { recursive: true, filter: (path) => !path.endsWith(".ts") });

const STEPS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ["deploy", ["lab/cli.ts", "up"]],
  ["seed", ["lab/cli.ts", "seed"]],
  ["test-connection", ["lab/cli.ts", "test-connection"]],
  ["start", ["lab/cli.ts", "start"]],
  ["verify", ["lab/cli.ts", "verify"]],
  ["cutover", ["lab/cli.ts", "cutover"]],
  ["status", ["lab/cli.ts", "status"]],
  ["down", ["lab/cli.ts", "down"]],
];

function run(args: readonly string[]): Promise<number> {
  return new Promise((done, fail) => {
    const child = spawn(join(ROOT, "node_modules", ".bin", "tsx"), [...args], {
      cwd: ROOT,
      stdio: "inherit",
      env: { ...process.env, LAB_VARIABLES_DIR: variables },
    });
    child.on("error", fail);
    child.on("exit", (code) => done(code ?? 1));
  });
}

async function main(): Promise<number> {
  const timings: Array<[string, number, number]> = [];
  const began = performance.now();
  for (const [name, args] of STEPS) {
    console.log(`\n$ npm run lab -- ${args.slice(1).join(" ")}`);
    const started = performance.now();
    const code = await run(args);
    timings.push([name, (performance.now() - started) / 1000, code]);
    if (code !== 0 && name !== "down") {
      console.log(`\n${name} failed (exit ${code}); taking the lab down.`);
      await run(["lab/cli.ts", "down"]);
      break;
    }
  }
  const total = (performance.now() - began) / 1000;
  console.log("\nstep             seconds  exit");
  for (const [name, seconds, code] of timings) console.log(`${name.padEnd(16)} ${seconds.toFixed(1).padStart(7)}  ${code}`);
  console.log(`${"total".padEnd(16)} ${total.toFixed(1).padStart(7)}  (goal: at most 300 s)`);
  return timings.every(([, , code]) => code === 0) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
