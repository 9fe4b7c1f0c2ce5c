// The `<name>-migration` stack: replication tasks, their alarms and DMS event rule, and the app's db_url switch.
import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { AppDatabaseUrl } from "../constructs/cutover/app-database-url";
import { appDatabaseUrlParameterName } from "../constructs/cutover/app-database-url-value";
import { ReplicationTask } from "../constructs/dms/replication-task";
import { AlarmTopic } from "../constructs/monitoring/alarm-topic";
import { CdcLatencyAlarms } from "../constructs/monitoring/cdc-latency-alarms";
import { DmsEventRule, dmsEventRuleArn } from "../constructs/monitoring/dms-event-rule";
import { LoadBalancerAlarms } from "../constructs/monitoring/load-balancer-alarms";
import { ReplicationInstanceAlarms } from "../constructs/monitoring/replication-instance-alarms";
import { physicalName } from "../constructs/naming";
import { DeploymentStack, type DeploymentStackProps } from "./deployment-stack";
import { LabLookup } from "./lab-lookup";
import { labNames } from "./lab-names";

export function migrationStackId(deploymentName: string): string {
  return `${deploymentName}-migration`;
}

/**
 * Tasks change often and databases must not: this stack deploys and destroys on its own. It holds
 * no lab resource and no reference into the lab stack; it finds the lab by name (see LabLookup).
 */
export class MigrationStack extends DeploymentStack {
  readonly lab: LabLookup;
  readonly alarmTopic: AlarmTopic;
  readonly tasks: ReplicationTask[];
  readonly cdcLatencyAlarms: CdcLatencyAlarms[];
  readonly replicationInstanceAlarms: ReplicationInstanceAlarms;
  readonly sourceLoadBalancerAlarms: LoadBalancerAlarms;
  readonly targetLoadBalancerAlarms: LoadBalancerAlarms;
  readonly dmsEvents: DmsEventRule;
  readonly appDatabaseUrl: AppDatabaseUrl;

  constructor(scope: Construct, props: DeploymentStackProps) {
    super(scope, migrationStackId(props.deployment.name), props);
    const { deployment } = props;

    const { tasks, monitoring, cutover } = deployment.migration;
    const names = labNames(deployment.name);
    this.lab = new LabLookup(this, "Lab", names);
    const replicationInstanceId = this.lab.replicationInstance.replicationInstanceId;

    const dmsEventRuleName = physicalName(deployment.name, "migration-dms-events");
    this.alarmTopic = new AlarmTopic(this, "AlarmTopic", {
      name: physicalName(deployment.name, "migration-alarms"),
      kmsKeyArn: this.lab.keyAlias.targetKeyArn,
      email: monitoring.email,
      eventRuleArns: [dmsEventRuleArn(this, dmsEventRuleName)],
    });

    this.tasks = tasks.map(
      (task) =>
        new ReplicationTask(this, `Task-${task.id}`, {
          ...task,
          name: physicalName(deployment.name, task.id),
          replicationInstanceArn: this.lab.replicationInstance.replicationInstanceArn,
          sourceEndpointArn: this.lab.source.dmsEndpoint.endpointArn,
          targetEndpointArn: this.lab.target.dmsEndpoint.endpointArn,
        }),
    );
    this.cdcLatencyAlarms = this.tasks
      .filter((task) => task.capturesChanges)
      .map(
        (task) =>
          new CdcLatencyAlarms(this, `${task.node.id}-CdcLatency`, {
            name: task.name,
            task,
            replicationInstanceId,
            thresholdSeconds: monitoring.cdcLatencyThresholdSeconds,
            topic: this.alarmTopic,
          }),
      );

    this.replicationInstanceAlarms = new ReplicationInstanceAlarms(this, "ReplicationInstanceAlarms", {
      name: names.replicationInstance,
      replicationInstanceId,
      freeStorageThresholdBytes: monitoring.freeStorageThresholdBytes,
      cpuThresholdPercent: monitoring.cpuThresholdPercent,
      topic: this.alarmTopic,
    });
    const loadBalancerAlarms = (id: string, side: "source" | "target") =>
      new LoadBalancerAlarms(this, id, {
        name: names[side].loadBalancer,
        loadBalancerArnSuffix: this.lab[side].loadBalancer.arnSuffix,
        targetGroupArnSuffix: this.lab[side].targetGroup.arnSuffix,
        topic: this.alarmTopic,
      });
    this.sourceLoadBalancerAlarms = loadBalancerAlarms("SourceLoadBalancerAlarms", "source");
    this.targetLoadBalancerAlarms = loadBalancerAlarms("TargetLoadBalancerAlarms", "target");
    // EventBridge, not DMS event subscriptions (the legacy path): one rule for the instance and the tasks.
    this.dmsEvents = new DmsEventRule(this, "DmsEvents", {
      name: dmsEventRuleName,
      topic: this.alarmTopic,
      replicationInstanceArn: this.lab.replicationInstance.replicationInstanceArn,
      taskArns: this.tasks.map((task) => task.taskArn),
    });

    // The cluster endpoint's name, as DMS and db-ops use it: in the DMS VPC (where the bastion, the lab's
    // application host, runs) its private hosted zone answers with the side's interface endpoint, so the
    // application goes through PrivateLink, keeps working across failovers (the NLB targets follow the
    // writer) and can verify the server with sslmode=verify-full against the RDS CA bundle.
    const side = cutover.pointAppAt;
    this.appDatabaseUrl = new AppDatabaseUrl(this, "AppDatabaseUrl", {
      name: appDatabaseUrlParameterName(deployment.name),
      pointsAt: side,
      host: this.lab[side].clusterEndpoint,
      databaseName: deployment.databases[side].databaseName,
    });

    const output = (id: string, value: string, description: string) => new TerraformOutput(this, id, { value, description });
    output("alarm_topic_arn", this.alarmTopic.topicArn, "SNS topic of the migration's alarms and DMS events");
    output("app_db_url_parameter", this.appDatabaseUrl.parameterName, `SSM parameter the application reads; now points at the ${side}`);
    tasks.forEach((config, index) => {
      const task = this.tasks[index];
      output(`${config.id}_arn`, task.taskArn, `Replication task ${task.name} (${task.migrationType})`);
      output(
        `${config.id}_start_command`,
        `aws dms start-replication-task --region ${deployment.region} --start-replication-task-type start-replication --replication-task-arn ${task.taskArn}`,
        `Starts ${task.name} the first time (later: --start-replication-task-type resume-processing)`,
      );
    });
  }
}
