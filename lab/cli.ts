// The lab's commands: `up` (npm start), `plan`, `down` and `destroy` for the local lab; the runbook's commands for any deployment.
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { EmulatorProcess, type EmulatorRecord } from "./emulator-process";
import { PROJECT_ROOT } from "../variables/runtime";
import { DeploymentFileError } from "../variables/load";
import { parseArguments } from "./runbook/arguments";
import { type CommandOptions, seed, start, status, stop, stopEverything, testConnection } from "./runbook/commands";
import { createContext, deploymentFileOf, loadNamedDeployment, type RunbookContext, UsageError } from "./runbook/context";
import { cutover } from "./runbook/cutover";
import { psql } from "./runbook/psql";
import { verify } from "./runbook/verify";
import { applyReviewed } from "./review/apply-command";
import { review } from "./review/command";
import { run, terraformEnvironment } from "./terraform-cli";

const LOCAL_DEPLOYMENT = "local";
const WORK_DIR = join(PROJECT_ROOT, ".lab");
const STATE_DIR = join(WORK_DIR, "state");
const OUTPUTS_FILE = join(WORK_DIR, "outputs.json");
const CDKTF = join(PROJECT_ROOT, "node_modules", ".bin", "cdktf");

const say = (line = "") => process.stdout.write(`${line}\n`);

/** State of a stopped emulator describes resources that no longer exist anywhere: drop it. */
function forgetLocalState(): void {
  if (!existsSync(STATE_DIR)) return;
  for (const file of readdirSync(STATE_DIR)) {
    if (file.startsWith(`${LOCAL_DEPLOYMENT}-`)) rmSync(join(STATE_DIR, file), { force: true });
  }
}

function cdktfEnvironment(emulatorUrl: string): NodeJS.ProcessEnv {
  return {
    ...terraformEnvironment(),
    LAB_DEPLOYMENTS: LOCAL_DEPLOYMENT,
    LAB_EMULATOR_URL: emulatorUrl,
    LAB_STATE_DIR: STATE_DIR,
    // The emulator accepts any credentials; these keep the SDKs from looking for real ones.
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    CI: "true",
  };
}

type Outputs = Record<string, Record<string, string>>;

function printOutputs(emulatorUrl: string): void {
  if (!existsSync(OUTPUTS_FILE)) return;
  const outputs = JSON.parse(readFileSync(OUTPUTS_FILE, "utf8")) as Outputs;
  const lab = outputs[`${LOCAL_DEPLOYMENT}-lab`] ?? {};
  const show = (label: string, key: string) => {
    if (lab[key] !== undefined) say(`  ${label.padEnd(26)} ${lab[key]}`);
  };
  say("The lab is up on the local emulator:");
  show("source cluster (DMS host)", "source_cluster_endpoint");
  show("target cluster (DMS host)", "target_cluster_endpoint");
  show("source interface endpoint", "source_endpoint_dns");
  show("target interface endpoint", "target_endpoint_dns");
  show("source DMS secret", "source_dms_secret_arn");
  show("target DMS secret", "target_dms_secret_arn");
  show("replication instance", "replication_instance_arn");
  show("bastion", "bastion_id");
  const migration = outputs[`${LOCAL_DEPLOYMENT}-migration`];
  if (migration) {
    for (const [key, value] of Object.entries(migration)) say(`  ${key.padEnd(26)} ${value}`);
  }
  say(`All outputs: ${OUTPUTS_FILE}`);
  if (lab.source_cluster_endpoint !== undefined) {
    say("A real PostgreSQL server stands behind each cluster; psql to one as its master user:");
    say("  npm run lab -- psql source        (or target)");
    say(`  python3 emulator/resolve.py --endpoint ${emulatorUrl} ${lab.source_cluster_endpoint}   (the connection string, no password)`);
  }
}

/** The lab's emulator, or undefined; says in one line when the saved record named a process that is not ours. */
function findEmulator(emulator: EmulatorProcess): EmulatorRecord | undefined {
  const status = emulator.status();
  if (status.state === "stale") {
    say(
      `The saved emulator record (pid ${status.record.pid}, ${status.record.url}) is stale: ${status.reason}; record removed, nothing signalled.`,
    );
  }
  return status.state === "running" ? status.record : undefined;
}

