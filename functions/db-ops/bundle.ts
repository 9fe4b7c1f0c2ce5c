// Bundles db-ops (with pg) into one CommonJS file for the Node.js Lambda runtime (handler `index.handler`).
import * as path from "node:path";
import { buildSync } from "esbuild";

/** Writes `<outDir>/index.js` and returns its absolute path. */
export function bundleDbOps(outDir: string): string {
  // Absolute, because esbuild would resolve a relative outfile against absWorkingDir, not the cwd.
  const outfile = path.resolve(outDir, "index.js");
  buildSync({
    entryPoints: [path.join(__dirname, "handler.ts")],
    // Source paths in the output are relative to this, so the bundle (and its asset hash) ignores the caller's cwd.
    absWorkingDir: path.resolve(__dirname, "..", ".."),
    outfile,
    bundle: true,
    platform: "node",
    // node20, like writer-sync: the local emulator runs bundles with Node 20, the nodejs22.x runtime runs it too.
    target: "node20",
    format: "cjs",
    external: [
      // The runtime ships AWS SDK v3; bundling it would only bloat the asset.
      "@aws-sdk/*",
      // pg loads its optional libpq binding only when `pg.native` is touched, which db-ops never does.
      "pg-native",
    ],
    minify: false,
    sourcemap: false,
    logLevel: "silent",
  });
  return outfile;
}
