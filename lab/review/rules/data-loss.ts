// LAB-DATA1: a replacement or destroy of what holds the lab's data: an Aurora cluster or instance, the KMS key, a secret.
import { findingFor, managedChanges, type RiskRule } from "./rule";
import { removesObject } from "../change-kind";
import type { Severity } from "../severity";

interface DataHolder {
  readonly severity: Severity;
  readonly loses: string;
  /** What to do when a change replaces it; a destroy gets DESTROY_ADVICE. */
  readonly advice: string;
}

const HOLDERS: Readonly<Record<string, DataHolder>> = {
  aws_rds_cluster: {
    severity: "critical",
    loses: "the Aurora cluster and every row in it; a new cluster starts empty",
    advice: "revert the attribute that forces it (see why below); if it is meant, take a snapshot first and plan the migration's restart",
  },
  aws_rds_cluster_instance: {
    severity: "high",
    loses:
      "an Aurora instance: the cluster volume keeps the data, but the instance's connections drop and a one-instance cluster is down until the new one is up",
    advice:
      "revert the attribute that forces it, or add the new instance before removing the old one (instances += 1, then apply the removal)",
  },
  aws_kms_key: {
    severity: "critical",
    loses: "the KMS key: once its deletion window ends, everything encrypted with it (clusters, secrets) can no longer be read",
    advice: "revert the change; a key is never replaced while data encrypted with it exists",
  },
  aws_secretsmanager_secret: {
    severity: "high",
    loses: "a secret: the rotated credentials in it are gone and the endpoints that read it fail until a new rotation runs",
    advice: "revert the change, or run the secret's rotation right after the apply and test the DMS connections",
  },
};

const DESTROY_ADVICE =
  "if the construct was renamed or moved, keep its state (`moveTo` or a `moved` block); if the destroy is meant, make sure nothing still needs what it holds (take a snapshot first)";

export const dataLoss: RiskRule = {
  id: "LAB-DATA1",
  category: "data loss",
  severity: "critical",
  explanation: "An Aurora cluster or instance, the KMS key or a secret is replaced or destroyed.",
  check: (plans) =>
    managedChanges(plans).flatMap(({ stack, change }) => {
      const holder = HOLDERS[change.type];
      if (!holder || !removesObject(change.kind)) return [];
      if (change.kind === "replace")
        return [findingFor(dataLoss, stack, change, `Replacing it loses ${holder.loses}.`, holder.advice, holder.severity)];
      return [findingFor(dataLoss, stack, change, `Destroying it loses ${holder.loses}.`, DESTROY_ADVICE, holder.severity)];
    }),
};
