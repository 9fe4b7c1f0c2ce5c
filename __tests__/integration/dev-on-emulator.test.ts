// `dev` as shipped, on its own emulator: it adopts the account's DMS roles, the lab applies, the migration stack plans its tasks.
import { describe, expect, it } from "vitest";
import { variantDeployment } from "../helpers/synth";
import { deployInOrder, init, plan } from "../helpers/terraform-stack";
import { EmulatedAccount, shippedOnEmulator } from "./emulated-account";

const STEP_TIMEOUT_MS = 15 * 60_000;
const account = new EmulatedAccount("dev");

describe("dev against the emulator", () => {
  it(
    "adopts the DMS roles another deployment made, the lab applies, and the migration stack plans its tasks and alarms",
    async () => {
      // dev adopts dms-vpc-role and dms-cloudwatch-logs-role (the default), so the emulated account
      // first gets them the way a real one does: from another deployment's account stack.
      const rolesOwner = variantDeployment(
        "dev",
        (file) => {
          file.emulator = { kind: "moto" };
          file.backend = { type: "local" };
          file.dms = { serviceRoles: "create" };
        },
        "roles",
      );
      const ownerDirs = account.synth(rolesOwner);
      const stackDirs = account.synth(shippedOnEmulator("dev"));
      expect(Object.keys(stackDirs)).toEqual(["dev-lab", "dev-migration"]);
      await deployInOrder([ownerDirs["roles-account"], stackDirs["dev-lab"]]);
      await init(stackDirs["dev-migration"]);
      const result = await plan(stackDirs["dev-migration"]);
      expect(result.output).toMatch(/Plan: \d+ to add, 0 to change, 0 to destroy/);
      expect(result.output).toContain("aws_dms_replication_task");
    },
    STEP_TIMEOUT_MS,
  );
});
