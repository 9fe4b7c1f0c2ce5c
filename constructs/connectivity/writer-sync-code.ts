// The writer-sync function's code as a Terraform asset: bundled once per process, zipped by cdktf.
import { AssetType, TerraformAsset, TerraformStack } from "cdktf";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Construct } from "constructs";
import { bundleWriterSync } from "../../functions/writer-sync/bundle";

const BUILD_DIR = resolve(__dirname, "..", "..", ".lab", "build", "writer-sync");
let bundled = false;

function bundleOnce(): string {
  if (!bundled) {
    mkdirSync(BUILD_DIR, { recursive: true });
    bundleWriterSync(BUILD_DIR);
    bundled = true;
  }
  return BUILD_DIR;
}

/** One asset per stack, shared by both PrivateLink paths. */
export function writerSyncCode(scope: Construct): TerraformAsset {
  const stack = TerraformStack.of(scope);
  const existing = stack.node.tryFindChild("WriterSyncCode");
  if (existing) return existing as TerraformAsset;
  return new TerraformAsset(stack, "WriterSyncCode", { path: bundleOnce(), type: AssetType.ARCHIVE });
}

export const WRITER_SYNC_BUILD_ENTRY = join(BUILD_DIR, "index.js");
