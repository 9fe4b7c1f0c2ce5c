// Test tiers: `unit` (synthesized JSON, pure functions), `terraform` (offline validate) and
// `integration` (the real provider against the local emulator). `npm test` runs all three.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["__tests__/**/*.test.ts"],
    environment: "node",
    // Files share one module registry per worker: the provider's modules load once, not per file
    // (unit tier ~17 s -> ~8 s). Tests keep no global state between files.
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 600_000,
  },
});
