// Keeps a PrivateLink NLB's target group on the Aurora writer: a function run by RDS events, a schedule and each deploy.
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaFunctionEventInvokeConfig } from "@cdktf/provider-aws/lib/lambda-function-event-invoke-config";
import { LambdaInvocation } from "@cdktf/provider-aws/lib/lambda-invocation";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import { AwsEnvironment } from "../aws-environment";
import type { AuroraPostgres } from "../database/aurora-postgres";
import type { EncryptionKey } from "../encryption/encryption-key";
import type { AlarmTopic } from "../monitoring/alarm-topic";
import { TopicAlarm } from "../monitoring/topic-alarm";
import { nameTag } from "../naming";
import type { PrivateLinkPath } from "./private-link";
import { bundleWriterSync } from "../../functions/writer-sync/bundle";
import { functionCode } from "../function-code";

export interface WriterTargetSyncProps {
  /** Physical name, e.g. `dev-source-writer-sync`. */
  readonly name: string;
  /** The cluster whose writer the target group must follow. */
  readonly database: AuroraPostgres;
  /** The path whose target group is kept in sync. */
  readonly privateLink: PrivateLinkPath;
  /** Encrypts the function's log group. */
  readonly encryptionKey: EncryptionKey;
  /** Safety-net schedule, an EventBridge expression. @default "rate(5 minutes)" */
  readonly schedule?: string;
  /** Days to keep the function's logs. @default 14 */
  readonly logRetentionDays?: number;
}

/**
 * The original lab registered one ENI address found at apply time; after a failover, or with two
 * instances, the NLB pointed at nothing or at a reader. This function registers the current writer
 * and then removes stale targets. It runs on the cluster's RDS events (failover, instance created or
 * deleted), on a schedule in case an event is missed, and once per deploy so the first apply works.
 */
export class WriterTargetSync extends Construct {
  /** The function's physical name. */
  readonly name: string;
  readonly function: LambdaFunction;
  readonly role: IamRole;
  /** Set by {@link reportFailuresTo}. */
  failureDestination?: LambdaFunctionEventInvokeConfig;
  /** Set by {@link reportFailuresTo}. */
  errorsAlarm?: TopicAlarm;
  /** The deploy-time run: once it is done, the target group holds the writer. */
  readonly initialSync: LambdaInvocation;

