// The lab's risk rules, each with a change that fires it and a nearby change that does not.
import { describe, expect, it } from "vitest";
import type { RiskRule } from "../../lab/review/rules/rule";
import { constructMove } from "../../lab/review/rules/construct-move";
import { cutoverFlip } from "../../lab/review/rules/cutover-flip";
import { dataLoss } from "../../lab/review/rules/data-loss";
import { encryptionWeakened } from "../../lab/review/rules/encryption-weakened";
import { endpointReplaced } from "../../lab/review/rules/endpoint-replaced";
import { iamWildcard } from "../../lab/review/rules/iam-wildcard";
import { ingressWidened } from "../../lab/review/rules/ingress-widened";
import { publicAccess } from "../../lab/review/rules/public-access";
import { RISK_RULES } from "../../lab/review/rules";
import { targetGroupReplaced } from "../../lab/review/rules/target-group-replaced";
import { taskDisruption } from "../../lab/review/rules/task-disruption";
import { cidrWithin } from "../../lab/review/rules/cidr-range";
import { redactStackPlan } from "../../lab/review/redact";
import type { ResourceChangeJson } from "../../lab/review/plan-json";
import { planOf, resourceChange } from "../fixtures/review/synthetic-plan";

function check(rule: RiskRule, ...changes: ResourceChangeJson[]) {
  return rule.check([redactStackPlan("local-lab", planOf(changes))]);
}

const cluster = { cluster_identifier: "local-source", storage_encrypted: true, kms_key_id: "arn:aws:kms:us-east-1:1:key/k" };
const settings = (prep: string) => JSON.stringify({ FullLoadSettings: { TargetTablePrepMode: prep } });
const policy = (action: string, resource: string) =>
  JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: action, Resource: resource }] });

describe("the rule set", () => {
  it("has unique ids and an explanation for each rule", () => {
    const ids = RISK_RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of RISK_RULES) expect(rule.explanation.length).toBeGreaterThan(20);
  });
});

describe("LAB-DATA1 data loss", () => {
  it("fires critical on a replaced Aurora cluster, naming its physical name", () => {
    const [finding] = check(dataLoss, resourceChange("aws_rds_cluster.Source", ["delete", "create"], cluster, cluster));
    expect(finding).toMatchObject({ ruleId: "LAB-DATA1", severity: "critical", physicalName: "local-source" });
    expect(finding.message).toMatch(/^Replacing it loses the Aurora cluster/);
  });

  it("fires on a destroyed KMS key and secret", () => {
    const findings = check(
      dataLoss,
      resourceChange("aws_kms_key.Lab", ["delete"], { tags: { Name: "local-lab" } }, null),
      resourceChange("aws_secretsmanager_secret.Dms", ["delete"], { name: "local/dms/source" }, null),
    );
    expect(findings.map((finding) => [finding.address, finding.severity])).toEqual([
      ["aws_kms_key.Lab", "critical"],
      ["aws_secretsmanager_secret.Dms", "high"],
    ]);
  });

  it("stays quiet on an in-place update of a cluster", () => {
    expect(
      check(dataLoss, resourceChange("aws_rds_cluster.Source", ["update"], cluster, { ...cluster, backup_retention_period: 7 })),
    ).toEqual([]);
  });
});

describe("LAB-CONN1 endpoint replaced", () => {
  it("fires on a replaced endpoint service and a destroyed interface endpoint", () => {
    const findings = check(
      endpointReplaced,
      resourceChange("aws_vpc_endpoint_service.Source", ["create", "delete"], { tags: { Name: "s" } }, { tags: { Name: "s" } }),
      resourceChange("aws_vpc_endpoint.SourceEndpoint", ["delete"], { vpc_endpoint_type: "Interface" }, null),
    );
    expect(findings.map((finding) => finding.address)).toEqual(["aws_vpc_endpoint_service.Source", "aws_vpc_endpoint.SourceEndpoint"]);
  });

  it("stays quiet on a replaced gateway endpoint (no DNS name DMS uses)", () => {
    expect(
      check(
        endpointReplaced,
        resourceChange("aws_vpc_endpoint.S3", ["delete", "create"], { vpc_endpoint_type: "Gateway" }, { vpc_endpoint_type: "Gateway" }),
      ),
    ).toEqual([]);
  });
});

