// `local` on its own emulator: deploy, no changes planned, the runbook's migration through PrivateLink with real data, the migration stack destroyed and deployed again, destroy to nothing.
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetParameterCommand } from "@aws-sdk/client-ssm";
import { describe, expect, it } from "vitest";
import { shippedDeployment } from "../helpers/synth";
import { deployInOrder, destroy, destroyInReverse, init, plan, planSummary } from "../helpers/terraform-stack";
import { EmulatedAccount } from "./emulated-account";
import { seed, start, status, stop, testConnection } from "../../lab/runbook/commands";
import { createContext } from "../../lab/runbook/context";
import { cutover } from "../../lab/runbook/cutover";
import { loadDeployment } from "../../variables/load";
import { verify } from "../../lab/runbook/verify";
import { EmulatedLab, eventually, type Credentials } from "./emulated-lab";

/** The files below a folder, recursively (provider plugins left out). */
function filesBelow(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === ".terraform" ? [] : filesBelow(path);
    return entry.isFile() ? [path] : [];
  });
}

// Each step drives Terraform against the emulator for minutes, not seconds.
const STEP_TIMEOUT_MS = 15 * 60_000;
const account = new EmulatedAccount("local");
/** The function the tests create in the DMS VPC to run SQL as DMS would reach the databases. */
const PROBE = "local-probe";

const UNSUPPORTED_RULE_MAPPINGS = {
  rules: [
    {
      "rule-type": "selection",
      "rule-id": "1",
      "rule-name": "demo",
      "object-locator": { "schema-name": "demo_schema", "table-name": "%" },
      "rule-action": "include",
    },
    {
      "rule-type": "transformation",
      "rule-id": "2",
      "rule-name": "rename-schema",
      "rule-target": "schema",
      "object-locator": { "schema-name": "demo_schema" },
      "rule-action": "rename",
      value: "renamed",
    },
  ],
};

let outputs: Record<string, string> = {};
/** Every database password the tests saw: none may appear in state, outputs, synthesized JSON or logs. */
const passwords = new Set<string>();
/** Everything the runbook printed. */
const runbookOutput: string[] = [];
/** The deployment file the runbook's cutover records db_url's side in: a copy, so the shipped one never changes. */
const deploymentFile = join(mkdtempSync(join(tmpdir(), "local-cycle-")), "local.json");
copyFileSync(join(__dirname, "..", "..", "variables", "local.json"), deploymentFile);

