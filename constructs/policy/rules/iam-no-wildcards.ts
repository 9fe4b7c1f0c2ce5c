// LAB-IAM1: identity policies name their actions and resources; "*" only where AWS offers no resource-level permission.
import { policyStatements } from "../policy-document";
import type { PolicyRule } from "../rule";

/**
 * Actions that support no resource-level permissions: AWS's Service Authorization Reference lists no
 * resource type for them, so `"Resource": "*"` is the only resource a policy can give them. A
 * pattern here (`ec2:Describe*`) may also appear as the action itself. Each entry says why.
 */
export const ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS: ReadonlyArray<{ readonly action: string; readonly reason: string }> = [
  {
    action: "ec2:Describe*",
    reason: "Amazon EC2's Describe actions list no resource types; they can be narrowed only by conditions such as ec2:Region",
  },
  {
    action: "elasticloadbalancing:Describe*",
    reason: "Elastic Load Balancing V2's Describe actions (DescribeTargetHealth, DescribeTargetGroups...) list no resource types",
  },
  { action: "secretsmanager:GetRandomPassword", reason: "generates a string and touches no secret, so it has no resource type" },
  {
    action: "dms:DescribeReplicationTasks",
    reason: "lists the account's tasks; no resource type (unlike dms:DescribeTableStatistics, which takes a task ARN)",
  },
  { action: "dms:DescribeReplicationInstances", reason: "lists the account's replication instances; no resource type" },
  { action: "dms:DescribeEndpoints", reason: "lists the account's endpoints; no resource type" },
  { action: "dms:DescribeConnections", reason: "lists connection test results; no resource type" },
  { action: "dms:DescribeCertificates", reason: "lists imported certificates; no resource type" },
  { action: "sts:GetCallerIdentity", reason: "returns the caller's own identity; no resource type (and no permission is needed)" },
];

const globToRegExp = (pattern: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
    "i",
  );
const EXCEPTIONS = ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS.map((entry) => ({ ...entry, matches: globToRegExp(entry.action) }));
const isListed = (action: string) => EXCEPTIONS.some((entry) => entry.action.toLowerCase() === action.toLowerCase());
const lacksResourceLevelPermissions = (action: string) => EXCEPTIONS.some((entry) => entry.matches.test(action));
const isWildcard = (action: string) => /[*?]/.test(action);

/** Which attribute of each type holds an identity policy. */
const POLICY_ATTRIBUTE: Readonly<Record<string, string>> = {
  aws_iam_role_policy: "policy",
  aws_iam_policy: "policy",
  aws_iam_user_policy: "policy",
  aws_iam_group_policy: "policy",
};

export const iamNoWildcards: PolicyRule = {
  id: "LAB-IAM1",
  severity: "error",
  title: "No IAM wildcard action or resource where the action supports resource-level permissions",
  explanation:
    'A wildcard action grants every present and future action that matches it, and Resource "*" grants an action on every resource of the account, including other deployments\' databases, secrets and tasks. Least privilege names each action and the exact ARNs (or a deployment\'s name prefix); "*" is only right for actions AWS does not let a policy narrow to a resource.',
  fix: 'List the actions one by one and name the resources (ARNs built from the deployment\'s names, or references); keep "*" only for the actions in the exceptions list. Use conditions (aws:ResourceTag/Deployment) where ARNs are not known in advance.',
  exceptions: ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS.map((entry) => `\`${entry.action}\`: ${entry.reason}`).join("; "),
  resourceTypes: [...Object.keys(POLICY_ATTRIBUTE), "aws_iam_role"],
  check(resource, stack) {
    const documents =
      resource.type === "aws_iam_role"
        ? [resource.config.inline_policy].flat().map((inline) => (inline as { policy?: unknown } | undefined)?.policy)
        : [resource.config[POLICY_ATTRIBUTE[resource.type]]];
    const problems: string[] = [];
    for (const document of documents.filter((value) => value !== undefined)) {
      const statements = policyStatements(document, stack);
      if (!statements) {
        problems.push("the policy cannot be read at synth; write it with aws_iam_policy_document so it can be checked");
        continue;
      }
      for (const statement of statements.filter((each) => each.effect === "Allow")) {
        const label = statement.sid ? `statement ${statement.sid}` : "a statement";
        if (statement.notActions.length) problems.push(`${label} uses NotAction, which allows every other action`);
        if (statement.notResources.length) problems.push(`${label} uses NotResource, which allows every other resource`);
        const wildcardActions = statement.actions.filter((action) => isWildcard(action) && !isListed(action));
        if (wildcardActions.length) problems.push(`${label} allows wildcard actions ${wildcardActions.join(", ")}`);
        if (statement.resources.includes("*")) {
          const narrowable = statement.actions.filter((action) => !isWildcard(action) && !lacksResourceLevelPermissions(action));
          if (narrowable.length)
            problems.push(`${label} allows ${narrowable.join(", ")} on Resource "*", though they support resource-level permissions`);
        }
      }
    }
    return problems;
  },
};
