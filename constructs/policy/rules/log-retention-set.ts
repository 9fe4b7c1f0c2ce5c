// LAB-LOG1: every log group has a retention period.
import type { PolicyRule } from "../rule";

export const logRetentionSet: PolicyRule = {
  id: "LAB-LOG1",
  severity: "error",
  title: "Log retention set",
  explanation:
    "A log group without retention_in_days (or with 0) keeps every event forever: the cost grows without bound, and whatever the logs quote (statements, errors) outlives the lab and any data-retention promise. Each deployment chooses its retention (7 days in dev, 90 in prod).",
  fix: "Set retention_in_days on the aws_cloudwatch_log_group from the deployment's logRetentionDays settings.",
  resourceTypes: ["aws_cloudwatch_log_group"],
  check(resource) {
    const days = resource.config.retention_in_days;
    return typeof days === "number" && days > 0 ? [] : ["retention_in_days is not set, so events are kept forever"];
  },
};
