// LAB-ENC5: EBS volumes (instance and launch template block devices, standalone volumes) are encrypted with a customer managed KMS key.
import { customerKeyProblem } from "../customer-managed-key";
import type { PolicyRule } from "../rule";
import { blocks, type SynthesizedStack, type TerraformConfig } from "../synthesized-stack";

function volumeProblems(where: string, volume: TerraformConfig, stack: SynthesizedStack): string[] {
  const problems: string[] = [];
  if (volume.encrypted !== true && volume.encrypted !== "true") problems.push(`${where}: encrypted is not true`);
  const keyProblem = customerKeyProblem(volume.kms_key_id, stack);
  if (keyProblem) problems.push(`${where}: kms_key_id: ${keyProblem}`);
  return problems;
}

export const volumeCustomerKey: PolicyRule = {
  id: "LAB-ENC5",
  severity: "error",
  title: "EBS volumes encrypted with a customer managed key",
  explanation:
    "An instance's volumes keep whatever was written on them: shell history, psql output, downloaded dumps. Unless the account enables EBS encryption by default (a setting outside the lab), a volume without encrypted = true is stored in clear; with AWS's aws/ebs key its snapshots cannot be shared or kept under the deployment's control.",
  fix: "Set encrypted = true and kms_key_id to the deployment's KMS key on root_block_device and every ebs_block_device (aws_instance), on block_device_mappings[].ebs (aws_launch_template) and on aws_ebs_volume.",
  resourceTypes: ["aws_instance", "aws_launch_template", "aws_ebs_volume"],
  check(resource, stack) {
    const config = resource.config;
    if (resource.type === "aws_ebs_volume") return volumeProblems("volume", config, stack);
    if (resource.type === "aws_launch_template") {
      return blocks(config.block_device_mappings).flatMap((mapping) =>
        blocks(mapping.ebs).flatMap((ebs) =>
          volumeProblems(`block_device_mappings ${String(mapping.device_name ?? "")}`.trim(), ebs, stack),
        ),
      );
    }
    const root = blocks(config.root_block_device);
    return [
      ...(root.length === 0 ? ["root_block_device is not set, so the root volume follows the account's default encryption"] : []),
      ...root.flatMap((volume) => volumeProblems("root_block_device", volume, stack)),
      ...blocks(config.ebs_block_device).flatMap((volume) =>
        volumeProblems(`ebs_block_device ${String(volume.device_name ?? "")}`.trim(), volume, stack),
      ),
    ];
  },
};
