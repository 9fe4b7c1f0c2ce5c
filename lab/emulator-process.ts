// Starts, finds and stops the local AWS emulator (emulator/launcher.py) as a background process with pid and log files.
import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

const LAUNCHER = resolve(__dirname, "..", "emulator", "launcher.py");

/** What a running emulator left behind: enough to find it again, or to stop it. */
export interface EmulatorRecord {
  readonly pid: number;
  readonly url: string;
  readonly logFile: string;
  readonly startedAt: string;
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The emulator of one working folder (`.lab` for `npm start`, a temporary one in tests). */
export class EmulatorProcess {
  readonly recordFile: string;
  readonly logFile: string;

  constructor(readonly workDir: string) {
    this.recordFile = join(workDir, "emulator.json");
    this.logFile = join(workDir, "emulator.log");
  }

  /** The running emulator, or undefined; a record of a dead process is removed. */
  running(): EmulatorRecord | undefined {
    if (!existsSync(this.recordFile)) return undefined;
    const record = JSON.parse(readFileSync(this.recordFile, "utf8")) as EmulatorRecord;
    if (isProcessAlive(record.pid)) return record;
    rmSync(this.recordFile, { force: true });
    return undefined;
  }

  /** Starts the launcher on a free loopback port and waits until it listens. */
  async start(options: { python?: string; timeoutMs?: number } = {}): Promise<EmulatorRecord> {
    const existing = this.running();
    if (existing) throw new Error(`an emulator is already running (pid ${existing.pid}, ${existing.url})`);
    mkdirSync(this.workDir, { recursive: true });
    const log = openSync(this.logFile, "w");
    const child = spawn(options.python ?? "python3", [LAUNCHER, "--port", "0", "--quiet"], {
      detached: true,
      stdio: ["ignore", log, log],
    });
    closeSync(log);
    child.unref();
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    for (;;) {
      const text = readFileSync(this.logFile, "utf8");
      const match = /emulator listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(text);
      if (match && child.pid) {
        const record: EmulatorRecord = { pid: child.pid, url: match[1], logFile: this.logFile, startedAt: new Date().toISOString() };
        writeFileSync(this.recordFile, JSON.stringify(record, null, 2));
        return record;
      }
      if (child.exitCode !== null || (child.pid && !isProcessAlive(child.pid))) {
        throw new Error(`the emulator exited before listening; its log (${this.logFile}) says:\n${text.split("\n").slice(-20).join("\n")}`);
      }
      if (Date.now() > deadline) {
        if (child.pid) process.kill(child.pid, "SIGKILL");
        throw new Error(`the emulator did not listen within ${(options.timeoutMs ?? 60_000) / 1000} s; see ${this.logFile}`);
      }
      await new Promise((resolveWait) => setTimeout(resolveWait, 100));
    }
  }

  /** Stops the emulator (SIGTERM, then SIGKILL after a grace period). Returns false when none ran. */
  async stop(graceMs = 10_000): Promise<boolean> {
    const record = this.running();
    if (!record) return false;
    process.kill(record.pid, "SIGTERM");
    const deadline = Date.now() + graceMs;
    while (isProcessAlive(record.pid) && Date.now() < deadline) {
      await new Promise((resolveWait) => setTimeout(resolveWait, 100));
    }
    if (isProcessAlive(record.pid)) process.kill(record.pid, "SIGKILL");
    rmSync(this.recordFile, { force: true });
    return true;
  }
}
