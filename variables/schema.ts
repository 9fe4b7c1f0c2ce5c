// The typed schema of a deployment file (variables/<name>.json): every field, its default and its checks.
import { z } from "zod";
import { cidrContains, cidrsOverlap, formatCidr, parseCidr, type Ipv4Network } from "./cidr";
import { GIB, migrationSchema } from "./migration-schema";

/**
 * Deployment names prefix physical AWS names (e.g. `<name>-source-nlb`, 32 characters at most for a
 * load balancer), so they must be short, lower-case, start with a letter and hold no `--` (RDS).
 */
export const DEPLOYMENT_NAME_PATTERN = /^[a-z](?:[a-z0-9]|-(?!-)){0,14}[a-z0-9]$/;
export const DEPLOYMENT_NAME_RULE =
  "2-16 characters: lower-case letters, digits and single hyphens, starting with a letter and not ending with a hyphen";

const cidrBlock = z.string().superRefine((text, ctx) => {
  const parsed = parseCidr(text);
  if (typeof parsed === "string") ctx.addIssue({ code: z.ZodIssueCode.custom, message: parsed });
});

const tagMap = z
  .record(z.string().min(1).max(128), z.string().max(256))
  .refine((tags) => Object.keys(tags).length <= 40, "at most 40 tags (AWS allows 50 and the lab adds its own)")
  // The bastion may start and stop only DMS tasks whose Deployment tag is this deployment's name.
  .refine((tags) => !("Deployment" in tags), 'the lab sets "Deployment" to the file name (IAM scopes task start/stop by it); remove it');

/** The values CloudWatch Logs accepts as a log group's retention (PutRetentionPolicy). */
const CLOUDWATCH_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
const logRetentionDays = z
  .number()
  .int()
  .refine((days) => CLOUDWATCH_RETENTION_DAYS.includes(days), {
    message: `must be a CloudWatch Logs retention: one of ${CLOUDWATCH_RETENTION_DAYS.join(", ")}`,
  });

/** One VPC: its CIDR and one private subnet per availability zone, in the order of `availabilityZones`. */
const vpcSchema = z
  .object({
    /** The VPC's IPv4 CIDR block. The three VPCs may share it: PrivateLink needs no routing. */
    cidr: cidrBlock,
    /** Private subnet CIDRs, one per availability zone, in the same order. */
    privateSubnets: z.array(cidrBlock).min(2, "give at least two private subnets, one per availability zone"),
  })
  .strict()
  .superRefine((vpc, ctx) => {
    const vpcNetwork = parseCidr(vpc.cidr);
    if (typeof vpcNetwork === "string") return;
    const parsedSubnets: Array<Ipv4Network | undefined> = vpc.privateSubnets.map((subnet) => {
      const parsed = parseCidr(subnet);
      return typeof parsed === "string" ? undefined : parsed;
    });
    parsedSubnets.forEach((subnet, index) => {
      if (!subnet) return;
      if (!cidrContains(vpcNetwork, subnet)) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ["privateSubnets", index],
          message: `${formatCidr(subnet)} is outside the VPC ${vpc.cidr}; choose a subnet inside it`,
        });
      } else if (subnet.prefixLength > 28) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ["privateSubnets", index],
          message: `${formatCidr(subnet)} is smaller than /28, the smallest subnet AWS allows`,
        });
      }
      for (let other = 0; other < index; other++) {
        const earlier = parsedSubnets[other];
        if (earlier && cidrsOverlap(earlier, subnet)) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            path: ["privateSubnets", index],
            message: `${formatCidr(subnet)} overlaps privateSubnets[${other}] (${formatCidr(earlier)}); subnets of one VPC must not overlap`,
          });
        }
      }
    });
  });

const backendSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("local") }).strict(),
  z
    .object({
      type: z.literal("s3"),
      /** An existing, versioned bucket for the state files. */
      bucket: z.string().min(3).max(63),
      /** Prefix of the state keys; each stack adds `/<stack id>.tfstate`. @default "dms-privatelink-lab" */
      keyPrefix: z.string().min(1).default("dms-privatelink-lab"),
      /** Region of the bucket. @default the deployment's region */
      region: z.string().optional(),
      /** S3-native state locking (Terraform >= 1.10). @default true */
      useLockfile: z.boolean().default(true),
      /** A DynamoDB lock table (key `LockID`), for teams on Terraform < 1.10. */
      dynamodbTable: z.string().optional(),
    })
    .strict(),
]);

