/**
 * `npm run cost` on this platform's dev and prod stacks (Pulumi.dev.yaml, Pulumi.prod.yaml): every
 * resource type the program registers is priced or explicitly free (a new type with no price
 * fails here), the cost grows with AZ (NAT gateway) counts and with traffic, and the peak priced
 * is the one the stack states (config peakRequestsPerSecond, through the stack output `capacity`).
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { FREE_TYPES } from "../../policy/lib/cost/free-types";
import { PRICED_TYPES } from "../../policy/lib/cost/model";
import type { CostReport } from "../../scripts/cost/run";

const ROOT = path.resolve(__dirname, "../..");
const run = promisify(execFile);

/**
 * The CLI in its own process (a program module runs once per process), read through a pipe as
 * `npm run cost -- --json | jq` would: the report is larger than a pipe's 64 KiB buffer and must
 * arrive whole (exiting before stdout drained cut it at 65,536 bytes in some runs).
 */
async function costJson(...args: string[]): Promise<CostReport> {
  const command = `"${path.join(ROOT, "node_modules/.bin/tsx")}" scripts/cost.ts --json ${args.join(" ")} | cat`;
  const { stdout } = await run("bash", ["-o", "pipefail", "-c", command], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 }).catch(
    (e: { stdout: string; stderr: string; code: number }) => {
      throw new Error(`npm run cost ${args.join(" ")} exited ${e.code}:\n${e.stderr}\n${e.stdout.slice(0, 2000)}`);
    },
  );
  return JSON.parse(stdout) as CostReport;
}

let dev: CostReport;
let prod: CostReport;
let devPerAz: CostReport;
let devPeak80: CostReport;
let devThrottle10: CostReport;

beforeAll(async () => {
  [dev, prod, devPerAz, devPeak80, devThrottle10] = await Promise.all([
    costJson("--stack", "dev"),
    costJson("--stack", "prod"),
    costJson("--stack", "dev", "--config", "natGateways=perAz"),
    costJson("--stack", "dev", "--config", "peakRequestsPerSecond=80"),
    costJson("--stack", "dev", "--config", "apiThrottleRateLimit=10"),
  ]);
}, 240_000);

describe("the platform's resource types", () => {
  it.each(["dev", "prod"])("%s: every registered resource is priced or explicitly free; none unpriced", (stack) => {
    const r = stack === "dev" ? dev : prod;
    expect(r.unpriced).toEqual([]);
    for (const f of r.free) expect(FREE_TYPES[f.type] !== undefined || PRICED_TYPES.includes(f.type), f.type).toBe(true);
    for (const l of r.lines) expect(PRICED_TYPES, l.type).toContain(l.type);
  });

  it("prices the fixed costs a newcomer does not see", () => {
    const floorOf = (r: CostReport, type: string) => r.lines.filter((l) => l.kind === "fixed" && l.type === type).reduce((s, l) => s + l.monthlyUsd, 0);
    // RDS Proxy bills 8 ACUs on Serverless v2 however small the cluster.
    expect(dev.lines.find((l) => l.type === "aws:rds/proxy:Proxy" && l.kind === "fixed")!.quantity).toBe(8 * 730);
    // Three Aurora instances at their minimum ACUs; prod's budget and provisioned concurrency.
    expect(dev.lines.filter((l) => l.type === "aws:rds/clusterInstance:ClusterInstance")).toHaveLength(3);
    expect(floorOf(prod, "aws:budgets/budget:Budget")).toBeGreaterThan(0);
    expect(floorOf(prod, "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig")).toBeGreaterThan(0);
    // $1 a month each: Aurora, tables, logs, the alarm topic, the managed log groups (the edge's in two regions).
    const keys = dev.lines.filter((l) => l.kind === "fixed" && l.type === "aws:kms/key:Key");
    expect(keys.length).toBeGreaterThanOrEqual(5);
    expect(floorOf(dev, "aws:kms/key:Key")).toBe(keys.length);
  });
});

describe("cost grows", () => {
  it("with the number of NAT gateways: perAz adds two gateways and their public IPv4 addresses (eu-west-1)", () => {
    expect(devPerAz.floorUsd - dev.floorUsd).toBeCloseTo(2 * 730 * (0.048 + 0.005), 6);
  });

  it("with traffic: floor < average < peak, and prod costs more than dev at every level", () => {
    for (const r of [dev, prod]) {
      expect(r.average.totalUsd).toBeGreaterThan(r.floorUsd);
      expect(r.peak.totalUsd).toBeGreaterThan(r.average.totalUsd);
      expect(r.perMillionUsd).toBeGreaterThan(0);
    }
    expect(prod.floorUsd).toBeGreaterThan(dev.floorUsd);
    expect(prod.peak.totalUsd).toBeGreaterThan(dev.peak.totalUsd);
  });
});

describe("the peak priced is the one the stack states", () => {
  it("is peakRequestsPerSecond on each of the two front doors (defaults: dev 50, prod 500), labelled as stated", () => {
    expect(dev.peak).toMatchObject({ requestsPerSecond: 100, requestsPerMonth: 100 * 730 * 3600, stated: true });
    expect(prod.peak).toMatchObject({ requestsPerSecond: 1000, stated: true });
    expect(dev.peak.basis).toBe("stated peak: 50 req/s x 2 front doors (stack output capacity), each at its peak");
    // The average is a share of it.
    expect(dev.average.requestsPerSecond).toBeCloseTo(0.1 * 100, 6);
    expect(dev.average.basis).toBe("10% of the stated peak, all month");
  });

  it("follows --config peakRequestsPerSecond", () => {
    expect(devPeak80.peak.requestsPerSecond).toBe(160);
    expect(devPeak80.peak.totalUsd).toBeGreaterThan(dev.peak.totalUsd);
    expect(devPeak80.average.requestsPerSecond).toBeCloseTo(16, 6);
  });

  it("does not move with the API Gateway throttle alone (a lower throttle is allowed; the peak stays the stated one)", () => {
    expect(devThrottle10.peak).toEqual(dev.peak);
    expect(devThrottle10.average).toEqual(dev.average);
  });
});
