// `lab cutover`: each gate as a pure function, the deployment-file record, and the command with DMS, Lambda and SSM mocked.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DatabaseMigrationServiceClient,
  DescribeReplicationTasksCommand,
  StopReplicationTaskCommand,
  type ReplicationTask,
} from "@aws-sdk/client-database-migration-service";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { GetParameterCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { appDatabaseUrlDescription } from "../../constructs/cutover/app-database-url-value";
import { createContext } from "../../lab/runbook/context";
import { cutover } from "../../lab/runbook/cutover";
import { drainGate, rollbackGate, sequencesGate, tasksGate, type SourceSlot } from "../../lab/runbook/cutover-gates";
import { DeploymentFileEditError, withPointAppAt } from "../../lab/runbook/deployment-file";
import { realAccountCommands } from "../../lab/runbook/psql";
import { shippedDeployment } from "../helpers/synth";

const cdc = (status: string, percent = 100): ReplicationTask => ({
  Status: status,
  MigrationType: "full-load-and-cdc",
  ReplicationTaskStats: { FullLoadProgressPercent: percent },
});
const slot = (confirmedFlushLsn: string | null, slotName = "dms_slot"): SourceSlot => ({
  slotName,
  plugin: "test_decoding",
  active: true,
  confirmedFlushLsn,
  walRetainedBytes: 0,
});

describe("cutover gates", () => {
  it("tasks: passes a task in CDC, refuses one still loading, a full-load task, or another task still running", () => {
    expect(tasksGate([{ identifier: "t", task: cdc("running") }], [], false)).toMatchObject({ pass: true, detail: "t in CDC" });
    expect(tasksGate([{ identifier: "t", task: cdc("running", 40) }], [], false)).toMatchObject({
      pass: false,
      reason: expect.stringMatching(/^t is running, not in CDC: start it/),
    });
    expect(tasksGate([{ identifier: "t", task: cdc("stopped") }], [], false)).toMatchObject({ pass: false });
    expect(tasksGate([{ identifier: "t", task: { ...cdc("stopped"), MigrationType: "full-load" } }], [], false)).toMatchObject({
      pass: false,
      reason: expect.stringContaining("full-load task"),
    });
    expect(tasksGate([{ identifier: "t", task: cdc("running") }], [{ identifier: "u", status: "running" }], false)).toMatchObject({
      pass: false,
      reason: expect.stringContaining("u is running: db_url moves the whole application"),
    });
  });

  it("tasks: a cutover stopped after its stop step resumes while the source is still frozen", () => {
    expect(tasksGate([{ identifier: "t", task: cdc("stopped") }], [], true)).toMatchObject({ pass: true, resuming: true });
  });

  it("drain: passes only when every logical slot confirmed a position past the sentinel", () => {
    expect(drainGate([], "0/5")).toMatchObject({ pass: false, reason: expect.stringContaining("no logical replication slot") });
    expect(drainGate([slot("0/5")], "0/5")).toMatchObject({ pass: false, reason: expect.stringContaining("not past the sentinel") });
    expect(drainGate([slot("0/6"), slot("0/4", "other")], "0/5")).toMatchObject({ pass: false, reason: expect.stringContaining("other") });
    // 1/0 is past 0/FFFFFFF0 although "1/0" < "0/F..." as text.
    expect(drainGate([slot("1/0"), { ...slot(null, "physical"), plugin: null }], "0/FFFFFFF0")).toMatchObject({ pass: true });
  });

  it("sequences: refuses a sequence the target lacks, otherwise reports the moves", () => {
    expect(sequencesGate({ missing: ["s.a"], move: [] })).toMatchObject({
      pass: false,
      reason: expect.stringContaining("s.a exists on the source only"),
    });
    expect(sequencesGate({ missing: [], move: [{ sequence: "s.b", to: "10" }] })).toEqual({ pass: true, detail: "moved s.b to 10" });
  });

  it("rollback: needs a slot on the source", () => {
    expect(rollbackGate([])).toMatchObject({ pass: false, reason: expect.stringContaining("stop --final dropped it") });
    expect(rollbackGate([slot("0/1")])).toMatchObject({ pass: true });
  });
});

describe("recording pointAppAt in the deployment file", () => {
  const file = `{
  "region": "us-east-1",
  "migration": {
    "tasks": [{ "id": "t" }]
  }
}
`;

  it("adds the setting as the first member of migration, changing nothing else", () => {
    const next = withPointAppAt(file, "target");
    expect(next).toBe(
      file.replace('"migration": {\n    "tasks"', '"migration": {\n    "cutover": { "pointAppAt": "target" },\n    "tasks"'),
    );
    expect(withPointAppAt(next, "source")).toBe(next.replace('"pointAppAt": "target"', '"pointAppAt": "source"'));
  });

  it("leaves a file alone when it already says so, the default included", () => {
    expect(withPointAppAt(file, "source")).toBe(file);
    const target = withPointAppAt(file, "target");
    expect(withPointAppAt(target, "target")).toBe(target);
  });

  it("refuses to guess when the text is ambiguous, saying what to set", () => {
    const ambiguous = `{ "notes": { "pointAppAt": "source" }, "migration": { "cutover": { "pointAppAt": "source" } } }`;
    expect(() => withPointAppAt(ambiguous, "target", "variables/x.json")).toThrow(DeploymentFileEditError);
    expect(() => withPointAppAt(ambiguous, "target", "variables/x.json")).toThrow(
      /set "migration": \{ "cutover": \{ "pointAppAt": "target" \} \} in variables\/x.json yourself/,
    );
  });
});

describe("the cutover command (DMS, the db-ops function and SSM mocked)", () => {
  const dms = mockClient(DatabaseMigrationServiceClient);
  const lambda = mockClient(LambdaClient);
  const ssm = mockClient(SSMClient);
  const SOURCE_URL = "postgresql://vpce-src.example:5432/demo_db";
  const TARGET_URL = "postgresql://vpce-tgt.example:5432/demo_db";
  let operations: string[];
  let taskStatus: string;
  let parameter: string;
  let frozen: string[];
  let confirmed: string;
  let targetRow: string;
  let missingSequences: string[];
  let drains: boolean;
  let lines: string[];
  let file: string;

  const digest = (side: string) => ({
    exists: true,
    columns: ["accountnumber bigint"],
    key: { name: "accountnumber", type: "bigint" },
    rows: 4,
    chunks: [{ upper: "4", rows: 4, digest: side === "target" ? targetRow : "same" }],
    beyond: 0,
  });

  beforeEach(() => {
    dms.reset();
    lambda.reset();
    ssm.reset();
    operations = [];
    taskStatus = "running";
    parameter = SOURCE_URL;
    frozen = [];
    confirmed = "0/10";
    targetRow = "same";
    missingSequences = [];
    drains = true;
    lines = [];
    file = join(mkdtempSync(join(tmpdir(), "cutover-")), "local.json");
    writeFileSync(file, readFileSync(join(__dirname, "..", "..", "variables", "local.json"), "utf8"));
    dms.on(DescribeReplicationTasksCommand).callsFake(async () => ({
      ReplicationTasks: [{ ...cdc(taskStatus), ReplicationTaskArn: "arn:aws:dms:us-east-1:1:task:T" }],
    }));
    dms.on(StopReplicationTaskCommand).callsFake(async () => {
      operations.push("dms:stop");
      taskStatus = "stopped";
      return {};
    });
    ssm.on(GetParameterCommand).callsFake(async () => ({ Parameter: { Value: parameter } }));
    ssm.on(PutParameterCommand).callsFake(async (input: { Value: string }) => {
      operations.push(`ssm:put ${input.Value}`);
      parameter = input.Value;
      return {};
    });
    lambda.on(InvokeCommand).callsFake(async (input: { Payload: Uint8Array }) => {
      const event = JSON.parse(Buffer.from(input.Payload).toString("utf8")) as { operation: string; side?: string };
      if (event.operation !== "status") operations.push(event.operation);
      const answer = (() => {
        switch (event.operation) {
          case "status":
            return {
              source: {
                endpoint: { host: "vpce-src.example", port: 5432, database: "demo_db" },
                frozenTables: frozen,
                tables: [{ schema: "demo_schema", table: "demo_accounts" }],
                replicationSlots: [slot(confirmed)],
              },
              target: { endpoint: { host: "vpce-tgt.example", port: 5432, database: "demo_db" } },
            };
          case "freeze":
            frozen = ["demo_schema.demo_accounts"];
            return { frozenTables: frozen };
          case "unfreeze": {
            const was = frozen;
            frozen = [];
            return { unfrozenTables: was };
          }
          case "sentinel":
            if (drains) confirmed = "0/20"; // DMS applies the sentinel's transaction by the next poll
            return { lsn: "0/1F" };
          case "table-digest":
            return digest(event.side ?? "source");
          case "row-digests":
            return { rows: [] };
          case "sequences":
            return {
              move: [{ sequence: "demo_schema.demo_order_ids", from: "1", to: "1000" }],
              alreadyPast: [],
              missing: missingSequences,
            };
          default:
            throw new Error(`unexpected operation ${event.operation}`);
        }
      })();
      return { Payload: Buffer.from(JSON.stringify(answer)) };
    });
  });

  const context = () => createContext(shippedDeployment("local"), (line = "") => lines.push(line), { url: "http://127.0.0.1:1" }, file);

  it("passes the gates in order, stops the task, then flips db_url and records it in the file", async () => {
    expect(await cutover(context(), { pollMs: 1 })).toBe(0);

    expect(operations).toEqual(["freeze", "sentinel", "table-digest", "table-digest", "sequences", "dms:stop", `ssm:put ${TARGET_URL}`]);
    expect(lines.filter((line) => line.startsWith("gate "))).toEqual([
      "gate 1/5 tasks: local-dms-task-demo in CDC",
      "gate 2/5 freeze: writes refused on demo_schema.demo_accounts",
      expect.stringMatching(/^gate 3\/5 drain: dms_slot past the sentinel at 0\/1F, \d+\.\d s after it was written$/),
      "gate 4/5 verify: every table identical",
      "gate 5/5 sequences: moved demo_schema.demo_order_ids to 1000",
    ]);
    expect(ssm.commandCalls(PutParameterCommand)[0].args[0].input).toEqual({
      Name: "/local/app/db_url",
      Value: TARGET_URL,
      Type: "String",
      Overwrite: true,
      Description: appDatabaseUrlDescription("target"),
    });
    expect(JSON.parse(readFileSync(file, "utf8")).migration.cutover).toEqual({ pointAppAt: "target" });
    expect(frozen).toEqual(["demo_schema.demo_accounts"]); // the source stays frozen after a cutover
  });

  it("is idempotent: run again, it changes nothing", async () => {
    expect(await cutover(context(), { pollMs: 1 })).toBe(0);
    operations = [];
    lines = [];
    expect(await cutover(context(), { pollMs: 1 })).toBe(0);
    expect(operations).toEqual([]);
    expect(lines[0]).toBe(`db_url already points at the target (${TARGET_URL}): the cutover is done.`);
  });

  it("refuses at the verify gate while the target differs, unfreezes the source and leaves db_url alone", async () => {
    targetRow = "changed behind DMS's back";

    expect(await cutover(context(), { pollMs: 1 })).toBe(1);

    expect(operations).not.toContain("dms:stop");
    expect(operations.some((op) => op.startsWith("ssm:put"))).toBe(false);
    expect(operations.at(-1)).toBe("unfreeze");
    expect(lines).toContain(
      'Cutover refused at gate "verify": local-dms-task-demo: the source and the target differ (the lines above name the tables and keys)',
    );
    expect(lines.at(-1)).toBe("The source takes writes again (unfroze demo_schema.demo_accounts); db_url still points at the source.");
    expect(JSON.parse(readFileSync(file, "utf8")).migration.cutover).toBeUndefined();
  });

  it("refuses at the drain gate when the slot never passes the sentinel", async () => {
    drains = false;

    expect(await cutover(context(), { pollMs: 1, timeoutMs: 20 })).toBe(1);

    expect(lines).toContain('Cutover refused at gate "drain": slot dms_slot confirmed 0/10, not past the sentinel at 0/1F');
    expect(frozen).toEqual([]);
  });

  it("refuses at the tasks gate without freezing anything when the task is not in CDC", async () => {
    taskStatus = "stopped";

    expect(await cutover(context(), { pollMs: 1 })).toBe(1);

    expect(operations).toEqual([]);
    expect(lines[0]).toMatch(/^Cutover refused at gate "tasks": local-dms-task-demo is stopped/);
  });

  it("refuses at the sequences gate when the target lacks one", async () => {
    missingSequences = ["demo_schema.invoice_ids"];

    expect(await cutover(context(), { pollMs: 1 })).toBe(1);

    expect(lines).toContain(
      'Cutover refused at gate "sequences": demo_schema.invoice_ids exists on the source only: DMS migrates no sequences; create them on the target (pg_dump --schema-only) and cut over again',
    );
    expect(operations.at(-1)).toBe("unfreeze");
  });

  it("rolls back while the slot exists: unfreezes and points db_url at the source again", async () => {
    expect(await cutover(context(), { pollMs: 1 })).toBe(0);
    operations = [];

    expect(await cutover(context(), { rollback: true })).toBe(0);

    expect(operations).toEqual(["unfreeze", `ssm:put ${SOURCE_URL}`]);
    expect(JSON.parse(readFileSync(file, "utf8")).migration.cutover).toEqual({ pointAppAt: "source" });
  });
});

describe("psql on a real account", () => {
  it("prints a port-forward through the bastion and a psql that reads the password into its environment only", () => {
    const context = createContext(shippedDeployment("dev"), () => undefined, { url: "http://127.0.0.1:1" });
    const [forward, client] = realAccountCommands(
      context,
      "target",
      { host: "dev-target.cluster-c0ffee.us-east-1.rds.amazonaws.com", port: 5432, database: "demo_db" },
      "arn:aws:secretsmanager:us-east-1:111122223333:secret:rds!cluster-1",
      "SELECT 1",
    );
    expect(forward).toContain("--document-name AWS-StartPortForwardingSessionToRemoteHost");
    expect(forward).toContain("Name=tag:Name,Values=dev-bastion");
    expect(forward).toContain(
      `--parameters '{"host":["dev-target.cluster-c0ffee.us-east-1.rds.amazonaws.com"],"portNumber":["5432"],"localPortNumber":["15433"]}'`,
    );
    expect(client).toMatch(/^PGPASSWORD="\$\(aws secretsmanager get-secret-value --region \S+ --secret-id arn:aws:secretsmanager:\S+ /);
    expect(client).toContain(
      'psql "host=dev-target.cluster-c0ffee.us-east-1.rds.amazonaws.com hostaddr=127.0.0.1 port=15433 dbname=demo_db user=$(aws secretsmanager',
    );
    expect(client).toMatch(/sslmode=verify-full sslrootcert=\S+\/certificates\/rds-global-bundle\.pem"/);
    expect(client).toMatch(/ -c 'SELECT 1'$/);
  });
});
