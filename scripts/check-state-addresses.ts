// Proves a change keeps every Terraform address: deploys <base> on a fresh emulator, then plans the working tree against that state.
//
// Usage: npm run check:addresses -- --base <git-rev> [--deployment local]
// Exit 0: every stack plans nothing but moves. Exit 1: something would be created, changed,
// destroyed or replaced (listed), or the check itself failed. Exit 2: bad arguments.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import { EmulatorProcess } from "../lab/emulator-process";
import { run, terraformEnvironment, terraformFailure, type CommandResult } from "../lab/terraform-cli";
import { PROJECT_ROOT } from "../variables/runtime";
import { altersState, changeLines, classifyPlan, countChanges, likelyRenames, summaryLine, type PlanJson } from "./plan-changes";

const USAGE = "usage: npm run check:addresses -- --base <git-rev> [--deployment local]";
const PLAN_FILE = "check-addresses.tfplan";
// An interrupted apply may still hold a stack's state lock when the clean-up destroys it.
const LOCK_TIMEOUT = "-lock-timeout=5m";

const say = (line = "") => process.stdout.write(`${line}\n`);

interface Options {
  readonly base: string;
  readonly deployment: string;
}

function parseOptions(argv: readonly string[]): Options | string {
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: { base: { type: "string" }, deployment: { type: "string", default: "local" }, help: { type: "boolean", short: "h" } },
      strict: true,
    });
    if (values.help) return USAGE;
    if (!values.base) return `--base is required\n${USAGE}`;
    return { base: values.base, deployment: values.deployment ?? "local" };
  } catch (error) {
    return `${error instanceof Error ? error.message : String(error)}\n${USAGE}`;
  }
}

/** A synthesized stack: its id and the folder Terraform runs in. */
interface StackDir {
  readonly id: string;
  readonly dir: string;
}

/** Everything the clean-up must undo; filled in as the run creates it. */
interface Session {
  readonly workDir: string;
  readonly phases: Array<[string, number]>;
  worktree?: string;
  emulator?: EmulatorProcess;
  /** Base stacks an apply was started on, in deploy order: they may hold resources. */
  readonly appliedStacks: StackDir[];
  terraformEnv?: NodeJS.ProcessEnv;
}

async function timed<T>(session: Session, label: string, action: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await action();
  } finally {
    session.phases.push([label, (performance.now() - started) / 1000]);
  }
}

async function git(args: readonly string[]): Promise<string> {
  const result = await run("git", ["-C", PROJECT_ROOT, ...args]);
  if (result.code !== 0) throw new Error(`git ${args.join(" ")} failed (exit ${result.code}):\n${result.stderr.trim()}`);
  return result.stdout.trim();
}

async function terraform(stack: StackDir, env: NodeJS.ProcessEnv, args: readonly string[]): Promise<CommandResult> {
  // Flags go before any positional argument (`show` takes the plan file last, and has no -input).
  const [command, ...rest] = args;
  const flags = command === "show" ? ["-no-color"] : ["-input=false", "-no-color"];
  const result = await run("terraform", [command, ...flags, ...rest], { cwd: stack.dir, env });
  if (result.code !== 0) throw terraformFailure(`terraform ${args[0]} of ${stack.id} (${stack.dir})`, result);
  return result;
}

interface Manifest {
  readonly stacks: Record<string, { readonly workingDirectory: string; readonly dependencies: readonly string[] }>;
}

/** The stacks cdktf wrote, dependencies first (the order `cdktf deploy` uses). */
function stacksInDeployOrder(outdir: string): StackDir[] {
  const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as Manifest;
  const ordered: string[] = [];
  const visit = (id: string, trail: readonly string[]) => {
    if (ordered.includes(id)) return;
    if (trail.includes(id)) throw new Error(`stack dependency cycle: ${[...trail, id].join(" -> ")}`);
    for (const dependency of manifest.stacks[id]?.dependencies ?? []) visit(dependency, [...trail, id]);
    ordered.push(id);
  };
  for (const id of Object.keys(manifest.stacks).sort()) visit(id, []);
  return ordered.filter((id) => manifest.stacks[id]).map((id) => ({ id, dir: join(outdir, manifest.stacks[id].workingDirectory) }));
}

interface SynthesizedStack {
  readonly provider?: { readonly aws?: ReadonlyArray<{ readonly endpoints?: ReadonlyArray<Record<string, string>> }> };
  readonly terraform?: { readonly backend?: { readonly local?: { readonly path?: string } } };
}

/**
 * Refuses a stack that would reach past the emulator: this script applies and destroys, so a
 * deployment on a real account (or a base revision that ignores LAB_EMULATOR_URL) must stop here.
 */
