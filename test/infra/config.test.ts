/**
 * The stack config: one module reads and validates the stack config; a bad or
 * missing value fails with a message naming the key and what is allowed.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { CONFIG_KEYS, ConfigError, PROJECT_NAME, loadConfig, parseConfig, parseIpv4Cidr, type RawConfig } from "../../infra/config";
import { resolve } from "./harness";

const base: RawConfig = { environmentSuffix: "dev" };
const parse = (extra: RawConfig) => parseConfig({ ...base, ...extra });

/** Expects parsing to fail with a ConfigError naming `ecommerce-platform:<key>` and matching `allowed`. */
function expectRejected(extra: RawConfig, key: string, allowed: RegExp): void {
  let error: unknown;
  try {
    parse(extra);
  } catch (e) {
    error = e;
  }
  expect(error, `expected ${JSON.stringify(extra)} to be rejected`).toBeInstanceOf(ConfigError);
  const message = (error as Error).message;
  expect(message).toContain(key.includes(":") ? key : `ecommerce-platform:${key}`);
  expect(message).toMatch(allowed);
}

describe("config: defaults (seed values)", () => {
  it("only environmentSuffix is required; every other key has the documented default", () => {
    const c = parseConfig({ environmentSuffix: "dev" });
    expect(c).toMatchObject({
      environmentSuffix: "dev",
      environmentType: "dev",
      isProd: false,
      vpcCidr: "10.0.0.0/16",
      natGateways: "perAz",
      dbEngineVersion: "17",
      dbMinCapacity: 0.5,
      // What the dev peak (50 req/s per front door at 100 ms) needs.
      dbMaxCapacity: 1,
      // Deployable in a new account: memory (sized from the bench) within its 3008 MB cap, nothing reserved of its 10 executions.
      lambdaMemoryMb: 1769,
      lambdaReservedConcurrency: -1,
      lambdaProvisionedConcurrency: 0,
      lambdaProvisionedConcurrencyMax: 0,
      apiStageName: "prod",
      apiGatewayAccountSettings: "manage",
      apiThrottleRateLimit: 50,
      apiThrottleBurstLimit: 50,
      cloudfrontPriceClass: "PriceClass_100",
      alarmEmail: undefined,
      certificateArn: undefined,
      albDomainName: undefined,
      tags: { environmentSuffix: "dev", project: "ecommerce-platform", costCenter: "engineering", owner: "platform-team" },
    });
  });

  it("derives every limit on the path from the peak, per environment type (Little's law)", () => {
    const dev = parseConfig({ environmentSuffix: "dev" }).capacity;
    // 2 front doors x 50 req/s x 0.1 s = 10: a new account's whole quota, unreserved.
    expect(dev).toMatchObject({
      peakRequestsPerSecond: 50,
      concurrency: 10,
      apiThrottleRateLimit: 50,
      wafApiRateLimitPer5Min: 15_000,
      proxyBorrowTimeoutSeconds: 5,
    });
    const prod = parseConfig({ environmentSuffix: "prod", environmentType: "prod" });
    expect(prod.capacity).toMatchObject({ peakRequestsPerSecond: 500, concurrency: 100, apiThrottleRateLimit: 500, wafApiRateLimitPer5Min: 150_000 });
    expect(prod.lambdaReservedConcurrency).toBe(-1); // reserving stays opt-in (new accounts: quota 10)
    expect(prod.apiThrottleRateLimit).toBe(500);
    expect(prod.dbMaxCapacity).toBe(7.5);
  });

  it("reserved and provisioned concurrency derive only when the stack opts in with `auto`", () => {
    const c = parse({ environmentType: "prod", lambdaReservedConcurrency: "auto", lambdaProvisionedConcurrency: "auto" });
    expect(c).toMatchObject({ lambdaReservedConcurrency: 100, lambdaProvisionedConcurrency: 50, lambdaProvisionedConcurrencyMax: 100 });
  });

  it("refuses limits that disagree with the peak, naming the key", () => {
    expect(() => parse({ apiThrottleRateLimit: "10000" })).toThrow(/ecommerce-platform:apiThrottleRateLimit .*up to peakRequestsPerSecond \(50\)/);
    expect(() => parse({ lambdaReservedConcurrency: "5" })).toThrow(/ecommerce-platform:lambdaReservedConcurrency \(5\) cannot serve .* needs 10/);
    expect(() => parse({ peakRequestsPerSecond: "5000", dbMaxCapacity: "2" })).toThrow(/ecommerce-platform:dbMaxCapacity .*below the 75 ACU/);
    expect(parse({ peakRequestsPerSecond: "1000", requestDurationMs: "20" }).capacity.concurrency).toBe(40);
  });

  it("accepts every documented alternative value", () => {
    const c = parse({
      environmentType: "prod",
      vpcCidr: "172.20.0.0/20",
      natGateways: "single",
      dbEngineVersion: "16",
      dbMinCapacity: "1.5",
      dbMaxCapacity: "256",
      lambdaMemoryMb: "3072",
      lambdaReservedConcurrency: "-1",
      lambdaProvisionedConcurrency: "4",
      apiStageName: "v1_live",
      apiGatewayAccountSettings: "existing",
      apiThrottleRateLimit: "500",
      apiThrottleBurstLimit: "100",
      cloudfrontPriceClass: "PriceClass_All",
      alarmEmail: "ops@example.com",
      certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab",
      albDomainName: "api-origin.shop.example.com",
      "aws:region": "eu-west-1",
      project: "shop",
      costCenter: "cc-42",
      owner: "team@example.com",
    });
    expect(c.isProd).toBe(true);
    expect(c.vpcCidr).toBe("172.20.0.0/20");
    expect(c.natGateways).toBe("single");
    expect([c.dbMinCapacity, c.dbMaxCapacity]).toEqual([1.5, 256]);
    expect(c.lambdaReservedConcurrency).toBe(-1);
    expect([c.lambdaProvisionedConcurrency, c.lambdaProvisionedConcurrencyMax]).toEqual([4, 8]);
    expect(c.certificateArn).toContain(":certificate/");
    expect(c.albDomainName).toBe("api-origin.shop.example.com");
    expect(c.tags).toEqual({ environmentSuffix: "dev", project: "shop", costCenter: "cc-42", owner: "team@example.com" });
  });
});

