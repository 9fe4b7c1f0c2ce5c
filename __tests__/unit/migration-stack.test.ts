// The `<name>-migration` stack: tasks from the deployment file, alarms and the DMS event rule, the db_url switch, and no lab inside.
import type { TerraformStack } from "cdktf";
import { describe, expect, it } from "vitest";
import { ALARM_TOPIC_PUBLISHERS } from "../../constructs/monitoring/alarm-topic";
import { DMS_EVENT_DETAIL_TYPES } from "../../constructs/monitoring/dms-event-rule";
import type { MigrationStack } from "../../stacks/migration-stack";
import {
  buildStacks,
  onlyResourceOfType,
  ref,
  resourcesOfType,
  SHIPPED,
  shipped,
  shippedDeployment,
  synthesize,
  variantDeployment,
  type ShippedName,
  type SynthesizedStack,
} from "../helpers/synth";

type Json = Record<string, unknown>;

const deployments = SHIPPED;
const built = (name: ShippedName) => ({
  stacks: shipped(name).stacks,
  synth: shipped(name).migration,
  labSynth: shipped(name).lab,
  /** The stack that creates the deployment's key: `<name>-data` when there is one, else the lab. */
  keySynth: shipped(name).data ?? shipped(name).lab,
});

/** One variant for every switch the file offers: cutover to the target, an e-mail, a custom threshold. */
const variant = (() => {
  const deployment = variantDeployment("dev", (file) => {
    file.migration = {
      ...file.migration,
      monitoring: { email: "ops@example.com", cdcLatencyThresholdSeconds: 30 },
      cutover: { pointAppAt: "target" },
    };
  });
  const stacks = buildStacks(deployment);
  return { stack: stacks.migration, synth: synthesize(stacks.migration) };
})();

function dataOfType(synth: SynthesizedStack, type: string): Record<string, Json> {
  return (synth.data?.[type] ?? {}) as Record<string, Json>;
}

function onlyDataOfType(synth: SynthesizedStack, type: string): Json {
  const all = Object.values(dataOfType(synth, type));
  if (all.length !== 1) throw new Error(`expected exactly one data.${type}, found ${all.length}`);
  return all[0];
}

function alarmsByMetric(synth: SynthesizedStack, metricName: string): Json[] {
  return Object.values(resourcesOfType(synth, "aws_cloudwatch_metric_alarm")).filter((alarm) => alarm.metric_name === metricName);
}

/** `${data.<type>.<id>.<attribute>}` of a lookup. */
function dataRef(stack: TerraformStack, element: Parameters<typeof ref>[1], type: string, attribute: string): string {
  return ref(stack, element, `data.${type}`, attribute);
}

