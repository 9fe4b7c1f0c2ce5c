// The writer-sync function's package as a Terraform asset: bundled and zipped once per process, deterministically.
import { AssetType, TerraformAsset, TerraformStack } from "cdktf";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Construct } from "constructs";
import { bundleWriterSync } from "../../functions/writer-sync/bundle";
import { zipEntries } from "../../functions/zip";

const BUILD_DIR = resolve(__dirname, "..", "..", ".lab", "build", "writer-sync");
const PACKAGE = join(BUILD_DIR, "..", "writer-sync.zip");
let packaged = false;

function packageOnce(): string {
  if (!packaged) {
    mkdirSync(BUILD_DIR, { recursive: true });
    const entry = bundleWriterSync(BUILD_DIR);
    writeFileSync(PACKAGE, zipEntries([{ name: "index.js", data: readFileSync(entry) }]));
    packaged = true;
  }
  return PACKAGE;
}

/** One asset per stack, shared by both PrivateLink paths; the zip's bytes depend on the code only. */
export function writerSyncCode(scope: Construct): TerraformAsset {
  const stack = TerraformStack.of(scope);
  const existing = stack.node.tryFindChild("WriterSyncCode");
  if (existing) return existing as TerraformAsset;
  return new TerraformAsset(stack, "WriterSyncCode", { path: packageOnce(), type: AssetType.FILE });
}
