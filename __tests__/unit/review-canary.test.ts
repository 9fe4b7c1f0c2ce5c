// Canary: secret-like values planted in a plan (sensitive attributes, credential-like keys and content, drift, outputs) never reach the report or the JSON findings.
import { describe, expect, it } from "vitest";
import { findingsDocument } from "../../lab/review/findings-json";
import { redactStackPlan } from "../../lab/review/redact";
import { renderMarkdown } from "../../lab/review/render-markdown";
import { buildReview } from "../../lab/review/review";
import { planOf, resourceChange } from "../fixtures/review/synthetic-plan";

const CANARIES = {
  sensitiveAttribute: "CANARY-sensitive-attribute",
  credentialKey: "CANARY-credential-key",
  environmentVariable: "CANARY-environment-variable",
  urlPassword: "CANARY-url-password",
  privateKey: "CANARY-private-key",
  jsonPassword: "CANARY-json-password",
  drift: "CANARY-drift",
  output: "CANARY-output",
  replaced: "CANARY-replaced",
};

const plan = planOf(
  [
    // A value the provider marks sensitive, changing.
    resourceChange(
      "aws_secretsmanager_secret_version.Dms",
      ["update"],
      { secret_id: "local/dms/source", secret_string: `${CANARIES.sensitiveAttribute}-old` },
      { secret_id: "local/dms/source", secret_string: CANARIES.sensitiveAttribute },
      { change: { before_sensitive: { secret_string: true }, after_sensitive: { secret_string: true } } },
    ),
    // Not marked sensitive, but under keys that name a credential.
    resourceChange(
      "aws_lambda_function.Ops",
      ["update"],
      { function_name: "local-db-ops", environment: [{ variables: { DB_PASSWORD: "old", SECRET_ARN: "arn:aws:secretsmanager:x" } }] },
      {
        function_name: "local-db-ops",
        environment: [{ variables: { DB_PASSWORD: CANARIES.environmentVariable, SECRET_ARN: "arn:aws:secretsmanager:y" } }],
      },
    ),
    resourceChange("aws_db_instance.Legacy", ["create"], null, { identifier: "legacy", password: CANARIES.credentialKey }),
    // Credential-like content under innocent keys, in the cutover parameter a rule quotes.
    resourceChange(
      "aws_ssm_parameter.Url",
      ["update"],
      { name: "/local/app/db_url", insecure_value: "postgresql://source:5432/demo_db" },
      { name: "/local/app/db_url", insecure_value: `postgresql://app:${CANARIES.urlPassword}@target:5432/demo_db` },
    ),
    resourceChange(
      "aws_instance.Bastion",
      ["update"],
      { user_data: "" },
      { user_data: `-----BEGIN RSA PRIVATE KEY-----\n${CANARIES.privateKey}\n-----END RSA PRIVATE KEY-----` },
    ),
    resourceChange(
      "aws_ssm_parameter.Json",
      ["update"],
      { description: "a" },
      { description: `{"username":"app","password":"${CANARIES.jsonPassword}"}` },
    ),
    // A replaced cluster (a finding) whose sensitive attribute changes.
    resourceChange(
      "aws_rds_cluster.Source",
      ["delete", "create"],
      { cluster_identifier: "local-source", master_password: "x" },
      { cluster_identifier: "local-source", master_password: CANARIES.replaced },
      { change: { replace_paths: [["master_username"]] } },
    ),
  ],
  {
    resource_drift: [
      resourceChange(
        "aws_secretsmanager_secret_version.Dms",
        ["update"],
        { secret_string: "before" },
        { secret_string: CANARIES.drift },
        { change: { before_sensitive: { secret_string: true }, after_sensitive: { secret_string: true } } },
      ),
    ],
    output_changes: { dms_password: { actions: ["update"], before: "x", after: CANARIES.output, after_sensitive: false } },
  },
);

describe("redaction", () => {
  const review = buildReview({ deployment: "local", plans: [redactStackPlan("local-lab", plan)] });
  const reports = {
    comment: renderMarkdown(review),
    full: renderMarkdown(review, { level: "full" }),
    findings: JSON.stringify(findingsDocument(review)),
  };

  it("plants every canary in the raw plan (the test would see a leak)", () => {
    const raw = JSON.stringify(plan);
    for (const canary of Object.values(CANARIES)) expect(raw).toContain(canary);
  });

  it.each(Object.keys(reports) as (keyof typeof reports)[])("the %s report carries no canary", (name) => {
    for (const canary of Object.values(CANARIES)) expect(reports[name]).not.toContain(canary);
    expect(reports[name]).not.toContain("CANARY");
  });

  it("still names every change and where the redacted values sit", () => {
    for (const path of ["secret_string", "DB_PASSWORD", "insecure_value", "user_data", "description", "master_password"]) {
      expect(reports.full).toContain(path);
    }
    expect(reports.full).toContain("`dms_password` (update)");
    expect(reports.full).toContain('`"(sensitive)"`');
    expect(reports.full).toContain('"arn:aws:secretsmanager:y"');
  });

  it("quotes the cutover's new URL as sensitive when it carries a password", () => {
    const cutover = review.findings.find((finding) => finding.ruleId === "LAB-CUT1");
    expect(cutover?.message).toContain("to `(sensitive)`");
  });
});