describe("config: a bad or missing value names the key and what is allowed", () => {
  it("environmentSuffix is required", () => {
    expect(() => parseConfig({})).toThrow(/ecommerce-platform:environmentSuffix is required; allowed: 1-12 lowercase/);
    expect(() => parseConfig({ environmentSuffix: "  " })).toThrow(/environmentSuffix is required/);
  });

  it.each([["Dev"], ["dev_1"], ["-dev"], ["dev-"], ["abcdefghijklm"]])("environmentSuffix %s is rejected", (suffix) => {
    expect(() => parseConfig({ environmentSuffix: suffix })).toThrow(
      new RegExp(`ecommerce-platform:environmentSuffix is "${suffix}"; allowed: 1-12 lowercase letters or digits`),
    );
  });

  it("environmentType must be dev or prod", () => expectRejected({ environmentType: "staging" }, "environmentType", /allowed: dev, prod/));
  it("natGateways must be perAz or single", () => expectRejected({ natGateways: "none" }, "natGateways", /allowed: perAz, single/));

  it.each([["10.0.0.0/8"], ["10.0.0.0/25"], ["10.0.0.1/16"], ["300.0.0.0/16"], ["fd00::/48"], ["10.0.0.0"]])("vpcCidr %s is rejected", (cidr) =>
    expectRejected({ vpcCidr: cidr }, "vpcCidr", /allowed: an IPv4 network CIDR with a prefix from \/16 to \/24/),
  );

  it.each([["15"], ["18"], ["17.x"], ["latest"]])("dbEngineVersion %s is rejected", (v) =>
    expectRejected({ dbEngineVersion: v }, "dbEngineVersion", /allowed: an Aurora PostgreSQL major version: 16, 17/),
  );

  it.each([
    ["17.4", "17"],
    ["16.6", "16"],
  ])("a pinned minor dbEngineVersion %s is refused, pointing at the major %s (AWS upgrades minors itself)", (v, major) =>
    expectRejected({ dbEngineVersion: v }, "dbEngineVersion", new RegExp(`a minor version; allowed: the major only \\(16, 17\\), e.g. "${major}"`)),
  );

  it("apiGatewayAccountSettings must be manage or existing", () =>
    expectRejected({ apiGatewayAccountSettings: "none" }, "apiGatewayAccountSettings", /allowed: manage, existing/));

  it.each([["0"], ["0.25"], ["1.3"], ["257"], ["two"]])("dbMaxCapacity %s is rejected", (v) =>
    expectRejected({ dbMaxCapacity: v }, "dbMaxCapacity", /from 0\.5 to 256 in steps of 0\.5/),
  );

  it("dbMinCapacity may not exceed dbMaxCapacity", () => expectRejected({ dbMinCapacity: "8", dbMaxCapacity: "4" }, "dbMinCapacity", /allowed: min <= max/));

  it.each([["127"], ["10241"], ["3GB"], ["1.5"]])("lambdaMemoryMb %s is rejected", (v) =>
    expectRejected({ lambdaMemoryMb: v }, "lambdaMemoryMb", /from 128 to 10240/),
  );

  it.each([["-2"], ["1001"], ["ten"]])("lambdaReservedConcurrency %s is rejected", (v) =>
    expectRejected({ lambdaReservedConcurrency: v }, "lambdaReservedConcurrency", /0 to 1000, or -1 for unreserved/),
  );

  it("lambdaProvisionedConcurrency must be a non-negative integer", () =>
    expectRejected({ lambdaProvisionedConcurrency: "-1" }, "lambdaProvisionedConcurrency", /0 \(off\) or a positive integer/));

  it("lambdaProvisionedConcurrencyMax must be >= lambdaProvisionedConcurrency", () =>
    expectRejected(
      { lambdaReservedConcurrency: "-1", lambdaProvisionedConcurrency: "5", lambdaProvisionedConcurrencyMax: "3" },
      "lambdaProvisionedConcurrencyMax",
      /an integer >= lambdaProvisionedConcurrency \(5\)/,
    ));

  it("lambdaProvisionedConcurrencyMax without provisioned concurrency is refused (it would do nothing)", () =>
    expectRejected({ lambdaProvisionedConcurrencyMax: "4" }, "lambdaProvisionedConcurrencyMax", /set lambdaProvisionedConcurrency > 0 too/));

  it("provisioned concurrency cannot exceed the reserved concurrency", () =>
    expectRejected(
      { lambdaReservedConcurrency: "10", lambdaProvisionedConcurrency: "6" },
      "lambdaProvisionedConcurrencyMax",
      /exceeds lambdaReservedConcurrency \(10\)/,
    ));

  it("apiStageName is limited to API Gateway's stage characters", () =>
    expectRejected({ apiStageName: "prod stage" }, "apiStageName", /1-128 letters, digits, '-' and '_'/));

  it.each([["apiThrottleRateLimit"], ["apiThrottleBurstLimit"]])("%s must be a positive integer", (key) => {
    expectRejected({ [key]: "0" }, key, /a positive integer/);
    expectRejected({ [key]: "1e4" }, key, /a positive integer/);
  });

  it("cloudfrontPriceClass must be one of the three price classes", () =>
    expectRejected({ cloudfrontPriceClass: "PriceClass_50" }, "cloudfrontPriceClass", /PriceClass_100, PriceClass_200, PriceClass_All/));

  it("alarmEmail must be an e-mail address", () => expectRejected({ alarmEmail: "ops" }, "alarmEmail", /an e-mail address/));

  it("certificateArn must be an ACM certificate ARN in the stack region", () => {
    expectRejected({ certificateArn: "arn:aws:iam::123456789012:server-certificate/x" }, "certificateArn", /an ACM certificate ARN/);
    expectRejected(
      { certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/abc", "aws:region": "eu-west-1" },
      "certificateArn",
      /in the stack region \(eu-west-1\)/,
    );
  });

  // CloudFront checks the ALB's certificate against the origin name; the ALB's own name matches no certificate.
  it("albDomainName is required with certificateArn, refused without it, and must be a DNS name", () => {
    const cert = "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab";
    expectRejected({ certificateArn: cert }, "albDomainName", /is required with certificateArn/);
    expectRejected({ albDomainName: "api-origin.example.com" }, "albDomainName", /only together with certificateArn/);
    for (const bad of ["https://api.example.com", "api_origin.example.com", "localhost", "-api.example.com", "API.example.com"]) {
      expectRejected({ certificateArn: cert, albDomainName: bad }, "albDomainName", /a lowercase DNS name/);
    }
  });

  it.each([["project"], ["costCenter"], ["owner"]])("%s must be a valid AWS tag value", (key) =>
    expectRejected({ [key]: "a".repeat(257) }, key, /an AWS tag value/),
  );

  it("dbPassword set as plain text (not --secret) is refused", () => {
    expect(() => parseConfig({ ...base, dbPassword: "set" }, { secretKeys: [] })).toThrow(
      /ecommerce-platform:dbPassword is plain text; allowed: only a secret/,
    );
    expect(() => parseConfig({ ...base, dbPassword: "set" }, { secretKeys: ["ecommerce-platform:dbPassword"] })).not.toThrow();
  });
});

describe("config: unknown keys", () => {
  it("a misspelt key is refused instead of silently falling back to a default", () => {
    expect(() => parse({ natGateway: "single" })).toThrow(/ecommerce-platform:natGateway is not a setting of this program; allowed keys: environmentSuffix, /);
  });
});

describe("config: the committed project files", () => {
  const root = path.resolve(__dirname, "../..");

  it("Pulumi.yaml names the project ecommerce-platform and runs infra/index.ts (package.json main) from the root, where tsconfig.json is", () => {
    const project = YAML.parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8"));
    expect(project.name).toBe(PROJECT_NAME);
    expect(project.runtime.name).toBe("nodejs");
    // A file `main` would run the program with its directory as cwd (no tsconfig.json there).
    expect(project.main).toBeUndefined();
    const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
    expect(pkg.main).toBe("infra/index.ts");
    expect(pkg.type).toBeUndefined(); // CommonJS, as Pulumi's ts-node and tsconfig.json expect
    expect(fs.existsSync(path.join(root, pkg.main))).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(root, "tsconfig.json"), "utf8")).compilerOptions.module).toBe("commonjs");
  });

  it("Pulumi.dev.yaml is a valid stack config with no secrets in it", () => {
    const stack = YAML.parse(fs.readFileSync(path.join(root, "Pulumi.dev.yaml"), "utf8"));
    const raw: Record<string, string> = {};
    for (const [key, value] of Object.entries<unknown>(stack.config)) {
      expect(typeof value, `${key} must be a plain string (a secure: value would be a committed secret)`).toBe("string");
      raw[key.startsWith(`${PROJECT_NAME}:`) ? key.slice(PROJECT_NAME.length + 1) : key] = value as string;
    }
    expect(Object.keys(raw)).not.toContain("dbPassword");
    const c = parseConfig(raw);
    expect(c.environmentSuffix).toBe("dev");
    expect(c.isProd).toBe(false);
    expect(c.region).toBeTruthy();
  });
});

