// One DMS replication task: typed table mappings and task settings written as DMS JSON, never started by a deploy.
import { DmsReplicationTask } from "@cdktf/provider-aws/lib/dms-replication-task";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import { nameTag } from "../naming";
import { tableMappingsJson, type TableMappingRule } from "./mapping/table-mappings";
import { taskSettingsJson, type TaskSettingsOptions } from "./mapping/task-settings";

/** What the task copies: the existing rows, the ongoing changes, or both. */
export type MigrationType = "full-load" | "cdc" | "full-load-and-cdc";

/**
 * The task-settings props (`targetTablePrepMode`, `maxFullLoadSubTasks`, `taskSettings`) and their
 * defaults come from {@link TaskSettingsOptions}. Rules and settings are written out as given: whether
 * they make sense together (an include rule exists, each action has the fields it needs, one LOB
 * mode) is for the caller to check, as the deployment schema does where a file is read.
 */
export interface ReplicationTaskProps extends TaskSettingsOptions {
  /** Replication task identifier, e.g. `dev-dms-task-demo` (the deployment prefix keeps deployments apart). */
  readonly name: string;
  readonly migrationType: MigrationType;
  /** Selection and transformation rules, in order; each gets its position as rule-id. */
  readonly tableMappings: readonly TableMappingRule[];
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
  readonly migrationType: MigrationType;
  /** True when the task replicates ongoing changes, i.e. has CDC latency to watch. */
  readonly capturesChanges: boolean;

  constructor(scope: Construct, id: string, props: ReplicationTaskProps) {
    super(scope, id);
    this.name = props.name;
    this.migrationType = props.migrationType;
    this.capturesChanges = props.migrationType !== "full-load";
    this.task = new DmsReplicationTask(this, "Resource", {
      replicationTaskId: props.name,
      migrationType: props.migrationType,
      replicationInstanceArn: props.replicationInstanceArn,
      sourceEndpointArn: props.sourceEndpointArn,
      targetEndpointArn: props.targetEndpointArn,
      tableMappings: tableMappingsJson(props.tableMappings),
      replicationTaskSettings: taskSettingsJson(props),
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