async function up(): Promise<number> {
  const emulator = new EmulatorProcess(WORK_DIR);
  const running = findEmulator(emulator);
  if (running) {
    say(`The local lab is already up: emulator pid ${running.pid} at ${running.url} (log ${running.logFile}).`);
    say("Run `npm run lab:down` to remove it, then `npm start` again.");
    printOutputs(running.url);
    return 0;
  }
  forgetLocalState();
  rmSync(OUTPUTS_FILE, { force: true });
  say("Starting the AWS emulator (moto) on loopback...");
  const record = await emulator.start();
  say(`Emulator pid ${record.pid} listening at ${record.url}; log: ${record.logFile}`);
  say(`Deploying the '${LOCAL_DEPLOYMENT}' deployment with cdktf (synth, then every ${LOCAL_DEPLOYMENT}-* stack in order)...`);
  const started = Date.now();
  const deploy = await run(
    CDKTF,
    [
      "deploy",
      "*",
      "--auto-approve",
      "--skip-provider-lock",
      "--outputs-file",
      OUTPUTS_FILE,
      "--outputs-file-include-sensitive-outputs=false",
    ],
    { cwd: PROJECT_ROOT, env: cdktfEnvironment(record.url), echo: true },
  );
  if (deploy.code !== 0) {
    say();
    say(`cdktf deploy failed (exit ${deploy.code}); the Terraform error is above. The emulator is still up for a look:`);
    say(`  log ${record.logFile}; remove everything with \`npm run lab:down\`.`);
    return deploy.code;
  }
  say();
  say(`Deployed in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
  printOutputs(record.url);
  say();
  say("Next:");
  say("  npm run lab:plan      plan every local stack against the running emulator (expect no changes)");
  say("  npm run lab -- seed   the runbook: seed, test-connection, start, status, verify, cutover, stop, psql, review");
  say("  npm run lab:down      stop the emulator: the lab and its databases go with it (lab:destroy runs cdktf destroy first)");
  say("  README.md             the data path, the runbook, and deploying dev or prod to a real account");
  return 0;
}

/** `cdktf diff` takes one stack: synthesize once, then diff each local stack in deploy order. */
async function plan(): Promise<number> {
  const running = findEmulator(new EmulatorProcess(WORK_DIR));
  if (!running) {
    say("Nothing to plan against: no local lab emulator is running. Start it with `npm start`.");
    return 1;
  }
  const env = cdktfEnvironment(running.url);
  const synth = await run(CDKTF, ["synth"], { cwd: PROJECT_ROOT, env, echo: true });
  if (synth.code !== 0) return synth.code;
  const manifest = JSON.parse(readFileSync(join(PROJECT_ROOT, "cdktf.out", "manifest.json"), "utf8")) as {
    stacks: Record<string, unknown>;
  };
  let worst = 0;
  for (const stack of Object.keys(manifest.stacks).filter((id) => id.startsWith(`${LOCAL_DEPLOYMENT}-`))) {
    const diff = await run(CDKTF, ["diff", stack, "--skip-synth", "--skip-provider-lock"], { cwd: PROJECT_ROOT, env, echo: true });
    worst = Math.max(worst, diff.code);
  }
  return worst;
}

/** Stops every task and drops its slots, as on a real account before a destroy. */
async function stopTasks(url: string): Promise<void> {
  say("Stopping every task and dropping its replication slots (stop --final)...");
  await stopEverything(createContext(loadNamedDeployment(LOCAL_DEPLOYMENT), say, { url }, deploymentFileOf(LOCAL_DEPLOYMENT))).catch(
    (error: unknown) => say(`  skipped: ${error instanceof Error ? error.message : String(error)}`),
  );
}

async function stopEmulator(emulator: EmulatorProcess, running: EmulatorRecord): Promise<void> {
  await emulator.stop();
  forgetLocalState();
  rmSync(OUTPUTS_FILE, { force: true });
  say(`Emulator pid ${running.pid} stopped with its PostgreSQL servers and data directories. The local lab is down.`);
}

/**
 * Everything the local lab made lives in the emulator's process and the PostgreSQL servers it started, so stopping
 * it leaves nothing; the state of stacks that no longer exist anywhere is dropped. `lab:destroy` goes through
 * `cdktf destroy` first, as on a real account (the integration tier proves that path on every run).
 */
async function down(): Promise<number> {
  const emulator = new EmulatorProcess(WORK_DIR);
  const running = findEmulator(emulator);
  if (!running) {
    forgetLocalState();
    say("Nothing to take down: no local lab emulator is running.");
    return 0;
  }
  await stopTasks(running.url);
  await stopEmulator(emulator, running);
  return 0;
}

/** `cdktf destroy` of every local stack, then the emulator stopped: a real account's teardown, rehearsed. */
async function destroyLab(): Promise<number> {
  const emulator = new EmulatorProcess(WORK_DIR);
  const running = findEmulator(emulator);
  if (!running) {
    forgetLocalState();
    say("Nothing to destroy: no local lab emulator is running.");
    return 0;
  }
  await stopTasks(running.url);
  say(`Destroying the '${LOCAL_DEPLOYMENT}' stacks on the emulator at ${running.url}...`);
  const destroy = await run(CDKTF, ["destroy", "*", "--auto-approve", "--skip-provider-lock"], {
    cwd: PROJECT_ROOT,
    env: cdktfEnvironment(running.url),
    echo: true,
  });
  if (destroy.code !== 0) {
    say(`cdktf destroy failed (exit ${destroy.code}); the Terraform error is above. Stopping the emulator anyway (it keeps nothing).`);
  }
  await stopEmulator(emulator, running);
  return destroy.code;
}

/** The local lab's own commands (the `local` deployment on the emulator). */
const localCommands: Record<string, () => Promise<number>> = { up, plan, down, destroy: destroyLab };

/** The migration runbook, for any deployment (`--deployment`, default local). */
const runbookCommands: Record<string, (context: RunbookContext, options: CommandOptions) => Promise<number>> = {
  status,
  seed,
  "test-connection": testConnection,
  start,
  stop,
  verify,
  cutover,
  psql,
};

async function main(argv: readonly string[]): Promise<number> {
  // The AWS SDK warns on every command that its releases after January 2027 will need Node 22; the
  // lab pins its SDK versions exactly, so the notice says nothing about this install.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  if (argv[0] === "review") return review(argv.slice(1));
  if (argv[0] === "apply") return applyReviewed(argv.slice(1));
  const local = localCommands[argv[0] ?? ""];
  if (local) {
    if (argv.length > 1) throw new UsageError(`${argv[0]} acts on the local lab only and takes no options; got ${argv.slice(1).join(" ")}`);
    return local();
  }
  const parsed = parseArguments(argv, [...Object.keys(localCommands), ...Object.keys(runbookCommands), "review", "apply"]);
  const context = createContext(loadNamedDeployment(parsed.deployment), say, undefined, deploymentFileOf(parsed.deployment));
  return runbookCommands[parsed.command](context, parsed.options);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${message}\n`);
    process.exit(error instanceof UsageError || error instanceof DeploymentFileError ? 2 : 1);
  },
);