describe.each(deployments)("%s-migration", (name) => {
  const { stacks, synth, labSynth, keySynth } = built(name);
  const stack: MigrationStack = stacks.migration;
  const topicArn = ref(stack, stack.alarmTopic.topic, "aws_sns_topic", "arn");

  it("is its own stack, deployed after the lab and depending on it", () => {
    expect(stack.node.id).toBe(`${name}-migration`);
    expect(stacks.all.map((each) => each.node.id)).toEqual([
      ...(stacks.account ? [`${name}-account`] : []),
      ...(stacks.data ? [`${name}-data`] : []),
      `${name}-lab`,
      `${name}-migration`,
    ]);
    expect(stack.dependencies).toContain(stacks.lab);
  });

  it("holds no lab resource: only tasks, alarms, the topic, the DMS event rule and the parameter", () => {
    expect(Object.keys(synth.resource ?? {}).sort()).toEqual(
      expect.arrayContaining([
        "aws_cloudwatch_event_rule",
        "aws_cloudwatch_event_target",
        "aws_cloudwatch_metric_alarm",
        "aws_sns_topic",
        "aws_sns_topic_policy",
        "aws_ssm_parameter",
      ]),
    );
    const allowed = new Set([
      "aws_cloudwatch_event_rule",
      "aws_cloudwatch_event_target",
      "aws_cloudwatch_metric_alarm",
      "aws_dms_replication_task",
      "aws_sns_topic",
      "aws_sns_topic_policy",
      "aws_sns_topic_subscription",
      "aws_ssm_parameter",
    ]);
    expect(Object.keys(synth.resource ?? {}).filter((type) => !allowed.has(type))).toEqual([]);
    for (const labType of [
      "aws_vpc",
      "aws_rds_cluster",
      "aws_kms_key",
      "aws_lb",
      "aws_dms_replication_instance",
      "aws_dms_endpoint",
      "aws_secretsmanager_secret",
    ]) {
      expect(resourcesOfType(synth, labType)).toEqual({});
    }
  });

  it("finds the lab by lookups, so the lab stack gets no cross-stack output", () => {
    expect(synth.data?.terraform_remote_state).toBeUndefined();
    expect(Object.keys(labSynth.output ?? {}).filter((output) => output.startsWith("cross-stack-output"))).toEqual([]);
    expect(onlyDataOfType(synth, "aws_dms_replication_instance")).toEqual({ replication_instance_id: `${name}-dms` });
    expect(
      Object.values(dataOfType(synth, "aws_dms_endpoint"))
        .map((endpoint) => endpoint.endpoint_id)
        .sort(),
    ).toEqual([`${name}-source`, `${name}-target`]);
    expect(onlyDataOfType(synth, "aws_kms_alias")).toEqual({ name: `alias/${name}-lab` });
    // Each side's cluster, for the name db_url carries (its WAL alarms live in the lab stack).
    expect(
      Object.values(dataOfType(synth, "aws_rds_cluster"))
        .map((cluster) => cluster.cluster_identifier)
        .sort(),
    ).toEqual([`${name}-source`, `${name}-target`]);
  });

  it("looks up exactly the names the lab stack creates (the shared names cannot drift)", () => {
    const labNamesOf = (type: string, key: string) =>
      Object.values({ ...resourcesOfType(labSynth, type), ...resourcesOfType(keySynth, type) }).map((resource) => resource[key]);
    const labNameTags = (type: string) =>
      Object.values(resourcesOfType(labSynth, type)).map((resource) => (resource.tags as Json | undefined)?.Name);
    const lookedUp = (type: string, key: string) => Object.values(dataOfType(synth, type)).map((lookup) => lookup[key]);
    /** Every lookup of `type` (there are `count`) names something the lab creates. */
    const expectLabCreates = (type: string, key: string, count: number) => {
      const wanted = lookedUp(type, key);
      expect(wanted).toHaveLength(count);
      expect(labNamesOf(type, key)).toEqual(expect.arrayContaining(wanted));
    };
    expectLabCreates("aws_dms_replication_instance", "replication_instance_id", 1);
    expectLabCreates("aws_dms_endpoint", "endpoint_id", 2);
    expectLabCreates("aws_kms_alias", "name", 1);
    expectLabCreates("aws_lb", "name", 2);
    expectLabCreates("aws_lb_target_group", "name", 2);
    const endpointNames = Object.values(dataOfType(synth, "aws_vpc_endpoint")).map((lookup) => (lookup.tags as Json).Name);
    expect(endpointNames).toHaveLength(2);
    expect(labNameTags("aws_vpc_endpoint")).toEqual(expect.arrayContaining(endpointNames));
  });

  it("encrypts the alarm topic with the lab key, which admits the services that publish to it", () => {
    expect(onlyResourceOfType(synth, "aws_sns_topic")).toMatchObject({
      name: `${name}-migration-alarms`,
      kms_master_key_id: dataRef(stack, stack.lab.keyAlias, "aws_kms_alias", "target_key_arn"),
    });
    const keyStatements = Object.values(dataOfType(keySynth, "aws_iam_policy_document"))
      .flatMap((document) => document.statement as Json[])
      .filter((statement) => /Publish(es)?ToEncryptedTopics$/.test(String(statement.sid)));
    expect(keyStatements).toHaveLength(2);
    const [services, eventBridge] = keyStatements;
    expect(services).toMatchObject({
      sid: "ServicesPublishToEncryptedTopics",
      principals: [{ type: "Service", identifiers: ALARM_TOPIC_PUBLISHERS.filter((publisher) => publisher !== "events.amazonaws.com") }],
      actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
      condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: ["${data.aws_caller_identity.Account.account_id}"] }],
    });
    // SNS does not support aws:SourceAccount in the key policy for EventBridge deliveries.
    expect(eventBridge).toEqual({
      sid: "EventBridgePublishesToEncryptedTopics",
      principals: [{ type: "Service", identifiers: ["events.amazonaws.com"] }],
      actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
      resources: ["*"],
    });
  });

  it("lets only this account's CloudWatch alarms and its own DMS event rule publish, over TLS", () => {
    const policy = onlyResourceOfType(synth, "aws_sns_topic_policy");
    const document = dataOfType(synth, "aws_iam_policy_document")[stack.getLogicalId(stack.alarmTopic.policyDocument)];
    expect(policy).toEqual({ arn: topicArn, policy: dataRef(stack, stack.alarmTopic.policyDocument, "aws_iam_policy_document", "json") });
    const [alarms, rule, deny] = document.statement as Json[];
    expect(alarms).toMatchObject({
      actions: ["sns:Publish"],
      principals: [{ type: "Service", identifiers: ["cloudwatch.amazonaws.com"] }],
      condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: ["${data.aws_caller_identity.Account.account_id}"] }],
    });
    expect(rule).toMatchObject({
      actions: ["sns:Publish"],
      principals: [{ type: "Service", identifiers: ["events.amazonaws.com"] }],
      condition: [
        {
          test: "ArnEquals",
          variable: "aws:SourceArn",
          values: [
            `arn:\${data.aws_partition.Partition.partition}:events:${shipped(name).deployment.region}:\${data.aws_caller_identity.Account.account_id}:rule/${name}-migration-dms-events`,
          ],
        },
      ],
    });
    expect(deny).toMatchObject({ effect: "Deny", condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }] });
  });

  it("sends every alarm's ALARM and OK to the topic", () => {
    const alarms = Object.values(resourcesOfType(synth, "aws_cloudwatch_metric_alarm"));
    expect(alarms.length).toBeGreaterThan(0);
    for (const alarm of alarms) {
      expect(alarm).toMatchObject({ alarm_actions: [topicArn], ok_actions: [topicArn] });
      expect(String(alarm.alarm_name)).toMatch(new RegExp(`^${name}-`));
    }
  });

  it("watches the replication instance's free storage and CPU by its identifier", () => {
    const instanceId = dataRef(stack, stack.lab.replicationInstance, "aws_dms_replication_instance", "replication_instance_id");
    const deployment = shippedDeployment(name);
    expect(alarmsByMetric(synth, "FreeStorageSpace")).toEqual([
      expect.objectContaining({
        namespace: "AWS/DMS",
        dimensions: { ReplicationInstanceIdentifier: instanceId },
        comparison_operator: "LessThanThreshold",
        threshold: deployment.migration.monitoring.freeStorageThresholdBytes,
      }),
    ]);
    expect(alarmsByMetric(synth, "CPUUtilization")).toEqual([
      expect.objectContaining({ namespace: "AWS/DMS", dimensions: { ReplicationInstanceIdentifier: instanceId }, threshold: 80 }),
    ]);
  });

  it("watches each NLB's target health by the looked-up load balancer and target group ARN suffixes", () => {
    for (const side of ["source", "target"] as const) {
      const dimensions = {
        LoadBalancer: dataRef(stack, stack.lab[side].loadBalancer, "aws_lb", "arn_suffix"),
        TargetGroup: dataRef(stack, stack.lab[side].targetGroup, "aws_lb_target_group", "arn_suffix"),
      };
      expect(alarmsByMetric(synth, "UnHealthyHostCount")).toContainEqual(
        expect.objectContaining({ namespace: "AWS/NetworkELB", dimensions, comparison_operator: "GreaterThanThreshold", threshold: 0 }),
      );
      expect(alarmsByMetric(synth, "HealthyHostCount")).toContainEqual(
        expect.objectContaining({ namespace: "AWS/NetworkELB", dimensions, comparison_operator: "LessThanThreshold", threshold: 1 }),
      );
    }
  });

  it("leaves the source cluster's WAL alarms to the lab stack, where the replication slot outlives the tasks", () => {
    for (const metric of ["OldestReplicationSlotLag", "TransactionLogsDiskUsage", "ReplicationSlotDiskUsage"]) {
      expect(alarmsByMetric(synth, metric)).toEqual([]);
    }
  });

  it("sends the replication instance's and tasks' state changes to the topic through one EventBridge rule, not event subscriptions", () => {
    expect(resourcesOfType(synth, "aws_dms_event_subscription")).toEqual({});
    const rule = onlyResourceOfType(synth, "aws_cloudwatch_event_rule");
    expect(rule).toMatchObject({ name: `${name}-migration-dms-events` });
    // The pattern is Fn.jsonencode of an object holding references: check its parts as synthesized.
    const pattern = String(rule.event_pattern);
    expect(pattern).toContain('"source" = ["aws.dms"]');
    for (const detailType of DMS_EVENT_DETAIL_TYPES) expect(pattern).toContain(`"${detailType}"`);
    // Inside jsonencode(...) a reference is a bare expression: `${x}` becomes `x`.
    const bare = (reference: string) => reference.slice(2, -1);
    const resources = [
      bare(dataRef(stack, stack.lab.replicationInstance, "aws_dms_replication_instance", "replication_instance_arn")),
      ...stack.tasks.map((task) => bare(ref(stack, task.task, "aws_dms_replication_task", "replication_task_arn"))),
    ];
    expect(pattern).toContain(`"resources" = [${resources.join(", ")}]`);
    const target = onlyResourceOfType(synth, "aws_cloudwatch_event_target");
    expect(target).toMatchObject({
      rule: ref(stack, stack.dmsEvents.rule, "aws_cloudwatch_event_rule", "name"),
      arn: topicArn,
      depends_on: [`aws_sns_topic_policy.${stack.getLogicalId(stack.alarmTopic.policy)}`],
    });
  });

  it("points /<name>/app/db_url at the source cluster's name (its private zone leads to the interface endpoint), with no credentials in it", () => {
    const parameter = onlyResourceOfType(synth, "aws_ssm_parameter");
    const host = `\${data.aws_rds_cluster.${stack.getLogicalId(stack.lab.source.cluster)}.endpoint}`;
    expect(parameter).toMatchObject({ name: `/${name}/app/db_url`, type: "String", insecure_value: `postgresql://${host}:5432/demo_db` });
    expect(parameter).not.toHaveProperty("value");
    expect(String(parameter.insecure_value)).not.toMatch(/@|password/i);
  });

  it("gets the Deployment tag the bastion's start/stop permission is scoped by from the provider's default tags", () => {
    const [provider] = synth.provider?.aws ?? [];
    expect(provider).toMatchObject({
      default_tags: [{ tags: expect.objectContaining({ Project: "dms-privatelink-lab", Deployment: name }) }],
    });
    for (const task of Object.values(resourcesOfType(synth, "aws_dms_replication_task"))) {
      expect(task.tags as Json).not.toHaveProperty("Deployment");
    }
  });
});