const maintenanceWindow = z
  .string()
  .regex(
    /^(mon|tue|wed|thu|fri|sat|sun):\d{2}:\d{2}-(mon|tue|wed|thu|fri|sat|sun):\d{2}:\d{2}$/,
    "use ddd:hh24:mi-ddd:hh24:mi, e.g. sun:05:00-sun:06:00",
  );

const databaseSchema = z
  .object({
    /**
     * Aurora PostgreSQL 16 minor version a new cluster is created with (the original's 13.4 can no longer be
     * created). A floor: automatic minor upgrades may pass it, and Terraform leaves the upgraded version alone.
     * 16.8 is the long-term-support minor of 16. @default "16.8"
     */
    engineVersion: z
      .string()
      .regex(/^16\.\d+$/, "use an Aurora PostgreSQL 16.x version such as 16.8 (the parameter group family is aurora-postgresql16)")
      .default("16.8"),
    /** Instance class of every instance in the cluster. @default "db.t4g.medium" */
    instanceClass: z
      .string()
      .regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, "use an RDS instance class such as db.t4g.medium")
      .default("db.t4g.medium"),
    /** Number of instances (1 writer + readers). @default 1 */
    instances: z.number().int().min(1).max(15).default(1),
    /** Master user name; its password is generated and kept by RDS in Secrets Manager. @default "postgres" */
    masterUsername: z
      .string()
      .regex(/^[a-zA-Z][a-zA-Z0-9_]{0,62}$/, "start with a letter; letters, digits and underscores only")
      .refine((name) => !["admin", "rdsadmin", "postgres_admin"].includes(name), "this user name is reserved by RDS")
      .default("postgres"),
    /** Database the migration reads or writes (created by the runbook). @default "demo_db" */
    databaseName: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,62}$/, "start with a lower-case letter; lower-case letters, digits and underscores only")
      .default("demo_db"),
    /**
     * Apply changes at once rather than in the next maintenance window (instance class, parameters...).
     * Production deployments set false. @default true
     */
    applyImmediately: z.boolean().default(true),
    /** Days of automated backups. @default 1 */
    backupRetentionDays: z.number().int().min(1).max(35).default(1),
    /** UTC backup window, hh24:mi-hh24:mi. @default "03:00-04:00" */
    preferredBackupWindow: z
      .string()
      .regex(/^\d{2}:\d{2}-\d{2}:\d{2}$/, "use hh24:mi-hh24:mi, e.g. 03:00-04:00")
      .default("03:00-04:00"),
    /** UTC maintenance window, ddd:hh24:mi-ddd:hh24:mi. @default "sun:05:00-sun:06:00" */
    preferredMaintenanceWindow: maintenanceWindow.default("sun:05:00-sun:06:00"),
    /** Refuse deletion through the API. @default false */
    deletionProtection: z.boolean().default(false),
    /** Take a final snapshot on destroy (named `<cluster>-final`). @default false */
    finalSnapshot: z.boolean().default(false),
    /** Days to keep the PostgreSQL log group. @default 7 */
    logRetentionDays: z.number().int().positive().default(7),
    /** Enhanced Monitoring: seconds between each instance's OS metrics; 0 turns it off. @default 0 */
    monitoringIntervalSeconds: z
      .union([z.literal(0), z.literal(1), z.literal(5), z.literal(10), z.literal(15), z.literal(30), z.literal(60)], {
        errorMap: () => ({ message: "use 0 (off), 1, 5, 10, 15, 30 or 60 seconds" }),
      })
      .default(0),
    /** Performance Insights on every instance, encrypted with the deployment key, kept 7 days. @default false */
    performanceInsights: z.boolean().default(false),
    /**
     * `lifecycle.prevent_destroy` on the cluster: a plan that would destroy or replace it fails at plan
     * time, before anything else of the lab is gone (deletion protection fails only at apply). @default false
     */
    preventDestroy: z.boolean().default(false),
  })
  .strict();

const encryptionSchema = z
  .object({
    /** Waiting period before the deployment's KMS key is deleted after destroy. @default 7 */
    keyDeletionWindowDays: z.number().int().min(7).max(30).default(7),
    /**
     * `lifecycle.prevent_destroy` on the key: a plan that would destroy (or replace) it fails, so a
     * lab destroy can never schedule the deletion of the key the final snapshots and secrets need.
     * @default false
     */
    preventDestroy: z.boolean().default(false),
    /**
     * The key and its alias live in a stack of their own, `<name>-data`, deployed before the lab, which
     * the lab finds by alias: a lab destroy never touches the key, so final snapshots and recoverable
     * secrets stay readable. A deployment that already holds the key in `<name>-lab` moves its state
     * first (`scripts/move-data-key.ts`). @default false (the key lives in the lab stack)
     */
    dataKeyStack: z.boolean().default(false),
  })
  .strict();

