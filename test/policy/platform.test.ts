/**
 * This repository's program passes its own preflight: zero mandatory
 * violations, and every advisory finding waived in policy/config with a written reason.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MIN_REASON_LENGTH } from "../../policy/lib/waivers";
import { defaultPolicyConfigFile, preflight } from "../../scripts/preflight/run";

const ROOT = path.resolve(__dirname, "../..");

describe("preflight on this platform (infra/index.ts, stack dev)", () => {
  it("has no mandatory or unwaived advisory findings, and every waiver is used and explained", async () => {
    const result = await preflight({ programDir: ROOT, stack: "dev" });
    expect(result.project).toBe("ecommerce-platform");
    expect(result.policyConfigFile).toBe(defaultPolicyConfigFile("ecommerce-platform", "dev"));
    expect(result.resourceCount).toBeGreaterThan(50);
    expect(result.violations.map((v) => `${v.level} [${v.policy}] ${v.detail}`)).toEqual([]);
    expect(result.unusedWaivers).toEqual([]);
    for (const w of result.waived) expect(w.waiver.reason.length).toBeGreaterThanOrEqual(MIN_REASON_LENGTH);
    expect(result.passed).toBe(true);
  });
});
