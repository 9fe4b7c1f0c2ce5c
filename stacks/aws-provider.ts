// The AWS provider of a stack: region, default tags and, only for emulator deployments, the emulator endpoints.
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { Construct } from "constructs";
import type { Deployment } from "../variables/schema";
import type { RuntimeSettings } from "../variables/runtime";

/** Services the lab calls; each is pointed at the emulator when the deployment names one. */
const EMULATED_SERVICES = [
  "cloudwatch",
  "cloudwatchlogs",
  "dms",
  "ec2",
  "elbv2",
  "events",
  "iam",
  "kms",
  "lambda",
  "rds",
  "route53",
  "s3",
  "secretsmanager",
  "sns",
  "ssm",
  "sts",
] as const;

export function labTags(deployment: Deployment): Record<string, string> {
  return { Project: "dms-privatelink-lab", Deployment: deployment.name, ManagedBy: "cdktf", ...deployment.tags };
}

/** The emulator URL for this deployment, or undefined for a real AWS account. */
export function emulatorUrlFor(deployment: Deployment, runtime: RuntimeSettings): string | undefined {
  if (!deployment.emulator) return undefined;
  return runtime.emulatorUrl ?? deployment.emulator.url;
}

export function createAwsProvider(scope: Construct, deployment: Deployment, runtime: RuntimeSettings): AwsProvider {
  const emulatorUrl = emulatorUrlFor(deployment, runtime);
  const emulatorSettings = emulatorUrl
    ? {
        // The emulator accepts any credentials; these are placeholders, not secrets.
        accessKey: "test",
        secretKey: "test",
        skipCredentialsValidation: true,
        skipMetadataApiCheck: "true",
        skipRegionValidation: true,
        s3UsePathStyle: true,
        endpoints: [Object.fromEntries(EMULATED_SERVICES.map((service) => [service, emulatorUrl]))],
      }
    : {};
  return new AwsProvider(scope, "aws", {
    region: deployment.region,
    defaultTags: [{ tags: labTags(deployment) }],
    ...emulatorSettings,
  });
}
