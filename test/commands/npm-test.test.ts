/**
 * The README's test commands work as users type them: `npm test -- infrastructure.int.test.ts`
 * after a deploy runs the post-deploy suite (it used to answer "No test files found" and exit 1),
 * and says why it skips when there are no stack outputs.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { namesIntegrationSuite } from "../../vitest.config";

const ROOT = path.resolve(__dirname, "../..");
const VITEST = path.join(ROOT, "node_modules", "vitest", "vitest.mjs");

describe("npm test's file filters", () => {
  it("recognise the integration suite by file or folder name, and nothing else", () => {
    expect(namesIntegrationSuite(["run", "infrastructure.int.test.ts"])).toBe(true);
    expect(namesIntegrationSuite(["run", "test/integration/infrastructure.int.test.ts"])).toBe(true);
    expect(namesIntegrationSuite(["run", "test/integration"])).toBe(true);
    expect(namesIntegrationSuite(["run", "infrastructure.int"])).toBe(true);
    expect(namesIntegrationSuite(["run"])).toBe(false);
    expect(namesIntegrationSuite(["run", "--coverage", "test/infra/program.test.ts"])).toBe(false);
    expect(namesIntegrationSuite(["run", "--reporter=verbose"])).toBe(false);
  });

  it("`npm test -- infrastructure.int.test.ts` runs the integration suite and, with no stack outputs, says why it skips (exit 0)", () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "no-outputs-"));
    try {
      // An empty data directory and no STACK_OUTPUTS_FILE: no outputs (no Pulumi CLI on this machine either).
      const env: NodeJS.ProcessEnv = { ...process.env, LOCAL_DATA_DIR: dataDir, CI: "1" };
      delete env.STACK_OUTPUTS_FILE;
      const run = spawnSync(process.execPath, [VITEST, "run", "infrastructure.int.test.ts"], { cwd: ROOT, env, encoding: "utf8", timeout: 120_000 });
      const output = run.stdout + run.stderr;
      expect(output).not.toContain("No test files found");
      expect(output).toContain("test/integration/infrastructure.int.test.ts");
      expect(output).toContain("[integration] skipped: no stack outputs found");
      expect(output).toContain(path.join(dataDir, "stack-outputs.json"));
      expect(run.status, output).toBe(0);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 150_000);
});
