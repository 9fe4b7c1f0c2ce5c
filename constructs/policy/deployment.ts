// Which stacks belong to one deployment: a rule that follows a lookup (a key found by alias) reads the deployment's other stacks.
import { TerraformStack } from "cdktf";
import type { IConstruct } from "constructs";

const DEPLOYMENT_METADATA = "lab:policy-deployment";

/** Marks a stack as one of the named deployment's; stacks with the same name are read together. */
export function markDeployment(stack: IConstruct, deploymentName: string): void {
  stack.node.addMetadata(DEPLOYMENT_METADATA, deploymentName);
}

function deploymentOf(stack: IConstruct): string | undefined {
  const marks = stack.node.metadata.filter((entry) => entry.type === DEPLOYMENT_METADATA);
  return marks.length ? String(marks[marks.length - 1].data) : undefined;
}

/** The other stacks of the app marked with the same deployment; none for an unmarked stack. */
export function deploymentSiblings(stack: TerraformStack): TerraformStack[] {
  const deployment = deploymentOf(stack);
  if (deployment === undefined) return [];
  return stack.node.root.node.children.filter(
    (child): child is TerraformStack => TerraformStack.isStack(child) && child !== stack && deploymentOf(child) === deployment,
  );
}
