// `local`'s account and lab stacks on their own emulator: deploy, destroy to nothing, deploy again.
import { describe, expect, it } from "vitest";
import { shippedDeployment } from "../helpers/synth";
import { deployInOrder, destroyInReverse } from "../helpers/terraform-stack";
import { EmulatedAccount } from "./emulated-account";

const STEP_TIMEOUT_MS = 15 * 60_000;
const account = new EmulatedAccount("local-redeploy");

// The account and lab half of "deploy again after a destroy"; the migration stack's half runs beside
// it in local-cycle.test.ts (why it is split is written there).
describe.sequential("`local` deployed again after a destroy", () => {
  let stackDirs: string[];

  it(
    "deploys the account and lab stacks, then destroys them to nothing",
    async () => {
      const byId = account.synth(shippedDeployment("local"));
      stackDirs = [byId["local-account"], byId["local-lab"]];
      await deployInOrder(stackDirs);
      expect((await account.inventory("local")).db_clusters).toEqual(["local-source", "local-target"]);
      await destroyInReverse(stackDirs);
      expect(await account.inventory("local")).toEqual({});
    },
    STEP_TIMEOUT_MS,
  );

  // No second destroy: that a destroy leaves nothing is proven above and in local-cycle.test.ts, and the
  // emulator goes with everything in it when the file ends (a destroy here cost about 100 s of the tier).
  it(
    "deploys them again (no name left reserved)",
    async () => {
      await deployInOrder(stackDirs);
      const left = await account.inventory("local");
      expect(left.db_clusters).toEqual(["local-source", "local-target"]);
      expect(left.load_balancers).toEqual(["local-source-nlb", "local-target-nlb"]);
    },
    STEP_TIMEOUT_MS,
  );
});
