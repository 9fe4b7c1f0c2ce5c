// LAB-CONN1: an endpoint service or interface endpoint replaced or destroyed changes the DNS name the DMS secrets use as host.
import { removesObject } from "../change-kind";
import { stringAt } from "../json-value";
import { findingFor, managedChanges, type RiskRule } from "./rule";

export const endpointReplaced: RiskRule = {
  id: "LAB-CONN1",
  category: "connectivity break",
  severity: "high",
  explanation: "A VPC endpoint service or interface endpoint is replaced or destroyed: the DNS name DMS connects to changes.",
  check: (plans) =>
    managedChanges(plans).flatMap(({ stack, change }) => {
      if (!removesObject(change.kind)) return [];
      const isService = change.type === "aws_vpc_endpoint_service";
      const isInterface = change.type === "aws_vpc_endpoint" && stringAt(change.before, "vpc_endpoint_type") === "Interface";
      if (!isService && !isInterface) return [];
      const what = isService
        ? "the endpoint service gets a new service name, so the interface endpoint that consumes it is replaced too"
        : "the interface endpoint gets a new DNS name";
      return [
        findingFor(
          endpointReplaced,
          stack,
          change,
          `PrivateLink path broken: ${what}; the DMS endpoint secrets still name the old host, so DMS connections fail.`,
          "after the apply, rotate the DMS secrets (the rotation writes the current endpoint name) and run `lab test-connection`; stop running tasks first",
        ),
      ];
    }),
};
