// Test tiers: `unit` (synthesized JSON, pure functions), `terraform` (offline validate) and
// `integration` (the real provider against the local emulator). `npm test` runs all three.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["__tests__/**/*.test.ts"],
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 600_000,
  },
});
