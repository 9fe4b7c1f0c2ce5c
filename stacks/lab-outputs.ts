// The lab stack's outputs: ids, endpoints and ARNs people and the runbook need, and the bastion commands. No secret values.
import { TerraformOutput } from "cdktf";
import type { DatabaseSide } from "../constructs/database/database-side";
import type { LabStack } from "./lab-stack";

/** Local ports the port-forward commands use, so both databases can be open at once. */
const FORWARDED_PORTS = { source: 15432, target: 25432 } as const;

/** The port-forwarding command a user runs on their machine to reach a database through the bastion. */
function forwardCommand(region: string, bastionId: string, host: string, localPort: number): string {
  return `aws ssm start-session --region ${region} --target ${bastionId} --document-name AWS-StartPortForwardingSessionToRemoteHost --parameters host=${host},portNumber=5432,localPortNumber=${localPort}`;
}

/**
 * psql through the forwarded port, verifying the server as DMS does: `host` is the name on the certificate, `hostaddr`
 * where the tunnel listens (libpq checks the certificate against `host` and connects to `hostaddr`).
 */
function psqlHint(localPort: number, side: DatabaseSide): string {
  return `Then, in another terminal: psql "host=${side.serverHostName} hostaddr=127.0.0.1 port=${localPort} sslmode=verify-full sslrootcert=certificates/rds-global-bundle.pem dbname=${side.database.databaseName} user=${side.database.masterUsername}"`;
}

export function addLabOutputs(stack: LabStack): void {
  const output = (id: string, value: string, description: string) => new TerraformOutput(stack, id, { value, description });
  output("onprem_vpc_id", stack.onPremNetwork.vpcId, "VPC of the source database (the simulated on-premises network)");
  output("dms_vpc_id", stack.dmsNetwork.vpcId, "VPC of the DMS replication instance and the bastion");
  output("target_vpc_id", stack.targetNetwork.vpcId, "VPC of the target database");
  output("kms_key_arn", stack.encryptionKey.keyArn, "Customer-managed key of this deployment");
  output("replication_instance_arn", stack.replicationInstance.instanceArn, "DMS replication instance");
  for (const { role, database, endpointDnsName, secret, endpoint } of [stack.source, stack.target]) {
    output(
      `${role}_cluster_endpoint`,
      database.writerEndpoint,
      `Writer endpoint of the ${role} cluster, the name on its certificate: inside the DMS VPC it resolves to the interface endpoint (host for DMS, db-ops and psql with verify-full)`,
    );
    output(`${role}_master_secret_arn`, database.masterUserSecretArn, `RDS-managed master secret of the ${role} (ARN only)`);
    output(
      `${role}_endpoint_dns`,
      endpointDnsName,
      `Interface endpoint to the ${role} database (not on the server's certificate: verify-ca at most on this name)`,
    );
    output(`${role}_dms_secret_arn`, secret.secretArn, `DMS ${role} endpoint secret (ARN only; the runbook writes its value)`);
    output(`${role}_endpoint_arn`, endpoint.endpointArn, `DMS ${role} endpoint`);
  }
  const bastion = stack.bastion;
  if (bastion) {
    const region = stack.deployment.region;
    output("bastion_id", bastion.instanceId, "SSM-only migration workstation");
    output(
      "bastion_session_command",
      `aws ssm start-session --region ${region} --target ${bastion.instanceId} --document-name ${bastion.sessionPreferences.documentName}`,
      "Open a shell on the bastion (KMS-encrypted and logged by the lab's Session document)",
    );
    for (const side of [stack.source, stack.target]) {
      const port = FORWARDED_PORTS[side.role];
      output(
        `${side.role}_port_forward_command`,
        // The bastion is in the DMS VPC, where the cluster endpoint answers with the interface endpoint.
        forwardCommand(region, bastion.instanceId, side.serverHostName, port),
        psqlHint(port, side),
      );
    }
  }
}
