// `prod` as shipped, on its own emulator (its own account): account, data and lab stacks apply, the migration stack plans.
import { describe, expect, it } from "vitest";
import { deployInOrder, init, plan } from "../helpers/terraform-stack";
import { EmulatedAccount, shippedOnEmulator } from "./emulated-account";
import { EmulatedLab, eventually } from "./emulated-lab";

const STEP_TIMEOUT_MS = 15 * 60_000;
const account = new EmulatedAccount("prod");

describe.sequential("prod against the emulator", () => {
  let stackDirs: Record<string, string>;

  // In an account of its own prod creates the account-wide DMS roles itself (README: dev and prod in
  // separate accounts), so its account stack applies rather than only plans, and the lab's role
  // lookups find what that apply made.
  it(
    "the account and data stacks apply, the lab applies with two instances per cluster, the migration plans",
    async () => {
      stackDirs = account.synth(shippedOnEmulator("prod"));
      // prod keeps its key in prod-data, which the lab finds by alias: it deploys before the lab.
      await deployInOrder([stackDirs["prod-account"], stackDirs["prod-data"], stackDirs["prod-lab"]]);
      const left = await account.inventory("prod", "eu-west-1");
      expect(left.db_instances).toEqual(["prod-source-1", "prod-source-2", "prod-target-1", "prod-target-2"]);
      await init(stackDirs["prod-migration"]);
      const result = await plan(stackDirs["prod-migration"]);
      expect(result.output).toMatch(/Plan: \d+ to add, 0 to change, 0 to destroy/);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    "a failover of the source cluster reaches writer-sync as an RDS event, and the target group follows the new writer",
    async () => {
      const lab = new EmulatedLab(account.url, "eu-west-1");
      const endpointDns = (await lab.outputs(stackDirs["prod-lab"])).source_endpoint_dns;
      const writer = await lab.writer("prod-source");
      expect(await lab.instanceBehind(endpointDns)).toBe(writer);
      const next = writer === "prod-source-1" ? "prod-source-2" : "prod-source-1";

      await lab.failover("prod-source", next);
      expect(await lab.writer("prod-source")).toBe(next);
      // Nothing else moves the target: the deploy-time invocation is long over and no schedule runs here.
      await eventually("the target group to hold the new writer", async () =>
        (await lab.instanceBehind(endpointDns)) === next ? next : undefined,
      );
      expect(await lab.registeredTargets("prod-source-writer")).toHaveLength(1);
    },
    STEP_TIMEOUT_MS,
  );
});
