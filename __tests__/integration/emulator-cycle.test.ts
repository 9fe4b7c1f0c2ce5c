// The lab for real on the local emulator: deploy, no-op plan, destroy to nothing, deploy again; dev and prod plan.
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmulatorProcess, type EmulatorRecord } from "../../lab/emulator-process";
import type { RuntimeSettings } from "../../variables/runtime";
import { shippedDeployment, variantDeployment, VARIABLES_DIR } from "../helpers/synth";
import { synthToDisk } from "../helpers/synth-to-disk";
import { apply, destroy, init, plan, planSummary } from "../helpers/terraform-stack";

// Each step drives Terraform against the emulator for minutes, not seconds.
const STEP_TIMEOUT_MS = 15 * 60_000;
const INVENTORY = resolve(__dirname, "..", "..", "emulator", "inventory.py");
const workDir = mkdtempSync(join(tmpdir(), "lab-integration-"));
const emulator = new EmulatorProcess(join(workDir, "emulator"));
let record: EmulatorRecord;
let runtime: RuntimeSettings;

/** What the emulator holds for a deployment: `{}` when nothing is left. */
function inventory(deployment: string, region = "us-east-1"): Record<string, string[]> {
  const text = execFileSync("python3", [INVENTORY, "--endpoint", record.url, "--deployment", deployment, "--region", region], { encoding: "utf8" });
  return JSON.parse(text) as Record<string, string[]>;
}

async function deployAll(stackDirs: Record<string, string>): Promise<void> {
  for (const dir of Object.values(stackDirs)) {
    await init(dir);
    await apply(dir);
  }
}

async function destroyAll(stackDirs: Record<string, string>): Promise<void> {
  for (const dir of Object.values(stackDirs).reverse()) await destroy(dir);
}

beforeAll(async () => {
  record = await emulator.start();
  runtime = { variablesDir: VARIABLES_DIR, emulatorUrl: record.url, stateDir: join(workDir, "state") };
});

afterAll(async () => {
  await emulator.stop();
});

describe.sequential("the local deployment on the emulator", () => {
  let stackDirs: Record<string, string>;

  it("deploys every stack of `local` with the real provider", async () => {
    stackDirs = synthToDisk([shippedDeployment("local")], runtime, join(workDir, "synth-local"));
    expect(Object.keys(stackDirs)).toEqual(expect.arrayContaining(["local-account", "local-lab"]));
    await deployAll(stackDirs);
    const left = inventory("local");
    expect(left.db_clusters).toEqual(["local-source", "local-target"]);
    expect(left.load_balancers).toEqual(["local-source-nlb", "local-target-nlb"]);
    expect(left.dms_instances).toEqual(["local-dms"]);
  }, STEP_TIMEOUT_MS);

  it("plans no changes right after the deploy (-detailed-exitcode 0)", async () => {
    for (const [stackId, dir] of Object.entries(stackDirs)) {
      const result = await plan(dir);
      expect(result.changes, `${stackId} plans changes after apply:\n${planSummary(result.output)}`).toBe(false);
    }
  }, STEP_TIMEOUT_MS);

  it("destroys everything: the emulator holds none of the lab's resources", async () => {
    await destroyAll(stackDirs);
    expect(inventory("local")).toEqual({});
  }, STEP_TIMEOUT_MS);

  it("deploys again after the destroy (no name left reserved), then destroys", async () => {
    await deployAll(stackDirs);
    await destroyAll(stackDirs);
    expect(inventory("local")).toEqual({});
  }, STEP_TIMEOUT_MS);
});

describe.sequential("dev and prod against the emulator", () => {
  // The files as shipped target a real account; the test adds the emulator block and a local
  // backend (prod's S3 bucket does not exist here) and keeps everything else as written. The
  // emulator is thrown away afterwards, so prod's deletion protection needs no destroy.
  const onEmulator = (name: string) =>
    variantDeployment(name, (file) => {
      file.emulator = { kind: "moto" };
      file.backend = { type: "local" };
    });

  it("dev: the account and lab stacks apply, and the migration stack plans its tasks and alarms", async () => {
    const stackDirs = synthToDisk([onEmulator("dev")], runtime, join(workDir, "synth-dev"));
    await deployAll({ account: stackDirs["dev-account"], lab: stackDirs["dev-lab"] });
    await init(stackDirs["dev-migration"]);
    const result = await plan(stackDirs["dev-migration"]);
    expect(result.output).toMatch(/Plan: \d+ to add, 0 to change, 0 to destroy/);
    expect(result.output).toContain("aws_dms_replication_task");
  }, STEP_TIMEOUT_MS);

  it("prod: the account stack plans (dev made the account-wide roles), the lab applies, the migration plans", async () => {
    const stackDirs = synthToDisk([onEmulator("prod")], runtime, join(workDir, "synth-prod"));
    await init(stackDirs["prod-account"]);
    // In this one emulated account the roles exist already; in a fresh account prod would create them.
    expect((await plan(stackDirs["prod-account"])).output).toMatch(/Plan: 4 to add/);
    await deployAll({ lab: stackDirs["prod-lab"] });
    const left = inventory("prod", "eu-west-1");
    expect(left.db_instances).toEqual(["prod-source-1", "prod-source-2", "prod-target-1", "prod-target-2"]);
    await init(stackDirs["prod-migration"]);
    const result = await plan(stackDirs["prod-migration"]);
    expect(result.output).toMatch(/Plan: \d+ to add, 0 to change, 0 to destroy/);
  }, STEP_TIMEOUT_MS);
});
