// Paired tests for the policy rules on data lifetime: log retention, secret rotation, managed master passwords, and production's protections (across a deployment's stacks too).
import { describe, expect, it } from "vitest";
import { logRetentionSet } from "../../constructs/policy/rules/log-retention-set";
import { masterPasswordManaged } from "../../constructs/policy/rules/master-password-managed";
import { productionDeletionProtection } from "../../constructs/policy/rules/production-deletion-protection";
import { productionFinalSnapshot } from "../../constructs/policy/rules/production-final-snapshot";
import { productionRefusesDestroy } from "../../constructs/policy/rules/production-refuses-destroy";
import { secretRotated } from "../../constructs/policy/rules/secret-rotated";
import { SynthesizedStack, type TerraformConfig } from "../../constructs/policy/synthesized-stack";
import { fixtureStack, KEY_ARN, problems } from "../helpers/policy-fixtures";

describe("LAB-LOG1 log retention set", () => {
  it("accepts a log group with a retention", () => {
    expect(problems(logRetentionSet, fixtureStack({ aws_cloudwatch_log_group: { Logs: { retention_in_days: 7 } } }))).toEqual([]);
  });

  it("finds log groups kept forever (no retention, or 0)", () => {
    const stack = fixtureStack({ aws_cloudwatch_log_group: { Unset: {}, Zero: { retention_in_days: 0 } } });
    expect(problems(logRetentionSet, stack)).toEqual([
      "aws_cloudwatch_log_group.Unset: retention_in_days is not set, so events are kept forever",
      "aws_cloudwatch_log_group.Zero: retention_in_days is not set, so events are kept forever",
    ]);
  });
});

describe("LAB-SEC1 secrets rotated", () => {
  it("accepts a secret that a rotation in the stack names by ARN or id", () => {
    const stack = fixtureStack({
      aws_secretsmanager_secret: { Source: {}, Target: {} },
      aws_secretsmanager_secret_rotation: {
        SourceRotation: { secret_id: "${aws_secretsmanager_secret.Source.arn}", rotation_rules: { automatically_after_days: 30 } },
        TargetRotation: { secret_id: "${aws_secretsmanager_secret.Target.id}", rotation_rules: { automatically_after_days: 30 } },
      },
    });
    expect(problems(secretRotated, stack)).toEqual([]);
  });

  it("finds a secret no rotation names, even when another secret is rotated", () => {
    const stack = fixtureStack({
      aws_secretsmanager_secret: { Rotated: {}, Forgotten: {} },
      aws_secretsmanager_secret_rotation: { Rotation: { secret_id: "${aws_secretsmanager_secret.Rotated.arn}" } },
    });
    expect(problems(secretRotated, stack)).toEqual([
      "aws_secretsmanager_secret.Forgotten: no aws_secretsmanager_secret_rotation in the stack rotates it",
    ]);
  });
});

describe("LAB-SEC2 master passwords managed by RDS", () => {
  it("accepts RDS-managed master passwords and databases restored from a snapshot", () => {
    const stack = fixtureStack({
      aws_rds_cluster: { Managed: { manage_master_user_password: true }, Restored: { snapshot_identifier: "prod-source-final" } },
    });
    expect(problems(masterPasswordManaged, stack)).toEqual([]);
  });

  it("finds a password in the configuration", () => {
    const stack = fixtureStack({
      aws_rds_cluster: { Written: { master_password: "${var.master_password}" } },
      aws_db_instance: { Written: { password: "${var.password}" } },
    });
    expect(problems(masterPasswordManaged, stack)).toEqual([
      "aws_db_instance.Written: a master password is written in the configuration",
      "aws_db_instance.Written: manage_master_user_password is not true",
      "aws_rds_cluster.Written: a master password is written in the configuration",
      "aws_rds_cluster.Written: manage_master_user_password is not true",
    ]);
  });
});

const unprotectedCluster = {
  aws_kms_key: { Data: {}, Logs: {} },
  aws_rds_cluster: { Source: { kms_key_id: "${aws_kms_key.Data.arn}", skip_final_snapshot: true } },
};