function assertConfinedToEmulator(stack: StackDir, emulatorUrl: string, stateDir: string): void {
  const json = JSON.parse(readFileSync(join(stack.dir, "cdk.tf.json"), "utf8")) as SynthesizedStack;
  const providers = json.provider?.aws ?? [];
  const onEmulator =
    providers.length > 0 &&
    providers.every((provider) => {
      const endpoints = Object.values(provider.endpoints?.[0] ?? {});
      return endpoints.length > 0 && endpoints.every((url) => url === emulatorUrl);
    });
  if (!onEmulator) {
    throw new Error(
      `${stack.id}: its AWS provider does not point every service at the emulator (${emulatorUrl}); only emulator deployments can be checked`,
    );
  }
  const statePath = json.terraform?.backend?.local?.path;
  if (!statePath || relative(stateDir, statePath).startsWith("..")) {
    throw new Error(`${stack.id}: its state is not a local file under ${stateDir} (backend ${JSON.stringify(json.terraform?.backend)})`);
  }
}

/** Runs a checkout's cdktf app (cdktf.json's `app`) the way `cdktf synth` does, into `outdir`. */
async function synthesize(
  checkout: string,
  outdir: string,
  env: NodeJS.ProcessEnv,
  emulatorUrl: string,
  stateDir: string,
): Promise<StackDir[]> {
  mkdirSync(outdir, { recursive: true });
  const app = (JSON.parse(readFileSync(join(checkout, "cdktf.json"), "utf8")) as { app: string }).app;
  const result = await run("sh", ["-c", app], { cwd: checkout, env: { ...env, CDKTF_OUTDIR: outdir } });
  if (result.code !== 0) {
    throw new Error(
      `synth in ${checkout} failed (exit ${result.code}):\n${(result.stderr || result.stdout).trim().split("\n").slice(-30).join("\n")}`,
    );
  }
  const stacks = stacksInDeployOrder(outdir);
  if (stacks.length === 0) throw new Error(`synth in ${checkout} produced no stack for ${env.LAB_DEPLOYMENTS}`);
  for (const stack of stacks) assertConfinedToEmulator(stack, emulatorUrl, stateDir);
  return stacks;
}

let cleaning: Promise<void> | undefined;
let interrupted = false;

/** Destroys what the base applied, stops the emulator, removes the worktree; each step runs even if one before failed. */
function cleanUp(session: Session): Promise<void> {
  cleaning ??= (async () => {
    const { emulator, terraformEnv } = session;
    if (emulator?.running() && terraformEnv && session.appliedStacks.length > 0) {
      // The state on disk is always the base's: planning the working tree never writes it.
      for (const stack of [...session.appliedStacks].reverse()) {
        await timed(session, `destroy ${stack.id} (base code)`, async () => {
          try {
            await terraform(stack, terraformEnv, ["destroy", "-auto-approve", LOCK_TIMEOUT]);
          } catch (error) {
            say(`warning: ${error instanceof Error ? error.message : String(error)}`);
          }
        });
      }
    }
    if (emulator) await timed(session, "stop emulator", () => emulator.stop());
    if (session.worktree) {
      // The link first, so that nothing can follow it into this checkout's node_modules.
      const link = join(session.worktree, "node_modules");
      if (existsSync(link)) unlinkSync(link);
      const removed = await run("git", ["-C", PROJECT_ROOT, "worktree", "remove", "--force", session.worktree]);
      if (removed.code !== 0) {
        rmSync(session.worktree, { recursive: true, force: true });
        await run("git", ["-C", PROJECT_ROOT, "worktree", "prune"]);
      }
    }
    rmSync(session.workDir, { recursive: true, force: true });
  })();
  return cleaning;
}

function printTimings(session: Session, started: number): void {
  say();
  say("timings:");
  for (const [label, seconds] of session.phases) say(`  ${label.padEnd(44)} ${seconds.toFixed(1).padStart(6)} s`);
  say(`  ${"total".padEnd(44)} ${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s`);
}

