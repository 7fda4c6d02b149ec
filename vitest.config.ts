import { defineConfig } from "vitest/config";

// `npm test` runs every unit, contract, infrastructure and policy test.
// Post-deploy integration tests (test/integration) and browser tests (test/e2e) have their own configs.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/integration/**", "test/e2e/**", "node_modules/**"],
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 120_000,
    coverage: {
      provider: "v8",
      include: ["infra/**/*.ts", "app/src/**/*.ts", "edge/src/**/*.ts", "policy/**/*.ts", "scripts/**/*.ts"],
      reporter: ["text-summary", "text", "lcov"],
    },
  },
});