describe("LAB-CONN2 target group replaced", () => {
  it("fires on a replacement", () => {
    expect(
      check(targetGroupReplaced, resourceChange("aws_lb_target_group.Tg", ["delete", "create"], { name: "tg" }, { name: "tg" })),
    ).toHaveLength(1);
  });

  it("stays quiet on an update", () => {
    expect(
      check(targetGroupReplaced, resourceChange("aws_lb_target_group.Tg", ["update"], { name: "tg" }, { name: "tg", tags: { a: "b" } })),
    ).toEqual([]);
  });
});

describe("LAB-MIG1 task disruption", () => {
  const task = (prep: string) => ({ replication_task_id: "local-dms-task-demo", replication_task_settings: settings(prep) });

  it("fires medium on a changed task, critical on a replaced task that truncates the target", () => {
    const [update] = check(
      taskDisruption,
      resourceChange("aws_dms_replication_task.A", ["update"], task("DO_NOTHING"), { ...task("DO_NOTHING"), tags: { x: "y" } }),
    );
    expect(update.severity).toBe("medium");
    const [replace] = check(
      taskDisruption,
      resourceChange("aws_dms_replication_task.A", ["delete", "create"], task("TRUNCATE_BEFORE_LOAD"), task("TRUNCATE_BEFORE_LOAD")),
    );
    expect(replace.severity).toBe("critical");
    expect(replace.message).toContain("TRUNCATE_BEFORE_LOAD");
  });

  it("stays quiet on a new task", () => {
    expect(check(taskDisruption, resourceChange("aws_dms_replication_task.New", ["create"], null, task("DO_NOTHING")))).toEqual([]);
  });
});

describe("LAB-SEC1 ingress widened", () => {
  const rule = (cidr: string) => ({ cidr_ipv4: cidr, from_port: 443 });

  it("fires critical when a rule opens to 0.0.0.0/0", () => {
    const [finding] = check(
      ingressWidened,
      resourceChange("aws_vpc_security_group_ingress_rule.R", ["update"], rule("10.0.0.0/16"), rule("0.0.0.0/0")),
    );
    expect(finding).toMatchObject({ severity: "critical" });
    expect(finding.message).toContain("0.0.0.0/0");
  });

  it("fires on an inline security-group ingress that admits a CIDR outside the old one", () => {
    const group = (cidrs: string[]) => ({ name: "sg", ingress: [{ cidr_blocks: cidrs, from_port: 5432 }] });
    const [finding] = check(
      ingressWidened,
      resourceChange("aws_security_group.G", ["update"], group(["10.0.1.0/24"]), group(["10.0.0.0/16"])),
    );
    expect(finding).toMatchObject({ severity: "medium" });
  });

  it("stays quiet when a rule narrows, and on a new exact-CIDR rule", () => {
    expect(
      check(
        ingressWidened,
        resourceChange("aws_vpc_security_group_ingress_rule.R", ["update"], rule("10.0.0.0/16"), rule("10.0.1.0/24")),
        resourceChange("aws_vpc_security_group_ingress_rule.N", ["create"], null, rule("10.0.0.0/16")),
      ),
    ).toEqual([]);
  });

  it("knows which blocks contain which", () => {
    expect(cidrWithin("10.0.1.0/24", "10.0.0.0/16")).toBe(true);
    expect(cidrWithin("10.1.0.0/24", "10.0.0.0/16")).toBe(false);
    expect(cidrWithin("10.0.0.0/8", "10.0.0.0/16")).toBe(false);
  });
});

describe("LAB-SEC2 encryption weakened", () => {
  it("fires on storage encryption off, the KMS key removed and ssl_mode lowered", () => {
    const findings = check(
      encryptionWeakened,
      resourceChange("aws_rds_cluster.Source", ["delete", "create"], cluster, { ...cluster, storage_encrypted: false, kms_key_id: null }),
      resourceChange(
        "aws_dms_endpoint.Source",
        ["update"],
        { endpoint_id: "e", ssl_mode: "verify-full" },
        { endpoint_id: "e", ssl_mode: "require" },
      ),
    );
    expect(findings.map((finding) => finding.message.split(":")[1].split(".")[0].trim())).toEqual([
      "storage encryption is off",
      "kms_key_id is removed (AWS-managed key or none)",
      "ssl_mode goes `verify-full` → `require`",
    ]);
  });

  it("fires when rds.force_ssl is turned off", () => {
    const group = (value: string) => ({ name: "pg", parameter: [{ name: "rds.force_ssl", value, apply_method: "pending-reboot" }] });
    expect(check(encryptionWeakened, resourceChange("aws_rds_cluster_parameter_group.P", ["update"], group("1"), group("0")))).toHaveLength(
      1,
    );
  });

  it("stays quiet when ssl_mode is raised and a key is known only after apply", () => {
    expect(
      check(
        encryptionWeakened,
        resourceChange("aws_dms_endpoint.Source", ["update"], { ssl_mode: "require" }, { ssl_mode: "verify-full" }),
        resourceChange(
          "aws_rds_cluster.Source",
          ["update"],
          cluster,
          { ...cluster, kms_key_id: null },
          { change: { after_unknown: { kms_key_id: true } } },
        ),
      ),
    ).toEqual([]);
  });
});