describe.each(["local", "dev"] as const)("%s-migration's demo task", (name) => {
  const { stacks, synth } = built(name);
  const stack = stacks.migration;
  const [demo] = stack.tasks;
  const task = onlyResourceOfType(synth, "aws_dms_replication_task");
  const taskArn = ref(stack, demo.task, "aws_dms_replication_task", "replication_task_arn");

  it("is dms-task-demo, full load and CDC, between the looked-up endpoints, and never started by a deploy", () => {
    expect(task).toMatchObject({
      replication_task_id: `${name}-dms-task-demo`,
      migration_type: "full-load-and-cdc",
      start_replication_task: false,
      replication_instance_arn: dataRef(stack, stack.lab.replicationInstance, "aws_dms_replication_instance", "replication_instance_arn"),
      source_endpoint_arn: dataRef(stack, stack.lab.source.dmsEndpoint, "aws_dms_endpoint", "endpoint_arn"),
      target_endpoint_arn: dataRef(stack, stack.lab.target.dmsEndpoint, "aws_dms_endpoint", "endpoint_arn"),
    });
  });

  it("maps demo_schema.demo_accounts, lower case as PostgreSQL stores the demo's unquoted names", () => {
    const mappings = JSON.parse(String(task.table_mappings)) as { rules: Json[] };
    expect(mappings.rules).toEqual([
      expect.objectContaining({
        "rule-type": "selection",
        "rule-action": "include",
        "object-locator": { "schema-name": "demo_schema", "table-name": "demo_accounts" },
      }),
    ]);
  });

  it("alarms on CDCLatencySource and CDCLatencyTarget by instance identifier and the task ARN's last segment", () => {
    const dimensions = {
      ReplicationInstanceIdentifier: dataRef(
        stack,
        stack.lab.replicationInstance,
        "aws_dms_replication_instance",
        "replication_instance_id",
      ),
      ReplicationTaskIdentifier: `\${replace(${taskArn.slice(2, -1)}, "/^.*:/", "")}`,
    };
    for (const metric of ["CDCLatencySource", "CDCLatencyTarget"]) {
      expect(alarmsByMetric(synth, metric)).toEqual([
        expect.objectContaining({
          namespace: "AWS/DMS",
          dimensions,
          comparison_operator: "GreaterThanThreshold",
          threshold: 5,
          treat_missing_data: "notBreaching",
        }),
      ]);
    }
  });
});

