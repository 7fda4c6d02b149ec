import { defineConfig } from "vitest/config";

// `npm run test:e2e`: the storefront in real headless Chromium (Debian's /usr/bin/chromium driven by
// playwright-core) against the local platform, which each test file starts and stops itself.
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.e2e.test.ts"],
    pool: "forks",
    fileParallelism: false,
    testTimeout: 60_000,
    // The browser, the platform and other engineers' test runs share 2 cores: allow a page 5 s to settle.
    expect: { poll: { timeout: 5_000 } },
    hookTimeout: 180_000,
  },
});
