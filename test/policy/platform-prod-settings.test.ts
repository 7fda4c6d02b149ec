/**
 * This repository's program with the production settings (environmentType prod, a NAT gateway per
 * zone, room for the prod peak's ACUs) passes its own preflight too, under the prod pack config (the dev one caps the fixed monthly
 * floor, which prod settings exceed on purpose). Its own file: a program module runs once per test process.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MIN_REASON_LENGTH } from "../../policy/lib/waivers";
import { preflight } from "../../scripts/preflight/run";

const ROOT = path.resolve(__dirname, "../..");

describe("preflight on this platform with prod settings", () => {
  it("has no mandatory or unwaived advisory findings, and every waiver is explained", async () => {
    const result = await preflight({
      programDir: ROOT,
      stack: "dev",
      config: { environmentType: "prod", natGateways: "perAz", dbMaxCapacity: "16" },
      policyConfigFile: path.join(ROOT, "policy/config/ecommerce-platform.prod.json"),
    });
    expect(result.resourceCount).toBeGreaterThan(50);
    expect(Object.values(result.resources).filter((r) => r.type === "aws:ec2/natGateway:NatGateway").length).toBeGreaterThan(1);
    expect(result.violations.map((v) => `${v.level} [${v.policy}] ${v.detail}`)).toEqual([]);
    for (const w of result.waived) expect(w.waiver.reason.length).toBeGreaterThanOrEqual(MIN_REASON_LENGTH);
    expect(result.passed).toBe(true);
  });
});