// Deploying again after a destroy is proven in two halves that run at the same time on two
// emulators, because the whole sequence on one (deploy, destroy, deploy, destroy: ~10 min of the
// provider's fixed waits) would be the tier's critical path. A name a destroy leaves reserved
// belongs to the stack that made it, so each stack deployed again after its own destroy proves it:
// here the migration stack (the lab under it stays), in local-redeploy.test.ts the account and lab
// stacks. Both files end with a destroy that leaves nothing.
describe.sequential("the local deployment on the emulator", () => {
  let stackDirs: Record<string, string>;
  /** Stack folders in dependency order (account, lab, migration), as the deployment lists them. */
  const inOrder = () => Object.values(stackDirs);
  let lab: EmulatedLab | undefined;
  /** The runbook's commands on this emulator, writing their lines into `lines`. */
  const runbook = (lines: string[]) =>
    createContext(
      shippedDeployment("local"),
      (line = "") => {
        lines.push(line);
        runbookOutput.push(line);
      },
      { url: account.url },
      deploymentFile,
    );
  /** The deployed lab, with the outputs of its lab and migration stacks. */
  const labOf = async (): Promise<EmulatedLab> => {
    if (!lab) {
      lab = new EmulatedLab(account.url);
      outputs = { ...(await lab.outputs(stackDirs["local-lab"])), ...(await lab.outputs(stackDirs["local-migration"])) };
    }
    return lab;
  };

  it(
    "deploys every stack of `local` with the real provider",
    async () => {
      stackDirs = account.synth(shippedDeployment("local"));
      expect(Object.keys(stackDirs)).toEqual(["local-account", "local-lab", "local-migration"]);
      await deployInOrder(inOrder());
      const left = await account.inventory("local");
      expect(left.db_clusters).toEqual(["local-source", "local-target"]);
      expect(left.load_balancers).toEqual(["local-source-nlb", "local-target-nlb"]);
      expect(left.dms_instances).toEqual(["local-dms"]);
      expect(left.dms_tasks).toEqual(["local-dms-task-demo"]);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    "plans no changes right after the deploy (-detailed-exitcode 0)",
    async () => {
      // Plans only read, so the stacks plan at once.
      const plans = await Promise.all(Object.entries(stackDirs).map(async ([stackId, dir]) => ({ stackId, result: await plan(dir) })));
      for (const { stackId, result } of plans) {
        expect(result.changes, `${stackId} plans changes after apply:\n${planSummary(result.output)}`).toBe(false);
      }
    },
    STEP_TIMEOUT_MS,
  );

  it(
    "the deploy filled both DMS secrets with a dedicated user (not the master) whose connection tests succeed",
    async () => {
      const lab = await labOf();
      for (const role of ["source", "target"] as const) {
        const secret = await eventually(`the ${role} DMS secret's first rotation`, async () => {
          const value = await lab
            .secretJson<{ username?: string; host?: string }>(outputs[`${role}_dms_secret_arn`])
            .catch(() => undefined);
          return value?.username ? value : undefined;
        });
        // The cluster's own name (on its certificate, for verify-full), answered in the DMS VPC with the interface endpoint.
        expect(secret).toMatchObject({ username: `dms_${role}`, host: outputs[`${role}_cluster_endpoint`], port: 5432, dbname: "demo_db" });
        const fromDmsVpc = await lab.resolve(outputs[`${role}_cluster_endpoint`], outputs.dms_vpc_id);
        expect(fromDmsVpc.chain[0]).toMatch(/^private hosted zone /);
        expect(fromDmsVpc.chain).toContainEqual(expect.stringMatching(/^vpc endpoint /));
        expect((await lab.masterCredentials(`local-${role}`)).username).not.toBe(secret.username);
      }
      const lines: string[] = [];
      expect(await testConnection(runbook(lines), { pollMs: 200 })).toBe(0);
      expect(lines).toEqual([
        expect.stringMatching(/^source local-source: successful$/),
        expect.stringMatching(/^target local-target: successful$/),
      ]);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    "a connection test fails with PostgreSQL's message on a wrong password, and as DMS does on a secret with no value",
    async () => {
      const lab = await labOf();
      const secretArn = outputs.source_dms_secret_arn;
      const good = await lab.secretJson<Credentials & Record<string, unknown>>(secretArn);
      await lab.putSecretJson(secretArn, { ...good, password: `${good.password}x` });
      const lines: string[] = [];
      expect(await testConnection(runbook(lines), { pollMs: 200 })).toBe(1);
      expect(lines.join("\n")).toContain('password authentication failed for user "dms_source"');
      expect(lines.join("\n")).toContain("hint: the secret's password is not the user's");
      await lab.putSecretJson(secretArn, good);

      const empty = await lab.emptyEndpoint("local-empty-secret", outputs.source_endpoint_arn);
      const failed = await lab.testConnection(outputs.replication_instance_arn, empty);
      expect(failed.Status).toBe("failed");
      expect(failed.LastFailureMessage).toMatch(/Secrets Manager can't find the specified secret value/);
      await lab.deleteEndpoint(empty);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    "from the host (by the interface endpoint's name) and from a function in the DMS VPC (by the cluster's name), SQL runs through the source interface endpoint; an empty target group breaks it",
    async () => {
      const lab = await labOf();
      const master = await lab.masterCredentials("local-source");
      const [hostRow] = await lab.sql<{ db: string }>(outputs.source_endpoint_dns, master, "demo_db", "SELECT current_database() AS db");
      expect(hostRow?.db).toBe("demo_db");

      const subnetGroup = await lab.replicationSubnetGroup(outputs.replication_instance_arn);
      const writerSyncRole = await lab.functionRole("local-source-writer-sync");
      await lab.createProbeFunction(PROBE, writerSyncRole, subnetGroup.subnetIds, subnetGroup.securityGroupIds);
      // As DMS: the endpoint secret's user and host.
      const through = await lab.probe(PROBE, outputs.source_dms_secret_arn, "SELECT current_user AS who");
      expect(through).toEqual({ rows: [{ who: "dms_source" }] });

      const targets = await lab.registeredTargets("local-source-writer");
      expect(targets).toHaveLength(1);
      await lab.deregisterTargets("local-source-writer", targets);
      const broken = await lab.probe(PROBE, outputs.source_dms_secret_arn, "SELECT 1");
      // AWS would time out; the emulator has no address to send the packet to, so the name is not found (emulator/README.md).
      expect(broken.error).toMatch(/ENOTFOUND/);
      expect((await lab.resolve(outputs.source_endpoint_dns)).reason).toMatch(/no registered target/);
      await expect(lab.sql(outputs.source_endpoint_dns, master, "demo_db", "SELECT 1")).rejects.toThrow(/leads nowhere/);

      await lab.registerTargets("local-source-writer", targets);
      expect(await lab.probe(PROBE, outputs.source_dms_secret_arn, "SELECT current_user AS who")).toEqual({
        rows: [{ who: "dms_source" }],
      });
      await lab.deleteProbeFunction(PROBE);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    "seed, start: the demo rows load, inserts, updates and deletes stream, a rotation changes nothing, stop holds changes and resume delivers them",
    async () => {
      const lab = await labOf();
      const context = runbook([]);
      const source = await lab.masterCredentials("local-source");
      const target = await lab.masterCredentials("local-target");
      const sourceSql = (text: string) => lab.sql(outputs.source_endpoint_dns, source, "demo_db", text);
      const targetRows = async () =>
        (
          await lab.sql<{ accountnumber: string; firstname: string }>(
            outputs.target_endpoint_dns,
            target,
            "demo_db",
            "SELECT accountnumber, firstname FROM demo_schema.demo_accounts ORDER BY accountnumber",
          )
        ).map((row) => `${row.accountnumber}:${row.firstname}`);
      const targetHas = (expected: string[]) => async () => {
        try {
          const rows = await targetRows();
          return JSON.stringify(rows) === JSON.stringify(expected) ? rows : undefined;
        } catch {
          return undefined; // the table is not there yet
        }
      };

      expect(await seed(context, { rows: 1000 })).toBe(0);
      expect(await seed(context, { rows: 1000 })).toBe(0); // idempotent
      expect(await sourceSql("SELECT count(*)::int AS n FROM demo_schema.demo_orders")).toEqual([{ n: 1000 }]);

      const taskArn = outputs["dms-task-demo_arn"];
      const started: string[] = [];
      expect(await start(runbook(started), { pollMs: 200 })).toBe(0);
      expect(started[0]).toBe("local-dms-task-demo: ready -> start-replication");
      expect(started.at(-1)).toBe("local-dms-task-demo: full load complete, CDC running.");
      expect(await targetRows()).toEqual(["1:John", "2:Mary", "3:Tom", "4:Peter"]);
      expect(await lab.tableStatistics(taskArn)).toEqual([
        expect.objectContaining({ SchemaName: "demo_schema", TableName: "demo_accounts", FullLoadRows: 4, TableState: "Table completed" }),
      ]);

      await sourceSql(
        "INSERT INTO demo_schema.demo_accounts VALUES (5, 'Ann', 'Lee', current_time);" +
          "UPDATE demo_schema.demo_accounts SET firstName = 'Jon' WHERE accountNumber = 1;" +
          "DELETE FROM demo_schema.demo_accounts WHERE accountNumber = 3;",
      );
      await eventually("the changes on the target", targetHas(["1:Jon", "2:Mary", "4:Peter", "5:Ann"]), 10_000);
      expect(await lab.tableStatistics(taskArn)).toEqual([expect.objectContaining({ Inserts: 1, Updates: 1, Deletes: 1 })]);

      // A rotation while CDC runs: the task keeps its sessions (a password change closes none) and goes on.
      const before = await lab.secretJson<Credentials>(outputs.source_dms_secret_arn);
      passwords.add(before.password);
      await lab.rotate(outputs.source_dms_secret_arn);
      const after = await eventually("the rotation", async () => {
        const value = await lab.secretJson<Credentials>(outputs.source_dms_secret_arn);
        return value.password !== before.password ? value : undefined;
      });
      expect(after.username).toBe("dms_source");
      passwords.add(after.password);
      passwords.add(source.password);
      passwords.add(target.password);
      passwords.add((await lab.secretJson<Credentials>(outputs.target_dms_secret_arn)).password);
      await sourceSql("INSERT INTO demo_schema.demo_accounts VALUES (7, 'Eve', 'Ng', current_time)");
      await eventually("a change made after the rotation", targetHas(["1:Jon", "2:Mary", "4:Peter", "5:Ann", "7:Eve"]), 10_000);

      expect(await stop(context, {})).toBe(0);
      await sourceSql(
        "INSERT INTO demo_schema.demo_accounts VALUES (6, 'Bo', 'Kim', current_time); DELETE FROM demo_schema.demo_accounts WHERE accountNumber = 2;",
      );
      await new Promise((resolve) => setTimeout(resolve, 2000));
      expect(await targetRows()).toEqual(["1:Jon", "2:Mary", "4:Peter", "5:Ann", "7:Eve"]);

      // Resumed with the rotated password: the stand-in reads the secret again, as DMS does on a start.
      const resumed: string[] = [];
      expect(await start(runbook(resumed), { pollMs: 200 })).toBe(0);
      expect(resumed[0]).toBe("local-dms-task-demo: stopped -> resume-processing");
      await eventually("the changes made while stopped", targetHas(["1:Jon", "4:Peter", "5:Ann", "6:Bo", "7:Eve"]), 10_000);

      // verify: identical now; a row changed behind DMS's back is named by table and key; fixed, identical again.
      const verified: string[] = [];
      expect(await verify(runbook(verified), {})).toBe(0);
      expect(verified).toEqual(["demo_schema.demo_accounts: 5 rows, 1 chunk(s), identical", "local-dms-task-demo: every table identical."]);
      const targetSql = (text: string) => lab.sql(outputs.target_endpoint_dns, target, "demo_db", text);
      await targetSql("UPDATE demo_schema.demo_accounts SET firstName = 'Mallory' WHERE accountNumber = 4");
      const differs: string[] = [];
      expect(await verify(runbook(differs), {})).toBe(1);
      expect(differs[0]).toBe("demo_schema.demo_accounts: DIFFERS: 1 of 1 key ranges differ; changed accountnumber 4");
      // cutover refuses while they differ, and the source takes writes again (the next change still streams).
      const refused: string[] = [];
      expect(await cutover(runbook(refused), { pollMs: 200 })).toBe(1);
      expect(refused).toContain(
        'Cutover refused at gate "verify": local-dms-task-demo: the source and the target differ (the lines above name the tables and keys)',
      );
      await sourceSql("INSERT INTO demo_schema.demo_accounts VALUES (8, 'Ida', 'Ray', current_time)");
      await targetSql("UPDATE demo_schema.demo_accounts SET firstName = 'Peter' WHERE accountNumber = 4");
      await eventually(
        "a change made after the refused cutover",
        targetHas(["1:Jon", "4:Peter", "5:Ann", "6:Bo", "7:Eve", "8:Ida"]),
        10_000,
      );
      expect(await verify(runbook([]), {})).toBe(0);

      const report: string[] = [];
      expect(await status(runbook(report))).toBe(0);
      expect(report.join("\n")).toMatch(/task local-dms-task-demo \(full-load-and-cdc\): running/);
      // The stand-in reads its slot with SQL between polls, so the slot shows active only during a read.
      expect(report.join("\n")).toMatch(/source replication slots:\n  \S+ \(test_decoding, (in)?active\): holds \d+ bytes of WAL/);
      // The stand-in publishes CDC latency to CloudWatch as DMS does; the parameter is named by the side it points at.
      expect(report.join("\n")).toMatch(/\n  CDC latency: source \d+\.\d s, target \d+\.\d s \(CloudWatch, /);
      expect(report).toContain("source writes: open");
      expect(report.at(-1)).toBe(`db_url (/local/app/db_url): postgresql://${outputs.source_cluster_endpoint}:5432/demo_db (the source)`);

      // cutover: every gate passes; the source is frozen, the target's sequence is past the source's, db_url names the
      // target, the deployment file says so, and the migration stack planned from it has nothing to change.
      const cut: string[] = [];
      expect(await cutover(runbook(cut), { pollMs: 200 })).toBe(0);
      expect(cut.filter((line) => line.startsWith("gate "))).toEqual([
        "gate 1/5 tasks: local-dms-task-demo in CDC",
        "gate 2/5 freeze: writes refused on demo_schema.demo_accounts, demo_schema.demo_orders",
        expect.stringMatching(/^gate 3\/5 drain: \S+ past the sentinel at [0-9A-F]+\/[0-9A-F]+, \d+\.\d s after it was written$/),
        "gate 4/5 verify: every table identical",
        "gate 5/5 sequences: moved demo_schema.demo_order_ids to 1000",
      ]);
      await expect(sourceSql("INSERT INTO demo_schema.demo_accounts VALUES (9, 'Al', 'Fox', current_time)")).rejects.toThrow(
        /writes to demo_schema.demo_accounts are frozen/,
      );
      expect(await targetSql("SELECT last_value::int AS n FROM demo_schema.demo_order_ids")).toEqual([{ n: 1000 }]);
      const dbUrl = await context.clients.ssm.send(new GetParameterCommand({ Name: "/local/app/db_url" }));
      expect(dbUrl.Parameter?.Value).toBe(`postgresql://${outputs.target_cluster_endpoint}:5432/demo_db`);
      const recorded = loadDeployment(deploymentFile);
      expect(recorded.migration.cutover.pointAppAt).toBe("target");
      const again: string[] = [];
      expect(await cutover(runbook(again), {})).toBe(0);
      expect(again[0]).toMatch(/^db_url already points at the target/);
      const migrationDir = account.synth(recorded, "synth-local-after-cutover")["local-migration"];
      await init(migrationDir);
      const planned = await plan(migrationDir);
      expect(planned.changes, `the migration stack plans changes after the cutover:\n${planSummary(planned.output)}`).toBe(false);

      // Stopped for good before the destroy below: no slot is left holding WAL on the source.
      const stopped: string[] = [];
      expect(await stop(runbook(stopped), { final: true })).toBe(0);
      expect(stopped.at(-1)).toMatch(/^dropped replication slots: \S+$/);
      expect(await sourceSql("SELECT slot_name FROM pg_replication_slots")).toEqual([]);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    "no password is in the state, the outputs, the synthesized JSON, the emulator's log or any function's log",
    async () => {
      const lab = await labOf();
      expect(passwords.size).toBeGreaterThanOrEqual(5);
      const files = [
        join(account.workDir, "emulator", "emulator.log"),
        ...filesBelow(join(account.workDir, "state")),
        ...filesBelow(join(account.workDir, "synth-local")),
      ];
      const haystacks = [
        { where: "the runbook's output", text: runbookOutput.join("\n") },
        ...files.map((file) => ({ where: file, text: readFileSync(file, "utf8") })),
        { where: "CloudWatch Logs", text: await lab.allLogMessages() },
      ];
      for (const dir of Object.values(stackDirs)) haystacks.push({ where: `${dir} outputs`, text: JSON.stringify(await lab.outputs(dir)) });
      expect(haystacks.length).toBeGreaterThan(5);
      for (const password of passwords) {
        for (const { where, text } of haystacks) expect(text.includes(password), `a password in ${where}`).toBe(false);
      }
    },
    STEP_TIMEOUT_MS,
  );

  it(
    "a task with a rule the stand-in does not implement fails to start, naming the rule",
    async () => {
      const lab = await labOf();
      const taskArn = await lab.createTask("local-unsupported-rule", outputs, UNSUPPORTED_RULE_MAPPINGS);
      await expect(lab.startTask(taskArn, "start-replication")).rejects.toThrow(/rename-schema/);
      await lab.deleteTask(taskArn);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    "destroys the migration stack and deploys it again (none of its names left reserved)",
    async () => {
      await destroy(stackDirs["local-migration"]);
      expect((await account.inventory("local")).dms_tasks).toBeUndefined();
      await deployInOrder([stackDirs["local-migration"]]);
      expect((await account.inventory("local")).dms_tasks).toEqual(["local-dms-task-demo"]);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    "destroys everything: the emulator holds none of the lab's resources",
    async () => {
      await destroyInReverse(inOrder());
      expect(await account.inventory("local")).toEqual({});
      // Deleting a cluster stops its server and removes its data directory (and the slots in it).
      const { servers, directory } = await (await labOf()).postgresServers();
      expect(servers).toEqual([]);
      expect(directory && readdirSync(directory).filter((entry) => statSync(join(directory, entry)).isDirectory())).toEqual([]);
    },
    STEP_TIMEOUT_MS,
  );
});
