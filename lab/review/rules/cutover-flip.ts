// LAB-CUT1: the application's `/<name>/app/db_url` parameter changes value (the cutover) or goes away.
import { stringAt } from "../json-value";
import { findingFor, managedChanges, type RiskRule } from "./rule";

const DB_URL_PARAMETER = /^\/[^/]+\/app\/db_url$/;
// `value` follows `insecure_value` (known only after apply), so the one that carries the URL comes first.
const VALUE_ATTRIBUTES = ["insecure_value", "value"];

export const cutoverFlip: RiskRule = {
  id: "LAB-CUT1",
  category: "cutover",
  severity: "high",
  explanation: "The SSM parameter `/<name>/app/db_url` the application reads changes value or is destroyed: this merge is the cutover.",
  check: (plans) =>
    managedChanges(plans).flatMap(({ stack, change }) => {
      if (change.type !== "aws_ssm_parameter" || !DB_URL_PARAMETER.test(change.physicalName ?? "")) return [];
      const attribute = VALUE_ATTRIBUTES.find((name) => change.changedPaths.includes(name));
      if (change.kind === "delete") {
        return [
          findingFor(
            cutoverFlip,
            stack,
            change,
            "The application's database URL is destroyed: readers get ParameterNotFound.",
            "keep the parameter; flip migration.cutover.pointAppAt instead",
          ),
        ];
      }
      if ((change.kind !== "update" && change.kind !== "replace") || !attribute) return [];
      const before = stringAt(change.before, attribute) ?? "(unset)";
      const after = stringAt(change.after, attribute) ?? "(unset)";
      return [
        findingFor(
          cutoverFlip,
          stack,
          change,
          `Cutover: the application's database URL changes from \`${before}\` to \`${after}\`; applications switch at their next read.`,
          "do not merge this flip: run `npm run lab -- cutover`, which freezes the source, drains CDC and verifies before it flips, and records the same setting (an already gated cutover plans no change here; docs/cutover.md)",
        ),
      ];
    }),
};
