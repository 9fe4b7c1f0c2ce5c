// Bundles writer-sync into one CommonJS file for the nodejs22.x runtime (Lambda handler `index.handler`).
import * as path from "node:path";
import { bundleFunction } from "../bundle";

/** Writes `<outDir>/index.js` and returns its absolute path. */
export function bundleWriterSync(outDir: string): string {
  return bundleFunction(path.join(__dirname, "handler.ts"), outDir);
}
