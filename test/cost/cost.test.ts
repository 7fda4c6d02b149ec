/**
 * `npm run cost` on a small program whose totals are computed here by hand from the us-east-1
 * list prices (test/fixtures/cost-program), the CLI's output and exit codes, and growth with
 * traffic and with instance counts.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import * as aws from "@pulumi/aws";
import { describe, expect, it } from "vitest";
import { costAt, estimate, monthlyFloor, perMillionRequests } from "../../policy/lib/cost/model";
import { BUILTIN_PRICE_TABLES } from "../../policy/lib/cost/price-table";
import { runUnderMocks } from "../../scripts/pulumi-mocks/session";
import { parseCostArgs } from "../../scripts/cost/args";
import { cost, costResource } from "../../scripts/cost/run";

const ROOT = path.resolve(__dirname, "../..");
const FIXTURE = path.join(ROOT, "test/fixtures/cost-program");
const GB = 2 ** 30;
const close = (actual: number, expected: number) => expect(actual).toBeCloseTo(expected, 6);

describe("a small program, priced by hand (us-east-1)", () => {
  // Floor: NAT gateway 730 h x $0.045 + its public IPv4 address 730 h x $0.005 + a KMS key $1
  // + a secret $0.40 + the table's assumed 1 GB x $0.25 (no PITR). Free: the role, the API's
  // resource, method, integration and usage plan.
  const floor = 730 * 0.045 + 730 * 0.005 + 1 + 0.4 + 1 * 0.25;
  // Per million requests, all through API Gateway (the program has no CloudFront):
  const perMillion =
    0.2 + // Lambda requests
    1e6 * 1 * 0.1 * 0.0000133334 + // 1024 MB arm64 x 100 ms
    3.5 + // REST API requests
    ((1e6 * 4096) / GB) * 0.09 + // 4 KiB responses out to the internet
    (0.85 * 2 + 0.12 * 1 + 0.03 * 1) * 0.125 + // read units of the mix: 1.85 per request
    (0.12 * 1 + 0.03 * 2) * 0.625 + // write units: 0.18 per request
    ((1e6 * 500) / GB) * 0.045; // 500 bytes of X-Ray uploads through the NAT gateway
  // Peak: 5 reserved executions / 0.1 s = 50 req/s (the usage plan's 100 req/s is above it), all month.
  const peakRequests = 50 * 730 * 3600;

  it("has the hand-computed floor, per-million cost and peak and average totals", async () => {
    const r = await cost({ programDir: FIXTURE });
    expect(r.region).toBe("us-east-1");
    close(r.floorUsd, floor);
    close(r.perMillionUsd, perMillion);
    expect(r.peak.requestsPerSecond).toBe(50);
    expect(r.peak.requestsPerMonth).toBe(peakRequests);
    close(r.peak.totalUsd, floor + (peakRequests / 1e6) * perMillion);
    close(r.average.totalUsd, floor + ((0.1 * peakRequests) / 1e6) * perMillion);
    expect(r.unpriced).toEqual([]);
    expect(r.free.map((f) => f.type).sort()).toEqual([
      "aws:apigateway/integration:Integration",
      "aws:apigateway/method:Method",
      "aws:apigateway/resource:Resource",
      "aws:apigateway/usagePlan:UsagePlan",
      "aws:iam/role:Role",
    ]);
  }, 60_000);

  // A program module runs once per process (Node caches it), so other configs of it run through the CLI below.
});

describe("the CLI", () => {
  it("parses its arguments and names what is wrong", () => {
    expect(
      parseCostArgs([
        "--stack",
        "prod",
        "--config",
        "natGateways=perAz",
        "--requests-per-month",
        "5_000_000",
        "--duration-ms",
        "40",
        "--prices",
        "a.json",
        "--json",
      ]),
    ).toEqual({
      programDir: ".",
      stack: "prod",
      config: { natGateways: "perAz" },
      requestsPerMonth: 5e6,
      durationMs: 40,
      priceFiles: ["a.json"],
      json: true,
      help: false,
    });
    // One message per flag, whatever is wrong with the value.
    expect(() => parseCostArgs(["--duration-ms", "0"])).toThrow('--duration-ms must be a number > 0, got "0"');
    expect(() => parseCostArgs(["--duration-ms", "abc"])).toThrow('--duration-ms must be a number > 0, got "abc"');
    expect(() => parseCostArgs(["--requests-per-month", "-1"])).toThrow('--requests-per-month must be a number >= 0, got "-1"');
    expect(() => parseCostArgs(["--config", "novalue"])).toThrow('--config expects key=value, got "novalue"');
    expect(() => parseCostArgs(["--prices"])).toThrow("--prices needs a value");
    expect(() => parseCostArgs(["--budget"])).toThrow('unknown argument "--budget"');
  });

  const run = promisify(execFile);
  const tsx = path.join(ROOT, "node_modules/.bin/tsx");
  const cli = (...args: string[]) =>
    run(tsx, ["scripts/cost.ts", ...args], { cwd: ROOT }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );

  it("prints the tables and the summary, and exits 0 when everything is priced", async () => {
    const { code, stdout } = await cli("--program", FIXTURE);
    expect(code).toBe(0);
    expect(stdout).toContain("Fixed monthly floor (no traffic): $38.15");
    expect(stdout).toMatch(/resource\s+dimension\s+quantity\s+unit price\s+monthly/);
    expect(stdout).toMatch(/nat\s+gateway-hours\s+730 hour\s+\$0\.045\s+\$32\.85/);
    expect(stdout).toMatch(
      /peak \(derived \(no stated peak\): 5 concurrent executions \/ 100 ms per request \(Little's law\) = 50 req\/s\)\s+50\s+131,400,000/,
    );
  }, 60_000);

  it("lists a type it has no price for as unpriced (never dropped) and exits 1; --json gives the report", async () => {
    const { code, stdout } = await cli("--program", FIXTURE, "--config", "extraQueue=true", "--json");
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.unpriced).toEqual([
      {
        urn: "urn:pulumi:dev::cost-small-program::pulumi:pulumi:Stack$aws:sqs/queue:Queue::queue",
        resource: "queue",
        type: "aws:sqs/queue:Queue",
        reason: "no price for this resource type in the cost model",
      },
    ]);
    expect(report.floorUsd).toBeCloseTo(38.15, 6);
  }, 60_000);

  it("prices the peak the program states in its stack output `capacity`, not the one its concurrency allows", async () => {
    const { code, stdout } = await cli("--program", FIXTURE, "--config", "statedPeak=30", "--json");
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.peak).toMatchObject({ requestsPerSecond: 30, stated: true, basis: "stated peak: 30 req/s x 1 front door (stack output capacity)" });
    // One front door: the same usage lines as the mix, at 30 req/s all month.
    expect(report.peak.totalUsd).toBeCloseTo(report.floorUsd + ((30 * 730 * 3600) / 1e6) * report.perMillionUsd, 6);
    expect(report.average).toMatchObject({ requestsPerSecond: 3, basis: "10% of the stated peak, all month" });
  }, 60_000);

  it("prices a stated average load with --requests-per-month", async () => {
    const { code, stdout } = await cli("--program", FIXTURE, "--requests-per-month", "20000000", "--json");
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.average).toMatchObject({ requestsPerMonth: 20e6, basis: "--requests-per-month" });
    expect(report.average.totalUsd).toBeCloseTo(report.floorUsd + 20 * report.perMillionUsd, 6);
  }, 60_000);

  it("exits 2 naming a bad argument or a bad price file", async () => {
    const bad = await cli("--requests-per-month", "lots");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--requests-per-month must be a number >= 0, got "lots"');
    const prices = await cli("--program", FIXTURE, "--prices", path.join(ROOT, "package.json"));
    expect(prices.code).toBe(2);
    expect(prices.stderr).toContain("package.json is invalid");
  }, 60_000);
});

/** Runs a few lines of Pulumi under the preflight's mocks and estimates what they register (us-east-1). */
async function estimateOf(body: () => void) {
  const { resources } = await runUnderMocks({ project: "test", stack: "dev", config: { "aws:region": "us-east-1" }, resolveFrom: ROOT }, async () => body());
  return estimate({ resources: resources.map(costResource), region: "us-east-1" });
}

