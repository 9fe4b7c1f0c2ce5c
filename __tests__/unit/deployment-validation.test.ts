// Every way a deployment file can be wrong gives one message naming the file, the field and the fix.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, test } from "vitest";
import { DeploymentFileError, loadDeployment, loadDeployments } from "../../variables/load";
import { VARIABLES_DIR } from "../helpers/synth";

type MutableFile = Record<string, unknown> & {
  network: Record<string, { cidr: string; privateSubnets: string[] }>;
  databases: Record<string, Record<string, unknown>>;
  availabilityZones: string[];
};

const devText = readFileSync(join(VARIABLES_DIR, "dev.json"), "utf8");

function writeDeploymentFile(fileName: string, content: string): string {
  const directory = mkdtempSync(join(tmpdir(), "lab-validation-"));
  const path = join(directory, fileName);
  writeFileSync(path, content);
  return path;
}

function loadChanged(change: (file: MutableFile) => void, fileName = "dev.json"): DeploymentFileError {
  const file = JSON.parse(devText) as MutableFile;
  change(file);
  const path = writeDeploymentFile(fileName, JSON.stringify(file, null, 2));
  try {
    loadDeployment(path, `variables/${fileName}`);
  } catch (error) {
    if (error instanceof DeploymentFileError) return error;
    throw error;
  }
  throw new Error("the deployment file was accepted");
}

describe("shipped deployment files", () => {
  it("all validate, and the name comes from the file name", () => {
    const names = loadDeployments(VARIABLES_DIR).map((deployment) => deployment.name);
    expect(names).toEqual(expect.arrayContaining(["dev", "local", "prod"]));
  });

  it("fills defaults the file leaves out", () => {
    const dev = loadDeployment(join(VARIABLES_DIR, "dev.json"));
    expect(dev.backend).toEqual({ type: "local" });
    expect(dev.databases.source.engineVersion).toMatch(/^16\./);
    expect(dev.secrets.recoveryWindowDays).toBe(0);
  });
});

