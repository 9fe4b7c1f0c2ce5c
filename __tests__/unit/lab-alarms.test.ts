// The lab stack's own alarms and their topic: the source's WAL alarms, which must outlive the migration stack.
import { describe, expect, it } from "vitest";
import {
  buildStacks,
  defined,
  errorOf,
  keyArnRef,
  ref,
  referenced,
  resourcesOfType,
  SHIPPED,
  shipped,
  synthesize,
  variantDeployment,
} from "../helpers/synth";

type Json = Record<string, unknown>;

const alarmsOf = (synth: ReturnType<typeof synthesize>): Json[] => Object.values(resourcesOfType(synth, "aws_cloudwatch_metric_alarm"));

describe.each(SHIPPED)("%s-lab alarms", (name) => {
  const { stacks, lab: synth, deployment } = shipped(name);
  const stack = stacks.lab;
  const topicArn = ref(stack, stack.alarmTopic.topic, "aws_sns_topic", "arn");

  it("has its own alarm topic, encrypted with the lab key", () => {
    const topic = resourcesOfType(synth, "aws_sns_topic")[stack.getLogicalId(stack.alarmTopic.topic)];
    expect(topic).toMatchObject({
      name: `${name}-lab-alarms`,
      kms_master_key_id: keyArnRef(stack),
    });
  });

  it("watches the source writer's slot lag, transaction log and slot disk usage by cluster and WRITER role", () => {
    const dimensions = {
      DBClusterIdentifier: `${name}-source`,
      Role: "WRITER",
    };
    const { monitoring } = deployment.migration;
    const expected: Record<string, number> = {
      OldestReplicationSlotLag: monitoring.replicationSlotLagThresholdBytes,
      TransactionLogsDiskUsage: monitoring.transactionLogsDiskUsageThresholdBytes,
      ReplicationSlotDiskUsage: monitoring.replicationSlotDiskUsageThresholdBytes,
    };
    for (const [metric, threshold] of Object.entries(expected)) {
      expect(alarmsOf(synth).filter((alarm) => alarm.metric_name === metric)).toEqual([
        expect.objectContaining({
          namespace: "AWS/RDS",
          dimensions,
          threshold,
          treat_missing_data: "notBreaching",
          alarm_actions: [topicArn],
          ok_actions: [topicArn],
        }),
      ]);
    }
  });

  it("watches nothing of the target cluster's WAL (no slot lives there)", () => {
    expect(stack.target.database.clusterIdentifier).toBe(`${name}-target`);
    expect(alarmsOf(synth).filter((alarm) => (alarm.dimensions as Json | undefined)?.DBClusterIdentifier === `${name}-target`)).toEqual([]);
  });
});

describe.each(SHIPPED)("%s-lab writer-sync failures", (name) => {
  const { stacks, lab: synth } = shipped(name);
  const stack = stacks.lab;
  const topicArn = ref(stack, stack.alarmTopic.topic, "aws_sns_topic", "arn");

  it.each(["source", "target"] as const)("%s: a failed asynchronous run goes to the lab topic after two retries", (side) => {
    const writerSync = stack[side].writerSync;
    const config = resourcesOfType(synth, "aws_lambda_function_event_invoke_config")[
      stack.getLogicalId(defined(writerSync.failureDestination, "a failure destination"))
    ];
    expect(config).toMatchObject({
      function_name: ref(stack, writerSync.function, "aws_lambda_function", "function_name"),
      maximum_retry_attempts: 2,
      destination_config: { on_failure: { destination: topicArn } },
    });
    // It waits for the permission that lets the function's role publish to the encrypted topic.
    const [dependency] = config.depends_on as string[];
    expect(dependency).toMatch(/^aws_iam_role_policy\./);
    const policy = resourcesOfType(synth, "aws_iam_role_policy")[dependency.replace("aws_iam_role_policy.", "")];
    expect(policy.role).toBe(ref(stack, writerSync.role, "aws_iam_role", "id"));
    const document = referenced(synth, policy.policy);
    expect(document.statement).toEqual([
      { sid: "PublishFailedRuns", actions: ["sns:Publish"], resources: [topicArn] },
      {
        sid: "EncryptForTheTopic",
        actions: ["kms:GenerateDataKey", "kms:Decrypt"],
        resources: [keyArnRef(stack)],
      },
    ]);
  });

  it.each(["source", "target"] as const)("%s: any error of the function in 5 minutes raises an alarm on the lab topic", (side) => {
    const writerSync = stack[side].writerSync;
    expect(
      alarmsOf(synth).filter((alarm) => alarm.namespace === "AWS/Lambda" && alarm.alarm_name === `${name}-${side}-writer-sync-errors`),
    ).toEqual([
      expect.objectContaining({
        metric_name: "Errors",
        dimensions: { FunctionName: ref(stack, writerSync.function, "aws_lambda_function", "function_name") },
        statistic: "Sum",
        comparison_operator: "GreaterThanThreshold",
        threshold: 0,
        period: 300,
        evaluation_periods: 1,
        datapoints_to_alarm: 1,
        treat_missing_data: "notBreaching",
        alarm_actions: [topicArn],
      }),
    ]);
  });

  it("refuses to report the same function's failures twice", () => {
    expect(errorOf(() => stack.source.writerSync.reportFailuresTo(stack.alarmTopic, stack.encryptionKey))).toMatch(
      /call reportFailuresTo once/,
    );
  });
});

describe("lab alarm settings from the deployment file", () => {
  const deployment = variantDeployment("dev", (file) => {
    file.migration = { ...file.migration, monitoring: { email: "ops@example.com", replicationSlotDiskUsageThresholdBytes: 1234 } };
  });
  const stacks = buildStacks(deployment);
  const synth = synthesize(stacks.lab);

  it("subscribes the monitoring e-mail to the lab topic too", () => {
    expect(Object.values(resourcesOfType(synth, "aws_sns_topic_subscription"))).toContainEqual(
      expect.objectContaining({ protocol: "email", endpoint: "ops@example.com" }),
    );
  });

  it("takes the slot disk usage threshold from migration.monitoring", () => {
    expect(alarmsOf(synth).find((alarm) => alarm.metric_name === "ReplicationSlotDiskUsage")).toMatchObject({ threshold: 1234 });
  });
});