describe("config: documentation", () => {
  it("docs/infra.md documents every config key the program reads", () => {
    const docs = fs.readFileSync(path.resolve(__dirname, "../../docs/infra.md"), "utf8");
    const undocumented = CONFIG_KEYS.filter((key) => !new RegExp(`^\\|[^\\n]*\`${key}\``, "m").test(docs));
    expect(undocumented).toEqual([]);
  });
});

describe("config: loadConfig over pulumi.Config", () => {
  it("reads the stack's keys and returns dbPassword only as a Pulumi secret", async () => {
    pulumi.runtime.setAllConfig(
      {
        "ecommerce-platform:environmentSuffix": "qa1",
        "ecommerce-platform:natGateways": "single",
        "ecommerce-platform:dbPassword": "s3cretpassw0rd",
        "aws:region": "eu-west-1",
      },
      ["ecommerce-platform:dbPassword"],
    );
    const c = loadConfig();
    expect(c.environmentSuffix).toBe("qa1");
    expect(c.natGateways).toBe("single");
    expect(c.region).toBe("eu-west-1");
    expect(c.dbPassword).toBeDefined();
    expect(await pulumi.isSecret(c.dbPassword!)).toBe(true);
    expect(await resolve(c.dbPassword!)).toBe("s3cretpassw0rd");
  });

  it("reports a misspelt key found in the stack config", () => {
    pulumi.runtime.setAllConfig({ "ecommerce-platform:environmentSuffix": "qa1", "ecommerce-platform:dbMaxCapacty": "8" });
    expect(() => loadConfig()).toThrow(/ecommerce-platform:dbMaxCapacty is not a setting of this program/);
  });

  it("fails before any resource exists when a key is invalid", () => {
    pulumi.runtime.setAllConfig({ "ecommerce-platform:environmentSuffix": "qa1", "ecommerce-platform:lambdaMemoryMb": "64" });
    expect(() => loadConfig()).toThrow(/ecommerce-platform:lambdaMemoryMb is "64"; allowed: an integer from 128 to 10240/);
  });
});

describe("config: CIDR parsing", () => {
  it("parses dotted quads and prefixes, rejecting malformed input", () => {
    expect(parseIpv4Cidr("10.1.0.0/16")).toEqual({ address: (10 * 256 + 1) * 65536, prefix: 16 });
    expect(parseIpv4Cidr("10.1.0.0/33")).toBeUndefined();
    expect(parseIpv4Cidr("10.1.0/16")).toBeUndefined();
  });
});
