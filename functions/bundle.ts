// Bundles a Lambda handler into one CommonJS file for the Node.js runtime (handler `index.handler`).
import * as path from "node:path";
import { buildSync } from "esbuild";

/** Writes `<outDir>/index.js` from `entry` and returns its absolute path; `external` adds modules left out. */
export function bundleFunction(entry: string, outDir: string, external: readonly string[] = []): string {
  // Absolute, because esbuild would resolve a relative outfile against absWorkingDir, not the cwd.
  const outfile = path.resolve(outDir, "index.js");
  buildSync({
    entryPoints: [entry],
    // esbuild writes source paths relative to this into the output; pinning it to the project root
    // keeps the bundle (and so the Terraform asset hash) independent of the caller's cwd.
    absWorkingDir: path.resolve(__dirname, ".."),
    outfile,
    bundle: true,
    platform: "node",
    // node20, not node22: the local emulator runs the bundle with this machine's Node 20; the
    // nodejs22.x runtime runs it as well.
    target: "node20",
    format: "cjs",
    // The runtime ships AWS SDK v3; bundling it would only bloat the asset.
    external: ["@aws-sdk/*", ...external],
    // A certificate bundle is imported as its text (certificates/pem.d.ts).
    loader: { ".pem": "text" },
    minify: false,
    sourcemap: false,
    logLevel: "silent",
  });
  return outfile;
}
