// LAB-CONN2: a replaced NLB target group starts empty; connections fail until writer-sync registers the writer.
import { findingFor, managedChanges, type RiskRule } from "./rule";

export const targetGroupReplaced: RiskRule = {
  id: "LAB-CONN2",
  category: "connectivity break",
  severity: "medium",
  explanation: "An NLB target group is replaced: it is empty until writer-sync registers the writer's address.",
  check: (plans) =>
    managedChanges(plans).flatMap(({ stack, change }) =>
      change.type === "aws_lb_target_group" && change.kind === "replace"
        ? [
            findingFor(
              targetGroupReplaced,
              stack,
              change,
              "The new target group has no targets: connections through this PrivateLink path fail until writer-sync runs (on the next RDS event or its schedule).",
              "invoke the side's writer-sync function right after the apply, then run `lab test-connection`",
            ),
          ]
        : [],
    ),
};