describe("rejected deployment files", () => {
  test.each<[string, (file: MutableFile) => void, string]>([
    [
      "an unknown top-level key (typo)",
      (file) => {
        file.regoin = "us-east-1";
      },
      'variables/dev.json: unknown field "regoin" (a typo?); remove or rename it',
    ],
    [
      "an unknown nested key",
      (file) => {
        file.databases.source.instanceClas = "db.t4g.medium";
      },
      'variables/dev.json: databases.source: unknown field "instanceClas" (a typo?)',
    ],
    [
      "a missing required field",
      (file) => {
        delete file.region;
      },
      "variables/dev.json: region: is required (string)",
    ],
    [
      "a field of the wrong type",
      (file) => {
        file.databases.target.instances = "2";
      },
      "variables/dev.json: databases.target.instances: must be number, not string",
    ],
    [
      "an invalid CIDR",
      (file) => {
        file.network.dms.cidr = "10.0.0/16";
      },
      'variables/dev.json: network.dms.cidr: "10.0.0/16" is not an IPv4 CIDR block such as 10.0.0.0/16',
    ],
    [
      "a CIDR with an octet above 255",
      (file) => {
        file.network.dms.cidr = "10.0.0.300/16";
      },
      'network.dms.cidr: "10.0.0.300/16" has an octet above 255',
    ],
    [
      "a CIDR with host bits",
      (file) => {
        file.network.target.cidr = "10.0.0.1/16";
      },
      'network.target.cidr: "10.0.0.1/16" has host bits set; the network address is 10.0.0.0/16',
    ],
    [
      "a subnet outside its VPC",
      (file) => {
        file.network.onPrem.privateSubnets[1] = "10.9.2.0/24";
      },
      "variables/dev.json: network.onPrem.privateSubnets[1]: 10.9.2.0/24 is outside the VPC 10.0.0.0/16; choose a subnet inside it",
    ],
    [
      "overlapping subnets in one VPC",
      (file) => {
        file.network.dms.privateSubnets = ["10.0.0.0/23", "10.0.1.0/24"];
      },
      "network.dms.privateSubnets[1]: 10.0.1.0/24 overlaps privateSubnets[0] (10.0.0.0/23); subnets of one VPC must not overlap",
    ],
    [
      "a subnet smaller than /28",
      (file) => {
        file.network.dms.privateSubnets = ["10.0.1.0/29", "10.0.2.0/24"];
      },
      "network.dms.privateSubnets[0]: 10.0.1.0/29 is smaller than /28",
    ],
    [
      "fewer than two availability zones",
      (file) => {
        file.availabilityZones = ["us-east-1a"];
      },
      "availabilityZones: list at least two availability zones",
    ],
    [
      "an availability zone listed twice",
      (file) => {
        file.availabilityZones = ["us-east-1a", "us-east-1a"];
      },
      "availabilityZones: list each availability zone once",
    ],
    [
      "an availability zone of another region",
      (file) => {
        file.availabilityZones = ["us-east-1a", "eu-west-1b"];
      },
      'availabilityZones[1]: "eu-west-1b" is not an availability zone of us-east-1',
    ],
    [
      "a subnet count that does not match the zones",
      (file) => {
        file.availabilityZones = ["us-east-1a", "us-east-1b", "us-east-1c"];
      },
      "network.onPrem.privateSubnets: has 2 subnets for 3 availability zones; give exactly one subnet per zone",
    ],
    [
      "a malformed region",
      (file) => {
        file.region = "US East";
      },
      "region: use an AWS region code such as us-east-1",
    ],
    [
      "an engine version that is not 16.x",
      (file) => {
        file.databases.source.engineVersion = "13.4";
      },
      "databases.source.engineVersion: use an Aurora PostgreSQL 16.x version",
    ],
    [
      "a reserved master user name",
      (file) => {
        file.databases.source.masterUsername = "rdsadmin";
      },
      "databases.source.masterUsername: this user name is reserved by RDS",
    ],
    [
      "an unknown backend type",
      (file) => {
        file.backend = { type: "gcs" };
      },
      'backend.type: must be one of "local", "s3"',
    ],
    [
      "an invalid secret recovery window",
      (file) => {
        file.secrets = { recoveryWindowDays: 3 };
      },
      "secrets.recoveryWindowDays: use 0 (delete at once) or 7 to 30 days",
    ],
  ])("%s", (_case, change, expected) => {
    const error = loadChanged(change);
    expect(error.message).toContain(expected);
    // One message, never a stack dump: a single line naming the file.
    expect(error.message.split("\n")).toHaveLength(1);
    expect(error.message.startsWith("variables/dev.json")).toBe(true);
  });

  it("counts further problems instead of listing them", () => {
    const error = loadChanged((file) => {
      file.regoin = "x";
      file.network.dms.cidr = "nope";
    });
    expect(error.message).toMatch(/\(and 1 more problem\)$/);
  });

  test.each([
    ["Dev.json", "upper case"],
    ["my_lab.json", "underscore"],
    ["-dev.json", "leading hyphen"],
    ["dev--lab.json", "double hyphen"],
    ["a-very-long-deployment-name.json", "too long"],
  ])("a file name that cannot prefix AWS names: %s (%s)", (fileName) => {
    const error = loadChanged(() => undefined, fileName);
    expect(error.message).toContain("cannot prefix AWS resource names; rename the file to 2-16 characters");
  });

  // Node 20's JSON.parse gives an offset for most errors and only quoted context for an unexpected token.
  test.each([
    ["an unexpected token", '{\n  "region": "us-east-1",\n  "availabilityZones": [,]\n}', 'line 3, column 25: unexpected ","'],
    ["an unexpected token near the start", '{"a": tru}', 'line 1, column 10: unexpected "}"'],
    [
      "an unexpected token in a long line",
      `{"region": "us-east-1", "tags": {"team": "data"}, "x": [1, 2,, 3]}`,
      'line 1, column 62: unexpected ","',
    ],
    ["a byte-order mark", "\ufeff{}", "line 1, column 1: unexpected U+FEFF"],
    ["a trailing comma", '{\n  "region": "us-east-1",\n}', "line 3, column 1: Expected double-quoted property name"],
    ["a missing closing brace", '{\n  "a": {\n    "b": 1\n  }\n\n', "line 4, column 4: Expected ',' or '}' after property value"],
    ["an unterminated string", '{\n  "region": "us-east-1\n}', "line 2, column 23: Bad control character in string literal"],
    ["text after the object", "{}\n}", "line 2, column 1: Unexpected non-whitespace character after JSON"],
    ["an empty file", "\n", "line 1, column 1: unexpected end of the file"],
  ])("malformed JSON names the line and column: %s", (_case, content, where) => {
    const path = writeDeploymentFile("dev.json", content);
    expect(() => loadDeployment(path, "variables/dev.json")).toThrow(`variables/dev.json: is not valid JSON at ${where}`);
  });

  it("a folder without deployment files is an error, not an empty app", () => {
    const directory = mkdtempSync(join(tmpdir(), "lab-empty-"));
    expect(() => loadDeployments(directory)).toThrow(/holds no deployment file/);
  });
});