function auroraCluster(instances: number, minCapacity: number, readerTier?: number) {
  new aws.rds.Cluster("db", {
    clusterIdentifier: "db",
    engine: "aurora-postgresql",
    engineMode: "provisioned",
    masterUsername: "shop",
    manageMasterUserPassword: true,
    serverlessv2ScalingConfiguration: { minCapacity, maxCapacity: 16 },
  });
  for (let i = 0; i < instances; i++) {
    const promotionTier = i === 0 ? 0 : readerTier;
    new aws.rds.ClusterInstance(`db-${i}`, {
      identifier: `db-${i}`,
      clusterIdentifier: "db",
      engine: "aurora-postgresql",
      instanceClass: "db.serverless",
      promotionTier,
    });
  }
  new aws.rds.Proxy("proxy", {
    name: "proxy",
    engineFamily: "POSTGRESQL",
    roleArn: "arn:aws:iam::123456789012:role/proxy",
    vpcSubnetIds: ["subnet-a", "subnet-b"],
    auths: [{ authScheme: "SECRETS", secretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db" }],
  });
}

describe("cost grows with instance counts and with traffic", () => {
  it("each Aurora instance adds its minimum ACUs; RDS Proxy bills at least 8 ACUs, then the instances' total", async () => {
    const one = await estimateOf(() => auroraCluster(1, 2));
    const three = await estimateOf(() => auroraCluster(3, 2));
    const five = await estimateOf(() => auroraCluster(5, 2));
    const floor = (e: Awaited<ReturnType<typeof estimateOf>>) => monthlyFloor(e, BUILTIN_PRICE_TABLES);
    // 10 GB storage x $0.10 + instances x 2 ACU x 730 h x $0.12 + proxy max(8, 2 x instances) ACU x 730 h x $0.015
    close(floor(one), 1 + 1 * 2 * 730 * 0.12 + 8 * 730 * 0.015);
    close(floor(three), 1 + 3 * 2 * 730 * 0.12 + 8 * 730 * 0.015);
    close(floor(five), 1 + 5 * 2 * 730 * 0.12 + 10 * 730 * 0.015);
  }, 60_000);

  it("traffic above the minimum ACUs costs ACU-hours, up to the instances' maximum", async () => {
    const e = await estimateOf(() => auroraCluster(1, 0.5));
    const acu = (n: number) => costAt(e, BUILTIN_PRICE_TABLES, n).lines.find((l) => l.dimension.startsWith("ACU-hours above"))!.quantity;
    // 0.2 x 0.85 + 3 x 0.12 + 10 x 0.03 = 0.83 statements per request; 200 per ACU-second.
    const perRequest = 0.83 / 200 / 3600;
    expect(acu(1e6)).toBe(0); // inside the 0.5 ACU x 730 h the floor pays for
    close(acu(1e9), 1e9 * perRequest - 0.5 * 730);
    close(acu(1e13), (16 - 0.5) * 730); // capped at the maximum
  }, 60_000);

  it("readers in promotion tiers 0-1 (RDS's default is 1) follow the writer's capacity, so they cost what it does", async () => {
    const perRequest = (e: Awaited<ReturnType<typeof estimateOf>>) => e.usage.find((l) => l.dimension.startsWith("ACU-hours above"))!.perRequest;
    const following = await estimateOf(() => auroraCluster(3, 0.5));
    const independent = await estimateOf(() => auroraCluster(3, 0.5, 2));
    const perStatement = 1 / 200 / 3600;
    // 0.83 statements a request, 80% on the writer, the rest split over the two readers.
    close(perRequest(following) / perStatement, 0.83 * 0.8 * 3);
    close(perRequest(independent) / perStatement, 0.83 * 0.8 + 0.83 * 0.2);
  }, 60_000);

  it("a table without billingMode is provisioned (the provider's default): its capacity is fixed, its requests free", async () => {
    const e = await estimateOf(() => {
      new aws.dynamodb.Table("t", { name: "t", hashKey: "pk", attributes: [{ name: "pk", type: "S" }], readCapacity: 5, writeCapacity: 5 });
    });
    close(monthlyFloor(e, BUILTIN_PRICE_TABLES), 0.25 + 5 * 730 * 0.00013 + 5 * 730 * 0.00065);
    expect(e.usage).toEqual([]);
  }, 60_000);

  it("the total grows with requests, and per million it is the usage lines' marginal rate", async () => {
    const e = await estimateOf(() => auroraCluster(3, 0.5));
    const totals = [0, 1e6, 1e8, 1e10].map((n) => costAt(e, BUILTIN_PRICE_TABLES, n).totalUsd);
    for (let i = 1; i < totals.length; i++) expect(totals[i]!).toBeGreaterThan(totals[i - 1]!);
    expect(perMillionRequests(e, BUILTIN_PRICE_TABLES).totalUsd).toBeGreaterThan(0);
  }, 60_000);
});
