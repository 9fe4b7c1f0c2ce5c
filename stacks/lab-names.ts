// The lab's physical names in one place: the lab stack creates by them, the migration stack looks up by them.
import { privateLinkNames } from "../constructs/connectivity/private-link";
import { physicalName } from "../constructs/naming";

/** Names of one database side (`source` or `target`): its cluster, PrivateLink path and DMS endpoint. */
export interface LabSideNames {
  /** Aurora cluster identifier, e.g. `dev-source`. */
  readonly cluster: string;
  /** Name prefix handed to PrivateLinkPath, which derives the three names below from it. */
  readonly privateLink: string;
  /** The internal NLB (from privateLinkNames). */
  readonly loadBalancer: string;
  /** The NLB's target group that follows the writer (from privateLinkNames). */
  readonly targetGroup: string;
  /** `Name` tag of the interface endpoint in the DMS VPC (from privateLinkNames). */
  readonly interfaceEndpoint: string;
  /** Function that keeps the target group on the writer. */
  readonly writerSync: string;
  /** DMS endpoint identifier. */
  readonly dmsEndpoint: string;
  /** Secrets Manager name of the DMS endpoint secret (slashes, so not a hyphenated physical name). */
  readonly dmsSecret: string;
}

/** Every lab name another stack may depend on, plus the ones the lab stack alone uses. */
export interface LabNames {
  /** The KMS key's name; its alias is {@link keyAlias}. */
  readonly key: string;
  readonly keyAlias: string;
  readonly onPremNetwork: string;
  readonly dmsNetwork: string;
  readonly targetNetwork: string;
  readonly source: LabSideNames;
  readonly target: LabSideNames;
  /** DMS replication instance identifier. */
  readonly replicationInstance: string;
  /** Role DMS assumes to read the endpoint secrets. */
  readonly dmsSecretsRole: string;
  readonly bastion: string;
}

function sideNames(deploymentName: string, role: "source" | "target"): LabSideNames {
  const privateLink = physicalName(deploymentName, role);
  return {
    cluster: physicalName(deploymentName, role),
    privateLink,
    ...privateLinkNames(privateLink),
    writerSync: physicalName(deploymentName, role, "writer-sync"),
    dmsEndpoint: physicalName(deploymentName, role),
    dmsSecret: `${deploymentName}/dms/${role}`,
  };
}

/**
 * The lab's names are deterministic so that a separately deployed stack can find its resources by
 * data-source lookups instead of cross-stack references (which would add outputs to the lab stack
 * and force a lab redeploy whenever the other stack needs a new value).
 */
export function labNames(deploymentName: string): LabNames {
  const key = physicalName(deploymentName, "lab");
  return {
    key,
    keyAlias: `alias/${key}`,
    onPremNetwork: physicalName(deploymentName, "onprem"),
    dmsNetwork: physicalName(deploymentName, "dms"),
    targetNetwork: physicalName(deploymentName, "target"),
    source: sideNames(deploymentName, "source"),
    target: sideNames(deploymentName, "target"),
    replicationInstance: physicalName(deploymentName, "dms"),
    dmsSecretsRole: physicalName(deploymentName, "dms-secrets"),
    bastion: physicalName(deploymentName, "bastion"),
  };
}
