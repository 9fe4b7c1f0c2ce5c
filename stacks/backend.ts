// Where a stack keeps its Terraform state: a local file by default, S3 (with locking) when the deployment asks.
import { LocalBackend, S3Backend, type TerraformStack } from "cdktf";
import { join } from "node:path";
import type { Deployment } from "../variables/schema";
import type { RuntimeSettings } from "../variables/runtime";

export function configureBackend(stack: TerraformStack, stackId: string, deployment: Deployment, runtime: RuntimeSettings): void {
  const backend = deployment.backend;
  if (backend.type === "local") {
    new LocalBackend(stack, { path: join(runtime.stateDir, `${stackId}.tfstate`) });
    return;
  }
  new S3Backend(stack, {
    bucket: backend.bucket,
    key: `${backend.keyPrefix}/${stackId}.tfstate`,
    region: backend.region ?? deployment.region,
    encrypt: true,
    ...(backend.dynamodbTable ? { dynamodbTable: backend.dynamodbTable } : {}),
  });
  // cdktf 0.21 predates S3-native locking (Terraform >= 1.10), so the argument is written directly.
  if (backend.useLockfile) stack.addOverride("terraform.backend.s3.use_lockfile", true);
}
