// LAB-MOVE1: a delete and a create of the same type and physical name in one plan: a renamed or moved construct, which a `moved` block would keep.
import type { ReviewedChange } from "../review-model";
import { findingFor, managedChanges, type RiskRule } from "./rule";

export const constructMove: RiskRule = {
  id: "LAB-MOVE1",
  category: "construct move",
  severity: "high",
  explanation: "One address is destroyed and another created with the same type and physical name: a renamed or moved construct.",
  check: (plans) => {
    const changes = managedChanges(plans);
    const created = changes.filter(({ change }) => change.kind === "create" && change.physicalName);
    return changes.flatMap(({ stack, change }) => {
      if (change.kind !== "delete" || !change.physicalName) return [];
      const twin = created.find((other) => other.change.type === change.type && other.change.physicalName === change.physicalName);
      if (!twin) return [];
      const sameStack = twin.stack === stack;
      const to: ReviewedChange = twin.change;
      return [
        findingFor(
          constructMove,
          stack,
          change,
          `${change.address} is destroyed and ${sameStack ? "" : `${twin.stack}'s `}${to.address} created under the same name: the construct was renamed or moved, and the object behind it is replaced, not kept.`,
          sameStack
            ? `keep the state: \`moveTo\` in cdktf, or a \`moved\` block from \`${change.address}\` to \`${to.address}\``
            : `keep the state: \`terraform state mv\` between the two stacks' states before applying, or move the construct back`,
        ),
      ];
    });
  },
};
