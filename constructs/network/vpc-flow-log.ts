// One VPC's flow log: every accepted and rejected flow, to a log group encrypted with the lab key.
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { Construct } from "constructs";
import type { EncryptionKey } from "../encryption/encryption-key";
import { nameTag } from "../naming";
import type { FlowLogRole } from "./flow-log-role";
import type { LabNetwork } from "./lab-network";

/** `<network name>-flow-logs`: the log group of a VPC's flow log, which its role must be allowed to write. */
export function flowLogGroupName(network: LabNetwork): string {
  return `${network.name}-flow-logs`;
}

export interface VpcFlowLogProps {
  readonly network: LabNetwork;
  /** Must be allowed to write {@link flowLogGroupName} of `network`. */
  readonly role: FlowLogRole;
  readonly encryptionKey: EncryptionKey;
  /** Days to keep the records. */
  readonly retentionDays: number;
}

/**
 * In a PrivateLink lab the flow logs are the evidence of the path: DMS's ENI talks only to the
 * interface endpoints' ENIs, and each NLB only to its writer. Rejected flows show a rule missing.
 */
export class VpcFlowLog extends Construct {
  readonly logGroup: CloudwatchLogGroup;
  readonly flowLog: FlowLog;

  constructor(scope: Construct, id: string, props: VpcFlowLogProps) {
    super(scope, id);
    const name = flowLogGroupName(props.network);
    this.logGroup = new CloudwatchLogGroup(this, "LogGroup", {
      name,
      retentionInDays: props.retentionDays,
      kmsKeyId: props.encryptionKey.keyArn,
      tags: nameTag(name),
    });
    this.flowLog = new FlowLog(this, "Resource", {
      vpcId: props.network.vpcId,
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: this.logGroup.arn,
      iamRoleArn: props.role.roleArn,
      // One-minute records: a connection test shows up while someone is still looking.
      maxAggregationInterval: 60,
      tags: nameTag(name),
    });
  }
}
