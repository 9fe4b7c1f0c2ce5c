// Test tiers: `unit` (synthesized JSON, pure functions), `terraform` (offline validate) and
// `integration` (the real provider against the local emulator). `npm test` runs all three.
import { readFileSync } from "node:fs";
import { defineConfig } from "vitest/config";

export default defineConfig({
  // A `.pem` import is the file's text, as esbuild's text loader makes it in the function bundles.
  plugins: [
    {
      name: "pem-as-text",
      load: (id: string) => (id.endsWith(".pem") ? `export default ${JSON.stringify(readFileSync(id, "utf8"))};` : undefined),
    },
  ],
  test: {
    include: ["__tests__/**/*.test.ts"],
    environment: "node",
    // Files share one module registry per worker: the provider's modules load once, and the shipped
    // deployments are built once (`shipped()` in __tests__/helpers/synth.ts), not per file. Shared
    // fixtures are only read; a test that changes a deployment builds its own variant.
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 600_000,
  },
});
