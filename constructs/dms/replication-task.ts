// One DMS replication task from the deployment file: mappings and settings from the typed builders, never started by a deploy.
import { DmsReplicationTask } from "@cdktf/provider-aws/lib/dms-replication-task";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import type { MigrationTaskConfig } from "../../variables/schema";
import { nameTag } from "../naming";
import { tableMappingsFromConfig } from "./mapping/table-mappings";
import { buildTaskSettingsJson } from "./mapping/task-settings";

export interface ReplicationTaskProps {
  /** Replication task identifier, e.g. `dev-dms-task-demo` (the deployment prefix keeps deployments apart). */
  readonly name: string;
  /** The task as validated from the deployment file. */
  readonly settings: MigrationTaskConfig;
  readonly replicationInstanceArn: string;
  readonly sourceEndpointArn: string;
  readonly targetEndpointArn: string;
}

/**
 * `start_replication_task` stays false: starting (and, at cutover, stopping) is a step of the runbook,
 * so a deploy never begins copying into a target nobody prepared. Note that the provider stops a
 * running task to apply changed mappings or settings and does not restart it.
 */
export class ReplicationTask extends Construct {
  readonly task: DmsReplicationTask;
  /** The physical identifier as a plain string (alarm names, outputs). */
  readonly name: string;
  /** The identifier as a reference, so whatever names the task waits for it to exist. */
  readonly taskId: string;
  readonly taskArn: string;
  /**
   * CloudWatch's `ReplicationTaskIdentifier` dimension: the ARN's last segment (DMS's internal
   * resource id), not the task's name.
   */
  readonly metricTaskIdentifier: string;
  readonly migrationType: MigrationTaskConfig["migrationType"];
  /** True when the task replicates ongoing changes, i.e. has CDC latency to watch. */
  readonly capturesChanges: boolean;

  constructor(scope: Construct, id: string, props: ReplicationTaskProps) {
    super(scope, id);
    const { settings } = props;
    this.name = props.name;
    this.migrationType = settings.migrationType;
    this.capturesChanges = settings.migrationType !== "full-load";
    this.task = new DmsReplicationTask(this, "Resource", {
      replicationTaskId: props.name,
      migrationType: settings.migrationType,
      replicationInstanceArn: props.replicationInstanceArn,
      sourceEndpointArn: props.sourceEndpointArn,
      targetEndpointArn: props.targetEndpointArn,
      tableMappings: tableMappingsFromConfig(settings.tableMappings).toJson(),
      replicationTaskSettings: buildTaskSettingsJson({
        targetTablePrepMode: settings.targetTablePrepMode,
        maxFullLoadSubTasks: settings.maxFullLoadSubTasks,
        overrides: settings.taskSettings,
      }),
      startReplicationTask: false,
      // The Deployment tag that scopes the bastion's start/stop permission comes from the provider's
      // default tags (the schema keeps deployment files from overriding it).
      tags: nameTag(props.name),
    });
    this.taskId = this.task.replicationTaskId;
    this.taskArn = this.task.replicationTaskArn;
    // Greedy `.*:` removes everything up to the last colon of arn:aws:dms:<region>:<account>:task:<id>.
    this.metricTaskIdentifier = Fn.replace(this.task.replicationTaskArn, "/^.*:/", "");
  }
}
