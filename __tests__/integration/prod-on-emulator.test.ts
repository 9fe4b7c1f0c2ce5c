// `prod` as shipped, on its own emulator (its own account): account and lab stacks apply, the migration stack plans.
import { describe, expect, it } from "vitest";
import { deployInOrder, init, plan } from "../helpers/terraform-stack";
import { EmulatedAccount, shippedOnEmulator } from "./emulated-account";

const STEP_TIMEOUT_MS = 15 * 60_000;
const account = new EmulatedAccount("prod");

describe("prod against the emulator", () => {
  // In an account of its own prod creates the account-wide DMS roles itself (README: dev and prod in
  // separate accounts), so its account stack applies rather than only plans, and the lab's role
  // lookups find what that apply made.
  it(
    "the account stack applies, the lab applies with two instances per cluster, the migration plans",
    async () => {
      const stackDirs = account.synth(shippedOnEmulator("prod"));
      await deployInOrder([stackDirs["prod-account"], stackDirs["prod-lab"]]);
      const left = await account.inventory("prod", "eu-west-1");
      expect(left.db_instances).toEqual(["prod-source-1", "prod-source-2", "prod-target-1", "prod-target-2"]);
      await init(stackDirs["prod-migration"]);
      const result = await plan(stackDirs["prod-migration"]);
      expect(result.output).toMatch(/Plan: \d+ to add, 0 to change, 0 to destroy/);
    },
    STEP_TIMEOUT_MS,
  );
});
