// A Lambda function's package as a Terraform asset: bundled and zipped once per process, deterministically.
import { AssetType, TerraformAsset, TerraformStack } from "cdktf";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Construct } from "constructs";
import { zipEntries } from "../functions/zip";

const BUILD_ROOT = resolve(__dirname, "..", ".lab", "build");
const packaged = new Map<string, string>();

export interface FunctionCodeProps {
  /** The asset's id in its stack, e.g. `WriterSyncCode`. */
  readonly assetId: string;
  /** Build folder and zip name, e.g. `writer-sync`. */
  readonly name: string;
  /** Writes `index.js` into the folder it is given and returns its path. */
  readonly bundle: (outDir: string) => string;
}

function packageOnce(props: FunctionCodeProps): string {
  let zip = packaged.get(props.name);
  if (zip === undefined) {
    const buildDir = join(BUILD_ROOT, props.name);
    mkdirSync(buildDir, { recursive: true });
    const entry = props.bundle(buildDir);
    zip = join(BUILD_ROOT, `${props.name}.zip`);
    writeFileSync(zip, zipEntries([{ name: "index.js", data: readFileSync(entry) }]));
    packaged.set(props.name, zip);
  }
  return zip;
}

/** One asset per stack and function, shared by every construct that runs it; the zip's bytes depend on the code only. */
export function functionCode(scope: Construct, props: FunctionCodeProps): TerraformAsset {
  const stack = TerraformStack.of(scope);
  const existing = stack.node.tryFindChild(props.assetId);
  if (existing) return existing as TerraformAsset;
  return new TerraformAsset(stack, props.assetId, { path: packageOnce(props), type: AssetType.FILE });
}
