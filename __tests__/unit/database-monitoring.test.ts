// Enhanced Monitoring and Performance Insights: on in prod through the deployment file, off elsewhere, never replacing an instance.
import type { TerraformElement } from "cdktf";
import { describe, expect, it } from "vitest";
import { errorOf, keyArnRef, ref, referenced, resourcesOfType, shipped, variantDeployment } from "../helpers/synth";

describe("prod-lab's cluster instances", () => {
  const { stacks, lab: synth } = shipped("prod");
  const lab = stacks.lab;
  const keyArn = keyArnRef(lab);

  it.each(["source", "target"] as const)(
    "%s: every instance sends OS metrics each minute through its cluster's monitoring role",
    (side) => {
      const roleConstruct = lab[side].database.node.findChild("MonitoringRole");
      const roleArn = ref(lab, roleConstruct.node.findChild("Resource") as TerraformElement, "aws_iam_role", "arn");
      const instances = lab[side].database.instances.map(
        (instance) => resourcesOfType(synth, "aws_rds_cluster_instance")[lab.getLogicalId(instance)],
      );
      expect(instances).toHaveLength(2);
      for (const instance of instances) {
        expect(instance).toMatchObject({
          monitoring_interval: 60,
          monitoring_role_arn: roleArn,
          performance_insights_enabled: true,
          performance_insights_kms_key_id: keyArn,
          performance_insights_retention_period: 7,
        });
      }
    },
  );

  it("trusts only RDS monitoring for this account, with AWS's managed policy for it", () => {
    const roles = Object.values(resourcesOfType(synth, "aws_iam_role")).filter((role) => String(role.name).endsWith("-monitoring"));
    expect(roles.map((role) => role.name).sort()).toEqual(["prod-source-monitoring", "prod-target-monitoring"]);
    for (const role of roles) {
      expect(referenced(synth, role.assume_role_policy).statement).toEqual([
        {
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["monitoring.rds.amazonaws.com"] }],
          condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: ["${data.aws_caller_identity.Account.account_id}"] }],
        },
      ]);
    }
    const attachments = Object.values(resourcesOfType(synth, "aws_iam_role_policy_attachment")).filter((attachment) =>
      String(attachment.policy_arn).endsWith("AmazonRDSEnhancedMonitoringRole"),
    );
    expect(attachments).toHaveLength(2);
  });
});

describe.each(["local", "dev"] as const)("%s-lab's cluster instances", (name) => {
  it("have neither Enhanced Monitoring nor Performance Insights (the deployment file leaves them off)", () => {
    for (const instance of Object.values(resourcesOfType(shipped(name).lab, "aws_rds_cluster_instance"))) {
      expect(instance).not.toHaveProperty("monitoring_interval");
      expect(instance).not.toHaveProperty("performance_insights_enabled");
    }
    expect(Object.values(resourcesOfType(shipped(name).lab, "aws_iam_role")).map((role) => role.name)).not.toContainEqual(
      expect.stringMatching(/-monitoring$/),
    );
  });
});

describe("databases.*.monitoringIntervalSeconds", () => {
  it("accepts only the intervals RDS offers, naming the field", () => {
    expect(
      errorOf(() =>
        variantDeployment("dev", (file) => {
          (file.databases.source as { monitoringIntervalSeconds?: number }).monitoringIntervalSeconds = 20;
        }),
      ),
    ).toMatch(/dev\.json: databases\.source\.monitoringIntervalSeconds: use 0 \(off\), 1, 5, 10, 15, 30 or 60 seconds/);
  });
});
