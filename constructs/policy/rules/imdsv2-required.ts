// LAB-IMDS1: instances and launch templates require IMDSv2 session tokens.
import type { PolicyRule } from "../rule";
import { blocks } from "../synthesized-stack";

export const imdsv2Required: PolicyRule = {
  id: "LAB-IMDS1",
  severity: "error",
  title: "IMDSv2 required",
  explanation:
    "With IMDSv1 a single forged GET from the instance (an SSRF, a proxied request) returns the instance role's credentials. IMDSv2 needs a PUT for a session token first, which such requests cannot make; with a hop limit of 1 the token does not leave the instance either.",
  fix: 'Set metadata_options { http_tokens = "required" } (and http_put_response_hop_limit = 1) on the aws_instance or aws_launch_template.',
  resourceTypes: ["aws_instance", "aws_launch_template"],
  check(resource) {
    const options = blocks(resource.config.metadata_options);
    if (options.some((option) => option.http_endpoint === "disabled")) return [];
    return options.some((option) => option.http_tokens === "required")
      ? []
      : ['metadata_options.http_tokens is not "required" (IMDSv1 answers without a token)'];
  },
};
