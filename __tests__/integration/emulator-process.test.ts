// The emulator's lifecycle as `npm start` / `lab:down` use it: one per folder, found again, stopped cleanly, never a stranger.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { EmulatorProcess, isProcessAlive, type EmulatorRecord } from "../../lab/emulator-process";

describe.sequential("EmulatorProcess", () => {
  const emulator = new EmulatorProcess(mkdtempSync(join(tmpdir(), "lab-emulator-")));

  it("reports nothing running before a start, and stopping then is a no-op", async () => {
    expect(emulator.running()).toBeUndefined();
    expect(await emulator.stop()).toBe(false);
  });

  it("starts on a free loopback port and answers AWS API calls", async () => {
    const record = await emulator.start();
    expect(record.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // With the start time the record names this process, not just a pid that may be reused.
    expect(record.processStart).toMatch(/^\d+$/);
    expect(emulator.running()).toEqual(record);
    // STS GetCallerIdentity over the query protocol: the emulator's fixed account.
    const response = await fetch(record.url, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=x",
      },
      body: "Action=GetCallerIdentity&Version=2011-06-15",
    });
    expect(await response.text()).toContain("<Account>123456789012</Account>");
  }, 60_000);

  it("refuses a second start with a message naming the running one", async () => {
    const record = emulator.running();
    await expect(emulator.start()).rejects.toThrow(`an emulator is already running (pid ${record?.pid}, ${record?.url})`);
  });

  it("stops, leaving no process and no record", async () => {
    const record = emulator.running();
    expect(await emulator.stop()).toBe(true);
    expect(isProcessAlive(record?.pid ?? -1)).toBe(false);
    expect(emulator.running()).toBeUndefined();
  }, 30_000);
});

// After a crash or a reboot the saved pid may belong to anything: `lab:down` must not signal it.
describe("a saved record whose pid is no longer our emulator", () => {
  const LAUNCHER = resolve(__dirname, "..", "..", "emulator", "launcher.py");
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) child.kill("SIGKILL");
  });

  function recordPointingAt(pid: number, extra: Partial<EmulatorRecord> = {}): EmulatorProcess {
    const workDir = mkdtempSync(join(tmpdir(), "lab-emulator-stale-"));
    const record: EmulatorRecord = {
      pid,
      url: "http://127.0.0.1:1",
      logFile: join(workDir, "emulator.log"),
      startedAt: new Date().toISOString(),
      ...extra,
    };
    writeFileSync(join(workDir, "emulator.json"), JSON.stringify(record));
    return new EmulatorProcess(workDir);
  }

  function spawnChild(command: string, args: string[]): number {
    const child = spawn(command, args, { stdio: "ignore" });
    children.push(child);
    if (!child.pid) throw new Error(`could not start ${command}`);
    return child.pid;
  }

  it("an unrelated live process (sleep) is left running, and the record is removed", async () => {
    const pid = spawnChild("sleep", ["30"]);
    const emulator = recordPointingAt(pid);
    expect(await emulator.stop()).toBe(false);
    expect(isProcessAlive(pid)).toBe(true);
    expect(existsSync(emulator.recordFile)).toBe(false);
  });

  it("says why in one line: the pid is now another program", () => {
    const pid = spawnChild("sleep", ["30"]);
    const status = recordPointingAt(pid).status();
    expect(status).toMatchObject({ state: "stale", reason: `pid ${pid} is now another program (sleep 30)` });
  });

  it("a process that names the launcher but started after the record was written is not ours either", async () => {
    // The start time is what tells a reused pid apart when the command line happens to match.
    const pid = spawnChild("python3", ["-c", "import time; time.sleep(30)", LAUNCHER]);
    await new Promise((resolveWait) => setTimeout(resolveWait, 300)); // let a launcher shim exec into python
    const emulator = recordPointingAt(pid, { processStart: "1" });
    expect(emulator.status()).toMatchObject({ state: "stale", reason: expect.stringContaining("started after the record was written") });
    expect(await recordPointingAt(pid, { processStart: "1" }).stop()).toBe(false);
    expect(isProcessAlive(pid)).toBe(true);
  });

  it("a record of a process that has exited is removed without a signal", async () => {
    const child = spawn("true");
    await new Promise((resolveExit) => child.on("exit", resolveExit));
    const emulator = recordPointingAt(child.pid ?? -1);
    expect(emulator.status()).toMatchObject({ state: "stale", reason: `pid ${child.pid} has exited` });
    expect(await emulator.stop()).toBe(false);
  });
});
