// `local` on its own emulator: deploy, no changes planned, the migration stack destroyed and deployed again, destroy to nothing.
import { describe, expect, it } from "vitest";
import { shippedDeployment } from "../helpers/synth";
import { deployInOrder, destroy, destroyInReverse, plan, planSummary } from "../helpers/terraform-stack";
import { EmulatedAccount } from "./emulated-account";

// Each step drives Terraform against the emulator for minutes, not seconds.
const STEP_TIMEOUT_MS = 15 * 60_000;
const account = new EmulatedAccount("local");

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
    },
    STEP_TIMEOUT_MS,
  );
});