describe("LAB-SEC3 public access", () => {
  it("fires when an instance becomes publicly accessible and a load balancer internet-facing", () => {
    const findings = check(
      publicAccess,
      resourceChange("aws_dms_replication_instance.R", ["update"], { publicly_accessible: false }, { publicly_accessible: true }),
      resourceChange("aws_lb.Nlb", ["delete", "create"], { internal: true }, { internal: false }),
    );
    expect(findings.map((finding) => finding.message.slice(0, 40))).toEqual([
      "Made public (publicly_accessible = true)",
      "Made public (internal = false): in this ",
    ]);
  });

  it("stays quiet on a private instance and an internal load balancer", () => {
    expect(
      check(
        publicAccess,
        resourceChange("aws_dms_replication_instance.R", ["create"], null, { publicly_accessible: false }),
        resourceChange("aws_lb.Nlb", ["create"], null, { internal: true }),
      ),
    ).toEqual([]);
  });
});

describe("LAB-SEC4 IAM wildcard", () => {
  it("fires when a policy gains action s3:* and when a role's inline policy gains action *", () => {
    const findings = check(
      iamWildcard,
      resourceChange(
        "aws_iam_policy.P",
        ["update"],
        { policy: policy("s3:GetObject", "arn:aws:s3:::b/*") },
        { policy: policy("s3:*", "arn:aws:s3:::b/*") },
      ),
      resourceChange(
        "aws_iam_role.R",
        ["update"],
        { inline_policy: [] },
        { inline_policy: [{ name: "all", policy: policy("*", "arn:aws:s3:::b") }] },
      ),
    );
    expect(findings.map((finding) => [finding.address, finding.severity])).toEqual([
      ["aws_iam_policy.P", "high"],
      ["aws_iam_role.R", "critical"],
    ]);
  });

  it("stays quiet when a wildcard was already there", () => {
    const same = { policy: policy("logs:*", "*") };
    expect(check(iamWildcard, resourceChange("aws_iam_policy.P", ["update"], same, { ...same, description: "x" }))).toEqual([]);
  });
});

describe("LAB-CUT1 cutover flip", () => {
  const parameter = (url: string) => ({ name: "/local/app/db_url", type: "String", insecure_value: url });

  it("fires when db_url's value changes, showing the old and the new URL", () => {
    const [finding] = check(
      cutoverFlip,
      resourceChange(
        "aws_ssm_parameter.Url",
        ["update"],
        parameter("postgresql://source:5432/demo_db"),
        parameter("postgresql://target:5432/demo_db"),
      ),
    );
    expect(finding.message).toContain("from `postgresql://source:5432/demo_db` to `postgresql://target:5432/demo_db`");
  });

  it("stays quiet when only the description changes, and for another parameter", () => {
    expect(
      check(
        cutoverFlip,
        resourceChange(
          "aws_ssm_parameter.Url",
          ["update"],
          { ...parameter("u"), description: "a" },
          { ...parameter("u"), description: "b" },
        ),
        resourceChange(
          "aws_ssm_parameter.Other",
          ["update"],
          { name: "/local/app/other", value: "a" },
          { name: "/local/app/other", value: "b" },
        ),
      ),
    ).toEqual([]);
  });
});

describe("LAB-MOVE1 construct move", () => {
  it("fires on a delete and a create of the same type and physical name, suggesting a moved block", () => {
    const [finding] = check(
      constructMove,
      resourceChange("aws_rds_cluster.Old", ["delete"], cluster, null),
      resourceChange("aws_rds_cluster.New", ["create"], null, cluster),
    );
    expect(finding).toMatchObject({ address: "aws_rds_cluster.Old", physicalName: "local-source" });
    expect(finding.advice).toContain("moved");
  });

  it("stays quiet when the created object has another name", () => {
    expect(
      check(
        constructMove,
        resourceChange("aws_rds_cluster.Old", ["delete"], cluster, null),
        resourceChange("aws_rds_cluster.New", ["create"], null, { ...cluster, cluster_identifier: "local-source-2" }),
      ),
    ).toEqual([]);
  });
});
