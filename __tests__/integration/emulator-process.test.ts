// The emulator's lifecycle as `npm start` / `lab:down` use it: one per folder, found again, stopped cleanly.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EmulatorProcess, isProcessAlive } from "../../lab/emulator-process";

describe.sequential("EmulatorProcess", () => {
  const emulator = new EmulatorProcess(mkdtempSync(join(tmpdir(), "lab-emulator-")));

  it("reports nothing running before a start, and stopping then is a no-op", async () => {
    expect(emulator.running()).toBeUndefined();
    expect(await emulator.stop()).toBe(false);
  });

  it("starts on a free loopback port and answers AWS API calls", async () => {
    const record = await emulator.start();
    expect(record.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
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
