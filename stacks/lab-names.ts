// The lab's physical names in one place: the lab stack creates by them, the migration stack looks up by them.
import { privateLinkNames } from "../constructs/connectivity/private-link";
import type { DatabaseSideNames } from "../constructs/database/database-side";
import { physicalName } from "../constructs/naming";

/** Names of one database side (`source` or `target`): what the side is built with, plus what its PrivateLink path derives. */
export interface LabSideNames extends DatabaseSideNames {
  /** The internal NLB (from privateLinkNames). */
  readonly loadBalancer: string;
  /** The NLB's target group that follows the writer (from privateLinkNames). */
  readonly targetGroup: string;
  /** `Name` tag of the interface endpoint in the DMS VPC (from privateLinkNames). */
  readonly interfaceEndpoint: string;
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
  /** Prefix of the DMS certificate identifier of the RDS CA bundle (the bundle's hash prefix follows). */
  readonly rdsCaCertificate: string;
  /** Role DMS assumes to read the endpoint secrets. */
  readonly dmsSecretsRole: string;
  readonly bastion: string;
  /** The function that runs named database operations and rotates the DMS secrets. */
  readonly databaseOperations: string;
  /** SNS topic of the lab's own alarms (the source's WAL, writer-sync failures). */
  readonly alarmTopic: string;
  /** Role VPC Flow Logs assumes for the three VPCs. */
  readonly flowLogRole: string;
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
    rdsCaCertificate: physicalName(deploymentName, "rds-ca"),
    dmsSecretsRole: physicalName(deploymentName, "dms-secrets"),
    bastion: physicalName(deploymentName, "bastion"),
    databaseOperations: physicalName(deploymentName, "db-ops"),
    alarmTopic: physicalName(deploymentName, "lab-alarms"),
    flowLogRole: physicalName(deploymentName, "flow-logs"),
  };
}
