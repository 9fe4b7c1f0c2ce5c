// Starts, finds and stops the local AWS emulator (emulator/launcher.py) as a background process with pid and log files.
import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { isProcessAlive, processCommandLine, processStartTicks } from "./process-identity";

export { isProcessAlive } from "./process-identity";

const LAUNCHER = resolve(__dirname, "..", "emulator", "launcher.py");

/** What a running emulator left behind: enough to find it again, or to stop it. */
export interface EmulatorRecord {
  readonly pid: number;
  readonly url: string;
  readonly logFile: string;
  readonly startedAt: string;
  /** The process's start time (clock ticks since boot) where /proc has it: a reused pid has another. */
  readonly processStart?: string;
}

/** What a working folder's record says: no emulator, ours running, or a record whose pid is no longer ours. */
export type EmulatorStatus =
  | { readonly state: "none" }
  | { readonly state: "running"; readonly record: EmulatorRecord }
  | { readonly state: "stale"; readonly record: EmulatorRecord; readonly reason: string };

/**
 * Why the live process `record.pid` is not the emulator that wrote the record, or undefined when
 * it is. After a crash or a reboot the pid may belong to anything; signalling it could kill it.
 */
function notOurEmulator(record: EmulatorRecord): string | undefined {
  const commandLine = processCommandLine(record.pid);
  if (!commandLine) return `pid ${record.pid} cannot be inspected`;
  if (!commandLine.includes(LAUNCHER)) return `pid ${record.pid} is now another program (${commandLine.join(" ").slice(0, 80)})`;
  const start = processStartTicks(record.pid);
  if (record.processStart !== undefined && start !== record.processStart) {
    return `pid ${record.pid} runs the launcher but was started after the record was written (another emulator)`;
  }
  return undefined;
}

/** The emulator of one working folder (`.lab` for `npm start`, a temporary one in tests). */
export class EmulatorProcess {
  readonly recordFile: string;
  readonly logFile: string;

  constructor(readonly workDir: string) {
    this.recordFile = join(workDir, "emulator.json");
    this.logFile = join(workDir, "emulator.log");
  }

  /**
   * The record and whether its process is still our emulator. A record whose process died, or whose
   * pid now belongs to another process, is removed: nothing of ours is left to stop.
   */
  status(): EmulatorStatus {
    if (!existsSync(this.recordFile)) return { state: "none" };
    const record = JSON.parse(readFileSync(this.recordFile, "utf8")) as EmulatorRecord;
    const reason = isProcessAlive(record.pid) ? notOurEmulator(record) : `pid ${record.pid} has exited`;
    if (reason === undefined) return { state: "running", record };
    rmSync(this.recordFile, { force: true });
    return { state: "stale", record, reason };
  }

  /** The running emulator, or undefined (a stale record is removed). */
  running(): EmulatorRecord | undefined {
    const status = this.status();
    return status.state === "running" ? status.record : undefined;
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
        const record: EmulatorRecord = {
          pid: child.pid,
          url: match[1],
          logFile: this.logFile,
          startedAt: new Date().toISOString(),
          processStart: processStartTicks(child.pid),
        };
        writeFileSync(this.recordFile, JSON.stringify(record, null, 2));
        return record;
      }
      if (child.exitCode !== null || (child.pid && !isProcessAlive(child.pid))) {
        // The launcher refuses to start with one line saying what to install: show it as that one line.
        const lines = text.trim().split("\n");
        if (lines.length === 1 && lines[0]) throw new Error(`the emulator did not start: ${lines[0]}`);
        throw new Error(`the emulator exited before listening; its log (${this.logFile}) says:\n${lines.slice(-20).join("\n")}`);
      }
      if (Date.now() > deadline) {
        if (child.pid) process.kill(child.pid, "SIGKILL");
        throw new Error(`the emulator did not listen within ${(options.timeoutMs ?? 60_000) / 1000} s; see ${this.logFile}`);
      }
      await new Promise((resolveWait) => setTimeout(resolveWait, 100));
    }
  }

  /**
   * Stops the emulator (SIGTERM, then SIGKILL after a grace period). Returns false when none of ours
   * ran: a stale record (its pid exited or now belongs to another process) is removed, never signalled.
   */
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
