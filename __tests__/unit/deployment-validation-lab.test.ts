// The privateLink, dms and bastion sections of a deployment file: defaults, and one message per mistake.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, test } from "vitest";
import { DeploymentFileError, loadDeployment } from "../../variables/load";
import { VARIABLES_DIR } from "../helpers/synth";

type MutableFile = Record<string, unknown>;

const devText = readFileSync(join(VARIABLES_DIR, "dev.json"), "utf8");

function loadChanged(change: (file: MutableFile) => void): DeploymentFileError {
  const file = JSON.parse(devText) as MutableFile;
  change(file);
  const path = join(mkdtempSync(join(tmpdir(), "lab-validation-")), "dev.json");
  writeFileSync(path, JSON.stringify(file, null, 2));
  try {
    loadDeployment(path, "variables/dev.json");
  } catch (error) {
    if (error instanceof DeploymentFileError) return error;
    throw error;
  }
  throw new Error("the deployment file was accepted");
}

describe("privateLink, dms and bastion defaults", () => {
  it("fill a file that leaves the three sections out", () => {
    const dev = loadDeployment(join(VARIABLES_DIR, "dev.json"));
    // No allowedPrincipals: the endpoint services then admit only this account.
    expect(dev.privateLink).toEqual({ acceptanceRequired: true });
    // Adopting the account-wide DMS roles is the default: many accounts have them already.
    expect(dev.dms).toMatchObject({ serviceRoles: "adopt", multiAz: false });
    expect(dev.bastion).toEqual({ enabled: true, instanceType: "t4g.micro", rootVolumeGiB: 8, sessionLogRetentionDays: 90 });
  });

  it("accept dms.allocatedStorage at its minimum of 5 GiB when nothing else is set", () => {
    const path = join(mkdtempSync(join(tmpdir(), "lab-validation-")), "dev.json");
    writeFileSync(path, JSON.stringify({ ...JSON.parse(devText), dms: { allocatedStorage: 5 } }));
    expect(loadDeployment(path).dms.allocatedStorage).toBe(5);
  });

  it("fill the rest of a section that is given in part", () => {
    const path = join(mkdtempSync(join(tmpdir(), "lab-validation-")), "dev.json");
    writeFileSync(path, JSON.stringify({ ...JSON.parse(devText), dms: { serviceRoles: "create" }, bastion: { enabled: false } }));
    const deployment = loadDeployment(path);
    expect(deployment.dms).toMatchObject({ serviceRoles: "create", instanceClass: "dms.t3.medium", engineVersion: "3.5.4" });
    expect(deployment.bastion).toEqual({ enabled: false, instanceType: "t4g.micro", rootVolumeGiB: 8, sessionLogRetentionDays: 90 });
  });
});

