// Where input enters the review: its command line, the plan JSON it reads, and the lab names it watches for the provisional mark.
import { describe, expect, it } from "vitest";
import { parseReviewArguments } from "../../lab/review/arguments";
import { lookedUpNames } from "../../lab/review/looked-up-names";
import { parsePlanJson } from "../../lab/review/plan-json";
import { UsageError } from "../../lab/runbook/context";
import { labNames } from "../../stacks/lab-names";
import { shipped } from "../helpers/synth";

describe("parseReviewArguments", () => {
  it("defaults to the local deployment, standard output and the comment limit", () => {
    expect(parseReviewArguments([])).toEqual({ deployment: "local", limit: 60_000 });
  });

  it("reads every option, with a space or an equals sign", () => {
    expect(parseReviewArguments(["--deployment", "dev", "--out=r.md", "--full", "f.md", "--json", "f.json", "--limit", "30000"])).toEqual({
      deployment: "dev",
      out: "r.md",
      full: "f.md",
      json: "f.json",
      limit: 30_000,
    });
  });

  it.each([
    [["--verbose"], /unknown option "--verbose" for review; options: --deployment, --out, --full, --json, --limit/],
    [["--out"], /--out needs a value/],
    [["--out", "--json", "x"], /--out needs a value/],
    [["--limit", "70000"], /--limit must be a whole number of characters from 2000 to 60000, not "70000"/],
  ])("refuses %j", (argv, message) => {
    expect(() => parseReviewArguments(argv)).toThrow(UsageError);
    expect(() => parseReviewArguments(argv)).toThrow(message);
  });
});

describe("parsePlanJson", () => {
  it("names the file and the field of a plan it cannot read", () => {
    expect(() => parsePlanJson([], "lab.json")).toThrow("lab.json: not a JSON object");
    expect(() => parsePlanJson({ format_version: "0.2" }, "lab.json")).toThrow('lab.json: format_version "0.2" is not 1.x');
    expect(() =>
      parsePlanJson({ format_version: "1.2", resource_changes: [{ address: "a.b", type: "a", name: "b", mode: "managed" }] }, "lab.json"),
    ).toThrow("lab.json: resource_changes[0].change.actions is missing or not a list of strings");
  });

  it("refuses a plan Terraform marked errored", () => {
    expect(() => parsePlanJson({ format_version: "1.2", errored: true }, "lab.json")).toThrow(/marked this plan as errored/);
  });
});

describe("lookedUpNames", () => {
  it("is exactly the set of names the migration stack's data sources look up", () => {
    const data = shipped("local").migration.data ?? {};
    const argument: Record<string, (body: Record<string, unknown>) => unknown> = {
      aws_kms_alias: (body) => body.name,
      aws_dms_replication_instance: (body) => body.replication_instance_id,
      aws_rds_cluster: (body) => body.cluster_identifier,
      aws_lb: (body) => body.name,
      aws_lb_target_group: (body) => body.name,
      aws_vpc_endpoint: (body) => (body.tags as Record<string, string>).Name,
      aws_dms_endpoint: (body) => body.endpoint_id,
    };
    const labTypes = Object.keys(argument);
    const found = Object.entries(data)
      .filter(([type]) => labTypes.includes(type))
      .flatMap(([type, bodies]) => Object.values(bodies).map((body) => argument[type](body)));
    expect(found.sort()).toEqual(lookedUpNames(labNames("local")).sort());
  });
});
