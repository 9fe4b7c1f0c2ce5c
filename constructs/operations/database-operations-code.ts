// The db-ops function's package as a Terraform asset: bundled and zipped once per process, deterministically.
import { AssetType, TerraformAsset, TerraformStack } from "cdktf";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Construct } from "constructs";
import { bundleDbOps } from "../../functions/db-ops/bundle";
import { zipEntries } from "../../functions/zip";

const BUILD_DIR = resolve(__dirname, "..", "..", ".lab", "build", "db-ops");
const PACKAGE = join(BUILD_DIR, "..", "db-ops.zip");
let packaged = false;

function packageOnce(): string {
  if (!packaged) {
    mkdirSync(BUILD_DIR, { recursive: true });
    const entry = bundleDbOps(BUILD_DIR);
    writeFileSync(PACKAGE, zipEntries([{ name: "index.js", data: readFileSync(entry) }]));
    packaged = true;
  }
  return PACKAGE;
}

/** One asset per stack; the zip's bytes depend on the code only. */
export function databaseOperationsCode(scope: Construct): TerraformAsset {
  const stack = TerraformStack.of(scope);
  const existing = stack.node.tryFindChild("DatabaseOperationsCode");
  if (existing) return existing as TerraformAsset;
  return new TerraformAsset(stack, "DatabaseOperationsCode", { path: packageOnce(), type: AssetType.FILE });
}
