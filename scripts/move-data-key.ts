// Moves a deployed lab's KMS key and alias from `<name>-lab`'s state to `<name>-data`'s, so a lab destroy can no longer reach them.
//
// Usage: npx cdktf synth && npx tsx scripts/move-data-key.ts --deployment prod [--outdir cdktf.out]
//
// For a deployment deployed before it set `encryption.dataKeyStack`: run it once after that change
// is synthesized and before anything of the deployment is applied. It changes state only, never AWS:
// the key and alias keep their ids, the lab then finds the key by alias with the same ARN, and no
// cluster is replaced. Works with any backend (state pull / push); the states as they were are kept
// in a folder it prints. Exit 0: moved, or already moved. Exit 1: refused or failed (nothing pushed
// unless it says so). Exit 2: bad arguments.
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { run, terraformEnvironment, terraformFailure, type CommandResult } from "../lab/terraform-cli";
import { dataStackId } from "../stacks/data-stack";
import { decideDataKeyMove } from "../stacks/data-key-move";
import { labStackId } from "../stacks/lab-stack";
import { PROJECT_ROOT } from "../variables/runtime";

const USAGE = "usage: npx tsx scripts/move-data-key.ts --deployment <name> [--outdir cdktf.out]";
const say = (line = "") => process.stdout.write(`${line}\n`);

interface Manifest {
  readonly stacks: Record<string, { readonly workingDirectory: string }>;
}

async function terraform(cwd: string, env: NodeJS.ProcessEnv, args: readonly string[]): Promise<CommandResult> {
  const result = await run("terraform", args, { cwd, env });
  if (result.code !== 0) throw terraformFailure(`terraform ${args.join(" ")} (in ${cwd})`, result);
  return result;
}

/** Every resource address a synthesized stack manages (the data stack: the key and its alias). */
function managedAddresses(stackDir: string): string[] {
  const json = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")) as { resource?: Record<string, Record<string, unknown>> };
  return Object.entries(json.resource ?? {}).flatMap(([type, byId]) => Object.keys(byId).map((id) => `${type}.${id}`));
}

async function stateList(stateFile: string, scratch: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  if (!existsSync(stateFile) || readFileSync(stateFile, "utf8").trim() === "") return [];
  const listed = await terraform(scratch, env, ["state", "list", `-state=${stateFile}`]);
  return listed.stdout.split("\n").filter(Boolean);
}

async function main(): Promise<number> {
  let deployment: string;
  let outdir: string;
  try {
    const { values } = parseArgs({
      options: { deployment: { type: "string" }, outdir: { type: "string", default: "cdktf.out" }, help: { type: "boolean", short: "h" } },
      strict: true,
    });
    if (values.help) return (say(USAGE), 0);
    if (!values.deployment) throw new Error("--deployment is required");
    deployment = values.deployment;
    outdir = resolve(PROJECT_ROOT, values.outdir ?? "cdktf.out");
  } catch (error) {
    say(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }

  const manifestPath = join(outdir, "manifest.json");
  if (!existsSync(manifestPath)) return (say(`${manifestPath} not found: run \`npx cdktf synth\` first`), 1);
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as Manifest;
  const [lab, data] = [labStackId(deployment), dataStackId(deployment)];
  for (const id of [lab, data]) {
    if (!manifest.stacks[id]) {
      say(
        `${id} is not in ${manifestPath}: ${id === data ? `set "encryption": { "dataKeyStack": true } in variables/${deployment}.json and synth again` : "synth the deployment first"}`,
      );
      return 1;
    }
  }
  const labDir = join(outdir, manifest.stacks[lab].workingDirectory);
  const dataDir = join(outdir, manifest.stacks[data].workingDirectory);
  const env = terraformEnvironment(process.env);

  // State can name resources' ids and ARNs: keep the copies where only this user can read them.
  const workDir = mkdtempSync(join(tmpdir(), `move-data-key-${deployment}-`));
  chmodSync(workDir, 0o700);
  const scratch = join(workDir, "scratch");
  await run("mkdir", ["-p", scratch]);
  const labState = join(workDir, `${lab}.tfstate`);
  const dataState = join(workDir, `${data}.tfstate`);
  for (const [dir, file] of [
    [labDir, labState],
    [dataDir, dataState],
  ] as const) {
    await terraform(dir, env, ["init", "-input=false", "-no-color"]);
    writeFileSync(file, (await terraform(dir, env, ["state", "pull"])).stdout, { mode: 0o600 });
  }
  writeFileSync(`${labState}.before`, readFileSync(labState), { mode: 0o600 });
  writeFileSync(`${dataState}.before`, readFileSync(dataState), { mode: 0o600 });
  say(`states as they were: ${labState}.before, ${dataState}.before`);

  const decision = decideDataKeyMove(
    deployment,
    managedAddresses(dataDir),
    await stateList(labState, scratch, env),
    await stateList(dataState, scratch, env),
  );
  switch (decision.kind) {
    case "refuse":
      say(`refused: ${decision.reason}. Nothing was pushed.`);
      return 1;
    case "done":
      say(`${data} already holds ${decision.addresses.join(", ")}; ${lab} holds none. Nothing to do.`);
      return 0;
    case "nothing":
      say(`neither state holds ${decision.addresses.join(", ")}: deploy ${data} first (it creates the key). Nothing to do.`);
      return 0;
    case "move":
      break;
  }

  // In an empty folder, so the -state flags act on the two files, whatever backend the stacks use.
  if (readFileSync(dataState, "utf8").trim() === "") {
    // A data stack never applied has no state yet: state mv creates the file.
    await run("rm", ["-f", dataState]);
  }
  for (const address of decision.addresses) {
    await terraform(scratch, env, ["state", "mv", "-lock=false", `-state=${labState}`, `-state-out=${dataState}`, address, address]);
    say(`moved ${address}: ${lab} -> ${data}`);
  }
  // The data stack first: if the second push fails, both states name the key, and the lab's next
  // plan fails on prevent_destroy instead of forgetting it; push the lab's file by hand then.
  await terraform(dataDir, env, ["state", "push", dataState]);
  say(`pushed ${data}'s state`);
  await terraform(labDir, env, ["state", "push", labState]);
  say(`pushed ${lab}'s state`);
  say();
  say(`Now plan both: \`npx cdktf diff ${data}\` must show no change, and \`npx cdktf diff ${lab}\` no create, update or`);
  say(`replace of a cluster or instance. Then delete ${workDir}.`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    say(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