async function check(options: Options, session: Session): Promise<boolean> {
  const baseCommit = await git(["rev-parse", "--verify", "--end-of-options", `${options.base}^{commit}`]);
  say(`base ${options.base} = ${baseCommit.slice(0, 12)}; working tree ${PROJECT_ROOT}; deployment '${options.deployment}'`);

  const worktree = join(session.workDir, "base");
  session.worktree = worktree;
  await timed(session, "git worktree add (base)", async () => {
    await git(["worktree", "add", "--detach", worktree, baseCommit]);
    // The base runs with this checkout's packages: a base whose lock file differs is checked against today's versions.
    symlinkSync(join(PROJECT_ROOT, "node_modules"), join(worktree, "node_modules"), "dir");
  });

  const emulatorProcess = new EmulatorProcess(join(session.workDir, "emulator"));
  session.emulator = emulatorProcess;
  const emulator = await timed(session, "start emulator", () => emulatorProcess.start());
  say(`emulator pid ${emulator.pid} at ${emulator.url}`);

  const stateDir = join(session.workDir, "state");
  const appEnv: NodeJS.ProcessEnv = {
    ...process.env,
    LAB_DEPLOYMENTS: options.deployment,
    LAB_EMULATOR_URL: emulator.url,
    LAB_STATE_DIR: stateDir,
  };
  // Each checkout reads its own variables/: a deployment file may be part of the change.
  delete appEnv.LAB_VARIABLES_DIR;
  const terraformEnv = {
    ...terraformEnvironment(process.env, join(session.workDir, "terraform.tfrc")),
    // The emulator accepts any credentials; these keep the provider from looking for real ones.
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
  };
  session.terraformEnv = terraformEnv;

  const baseStacks = await timed(session, "synth base", () =>
    synthesize(worktree, join(session.workDir, "synth-base"), appEnv, emulator.url, stateDir),
  );
  for (const stack of baseStacks) {
    await timed(session, `init + apply ${stack.id} (base)`, async () => {
      await terraform(stack, terraformEnv, ["init"]);
      session.appliedStacks.push(stack);
      await terraform(stack, terraformEnv, ["apply", "-auto-approve"]);
    });
  }

  const currentStacks = await timed(session, "synth working tree", () =>
    synthesize(PROJECT_ROOT, join(session.workDir, "synth-current"), appEnv, emulator.url, stateDir),
  );
  say();
  let clean = true;
  for (const stack of currentStacks) {
    const changes = await timed(session, `init + plan ${stack.id} (working tree)`, async () => {
      await terraform(stack, terraformEnv, ["init"]);
      // No refresh: the question is what the code change does to the state, not whether the emulator drifts.
      await terraform(stack, terraformEnv, ["plan", "-refresh=false", LOCK_TIMEOUT, `-out=${PLAN_FILE}`]);
      const shown = await terraform(stack, terraformEnv, ["show", "-json", PLAN_FILE]);
      return classifyPlan(JSON.parse(shown.stdout) as PlanJson);
    });
    const isNew = !baseStacks.some((base) => base.id === stack.id) ? "  (a stack the base does not have)" : "";
    say(summaryLine(stack.id, countChanges(changes)) + isNew);
    for (const line of changeLines(changes)) say(line);
    const renamed = likelyRenames(changes);
    if (renamed.length) {
      say(
        `  hint: deleted and created under new addresses: ${renamed.join(", ")}; if these are the same objects, keep their state with moveFromId/moveTo (moved blocks)`,
      );
    }
    if (changes.some(altersState)) clean = false;
  }
  for (const gone of baseStacks.filter((base) => !currentStacks.some((stack) => stack.id === base.id))) {
    say(`${gone.id}: the working tree has no such stack; everything in its state would be left unmanaged`);
    clean = false;
  }
  say();
  say(
    clean
      ? "OK: no stack plans anything but moves."
      : "FAIL: the working tree would change the state of resources deployed by the base (listed above).",
  );
  return clean;
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  if (typeof options === "string") {
    say(options);
    return options === USAGE ? 0 : 2;
  }
  const started = performance.now();
  const session: Session = { workDir: mkdtempSync(join(tmpdir(), "check-addresses-")), phases: [], appliedStacks: [] };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (interrupted) {
        say(`${signal} again: exiting without finishing the clean-up (temporary files in ${session.workDir})`);
        process.exit(130);
      }
      interrupted = true;
      say(`${signal}: cleaning up (destroy, stop the emulator, remove the worktree) before exiting...`);
      void cleanUp(session).finally(() => {
        printTimings(session, started);
        process.exit(130);
      });
    });
  }
  try {
    return (await check(options, session)) ? 0 : 1;
  } catch (error) {
    // Terraform got the same Ctrl-C: its "context canceled" errors say nothing new.
    if (interrupted) return 130;
    say(`error: ${error instanceof Error ? error.message : String(error)}`);
    const log = session.emulator?.logFile;
    if (log && existsSync(log)) {
      say(`last lines of the emulator log:\n${readFileSync(log, "utf8").trim().split("\n").slice(-15).join("\n")}`);
    }
    return 1;
  } finally {
    await cleanUp(session);
    // After a signal, the handler prints the timings and sets the exit code.
    if (!interrupted) printTimings(session, started);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    say(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
