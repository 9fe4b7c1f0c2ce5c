// `dev` as shipped, on its own emulator: the account and lab stacks apply, the migration stack plans its tasks.
import { describe, expect, it } from "vitest";
import { deployInOrder, init, plan } from "../helpers/terraform-stack";
import { EmulatedAccount, shippedOnEmulator } from "./emulated-account";

const STEP_TIMEOUT_MS = 15 * 60_000;
const account = new EmulatedAccount("dev");

describe("dev against the emulator", () => {
  it(
    "the account and lab stacks apply, and the migration stack plans its tasks and alarms",
    async () => {
      const stackDirs = account.synth(shippedOnEmulator("dev"));
      await deployInOrder([stackDirs["dev-account"], stackDirs["dev-lab"]]);
      await init(stackDirs["dev-migration"]);
      const result = await plan(stackDirs["dev-migration"]);
      expect(result.output).toMatch(/Plan: \d+ to add, 0 to change, 0 to destroy/);
      expect(result.output).toContain("aws_dms_replication_task");
    },
    STEP_TIMEOUT_MS,
  );
});
