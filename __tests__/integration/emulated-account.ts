// One emulator (one emulated AWS account) per integration test file, and what a deployment left in it.
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll } from "vitest";
import { EmulatorProcess, type EmulatorRecord } from "../../lab/emulator-process";
import type { RuntimeSettings } from "../../variables/runtime";
import type { Deployment } from "../../variables/schema";
import { VARIABLES_DIR, variantDeployment } from "../helpers/synth";
import { synthToDisk } from "../helpers/synth-to-disk";

const INVENTORY = resolve(__dirname, "..", "..", "emulator", "inventory.py");

/**
 * Each file gets its own emulator, so files run in parallel without sharing an account: the
 * provider's fixed waits (not the emulator, which answers in milliseconds) set the pace, and those
 * overlap across files. One emulator serves one request at a time, so sharing one would also
 * queue every file's calls behind the others'.
 */
export class EmulatedAccount {
  readonly workDir: string;
  private readonly emulator: EmulatorProcess;
  private record?: EmulatorRecord;

  /** Starts the emulator before the file's tests and stops it after them. */
  constructor(label: string) {
    this.workDir = mkdtempSync(join(tmpdir(), `lab-integration-${label}-`));
    this.emulator = new EmulatorProcess(join(this.workDir, "emulator"));
    beforeAll(async () => {
      this.record = await this.emulator.start();
    });
    afterAll(async () => {
      await this.emulator.stop();
    });
  }

  get url(): string {
    if (!this.record) throw new Error(`the emulator of ${this.workDir} has not started`);
    return this.record.url;
  }

  get runtime(): RuntimeSettings {
    return { variablesDir: VARIABLES_DIR, emulatorUrl: this.url, stateDir: join(this.workDir, "state") };
  }

  /** Synthesizes the deployment against this emulator; the folder of each stack by stack id. */
  synth(deployment: Deployment, folder = `synth-${deployment.name}`): Record<string, string> {
    return synthToDisk([deployment], this.runtime, join(this.workDir, folder));
  }

  /** What the emulator holds for a deployment: `{}` when nothing is left. */
  async inventory(deployment: string, region = "us-east-1"): Promise<Record<string, string[]>> {
    const args = [INVENTORY, "--endpoint", this.url, "--deployment", deployment, "--region", region];
    const { stdout } = await promisify(execFile)("python3", args, { encoding: "utf8" });
    return JSON.parse(stdout) as Record<string, string[]>;
  }
}

/**
 * A shipped deployment file (which targets a real account) moved onto the emulator: the emulator
 * block and a local backend (prod's S3 state bucket does not exist here) are added, everything else
 * is kept as written. The emulator is thrown away afterwards, so prod's deletion protection and
 * final snapshots need no destroy.
 */
export function shippedOnEmulator(name: string): Deployment {
  return variantDeployment(name, (file) => {
    file.emulator = { kind: "moto" };
    file.backend = { type: "local" };
  });
}