describe("every task's settings", () => {
  const tasks = deployments.flatMap((name) => Object.values(resourcesOfType(built(name).synth, "aws_dms_replication_task")));

  it("exist in the shipped files (local and dev carry the demo task)", () => {
    expect(tasks).toHaveLength(2);
  });

  it.each(tasks.map((task) => [task.replication_task_id, task] as const))(
    "%s: validation and logging on, no read-only key",
    (_id, task) => {
      const settings = JSON.parse(String(task.replication_task_settings)) as { Logging: Json; ValidationSettings: Json };
      expect(settings.Logging.EnableLogging).toBe(true);
      expect(settings.ValidationSettings.EnableValidation).toBe(true);
      expect(settings.Logging).not.toHaveProperty("CloudWatchLogGroup");
      expect(settings.Logging).not.toHaveProperty("CloudWatchLogStream");
    },
  );

  it("are byte-stable: a second synth gives the same strings, so a second plan shows no diff", () => {
    const again = Object.values(resourcesOfType(synthesize(buildStacks(shippedDeployment("dev")).migration), "aws_dms_replication_task"));
    const dev = Object.values(resourcesOfType(built("dev").synth, "aws_dms_replication_task"));
    expect(again.map((task) => [task.replication_task_settings, task.table_mappings])).toEqual(
      dev.map((task) => [task.replication_task_settings, task.table_mappings]),
    );
  });
});