describe("rejected privateLink, dms and bastion settings", () => {
  test.each<[string, (file: MutableFile) => void, string]>([
    [
      "privateLink.acceptanceRequired as a string",
      (file) => {
        file.privateLink = { acceptanceRequired: "yes" };
      },
      "variables/dev.json: privateLink.acceptanceRequired: must be boolean, not string",
    ],
    [
      "an account id instead of a principal ARN",
      (file) => {
        file.privateLink = { allowedPrincipals: ["123456789012"] };
      },
      "variables/dev.json: privateLink.allowedPrincipals[0]: use an IAM ARN such as arn:aws:iam::123456789012:root",
    ],
    [
      "a wildcard principal (anyone could connect)",
      (file) => {
        file.privateLink = { allowedPrincipals: ["arn:aws:iam::123456789012:root", "*"] };
      },
      "variables/dev.json: privateLink.allowedPrincipals[1]: use an IAM ARN such as arn:aws:iam::123456789012:root",
    ],
    [
      "an STS session ARN as a principal",
      (file) => {
        file.privateLink = { allowedPrincipals: ["arn:aws:sts::123456789012:assumed-role/admin/me"] };
      },
      "variables/dev.json: privateLink.allowedPrincipals[0]: use an IAM ARN such as arn:aws:iam::123456789012:root",
    ],
    [
      "one principal given as a string instead of a list",
      (file) => {
        file.privateLink = { allowedPrincipals: "arn:aws:iam::123456789012:root" };
      },
      "variables/dev.json: privateLink.allowedPrincipals: must be array, not string",
    ],
    [
      "an unknown privateLink field",
      (file) => {
        file.privateLink = { acceptRequired: true };
      },
      'variables/dev.json: privateLink: unknown field "acceptRequired" (a typo?); remove or rename it',
    ],
    [
      "an unknown dms.serviceRoles mode",
      (file) => {
        file.dms = { serviceRoles: "share" };
      },
      "variables/dev.json: dms.serviceRoles: Invalid enum value. Expected 'create' | 'adopt', received 'share'",
    ],
    [
      "a session log retention CloudWatch Logs does not offer",
      (file) => {
        file.bastion = { sessionLogRetentionDays: 10 };
      },
      "variables/dev.json: bastion.sessionLogRetentionDays: must be a CloudWatch Logs retention: one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653",
    ],
    [
      "a DMS instance class without the dms. prefix",
      (file) => {
        file.dms = { instanceClass: "t3.medium" };
      },
      "variables/dev.json: dms.instanceClass: use a DMS instance class such as dms.t3.medium",
    ],
    [
      "DMS storage above the 6144 GiB DMS allows",
      (file) => {
        file.dms = { allocatedStorage: 7000 };
      },
      "variables/dev.json: dms.allocatedStorage: Number must be less than or equal to 6144",
    ],
    [
      "fractional DMS storage",
      (file) => {
        file.dms = { allocatedStorage: 50.5 };
      },
      "variables/dev.json: dms.allocatedStorage: must be integer, not float",
    ],
    [
      "a two-part DMS engine version",
      (file) => {
        file.dms = { engineVersion: "3.5" };
      },
      "variables/dev.json: dms.engineVersion: use a DMS engine version such as 3.5.4",
    ],
    [
      "dms.multiAz as a string",
      (file) => {
        file.dms = { multiAz: "true" };
      },
      "variables/dev.json: dms.multiAz: must be boolean, not string",
    ],
    [
      "an empty allowedPrincipals list (leave it out to allow only this account)",
      (file) => {
        file.privateLink = { allowedPrincipals: [] };
      },
      "variables/dev.json: privateLink.allowedPrincipals: is empty; list at least one principal, or remove the field to allow only this account",
    ],
    [
      "an unknown dms field",
      (file) => {
        file.dms = { instanceClas: "dms.t3.medium" };
      },
      'variables/dev.json: dms: unknown field "instanceClas" (a typo?); remove or rename it',
    ],
    [
      "bastion.enabled as a string",
      (file) => {
        file.bastion = { enabled: "false" };
      },
      "variables/dev.json: bastion.enabled: must be boolean, not string",
    ],
    [
      "a bastion instance type without a size",
      (file) => {
        file.bastion = { instanceType: "t4g" };
      },
      "variables/dev.json: bastion.instanceType: use an EC2 instance type such as t4g.micro",
    ],
    [
      "a bastion root volume below the image's 8 GiB",
      (file) => {
        file.bastion = { rootVolumeGiB: 4 };
      },
      "variables/dev.json: bastion.rootVolumeGiB: Number must be greater than or equal to 8",
    ],
    [
      "a bastion root volume above 100 GiB",
      (file) => {
        file.bastion = { rootVolumeGiB: 500 };
      },
      "variables/dev.json: bastion.rootVolumeGiB: Number must be less than or equal to 100",
    ],
    [
      "an SSH key for the SSM-only bastion",
      (file) => {
        file.bastion = { keyName: "my-key" };
      },
      'variables/dev.json: bastion: unknown field "keyName" (a typo?); remove or rename it',
    ],
  ])("%s", (_case, change, expected) => {
    const error = loadChanged(change);
    // One line naming the file and the field, nothing else.
    expect(error.message).toBe(expected);
    expect(error.message.split("\n")).toHaveLength(1);
  });

  it("a malformed DMS maintenance window, like a database's", () => {
    // databases.*.preferredMaintenanceWindow checks the format; DMS rejects the same mistakes only at apply time.
    const error = loadChanged((file) => {
      file.dms = { preferredMaintenanceWindow: "sunday 6am" };
    });
    expect(error.message).toMatch(/^variables\/dev\.json: dms\.preferredMaintenanceWindow: use ddd:hh24:mi-ddd:hh24:mi\b[^\n]*$/);
  });
});
