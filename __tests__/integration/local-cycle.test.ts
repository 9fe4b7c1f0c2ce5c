// `local` on its own emulator: deploy, no changes planned, a migration through PrivateLink with real data, the migration stack destroyed and deployed again, destroy to nothing.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { shippedDeployment } from "../helpers/synth";
import { deployInOrder, destroy, destroyInReverse, plan, planSummary } from "../helpers/terraform-stack";
import { EmulatedAccount } from "./emulated-account";
import { EmulatedLab, eventually, type Credentials } from "./emulated-lab";

// Each step drives Terraform against the emulator for minutes, not seconds.
const STEP_TIMEOUT_MS = 15 * 60_000;
const account = new EmulatedAccount("local");
/** The function the tests create in the DMS VPC to run SQL as DMS would reach the databases. */
const PROBE = "local-probe";

// The original lab's demo table (with the primary key DMS needs to apply updates and deletes) and its 4 rows.
const DEMO_SEED = `
  CREATE SCHEMA demo_schema;
  CREATE TABLE demo_schema.demo_accounts (
    accountNumber BIGINT NOT NULL PRIMARY KEY,
    firstName VARCHAR(20),
    lastName VARCHAR(20),
    creationTime TIME NOT NULL
  );
  INSERT INTO demo_schema.demo_accounts VALUES
    (1, 'John', 'Smith', current_timestamp),
    (2, 'Mary', 'Doe', current_timestamp),
    (3, 'Tom', 'Good', current_timestamp),
    (4, 'Peter', 'Flynn', current_timestamp);`;

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

/** An endpoint secret as DMS reads it: the side's interface endpoint in the DMS VPC as host. */
function endpointSecret(role: "source" | "target", user: Credentials): object {
  return {
    engine: "aurora-postgresql",
    host: outputs[`${role}_endpoint_dns`],
    port: 5432,
    username: user.username,
    password: user.password,
    dbname: "demo_db",
  };
}

let outputs: Record<string, string> = {};

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
    "a DMS connection test fails as DMS does while an endpoint's secret holds no value",
    async () => {
      const lab = await labOf();
      const connection = await lab.testConnection(outputs.replication_instance_arn, outputs.source_endpoint_arn);
      expect(connection.Status).toBe("failed");
      expect(connection.LastFailureMessage).toMatch(/secret/i);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    "with the DMS secrets written, both connection tests succeed; a wrong password fails with PostgreSQL's message",
    async () => {
      const lab = await labOf();
      for (const role of ["source", "target"] as const) {
        const master = await lab.masterCredentials(`local-${role}`);
        await lab.putSecretJson(outputs[`${role}_dms_secret_arn`], endpointSecret(role, master));
      }
      for (const role of ["source", "target"] as const) {
        const connection = await lab.testConnection(outputs.replication_instance_arn, outputs[`${role}_endpoint_arn`]);
        expect(connection.Status, connection.LastFailureMessage).toBe("successful");
      }
      const master = await lab.masterCredentials("local-source");
      await lab.putSecretJson(outputs.source_dms_secret_arn, endpointSecret("source", { ...master, password: `${master.password}x` }));
      const wrong = await lab.testConnection(outputs.replication_instance_arn, outputs.source_endpoint_arn);
      expect(wrong.Status).toBe("failed");
      expect(wrong.LastFailureMessage).toContain(`password authentication failed for user "${master.username}"`);
      await lab.putSecretJson(outputs.source_dms_secret_arn, endpointSecret("source", master));
    },
    STEP_TIMEOUT_MS,
  );

  it(
    "from the host and from a function in the DMS VPC, SQL runs through the source interface endpoint's name; an empty target group breaks it",
    async () => {
      const lab = await labOf();
      const master = await lab.masterCredentials("local-source");
      const [hostRow] = await lab.sql<{ db: string }>(outputs.source_endpoint_dns, master, "demo_db", "SELECT current_database() AS db");
      expect(hostRow?.db).toBe("demo_db");

      const subnetGroup = await lab.replicationSubnetGroup(outputs.replication_instance_arn);
      const writerSyncRole = await lab.functionRole("local-source-writer-sync");
      await lab.createProbeFunction(PROBE, writerSyncRole, subnetGroup.subnetIds, subnetGroup.securityGroupIds);
      const through = await lab.probe(PROBE, outputs.source_dms_secret_arn, "SELECT current_database() AS db");
      expect(through).toEqual({ rows: [{ db: "demo_db" }] });

      const targets = await lab.registeredTargets("local-source-writer");
      expect(targets).toHaveLength(1);
      await lab.deregisterTargets("local-source-writer", targets);
      const broken = await lab.probe(PROBE, outputs.source_dms_secret_arn, "SELECT 1");
      // AWS would time out; the emulator has no address to send the packet to, so the name is not found (emulator/README.md).
      expect(broken.error).toMatch(/ENOTFOUND/);
      expect((await lab.resolve(outputs.source_endpoint_dns)).reason).toMatch(/no registered target/);
      await expect(lab.sql(outputs.source_endpoint_dns, master, "demo_db", "SELECT 1")).rejects.toThrow(/leads nowhere/);

      await lab.registerTargets("local-source-writer", targets);
      expect(await lab.probe(PROBE, outputs.source_dms_secret_arn, "SELECT current_database() AS db")).toEqual({
        rows: [{ db: "demo_db" }],
      });
      await lab.deleteProbeFunction(PROBE);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    "the demo task loads the seeded rows, streams inserts, updates and deletes, holds changes while stopped and delivers them on resume",
    async () => {
      const lab = await labOf();
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
      await sourceSql(DEMO_SEED);

      const taskArn = outputs["dms-task-demo_arn"];
      await lab.startTask(taskArn, "start-replication");
      await eventually("the full load on the target", targetHas(["1:John", "2:Mary", "3:Tom", "4:Peter"]));
      const running = await lab.taskReaches(taskArn, "running");
      expect(running.ReplicationTaskStats?.FullLoadProgressPercent).toBe(100);
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

      await lab.stopTask(taskArn);
      await lab.taskReaches(taskArn, "stopped");
      await sourceSql(
        "INSERT INTO demo_schema.demo_accounts VALUES (6, 'Bo', 'Kim', current_time); DELETE FROM demo_schema.demo_accounts WHERE accountNumber = 2;",
      );
      await new Promise((resolve) => setTimeout(resolve, 2000));
      expect(await targetRows()).toEqual(["1:Jon", "2:Mary", "4:Peter", "5:Ann"]);

      await lab.startTask(taskArn, "resume-processing");
      await eventually("the changes made while stopped", targetHas(["1:Jon", "4:Peter", "5:Ann", "6:Bo"]), 10_000);
      const slots = await sourceSql("SELECT slot_name FROM pg_replication_slots");
      expect(slots).toHaveLength(1);
      // Stopped before the destroy below: the provider stops a running task itself, but waits a minute for it.
      await lab.stopTask(taskArn);
      await lab.taskReaches(taskArn, "stopped");
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
    "destroys the migration stack (its task's slot dropped) and deploys it again (none of its names left reserved)",
    async () => {
      await destroy(stackDirs["local-migration"]);
      expect((await account.inventory("local")).dms_tasks).toBeUndefined();
      // Deleting the task dropped its replication slot: the source holds no WAL for it.
      const lab = await labOf();
      const slots = await lab.sql(
        outputs.source_endpoint_dns,
        await lab.masterCredentials("local-source"),
        "demo_db",
        "SELECT slot_name FROM pg_replication_slots",
      );
      expect(slots).toEqual([]);
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
