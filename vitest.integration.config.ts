import { defineConfig } from "vitest/config";

// `npm run test:integration`: post-deploy checks of a running platform (a deployed stack or the
// local platform), found through test/integration/stack-outputs.ts. Network calls: generous timeouts.
export default defineConfig({
  test: {
    include: ["test/integration/**/*.int.test.ts"],
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
