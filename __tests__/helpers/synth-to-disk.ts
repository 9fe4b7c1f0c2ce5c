// Synthesizes deployments into a folder on disk, as `cdktf synth` does, for Terraform to read.
import { App } from "cdktf";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildDeployment } from "../../stacks/build-lab";
import type { RuntimeSettings } from "../../variables/runtime";
import type { Deployment } from "../../variables/schema";

/** Returns the folder of each synthesized stack, keyed by stack id. */
export function synthToDisk(
  deployments: readonly Deployment[],
  runtime: RuntimeSettings,
  outdir = mkdtempSync(join(tmpdir(), "lab-synth-")),
): Record<string, string> {
  const app = new App({ outdir, skipValidation: false });
  const stackIds: string[] = [];
  for (const deployment of deployments) {
    const stacks = buildDeployment(app, deployment, runtime);
    stackIds.push(...stacks.all.map((stack) => stack.node.id));
  }
  app.synth();
  return Object.fromEntries(stackIds.map((id) => [id, join(outdir, "stacks", id)]));
}