describe("the production rules (LAB-PROD1, LAB-PROD2, LAB-PROD3)", () => {
  it("do not look at stacks of deployments not marked production", () => {
    const stack = fixtureStack(unprotectedCluster);
    for (const rule of [productionDeletionProtection, productionFinalSnapshot, productionRefusesDestroy])
      expect(problems(rule, stack)).toEqual([]);
  });

  it("accept a production cluster with deletion protection, a named final snapshot and prevent_destroy on it and its key", () => {
    const stack = fixtureStack(
      {
        aws_kms_key: { Data: { lifecycle: { prevent_destroy: true } }, Logs: {} },
        aws_rds_cluster: {
          Source: {
            kms_key_id: "${aws_kms_key.Data.arn}",
            deletion_protection: true,
            skip_final_snapshot: false,
            final_snapshot_identifier: "prod-source-final",
            lifecycle: { prevent_destroy: true, ignore_changes: ["engine_version"] },
          },
        },
      },
      { production: true },
    );
    for (const rule of [productionDeletionProtection, productionFinalSnapshot, productionRefusesDestroy])
      expect(problems(rule, stack)).toEqual([]);
  });

  it("LAB-PROD1 finds a production cluster without deletion protection", () => {
    expect(problems(productionDeletionProtection, fixtureStack(unprotectedCluster, { production: true }))).toEqual([
      "aws_rds_cluster.Source: deletion_protection is not true",
    ]);
  });

  it("LAB-PROD2 finds a production cluster that skips its final snapshot or leaves it unnamed", () => {
    expect(problems(productionFinalSnapshot, fixtureStack(unprotectedCluster, { production: true }))).toEqual([
      "aws_rds_cluster.Source: final_snapshot_identifier is not set",
      "aws_rds_cluster.Source: skip_final_snapshot is true",
    ]);
  });

  it("LAB-PROD3 finds the cluster and the key its storage uses, not the stack's other keys", () => {
    expect(problems(productionRefusesDestroy, fixtureStack(unprotectedCluster, { production: true }))).toEqual([
      "aws_kms_key.Data: lifecycle.prevent_destroy is not true, so a destroy plan removes it",
      "aws_rds_cluster.Source: lifecycle.prevent_destroy is not true, so a destroy plan removes it",
    ]);
  });

  it("LAB-PROD3 also follows the master secret's key", () => {
    const stack = fixtureStack(
      {
        aws_kms_key: { Key: {} },
        aws_rds_cluster: {
          Source: { manage_master_user_password: true, master_user_secret_kms_key_id: KEY_ARN, lifecycle: { prevent_destroy: true } },
        },
      },
      { production: true },
    );
    expect(problems(productionRefusesDestroy, stack)).toEqual([
      "aws_kms_key.Key: lifecycle.prevent_destroy is not true, so a destroy plan removes it",
    ]);
  });
});

describe("LAB-PROD3 across the stacks of a deployment (a key found by alias)", () => {
  const protectedCluster = {
    kms_key_id: "${data.aws_kms_alias.Key.target_key_arn}",
    master_user_secret_kms_key_id: "${data.aws_kms_alias.Key.target_key_arn}",
    lifecycle: { prevent_destroy: true },
  };
  const labLookingUp = (siblings: () => SynthesizedStack[], cluster: TerraformConfig = protectedCluster) =>
    new SynthesizedStack(
      "prod-lab",
      { resource: { aws_rds_cluster: { Source: cluster } }, data: { aws_kms_alias: { Key: { name: "alias/prod-lab" } } } },
      true,
      siblings,
    );
  const dataStack = (key: TerraformConfig, siblings: () => SynthesizedStack[] = () => [], aliasName = "alias/prod-lab") =>
    new SynthesizedStack(
      "prod-data",
      {
        resource: { aws_kms_key: { Key: key }, aws_kms_alias: { Alias: { name: aliasName, target_key_id: "${aws_kms_key.Key.key_id}" } } },
      },
      true,
      siblings,
    );

  it("accepts a cluster whose key, found by alias, another stack of the deployment manages with prevent_destroy", () => {
    const data: SynthesizedStack = dataStack({ lifecycle: { prevent_destroy: true } }, () => [lab]);
    const lab: SynthesizedStack = labLookingUp(() => [data]);
    expect(problems(productionRefusesDestroy, lab)).toEqual([]);
    expect(problems(productionRefusesDestroy, data)).toEqual([]);
  });

  it("finds the key in the stack that manages the alias when that key can be destroyed", () => {
    const data: SynthesizedStack = dataStack({}, () => [lab]);
    const lab: SynthesizedStack = labLookingUp(() => [data]);
    expect(problems(productionRefusesDestroy, data)).toEqual([
      "aws_kms_key.Key: lifecycle.prevent_destroy is not true, so a destroy plan removes it",
    ]);
    // The cluster's own stack reports nothing twice: the finding belongs where the fix goes.
    expect(problems(productionRefusesDestroy, lab)).toEqual([]);
  });

  it("leaves a key alone that no database of the deployment looks up", () => {
    const data: SynthesizedStack = dataStack({}, () => [lab], "alias/prod-other");
    const lab: SynthesizedStack = labLookingUp(() => [data]);
    expect(problems(productionRefusesDestroy, data)).toEqual([]);
  });

  it("finds a cluster whose key alias no stack of the deployment manages: its protection cannot be seen", () => {
    expect(
      problems(
        productionRefusesDestroy,
        labLookingUp(() => []),
      ),
    ).toEqual([
      "aws_rds_cluster.Source: its key is looked up by alias/prod-lab, which no stack of this deployment manages, so nothing shows that the key refuses destroy",
    ]);
  });
});