const secretsSchema = z
  .object({
    /**
     * Days a deleted secret stays recoverable. 0 deletes at once, so destroy-then-deploy can reuse
     * the name; prod should keep 7-30. @default 0
     */
    recoveryWindowDays: z
      .number()
      .int()
      .refine((days) => days === 0 || (days >= 7 && days <= 30), "use 0 (delete at once) or 7 to 30 days")
      .default(0),
    /** Days between automatic rotations of the DMS endpoint secrets (their dedicated users' passwords). @default 30 */
    rotationDays: z.number().int("must be a whole number").min(1, "use 1 to 365 days").max(365, "use 1 to 365 days").default(30),
  })
  .strict();

const emulatorSchema = z
  .object({
    /** Which emulator; only moto is known. */
    kind: z.literal("moto"),
    /** Where it listens when no LAB_EMULATOR_URL is set. @default "http://127.0.0.1:4566" */
    url: z.string().url().default("http://127.0.0.1:4566"),
  })
  .strict();

const privateLinkSchema = z
  .object({
    /**
     * Connections to the endpoint services wait for acceptance, and the lab accepts its own endpoints
     * explicitly: an endpoint someone else creates with an allowed principal carries nothing until the
     * service owner accepts it. @default true
     */
    acceptanceRequired: z.boolean().default(true),
    /**
     * Principals allowed to connect to the endpoint services (IAM ARNs).
     * @default only this account (its root ARN)
     */
    allowedPrincipals: z
      .array(
        z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:(root|role\/.+|user\/.+)$/, "use an IAM ARN such as arn:aws:iam::123456789012:root"),
      )
      .min(1, "is empty; list at least one principal, or remove the field to allow only this account")
      .optional(),
  })
  .strict();

const dmsSchema = z
  .object({
    /**
     * `adopt`: the account-wide roles dms-vpc-role and dms-cloudwatch-logs-role exist already
     * (another deployment, the organisation, or the DMS console made them); the lab looks them up
     * and a plan fails with IAM's "not found" when they are missing. `create`: this deployment
     * creates them in a `<name>-account` stack, refusing destroy (other DMS users of the account
     * rely on them). Adopting is the default because many accounts have them and two deployments
     * that both create them collide. @default "adopt"
     */
    serviceRoles: z.enum(["create", "adopt"]).default("adopt"),
    /** Replication instance class. @default "dms.t3.medium" */
    instanceClass: z
      .string()
      .regex(/^dms\.[a-z0-9]+\.[a-z0-9]+$/, "use a DMS instance class such as dms.t3.medium")
      .default("dms.t3.medium"),
    /** Storage in GiB. @default 50 */
    allocatedStorage: z.number().int().min(5).max(6144).default(50),
    /** DMS engine version a new instance is created with; a floor that automatic upgrades may pass. @default "3.5.4" */
    engineVersion: z
      .string()
      .regex(/^\d+\.\d+\.\d+$/, "use a DMS engine version such as 3.5.4")
      .default("3.5.4"),
    /** A standby in a second zone. @default false */
    multiAz: z.boolean().default(false),
    /** UTC maintenance window. @default "sun:06:00-sun:07:00" */
    preferredMaintenanceWindow: maintenanceWindow.default("sun:06:00-sun:07:00"),
    /** Days to keep the task logs in `dms-tasks-<replication instance id>` (the lab creates that group). @default 7 */
    logRetentionDays: z.number().int().positive().default(7),
  })
  .strict();

const bastionSchema = z
  .object({
    /** Create the SSM-only bastion (the migration workstation). @default true */
    enabled: z.boolean().default(true),
    /** EC2 instance type; Graviton types (t4g, m7g...) get the arm64 AMI. @default "t4g.micro" */
    instanceType: z
      .string()
      .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, "use an EC2 instance type such as t4g.micro")
      .default("t4g.micro"),
    /** Root volume size in GiB (the AL2023 image needs 8 at least). @default 8 */
    rootVolumeGiB: z.number().int().min(8).max(100).default(8),
    /** Days to keep Session Manager session logs (a CloudWatch Logs retention value). @default 90 */
    sessionLogRetentionDays: logRetentionDays.default(90),
  })
  .strict();

