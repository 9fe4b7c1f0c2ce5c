// Bundles db-ops (with pg) into one CommonJS file for the Node.js Lambda runtime (handler `index.handler`).
import * as path from "node:path";
import { bundleFunction } from "../bundle";

/** Writes `<outDir>/index.js` and returns its absolute path. */
export function bundleDbOps(outDir: string): string {
  // pg loads its optional libpq binding only when `pg.native` is touched, which db-ops never does.
  return bundleFunction(path.join(__dirname, "handler.ts"), outDir, ["pg-native"]);
}
