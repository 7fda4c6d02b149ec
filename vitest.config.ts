import { defineConfig } from "vitest/config";

/**
 * `npm test` runs every unit, contract, infrastructure and policy test. The post-deploy integration
 * suite (test/integration) has its own config (`npm run test:integration`), but naming it on the
 * command line, as in `npm test -- infrastructure.int.test.ts` after a deploy, runs it too instead
 * of answering "No test files found". Browser tests (test/e2e) have their own config.
 */
export const INTEGRATION_FILTER = /\.int(\.test)?(\.ts)?$|(^|\/)integration(\/|$)/;

/** True when a command-line file filter names the integration suite. */
export function namesIntegrationSuite(argv: readonly string[]): boolean {
  return argv.some((arg) => !arg.startsWith("-") && INTEGRATION_FILTER.test(arg));
}

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: [...(namesIntegrationSuite(process.argv.slice(2)) ? [] : ["test/integration/**"]), "test/e2e/**", "node_modules/**"],
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
