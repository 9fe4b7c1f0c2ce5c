// VPC flow logs of the three lab VPCs: encrypted log groups with the deployment's retention, and a role held to this account's flow logs.
import { describe, expect, it } from "vitest";
import { flowLogGroupName } from "../../constructs/network/vpc-flow-log";
import { errorOf, keyArnRef, ref, referenced, resourcesOfType, SHIPPED, shipped, variantDeployment } from "../helpers/synth";

describe.each(SHIPPED)("%s-lab flow logs", (name) => {
  const { stacks, lab: synth, deployment } = shipped(name);
  const lab = stacks.lab;
  const networks = [lab.onPremNetwork, lab.dmsNetwork, lab.targetNetwork];

  it("logs all traffic of each of the three VPCs to its own log group, encrypted with the lab key", () => {
    const flowLogs = Object.values(resourcesOfType(synth, "aws_flow_log"));
    expect(flowLogs.map((flowLog) => flowLog.vpc_id).sort()).toEqual(
      networks.map((network) => ref(lab, network.vpc, "aws_vpc", "id")).sort(),
    );
    const groups = resourcesOfType(synth, "aws_cloudwatch_log_group");
    for (const flowLog of lab.flowLogs) {
      const synthesized = resourcesOfType(synth, "aws_flow_log")[lab.getLogicalId(flowLog.flowLog)];
      expect(synthesized).toMatchObject({
        traffic_type: "ALL",
        log_destination_type: "cloud-watch-logs",
        log_destination: ref(lab, flowLog.logGroup, "aws_cloudwatch_log_group", "arn"),
        max_aggregation_interval: 60,
      });
      expect(groups[lab.getLogicalId(flowLog.logGroup)]).toMatchObject({
        kms_key_id: keyArnRef(lab),
        retention_in_days: deployment.network.flowLogRetentionDays,
      });
    }
    expect(lab.flowLogs.map((flowLog) => groups[lab.getLogicalId(flowLog.logGroup)].name)).toEqual([
      `${name}-onprem-flow-logs`,
      `${name}-dms-flow-logs`,
      `${name}-target-flow-logs`,
    ]);
  });

  it("writes through one role that only VPC Flow Logs may assume, for this account's flow logs in this region", () => {
    const roles = Object.values(resourcesOfType(synth, "aws_iam_role")).filter((role) => role.name === `${name}-flow-logs`);
    expect(roles).toHaveLength(1);
    for (const flowLog of Object.values(resourcesOfType(synth, "aws_flow_log")))
      expect(flowLog.iam_role_arn).toMatch(/^\$\{aws_iam_role\.FlowLogRole_.*\.arn\}$/);
    const account = "${data.aws_caller_identity.Account.account_id}";
    expect(referenced(synth, roles[0].assume_role_policy).statement).toEqual([
      {
        actions: ["sts:AssumeRole"],
        principals: [{ type: "Service", identifiers: ["vpc-flow-logs.amazonaws.com"] }],
        condition: [
          { test: "StringEquals", variable: "aws:SourceAccount", values: [account] },
          {
            test: "ArnLike",
            variable: "aws:SourceArn",
            values: [`arn:\${data.aws_partition.Partition.partition}:ec2:${deployment.region}:${account}:vpc-flow-log/*`],
          },
        ],
      },
    ]);
  });

  it("lets that role write the three flow log groups and nothing else", () => {
    const policy = Object.values(resourcesOfType(synth, "aws_iam_role_policy")).find((each) => each.name === "flow-logs");
    const account = "${data.aws_caller_identity.Account.account_id}";
    const groupArn = (group: string) =>
      `arn:\${data.aws_partition.Partition.partition}:logs:${deployment.region}:${account}:log-group:${group}`;
    expect(referenced(synth, policy?.policy).statement).toEqual([
      {
        sid: "WriteLabFlowLogs",
        actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
        resources: networks.map(flowLogGroupName).flatMap((group) => [groupArn(group), `${groupArn(group)}:*`]),
      },
      { sid: "FindLogGroups", actions: ["logs:DescribeLogGroups"], resources: [expect.stringMatching(/:log-group:\*$/)] },
    ]);
  });
});

describe("network.flowLogRetentionDays", () => {
  it("comes from the deployment file: 1 day locally, 7 in dev, 90 in prod", () => {
    expect(SHIPPED.map((name) => shipped(name).deployment.network.flowLogRetentionDays)).toEqual([1, 7, 90]);
  });

  it("defaults to 7 when the file leaves it out", () => {
    const deployment = variantDeployment("dev", (file) => {
      delete (file.network as { flowLogRetentionDays?: number }).flowLogRetentionDays;
    });
    expect(deployment.network.flowLogRetentionDays).toBe(7);
  });

  it("refuses a retention CloudWatch Logs does not offer, naming the field", () => {
    expect(
      errorOf(() =>
        variantDeployment("dev", (file) => {
          (file.network as { flowLogRetentionDays?: number }).flowLogRetentionDays = 8;
        }),
      ),
    ).toMatch(/dev\.json: network\.flowLogRetentionDays: must be a CloudWatch Logs retention: one of 1, 3, 5, 7, 14/);
  });
});
