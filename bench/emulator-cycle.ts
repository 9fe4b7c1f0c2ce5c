// Benchmark: the emulator cycle of `local` (apply, no-op plan, destroy) with the real provider.
// Prints each phase's wall time and the slowest resources, i.e. where provider waiters spend it.
// `npm run bench:emulator -- --parallelism=N` sets Terraform's -parallelism for applies and destroys.
import { App } from "cdktf";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EmulatorProcess } from "../lab/emulator-process";
import { run, terraformEnvironment, terraformFailure } from "../lab/terraform-cli";
import { buildDeployment } from "../stacks/build-lab";
import { loadDeployment } from "../variables/load";
import { PROJECT_ROOT } from "../variables/runtime";

const workDir = mkdtempSync(join(tmpdir(), "bench-emulator-"));
const env = { ...terraformEnvironment(), AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" };
const parallelismArg = process.argv.find((arg) => arg.startsWith("--parallelism="));
const parallelism = parallelismArg ? [parallelismArg.replace("--", "-")] : [];
const phases: Array<[string, number]> = [];
const resourceSeconds: Array<[string, number]> = [];

async function timed<T>(label: string, action: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await action();
  phases.push([label, (performance.now() - started) / 1000]);
  return result;
}

async function terraform(dir: string, args: string[], okCodes = [0]): Promise<string> {
  const result = await run("terraform", [...args, "-input=false", "-no-color"], { cwd: dir, env });
  if (!okCodes.includes(result.code)) throw terraformFailure(`terraform ${args[0]} in ${dir}`, result);
  // "aws_rds_cluster_instance.X: Creation complete after 31s [id=...]"
  for (const match of result.stdout.matchAll(/^(\S+): (?:Creation|Destruction) complete after (?:(\d+)m)?(\d+)s/gm)) {
    resourceSeconds.push([`${args[0]} ${match[1].split(".")[0]}`, Number(match[2] ?? 0) * 60 + Number(match[3])]);
  }
  return result.stdout;
}

async function main(): Promise<void> {
  const emulator = new EmulatorProcess(join(workDir, "emulator"));
  const record = await timed("start emulator", () => emulator.start());
  try {
    const stackDirs = await timed("synth local", async () => {
      const app = new App({ outdir: join(workDir, "synth") });
      const runtime = { variablesDir: join(PROJECT_ROOT, "variables"), emulatorUrl: record.url, stateDir: join(workDir, "state") };
      const stacks = buildDeployment(app, loadDeployment(join(PROJECT_ROOT, "variables", "local.json")), runtime);
      app.synth();
      return stacks.all.map((stack) => [stack.node.id, join(workDir, "synth", "stacks", stack.node.id)] as const);
    });
    await timed("terraform init (all stacks)", async () => {
      for (const [, dir] of stackDirs) await terraform(dir, ["init"]);
    });
    for (const [id, dir] of stackDirs) await timed(`apply ${id}`, () => terraform(dir, ["apply", "-auto-approve", ...parallelism]));
    for (const [id, dir] of stackDirs) {
      await timed(`plan ${id} (expect no changes)`, async () => {
        const result = await run("terraform", ["plan", "-detailed-exitcode", "-input=false", "-no-color"], { cwd: dir, env });
        if (result.code !== 0) throw terraformFailure(`plan of ${id} (exit 2 means changes)`, result);
      });
    }
    for (const [id, dir] of [...stackDirs].reverse())
      await timed(`destroy ${id}`, () => terraform(dir, ["destroy", "-auto-approve", ...parallelism]));
  } finally {
    await emulator.stop();
  }
  const cycle = phases.filter(([label]) => /^(apply|plan|destroy) /.test(label)).reduce((sum, [, seconds]) => sum + seconds, 0);
  console.log(
    `emulator cycle of \`local\` (real hashicorp/aws provider against moto)${parallelism.length ? `, terraform ${parallelism[0]}` : ""}`,
  );
  for (const [label, seconds] of phases) console.log(`  ${label.padEnd(40)} ${seconds.toFixed(1).padStart(7)} s`);
  console.log(`  ${"apply + no-op plan + destroy".padEnd(40)} ${cycle.toFixed(1).padStart(7)} s  (target <= 480 s, goal <= 300 s)`);
  const byType = new Map<string, number>();
  for (const [type, seconds] of resourceSeconds) byType.set(type, (byType.get(type) ?? 0) + seconds);
  console.log("slowest resource types (sum of per-resource durations Terraform reports; they overlap in parallel):");
  for (const [type, seconds] of [...byType].sort((a, b) => b[1] - a[1]).slice(0, 10)) {
    console.log(`  ${type.padEnd(50)} ${String(seconds).padStart(5)} s`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