  constructor(scope: Construct, id: string, props: WriterTargetSyncProps) {
    super(scope, id);
    const { name, database, privateLink } = props;
    this.name = name;
    const environment = AwsEnvironment.of(this);
    const instanceIds = database.instances.map((instance) => instance.identifier);

    const logGroup = new CloudwatchLogGroup(this, "LogGroup", {
      name: `/aws/lambda/${name}`,
      retentionInDays: props.logRetentionDays ?? 14,
      kmsKeyId: props.encryptionKey.keyArn,
    });

    const assumeRole = new DataAwsIamPolicyDocument(this, "AssumeRole", {
      statement: [
        {
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }],
          // Lambda acting for this account only (the confused-deputy condition, as on the db-ops role).
          condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [environment.accountId] }],
        },
      ],
    });
    this.role = new IamRole(this, "Role", {
      name,
      description: `${name}: keeps a PrivateLink target group on the writer of ${database.clusterIdentifier}`,
      assumeRolePolicy: assumeRole.json,
      tags: nameTag(name),
    });
    const rdsArn = (kind: string, resourceName: string) => environment.arn({ service: "rds", resource: `${kind}:${resourceName}` });
    const permissions = new DataAwsIamPolicyDocument(this, "Permissions", {
      statement: [
        { sid: "ReadTheCluster", actions: ["rds:DescribeDBClusters"], resources: [rdsArn("cluster", database.clusterIdentifier)] },
        { sid: "ReadItsInstances", actions: ["rds:DescribeDBInstances"], resources: [rdsArn("db", `${database.clusterIdentifier}-*`)] },
        // ELB describe actions support no resource-level permissions.
        { sid: "ReadTargetHealth", actions: ["elasticloadbalancing:DescribeTargetHealth"], resources: ["*"] },
        {
          sid: "ChangeOnlyThisTargetGroup",
          actions: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
          resources: [privateLink.targetGroup.arn],
        },
        { sid: "WriteOwnLogs", actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: [`${logGroup.arn}:*`] },
      ],
    });
    new IamRolePolicy(this, "Policy", { name: "writer-sync", role: this.role.id, policy: permissions.json });

    const code = functionCode(this, { assetId: "WriterSyncCode", name: "writer-sync", bundle: bundleWriterSync });
    this.function = new LambdaFunction(this, "Function", {
      functionName: name,
      description: `Registers the writer of ${database.clusterIdentifier} in its PrivateLink NLB target group`,
      role: this.role.arn,
      runtime: "nodejs22.x",
      handler: "index.handler",
      filename: code.path,
      sourceCodeHash: code.assetHash,
      timeout: 30,
      memorySize: 128,
      environment: {
        variables: {
          CLUSTER_IDENTIFIER: database.clusterIdentifier,
          TARGET_GROUP_ARN: privateLink.targetGroup.arn,
          DB_PORT: String(database.port),
          INSTANCE_IDENTIFIERS: Fn.join(",", instanceIds),
        },
      },
      loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
      dependsOn: [logGroup],
      tags: nameTag(name),
    });

    const rdsEvents = new CloudwatchEventRule(this, "RdsEvents", {
      name: `${name}-rds-events`,
      description: `RDS events of ${database.clusterIdentifier} and its instances (failover, created, deleted)`,
      eventPattern: Fn.jsonencode({
        source: ["aws.rds"],
        "detail-type": ["RDS DB Cluster Event", "RDS DB Instance Event"],
        // Matched on the envelope's ARNs: AWS's own examples disagree on the form of detail.SourceIdentifier
        // (`my-cluster` or `rds:my-cluster`), while `resources` always holds the source's ARN.
        resources: [database.cluster.arn, ...database.instances.map((instance) => instance.arn)],
      }),
      tags: nameTag(`${name}-rds-events`),
    });
    const schedule = new CloudwatchEventRule(this, "Schedule", {
      name: `${name}-schedule`,
      description: `Safety net: re-checks the writer of ${database.clusterIdentifier}`,
      scheduleExpression: props.schedule ?? "rate(5 minutes)",
      tags: nameTag(`${name}-schedule`),
    });
    for (const [ruleId, rule] of [
      ["RdsEvents", rdsEvents],
      ["Schedule", schedule],
    ] as const) {
      new CloudwatchEventTarget(this, `${ruleId}Target`, { rule: rule.name, arn: this.function.arn });
      new LambdaPermission(this, `${ruleId}Permission`, {
        statementId: `events-${ruleId}`,
        action: "lambda:InvokeFunction",
        functionName: this.function.functionName,
        principal: "events.amazonaws.com",
        sourceArn: rule.arn,
      });
    }

    // Once per deploy, after the instances and the listener exist, so the first apply ends with a target.
    this.initialSync = new LambdaInvocation(this, "InitialSync", {
      functionName: this.function.functionName,
      input: JSON.stringify({ source: "deploy" }),
      triggers: { instances: Fn.join(",", instanceIds), code: code.assetHash },
      // And after the consumer's endpoint is accepted: what connects through the path during a deploy
      // (the first secret rotation) waits for this run, so it finds the path whole.
      dependsOn: [...database.instances, privateLink.listener, ...(privateLink.accepter ? [privateLink.accepter] : [])],
    });
  }

  /**
   * Makes failures visible: EventBridge invokes the function asynchronously, so a run that fails
   * after Lambda's retries would otherwise leave only a log line. The failed event goes to `topic`
   * (an on-failure destination, published with the function's role), and an alarm on the function's
   * `Errors` reports every failed attempt, including the deploy-time run.
   */
  reportFailuresTo(topic: AlarmTopic, topicKey: EncryptionKey): void {
    if (this.failureDestination) throw new Error(`${this.node.path}: failures are already reported to a topic; call reportFailuresTo once`);
    const name = this.function.functionName;
    const publish = new DataAwsIamPolicyDocument(this, "FailureDestinationPermissions", {
      statement: [
        { sid: "PublishFailedRuns", actions: ["sns:Publish"], resources: [topic.topicArn] },
        // The topic is encrypted: its publisher needs a data key from the topic's key.
        { sid: "EncryptForTheTopic", actions: ["kms:GenerateDataKey", "kms:Decrypt"], resources: [topicKey.keyArn] },
      ],
    });
    const policy = new IamRolePolicy(this, "FailureDestinationPolicy", {
      name: "writer-sync-failure-destination",
      role: this.role.id,
      policy: publish.json,
    });
    this.failureDestination = new LambdaFunctionEventInvokeConfig(this, "FailureDestination", {
      functionName: name,
      // Lambda's default, written out: two retries, then the destination.
      maximumRetryAttempts: 2,
      destinationConfig: { onFailure: { destination: topic.topicArn } },
      dependsOn: [policy],
    });
    this.errorsAlarm = new TopicAlarm(this, "ErrorsAlarm", {
      name: `${this.name}-errors`,
      description: `${this.name}: a run failed; the NLB target group may not hold the writer (see the function's log).`,
      namespace: "AWS/Lambda",
      metricName: "Errors",
      dimensions: { FunctionName: name },
      statistic: "Sum",
      comparison: "GreaterThanThreshold",
      threshold: 0,
      // One failed run matters: the schedule runs every 5 minutes, so look at 5-minute sums.
      periodSeconds: 300,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      // A function that is not invoked publishes no Errors: nothing failed.
      treatMissingData: "notBreaching",
      topic,
    });
  }
}