describe("prod-migration without tasks", () => {
  const { synth } = built("prod");

  it("holds no task and no CDC alarm, and its event rule matches only the replication instance", () => {
    expect(resourcesOfType(synth, "aws_dms_replication_task")).toEqual({});
    expect(alarmsByMetric(synth, "CDCLatencySource")).toEqual([]);
    const pattern = String(onlyResourceOfType(synth, "aws_cloudwatch_event_rule").event_pattern);
    expect(pattern).not.toContain("aws_dms_replication_task");
    expect(pattern).toContain("replication_instance_arn");
  });

  it("still holds the monitoring and the db_url parameter", () => {
    expect(onlyResourceOfType(synth, "aws_sns_topic")).toHaveProperty("kms_master_key_id");
    expect(onlyResourceOfType(synth, "aws_ssm_parameter")).toMatchObject({ name: "/prod/app/db_url" });
  });
});

describe("the deployment file's switches", () => {
  const { stack, synth } = variant;

  it("migration.cutover.pointAppAt: target flips db_url to the target cluster's name", () => {
    const host = `\${data.aws_rds_cluster.${stack.getLogicalId(stack.lab.target.cluster)}.endpoint}`;
    expect(onlyResourceOfType(synth, "aws_ssm_parameter")).toMatchObject({
      name: "/dev/app/db_url",
      insecure_value: `postgresql://${host}:5432/demo_db`,
    });
    expect(onlyResourceOfType(built("dev").synth, "aws_ssm_parameter").insecure_value).not.toEqual(
      onlyResourceOfType(synth, "aws_ssm_parameter").insecure_value,
    );
  });

  it("migration.monitoring.email subscribes that address to the topic; without it there is no subscription", () => {
    expect(onlyResourceOfType(synth, "aws_sns_topic_subscription")).toEqual({
      topic_arn: ref(stack, stack.alarmTopic.topic, "aws_sns_topic", "arn"),
      protocol: "email",
      endpoint: "ops@example.com",
    });
    for (const name of deployments) expect(resourcesOfType(built(name).synth, "aws_sns_topic_subscription")).toEqual({});
  });

  it("migration.monitoring.cdcLatencyThresholdSeconds sets both CDC latency thresholds", () => {
    for (const metric of ["CDCLatencySource", "CDCLatencyTarget"]) {
      expect(alarmsByMetric(synth, metric)).toEqual([expect.objectContaining({ threshold: 30 })]);
    }
  });
});
