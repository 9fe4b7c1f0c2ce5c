// One side of the migration (source or target): the cluster, its PrivateLink path, writer sync, DMS secret and DMS endpoint.
import { Construct } from "constructs";
import { PrivateLinkPath } from "../connectivity/private-link";
import { WriterTargetSync } from "../connectivity/writer-target-sync";
import { DatabaseEndpoint } from "../dms/database-endpoint";
import { EndpointSecret } from "../dms/endpoint-secret";
import type { RdsCaCertificate } from "../dms/rds-ca-certificate";
import type { SecretsAccessRole } from "../dms/secrets-access-role";
import type { EncryptionKey } from "../encryption/encryption-key";
import type { Connections } from "../network/connections";
import type { LabNetwork } from "../network/lab-network";
import { PrivateDatabaseName } from "../network/private-database-name";
import { AuroraPostgres, type AuroraPostgresSettings } from "./aurora-postgres";

/** Physical names of one side; a separately deployed stack finds the side's resources by them. */
export interface DatabaseSideNames {
  /** Aurora cluster identifier, e.g. `dev-source`. */
  readonly cluster: string;
  /** Prefix of the PrivateLink path's names (`<prefix>-nlb`, `<prefix>-writer`, `<prefix>-endpoint`). */
  readonly privateLink: string;
  /** Function (and role) that keeps the target group on the writer. */
  readonly writerSync: string;
  /** DMS endpoint identifier. */
  readonly dmsEndpoint: string;
  /** Secrets Manager name of the DMS endpoint secret, e.g. `dev/dms/source`. */
  readonly dmsSecret: string;
}

export interface DatabaseSideProps {
  /** Which end of the migration: the DMS endpoint type, and the label of rules and descriptions. */
  readonly role: "source" | "target";
  readonly names: DatabaseSideNames;
  /** The cluster's engine, sizing, backups and protection. */
  readonly database: AuroraPostgresSettings;
  /** The VPC that holds the cluster and its load balancer. */
  readonly network: LabNetwork;
  /** The VPC that consumes the database through its interface endpoint (the DMS VPC). */
  readonly consumerNetwork: LabNetwork;
  /** Encrypts storage, secrets and log groups. */
  readonly encryptionKey: EncryptionKey;
  /** IAM principals allowed to connect to the endpoint service. @default this account */
  readonly allowedPrincipals?: readonly string[];
  /** Connections to the endpoint service wait for acceptance (the path accepts its own). @default false */
  readonly acceptanceRequired?: boolean;
  /** Days the DMS secret stays recoverable after a destroy (0 frees the name at once). */
  readonly secretRecoveryWindowDays: number;
  /** The role DMS reads endpoint secrets with; this side grants it its own secret. */
  readonly dmsSecretsAccess: SecretsAccessRole;
  /** The CA bundle the DMS endpoint verifies the server with. */
  readonly serverCertificate: RdsCaCertificate;
}

/**
 * Everything one database brings to the lab, built the same way for source and target: an Aurora
 * PostgreSQL cluster, published through an NLB + endpoint service and consumed through an interface
 * endpoint in the DMS VPC, a function that keeps the NLB on the writer, a private name that makes the
 * cluster endpoint lead to that interface endpoint inside the DMS VPC, and the DMS endpoint whose secret
 * names the cluster endpoint as its host, so DMS verifies the name on the server's certificate.
 */
export class DatabaseSide extends Construct {
  readonly role: "source" | "target";
  readonly database: AuroraPostgres;
  readonly privateLink: PrivateLinkPath;
  readonly writerSync: WriterTargetSync;
  readonly privateName: PrivateDatabaseName;
  readonly secret: EndpointSecret;
  readonly endpoint: DatabaseEndpoint;

  constructor(scope: Construct, id: string, props: DatabaseSideProps) {
    super(scope, id);
    const { role, names, encryptionKey } = props;
    this.role = role;
    this.database = new AuroraPostgres(this, "Database", {
      ...props.database,
      name: names.cluster,
      role,
      network: props.network,
      encryptionKey,
    });
    this.privateLink = new PrivateLinkPath(this, "PrivateLink", {
      name: names.privateLink,
      role,
      database: this.database,
      databaseNetwork: props.network,
      consumerNetwork: props.consumerNetwork,
      allowedPrincipals: props.allowedPrincipals,
      acceptanceRequired: props.acceptanceRequired,
    });
    this.writerSync = new WriterTargetSync(this, "WriterSync", {
      name: names.writerSync,
      database: this.database,
      privateLink: this.privateLink,
      encryptionKey,
    });
    this.privateName = new PrivateDatabaseName(this, "PrivateName", {
      name: `${names.privateLink}-name`,
      hostName: this.database.writerEndpoint,
      privateLink: this.privateLink,
      consumerNetwork: props.consumerNetwork,
    });
    this.secret = new EndpointSecret(this, "Secret", {
      name: names.dmsSecret,
      purpose: `DMS ${role} endpoint credentials (host: the ${role} cluster endpoint, through its interface endpoint)`,
      encryptionKey,
      recoveryWindowDays: props.secretRecoveryWindowDays,
    });
    props.dmsSecretsAccess.allowRead(this.secret);
    this.endpoint = new DatabaseEndpoint(this, "Endpoint", {
      name: names.dmsEndpoint,
      endpointType: role,
      database: this.database,
      privateLink: this.privateLink,
      privateName: this.privateName,
      serverCertificate: props.serverCertificate,
      secret: this.secret,
      accessRole: props.dmsSecretsAccess,
      encryptionKey,
    });
  }

  /** Where clients in the consumer VPC connect: the interface endpoint's security group. */
  get connections(): Connections {
    return this.privateLink.connections;
  }

  /** The interface endpoint's regional DNS name (the RDS certificate does not carry it). */
  get endpointDnsName(): string {
    return this.privateLink.endpointDnsName;
  }

  /**
   * The host DMS and db-ops connect to: the cluster endpoint, the name on the server's certificate. Inside
   * the DMS VPC it resolves to the interface endpoint (privateName).
   */
  get serverHostName(): string {
    return this.privateName.hostName;
  }
}
