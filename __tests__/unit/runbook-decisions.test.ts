// The runbook's decisions: the start type per task state, when a start is done, and its command line.
import type { ReplicationTask } from "@aws-sdk/client-database-migration-service";
import { describe, expect, it } from "vitest";
import { parseArguments } from "../../lab/runbook/arguments";
import { connectionHints } from "../../lab/runbook/commands";
import { UsageError } from "../../lab/runbook/context";
import { decideStart, startProgress } from "../../lab/runbook/decisions";

describe("decideStart", () => {
  it.each([
    ["ready", false, { kind: "start", startType: "start-replication" }],
    ["ready", true, { kind: "start", startType: "start-replication" }],
    ["stopped", false, { kind: "start", startType: "resume-processing" }],
    ["failed", false, { kind: "start", startType: "resume-processing" }],
    ["stopped", true, { kind: "start", startType: "reload-target" }],
    ["failed", true, { kind: "start", startType: "reload-target" }],
    ["running", false, { kind: "nothing", reason: "the task is already running" }],
    ["starting", false, { kind: "nothing", reason: "the task is already starting" }],
  ] as const)("a %s task with reload=%s: %j", (status, reload, expected) => {
    expect(decideStart(status, reload)).toEqual(expected);
  });

  it.each(["stopping", "creating", "modifying", "deleting", undefined])("refuses to touch a task that is %s", (status) => {
    expect(decideStart(status, false)).toMatchObject({ kind: "refuse", reason: expect.stringContaining("wait until it is ready") });
  });

  it("refuses a reload of a running task, saying to stop it first", () => {
    expect(decideStart("running", true)).toMatchObject({ kind: "refuse", reason: expect.stringContaining("stop it first") });
  });
});

describe("startProgress", () => {
  const task = (fields: Partial<ReplicationTask>): ReplicationTask => ({ MigrationType: "full-load-and-cdc", ...fields });

  it("waits while the load runs, and is done once it is complete and CDC runs", () => {
    expect(startProgress(task({ Status: "starting" }))).toEqual({ kind: "waiting" });
    expect(startProgress(task({ Status: "running", ReplicationTaskStats: { FullLoadProgressPercent: 50 } }))).toEqual({ kind: "waiting" });
    expect(startProgress(task({ Status: "running", ReplicationTaskStats: { FullLoadProgressPercent: 100 } }))).toEqual({
      kind: "done",
      summary: "full load complete, CDC running",
    });
  });

  it("is done for a cdc task as soon as it runs, and for a full-load task when the load finished", () => {
    expect(startProgress(task({ MigrationType: "cdc", Status: "running" }))).toMatchObject({ kind: "done" });
    expect(startProgress(task({ MigrationType: "full-load", Status: "running" }))).toEqual({ kind: "waiting" });
    expect(
      startProgress(task({ MigrationType: "full-load", Status: "stopped", StopReason: "Stop Reason FULL_LOAD_ONLY_FINISHED" })),
    ).toMatchObject({
      kind: "done",
    });
  });

  it("fails with DMS's message, or when the task stopped on its way", () => {
    expect(startProgress(task({ Status: "failed", LastFailureMessage: "Last Error password authentication failed" }))).toEqual({
      kind: "failed",
      reason: "Last Error password authentication failed",
    });
    expect(startProgress(task({ Status: "stopped", StopReason: "Stop Reason NORMAL" }))).toEqual({
      kind: "failed",
      reason: "stopped (Stop Reason NORMAL)",
    });
    expect(startProgress(task({ MigrationType: "full-load", Status: "stopped", StopReason: "Stop Reason NORMAL" }))).toMatchObject({
      kind: "failed",
    });
  });
});

describe("connectionHints", () => {
  it("points at the secret, the password, the path or TLS from DMS's message", () => {
    expect(connectionHints("Failed to retrieve secret arn:...: no value for AWSCURRENT")[0]).toMatch(/a deploy fills it/);
    expect(connectionHints('FATAL: password authentication failed for user "dms_source"')[0]).toMatch(/rotate the secret/);
    expect(connectionHints("target group local-source-writer has no registered target")[0]).toMatch(/writer-sync/);
    expect(connectionHints("no pg_hba.conf entry ... no encryption")[0]).toMatch(/TLS/);
    expect(connectionHints("something else")).toEqual([]);
  });

  it("tells a wrong CA, a wrong host name and a missing private name apart", () => {
    expect(connectionHints("SSL error: certificate verify failed")).toEqual([expect.stringMatching(/RDS CA certificate/)]);
    expect(connectionHints('server certificate for "vpce-1.vpce-svc-2.us-east-1.vpce.amazonaws.com" does not match host name "x"')).toEqual(
      [expect.stringMatching(/cluster endpoint \(not the interface endpoint's name\)/)],
    );
    expect(connectionHints('could not translate host name "dev-source.cluster-1.us-east-1.rds.amazonaws.com"')).toEqual([
      expect.stringMatching(/private hosted zone/),
    ]);
  });
});

describe("parseArguments", () => {
  const commands = ["status", "seed", "start", "stop"];

  it("takes psql's side before its options, and -c for psql only", () => {
    expect(parseArguments(["psql", "target", "-c", "SELECT 1 = 1", "--deployment", "dev"], ["psql"])).toMatchObject({
      command: "psql",
      deployment: "dev",
      options: { side: "target", sql: "SELECT 1 = 1" },
    });
    expect(() => parseArguments(["psql"], ["psql"])).toThrow("psql needs one of: source, target");
    expect(() => parseArguments(["psql", "both"], ["psql"])).toThrow('psql needs one of: source, target, not "both"');
    expect(() => parseArguments(["status", "-c", "SELECT 1"], commands)).toThrow("-c belongs to psql only");
  });

  it("defaults to the local deployment and reads every option", () => {
    expect(parseArguments(["status"], commands)).toEqual({
      command: "status",
      deployment: "local",
      options: { task: undefined, rows: undefined, reload: false, final: false, rollback: false, json: undefined },
    });
    expect(parseArguments(["start", "--deployment", "dev", "--task=dms-task-demo", "--reload"], commands)).toMatchObject({
      deployment: "dev",
      options: { task: "dms-task-demo", reload: true },
    });
    expect(parseArguments(["seed", "--rows", "10"], commands).options.rows).toBe(10);
  });

  it.each([
    [["verify"], 'unknown command "verify"; choose one of: status, seed, start, stop'],
    [[], "no command; choose one of: status, seed, start, stop"],
    [["seed", "--rows", "-1"], '--rows must be a whole number from 0 to 5000000, not "-1"'],
    [["seed", "--rows"], "--rows needs a value"],
    [["stop", "--force"], 'unknown option "--force"; options: --deployment, --task, --rows, --json, -c, --reload, --final, --rollback'],
  ])("%j: %s", (argv, message) => {
    expect(() => parseArguments(argv, commands)).toThrow(new UsageError(message));
  });
});