export const deploymentFileSchema = z
  .object({
    /** Editor hint only. */
    $schema: z.string().optional(),
    /** One line on what this deployment is for. */
    description: z.string().optional(),
    /** AWS region, e.g. us-east-1. */
    region: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "use an AWS region code such as us-east-1"),
    /** Availability zones of the region; subnets are spread over them in this order. */
    availabilityZones: z
      .array(z.string())
      .min(2, "list at least two availability zones (RDS subnet groups and DMS need two)")
      .refine((zones) => new Set(zones).size === zones.length, "list each availability zone once"),
    /** Present only for a deployment that targets a local AWS emulator. */
    emulator: emulatorSchema.optional(),
    /** Where Terraform keeps state. @default { "type": "local" } */
    backend: backendSchema.default({ type: "local" }),
    /** Tags on every resource (added to the lab's own Project/Deployment tags). @default {} */
    tags: tagMap.default({}),
    encryption: encryptionSchema.default({}),
    secrets: secretsSchema.default({}),
    /** The three VPCs. Their CIDRs may overlap one another. */
    network: z
      .object({
        onPrem: vpcSchema,
        dms: vpcSchema,
        target: vpcSchema,
        /** Days to keep each VPC's flow logs (a CloudWatch Logs retention value). @default 7 */
        flowLogRetentionDays: logRetentionDays.default(7),
      })
      .strict(),
    /** The two Aurora PostgreSQL clusters. */
    databases: z.object({ source: databaseSchema, target: databaseSchema }).strict(),
    /** The two PrivateLink paths (endpoint services on the databases' load balancers). */
    privateLink: privateLinkSchema.default({}),
    /** The replication instance and its endpoints. */
    dms: dmsSchema.default({}),
    /** The SSM-only migration workstation in the DMS VPC. */
    bastion: bastionSchema.default({}),
    /** The `<name>-migration` stack: replication tasks, alarms, the cutover switch. */
    migration: migrationSchema.default({}),
  })
  .strict()
  .superRefine((file, ctx) => {
    file.availabilityZones.forEach((zone, index) => {
      if (!new RegExp(`^${file.region}[a-z]$`).test(zone)) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ["availabilityZones", index],
          message: `"${zone}" is not an availability zone of ${file.region}; use ${file.region}a, ${file.region}b, ...`,
        });
      }
    });
    for (const vpcName of ["onPrem", "dms", "target"] as const) {
      const subnets = file.network[vpcName].privateSubnets;
      if (subnets.length !== file.availabilityZones.length) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ["network", vpcName, "privateSubnets"],
          message: `has ${subnets.length} subnets for ${file.availabilityZones.length} availability zones; give exactly one subnet per zone`,
        });
      }
    }
    const freeStorage = file.migration.monitoring.freeStorageThresholdBytes;
    if (freeStorage !== undefined && freeStorage >= file.dms.allocatedStorage * GIB) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["migration", "monitoring", "freeStorageThresholdBytes"],
        message: `is not below the replication instance's ${file.dms.allocatedStorage} GiB (dms.allocatedStorage), so the alarm would never clear; choose less, e.g. ${defaultFreeStorageThreshold(file.dms.allocatedStorage)}`,
      });
    }
  })
  // Defaults that depend on another section are filled in here, so every consumer sees a number.
  .transform((file) => {
    const monitoring = file.migration.monitoring;
    const freeStorageThresholdBytes = monitoring.freeStorageThresholdBytes ?? defaultFreeStorageThreshold(file.dms.allocatedStorage);
    return { ...file, migration: { ...file.migration, monitoring: { ...monitoring, freeStorageThresholdBytes } } };
  });

/** A tenth of the replication instance's storage: room to react before DMS runs out. */
function defaultFreeStorageThreshold(allocatedStorageGiB: number): number {
  return Math.floor((allocatedStorageGiB * GIB) / 10);
}

/** A deployment file as written (defaults not yet applied). */
export type DeploymentFileInput = z.input<typeof deploymentFileSchema>;
/** A deployment file after validation, with every default applied. */
export type DeploymentFile = z.output<typeof deploymentFileSchema>;
export type VpcConfig = z.output<typeof vpcSchema>;
export type DatabaseConfig = z.output<typeof databaseSchema>;
export type BackendConfig = z.output<typeof backendSchema>;
export type PrivateLinkConfig = z.output<typeof privateLinkSchema>;
export type DmsConfig = z.output<typeof dmsSchema>;
export type BastionConfig = z.output<typeof bastionSchema>;
export type { CutoverConfig, MigrationTaskConfig, MigrationType } from "./migration-schema";
export type MigrationConfig = DeploymentFile["migration"];
/** Alarm thresholds, every one filled in. */
export type MonitoringConfig = MigrationConfig["monitoring"];

/** A validated deployment: its file's content plus the name taken from the file name. */
export interface Deployment extends DeploymentFile {
  /** The file's base name (`dev` for variables/dev.json); prefixes every physical name and stack id. */
  readonly name: string;
}
