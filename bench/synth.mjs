#!/usr/bin/env node
// Benchmark: synthesizing every deployment vs. a minimal one-resource cdktf app, both run as `tsx <app>`.
// Prints median wall time and peak RSS of each, and the ratio (target <= 3x, goal <= 1.5x).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const runs = Number(process.env.BENCH_RUNS ?? 7);
const tsx = join(root, "node_modules", ".bin", "tsx");
const gnuTime = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;

function measure(app) {
  const samples = [];
  for (let i = 0; i < runs + 1; i++) {
    const outdir = mkdtempSync(join(tmpdir(), "bench-synth-"));
    // GNU time reports the child's peak RSS (apt-get install time); without it, wall time only.
    // The first run warms the file cache and is dropped.
    const started = process.hrtime.bigint();
    const [command, args] = gnuTime ? [gnuTime, ["-f", "%e %M", tsx, app]] : [tsx, [app]];
    const result = spawnSync(command, args, { cwd: root, env: { ...process.env, CDKTF_OUTDIR: outdir }, encoding: "utf8" });
    const wall = Number(process.hrtime.bigint() - started) / 1e9;
    rmSync(outdir, { recursive: true, force: true });
    if (result.status !== 0) throw new Error(`${app} failed:\n${result.stderr}`);
    const [, kilobytes] = gnuTime ? result.stderr.trim().split("\n").pop().split(" ").map(Number) : [wall, NaN];
    const seconds = wall;
    if (i > 0) samples.push({ seconds, megabytes: kilobytes / 1024 });
  }
  const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return { seconds: median(samples.map((s) => s.seconds)), megabytes: median(samples.map((s) => s.megabytes)) };
}

const minimal = measure("bench/minimal-app.ts");
const lab = measure("main.ts");
const row = (name, m) => `${name.padEnd(34)} ${m.seconds.toFixed(2).padStart(6)} s ${m.megabytes.toFixed(0).padStart(6)} MB`;
console.log(`synth benchmark, median of ${runs} runs (after one warm-up)`);
console.log(row("minimal app (1 deep-imported VPC)", minimal));
console.log(row("main.ts (every deployment)", lab));
console.log(
  `ratio: ${(lab.seconds / minimal.seconds).toFixed(2)}x time, ${(lab.megabytes / minimal.megabytes).toFixed(2)}x memory (target <= 3x, goal <= 1.5x)`,
);
