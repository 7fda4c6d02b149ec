/**
 * The one typed, validated view of the stack's configuration.
 *
 * `parseConfig` is pure (raw strings in, typed object out) so every rule is testable
 * without Pulumi; `loadConfig` is the thin adapter over `pulumi.Config`. A bad or
 * missing value throws an error that names the key (`ecommerce-platform:<key>`) and
 * what is allowed, before any resource is registered.
 */
import * as pulumi from "@pulumi/pulumi";
import type { TagContext } from "./tags";
import { AURORA_ACU, fitsReservedConcurrency, isAcuStep, LAMBDA_LIMITS, WAF_RATE_LIMIT } from "../policy/lib/limits";
import { NAME_LIMITS, nameProblems, type NameKind } from "../policy/lib/names";
import { capacityPlan, DEFAULT_PEAK_REQUESTS_PER_SECOND, DEFAULT_REQUEST_DURATION_MS, type CapacityPlan } from "./capacity";

export const PROJECT_NAME = "ecommerce-platform";

export type EnvironmentType = "dev" | "prod";
export type NatGatewayMode = "perAz" | "single";
/**
 * Who owns the region's API Gateway account settings (its CloudWatch role), a per-account, per-region
 * singleton: `manage` = this stack sets them and leaves them in place on destroy; `existing` = another
 * stack or the platform team already did, this stack touches nothing account-wide.
 */
export type ApiGatewayAccountSettings = "manage" | "existing";
export type CloudfrontPriceClass = "PriceClass_100" | "PriceClass_200" | "PriceClass_All";

export interface PlatformConfig {
  readonly environmentSuffix: string;
  readonly environmentType: EnvironmentType;
  /** prod: deletion protection, final snapshot, no forceDestroy, retained secrets. */
  readonly isProd: boolean;
  readonly region?: string;
  readonly vpcCidr: string;
  readonly natGateways: NatGatewayMode;
  /** Aurora PostgreSQL major version ("16" or "17"); AWS picks and upgrades the minor. */
  readonly dbEngineVersion: string;
  readonly dbMinCapacity: number;
  readonly dbMaxCapacity: number;
  /** Secret config override of the generated master password (never plain config). */
  readonly dbPassword?: pulumi.Output<string>;
  readonly lambdaMemoryMb: number;
  /** -1 = unreserved. */
  readonly lambdaReservedConcurrency: number;
  /** 0 = off; N > 0 = alias `live` with N provisioned executions and auto scaling up to the max. */
  readonly lambdaProvisionedConcurrency: number;
  readonly lambdaProvisionedConcurrencyMax: number;
  readonly apiStageName: string;
  readonly apiGatewayAccountSettings: ApiGatewayAccountSettings;
  readonly apiThrottleRateLimit: number;
  readonly apiThrottleBurstLimit: number;
  readonly cloudfrontPriceClass: CloudfrontPriceClass;
  readonly alarmEmail?: string;
  readonly certificateArn?: string;
  /**
   * With certificateArn: the DNS name (pointing at the ALB, covered by the certificate) CloudFront
   * reaches the ALB by over HTTPS. The ALB's own *.elb.amazonaws.com name matches no ACM certificate.
   */
  readonly albDomainName?: string;
  /** Monthly cost budget (USD) for the account; notifications at 80% and 100% go to the alarm topic. Unset: no budget. */
  readonly monthlyBudgetUsd?: number;
  /** WAF rule action: `block` (prod: always), or `count` to observe first (dev only). */
  readonly wafMode: "block" | "count";
  /** Generation of the session signing keys: +1 rotates them with nobody logged out (docs/edge-monitoring.md). */
  readonly sessionKeyGeneration: number;
  /** Generation of the CloudFront -> ALB origin-verify value: +1 rotates it with no refused request. */
  readonly originVerifyGeneration: number;
  /** Per-IP requests per 5 minutes the web ACLs allow. */
  readonly wafRateLimitPerIp: number;
  /** Every limit on the request path, derived from peakRequestsPerSecond (infra/capacity.ts, docs/capacity.md). */
  readonly capacity: CapacityPlan;
  /** Values for the standard tags (infra/tags.ts). */
  readonly tags: TagContext;
}

/** Raw config values as strings, keyed without the project prefix (`aws:region` keeps its namespace). */
export type RawConfig = Readonly<Record<string, string | undefined>>;

export class ConfigError extends Error {
  constructor(key: string, problem: string) {
    super(`${key.includes(":") ? key : `${PROJECT_NAME}:${key}`} ${problem}`);
    this.name = "ConfigError";
  }
}

/** Every key this program reads (besides aws:region), so unknown or misspelt keys can be reported. */
export const CONFIG_KEYS = [
  "environmentSuffix",
  "environmentType",
  "vpcCidr",
  "natGateways",
  "dbEngineVersion",
  "dbMinCapacity",
  "dbMaxCapacity",
  "dbPassword",
  "peakRequestsPerSecond",
  "requestDurationMs",
  "lambdaMemoryMb",
  "lambdaReservedConcurrency",
  "lambdaProvisionedConcurrency",
  "lambdaProvisionedConcurrencyMax",
  "apiStageName",
  "apiGatewayAccountSettings",
  "apiThrottleRateLimit",
  "apiThrottleBurstLimit",
  "cloudfrontPriceClass",
  "wafMode",
  "wafRateLimitPerIp",
  "alarmEmail",
  "sessionKeyGeneration",
  "originVerifyGeneration",
  "certificateArn",
  "albDomainName",
  "monthlyBudgetUsd",
  "project",
  "costCenter",
  "owner",
] as const;

function present(raw: RawConfig, key: string): string | undefined {
  const value = raw[key];
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

function oneOf<T extends string>(raw: RawConfig, key: string, allowed: readonly T[], fallback: T): T {
  const value = present(raw, key);
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(key, `is "${value}"; allowed: ${allowed.join(", ")}`);
  }
  return value as T;
}

function integer(raw: RawConfig, key: string, fallback: number, min: number, max: number, allowedText?: string): number {
  const value = present(raw, key);
  if (value === undefined) return fallback;
  const n = /^-?\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new ConfigError(key, `is "${value}"; allowed: ${allowedText ?? `an integer from ${min} to ${max}`}`);
  }
  return n;
}

function matching(raw: RawConfig, key: string, pattern: RegExp, allowedText: string, fallback?: string): string | undefined {
  const value = present(raw, key);
  if (value === undefined) return fallback;
  if (!pattern.test(value)) throw new ConfigError(key, `is "${value}"; allowed: ${allowedText}`);
  return value;
}

/**
 * ACUs in Aurora's half steps, from 0.5: AWS accepts a 0 minimum (auto-pause) on the engines this program
 * deploys, but auto-pause does not work with RDS Proxy (aws/agent-toolkit-for-aws, Aurora PostgreSQL
 * "serverless-advisory-concepts": "Incompatible with: RDS Proxy"), which always fronts this cluster.
 */
function acu(raw: RawConfig, key: string, fallback: number): number {
  const value = present(raw, key);
  if (value === undefined) return fallback;
  const n = /^\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
  if (!(n >= AURORA_ACU.minWithoutAutoPause && n <= AURORA_ACU.max && isAcuStep(n))) {
    const autoPause = n === AURORA_ACU.min ? " (0 means auto-pause, which RDS Proxy in front of the cluster prevents)" : "";
    throw new ConfigError(
      key,
      `is "${value}"${autoPause}; allowed: Aurora capacity units from ${AURORA_ACU.minWithoutAutoPause} to ${AURORA_ACU.max} in steps of ${AURORA_ACU.step}`,
    );
  }
  return n;
}

/** A name AWS checks at deploy time, held to the policy pack's rule for its kind (policy/lib/names.ts). */
function awsName(raw: RawConfig, key: string, kind: NameKind, fallback: string): string {
  const value = present(raw, key) ?? fallback;
  const rule = NAME_LIMITS[kind];
  if (nameProblems(rule, value).length > 0) throw new ConfigError(key, `is "${value}"; allowed: ${rule.min}-${rule.max} ${rule.allowed}`);
  return value;
}

/** Parses an IPv4 CIDR into its network address (as a 32-bit number) and prefix length, or undefined. */
export function parseIpv4Cidr(cidr: string): { address: number; prefix: number } | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  return { address, prefix };
}

function vpcCidr(raw: RawConfig): string {
  const key = "vpcCidr";
  const value = present(raw, key) ?? "10.0.0.0/16";
  const allowed = "an IPv4 network CIDR with a prefix from /16 to /24 (e.g. 10.0.0.0/16), host bits zero";
  const parsed = parseIpv4Cidr(value);
  if (!parsed || parsed.prefix < 16 || parsed.prefix > 24) throw new ConfigError(key, `is "${value}"; allowed: ${allowed}`);
  const hostSize = 2 ** (32 - parsed.prefix);
  if (parsed.address % hostSize !== 0) throw new ConfigError(key, `is "${value}", which has host bits set; allowed: ${allowed}`);
  return value;
}

/**
 * Lambda memory, chosen from `npm run bench -- roundtrips checkout`: the API's
 * peak RSS under checkout load is about 170 MiB and its handler is
 * single-threaded, so memory beyond that only buys CPU share, one full vCPU at
 * 1,769 MB. Requests are mostly CPU (a cart write or checkout: about 10 ms CPU
 * against 3 round trips), so below 1,769 MB they run slower for about the same
 * GB-seconds, and above it they bill more for no speed: at 1,769 MB a request
 * is as fast as at 3008 MB for about 40% fewer GB-seconds. Within every
 * account's default cap (3008 MB).
 */
export const DEFAULT_LAMBDA_MEMORY_MB = 1769;
/** lambdaReservedConcurrency value meaning "draw from the account's unreserved pool". */
export const UNRESERVED = -1;
export const DB_ENGINE_MAJORS = ["16", "17"] as const;
/** apiStageName when unset (also the RestApi component's default). */
export const DEFAULT_API_STAGE_NAME = "prod";
/** cloudfrontPriceClass when unset (also the Cdn component's default): North America and Europe. */
export const DEFAULT_CLOUDFRONT_PRICE_CLASS: CloudfrontPriceClass = "PriceClass_100";

function dbMajorVersion(raw: RawConfig): string {
  const key = "dbEngineVersion";
  const value = present(raw, key) ?? "17";
  if ((DB_ENGINE_MAJORS as readonly string[]).includes(value)) return value;
  const minor = /^(1[67])\.\d{1,2}$/.exec(value);
  if (minor) {
    throw new ConfigError(
      key,
      `is "${value}", a minor version; allowed: the major only (${DB_ENGINE_MAJORS.join(", ")}), e.g. "${minor[1]}". AWS upgrades minors automatically and a pinned minor would then plan a downgrade that fails`,
    );
  }
  throw new ConfigError(key, `is "${value}"; allowed: an Aurora PostgreSQL major version: ${DB_ENGINE_MAJORS.join(", ")}`);
}

const SUFFIX_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?$/;
const TAG_VALUE_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,256}$/u;
const CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate\/[A-Za-z0-9-]+$/;
/** A fully qualified DNS name: dot-separated labels of letters, digits and inner '-', at most 253 characters. */
const DNS_NAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;

export interface ParseOptions {
  /** Fully qualified keys Pulumi holds as secrets (PULUMI_CONFIG_SECRET_KEYS); when known, dbPassword must be one. */
  readonly secretKeys?: readonly string[];
}

/** Validates raw stack config into a PlatformConfig (without the secret dbPassword, which loadConfig adds). */
export function parseConfig(raw: RawConfig, options: ParseOptions = {}): Omit<PlatformConfig, "dbPassword"> {
  // A misspelt key would otherwise be ignored silently and its default used.
  const known: readonly string[] = CONFIG_KEYS;
  for (const key of Object.keys(raw)) {
    if (!key.includes(":") && !known.includes(key)) {
      throw new ConfigError(key, `is not a setting of this program; allowed keys: ${CONFIG_KEYS.join(", ")}`);
    }
  }
  const environmentSuffix = present(raw, "environmentSuffix");
  if (environmentSuffix === undefined) {
    throw new ConfigError(
      "environmentSuffix",
      "is required; allowed: 1-12 lowercase letters or digits, '-' only inside (e.g. `pulumi config set environmentSuffix dev`)",
    );
  }
  if (!SUFFIX_PATTERN.test(environmentSuffix)) {
    throw new ConfigError("environmentSuffix", `is "${environmentSuffix}"; allowed: 1-12 lowercase letters or digits, '-' only inside`);
  }

  const environmentType = oneOf<EnvironmentType>(raw, "environmentType", ["dev", "prod"], "dev");
  const natGateways = oneOf<NatGatewayMode>(raw, "natGateways", ["perAz", "single"], "perAz");

  // The major only: AWS applies minor upgrades itself, and the provider keeps a major-only value
  // in state when the cluster reports 17.x (see infra/database.ts), so those never show as a diff.
  const dbEngineVersion = dbMajorVersion(raw);
  // ---- Capacity: one stated peak; every limit on the path derives from it (infra/capacity.ts) ----
  const peakRequestsPerSecond = integer(raw, "peakRequestsPerSecond", DEFAULT_PEAK_REQUESTS_PER_SECOND[environmentType], 1, 100_000);
  const requestDurationMs = integer(
    raw,
    "requestDurationMs",
    DEFAULT_REQUEST_DURATION_MS,
    1,
    30_000,
    "an integer from 1 to 30000 (ms, below the function timeout)",
  );
  const configuredMaxAcu = present(raw, "dbMaxCapacity") === undefined ? undefined : acu(raw, "dbMaxCapacity", 0);
  let capacity: CapacityPlan;
  try {
    capacity = capacityPlan({ peakRequestsPerSecond, requestDurationMs, dbMaxCapacity: configuredMaxAcu });
  } catch (err) {
    throw new ConfigError("dbMaxCapacity", `${(err as Error).message.replace(/^dbMaxCapacity /, "")}`);
  }
  const dbMinCapacity = acu(raw, "dbMinCapacity", 0.5);
  const dbMaxCapacity = capacity.dbMaxCapacity;
  if (dbMinCapacity > dbMaxCapacity) {
    throw new ConfigError("dbMinCapacity", `(${dbMinCapacity}) is above dbMaxCapacity (${dbMaxCapacity}); allowed: min <= max`);
  }

  if (present(raw, "dbPassword") !== undefined && options.secretKeys && !options.secretKeys.includes(`${PROJECT_NAME}:dbPassword`)) {
    throw new ConfigError("dbPassword", "is plain text; allowed: only a secret (`pulumi config set --secret dbPassword ...`) or unset");
  }

  // New accounts cap Lambda memory at 3008 MB and concurrency at 10 (nothing can be reserved there):
  // the defaults deploy in any account; reserving concurrency is an explicit choice.
  const lambdaMemoryMb = integer(raw, "lambdaMemoryMb", DEFAULT_LAMBDA_MEMORY_MB, LAMBDA_LIMITS.memoryMin, LAMBDA_LIMITS.memoryMax);
  // `auto` opts in to what the peak needs (capacity.reservedConcurrency / provisionedConcurrency).
  const autoReserved = present(raw, "lambdaReservedConcurrency") === "auto";
  const autoProvisioned = present(raw, "lambdaProvisionedConcurrency") === "auto";
  const lambdaReservedConcurrency = autoReserved
    ? capacity.reservedConcurrency
    : integer(
        raw,
        "lambdaReservedConcurrency",
        UNRESERVED,
        -1,
        1000,
        "auto (what peakRequestsPerSecond needs), an integer from 0 to 1000, or -1 for unreserved",
      );
  if (lambdaReservedConcurrency >= 0 && lambdaReservedConcurrency < capacity.concurrency) {
    throw new ConfigError(
      "lambdaReservedConcurrency",
      `(${lambdaReservedConcurrency}) cannot serve peakRequestsPerSecond ${peakRequestsPerSecond} at ${requestDurationMs} ms on both front doors, which needs ${capacity.concurrency}; allowed: auto, -1 (unreserved), or at least ${capacity.concurrency}`,
    );
  }
  const lambdaProvisionedConcurrency = autoProvisioned
    ? capacity.provisionedConcurrency
    : integer(raw, "lambdaProvisionedConcurrency", 0, 0, 1000, "auto (one front door's peak), 0 (off) or a positive integer up to 1000");
  const lambdaProvisionedConcurrencyMax = integer(
    raw,
    "lambdaProvisionedConcurrencyMax",
    autoProvisioned ? Math.max(capacity.concurrency, lambdaProvisionedConcurrency) : 2 * lambdaProvisionedConcurrency,
    lambdaProvisionedConcurrency,
    2000,
    `an integer >= lambdaProvisionedConcurrency (${lambdaProvisionedConcurrency}), at most 2000`,
  );
  if (lambdaProvisionedConcurrency === 0 && lambdaProvisionedConcurrencyMax > 0) {
    throw new ConfigError(
      "lambdaProvisionedConcurrencyMax",
      `(${lambdaProvisionedConcurrencyMax}) is set while lambdaProvisionedConcurrency is 0 (off); allowed: set lambdaProvisionedConcurrency > 0 too, or unset it`,
    );
  }
  if (!fitsReservedConcurrency(lambdaProvisionedConcurrencyMax, lambdaReservedConcurrency)) {
    throw new ConfigError(
      "lambdaProvisionedConcurrencyMax",
      `(${lambdaProvisionedConcurrencyMax}) exceeds lambdaReservedConcurrency (${lambdaReservedConcurrency}); allowed: at most the reserved concurrency, or set lambdaReservedConcurrency to -1`,
    );
  }

  const apiStageName = awsName(raw, "apiStageName", "apiGatewayStage", DEFAULT_API_STAGE_NAME);
  const apiGatewayAccountSettings = oneOf<ApiGatewayAccountSettings>(raw, "apiGatewayAccountSettings", ["manage", "existing"], "manage");
  // The usage plan admits at most the peak the function is sized for (a higher throttle would admit
  // requests that Lambda then throttles); lower values are allowed.
  const apiThrottleRateLimit = integer(
    raw,
    "apiThrottleRateLimit",
    capacity.apiThrottleRateLimit,
    1,
    capacity.apiThrottleRateLimit,
    `a positive integer up to peakRequestsPerSecond (${peakRequestsPerSecond}); raise peakRequestsPerSecond to admit more`,
  );
  const apiThrottleBurstLimit = integer(
    raw,
    "apiThrottleBurstLimit",
    capacity.apiThrottleBurstLimit,
    1,
    Math.max(capacity.apiThrottleBurstLimit, apiThrottleRateLimit),
    `a positive integer up to ${capacity.apiThrottleBurstLimit} (one second of peakRequestsPerSecond)`,
  );
  const cloudfrontPriceClass = oneOf<CloudfrontPriceClass>(
    raw,
    "cloudfrontPriceClass",
    ["PriceClass_100", "PriceClass_200", "PriceClass_All"],
    DEFAULT_CLOUDFRONT_PRICE_CLASS,
  );
  const wafMode = oneOf<"block" | "count">(raw, "wafMode", environmentType === "prod" ? ["block"] : ["block", "count"], "block");
  const wafRateLimitPerIp = integer(
    raw,
    "wafRateLimitPerIp",
    2000,
    WAF_RATE_LIMIT.min,
    WAF_RATE_LIMIT.max,
    `an integer from ${WAF_RATE_LIMIT.min} to ${WAF_RATE_LIMIT.max} (requests per IP per 5 minutes)`,
  );
  const alarmEmail = matching(raw, "alarmEmail", /^[^\s@]+@[^\s@]+\.[^\s@]+$/, "an e-mail address");
  const generation = (key: string) => integer(raw, key, 1, 1, 1_000_000, "an integer from 1 to 1000000 (raise it by 1 to rotate)");
  const sessionKeyGeneration = generation("sessionKeyGeneration");
  const originVerifyGeneration = generation("originVerifyGeneration");

  const region = present(raw, "aws:region");
  const certificateArn = matching(raw, "certificateArn", CERTIFICATE_ARN, "an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)");
  if (certificateArn && region) {
    const certRegion = CERTIFICATE_ARN.exec(certificateArn)![1];
    if (certRegion !== region) {
      throw new ConfigError("certificateArn", `is in ${certRegion}; allowed: an ACM certificate in the stack region (${region}) for the ALB`);
    }
  }

  // With a certificate CloudFront talks HTTPS to the ALB and checks the certificate against the origin's
  // name: without a name the certificate covers, every /api request would fail at CloudFront (502).
  const albDomainName = matching(
    raw,
    "albDomainName",
    DNS_NAME,
    "a lowercase DNS name (e.g. api-origin.example.com) that points at the ALB and that certificateArn covers",
  );
  if (certificateArn && !albDomainName) {
    throw new ConfigError(
      "albDomainName",
      "is required with certificateArn; allowed: the DNS name (pointing at the ALB) the certificate covers. CloudFront reaches the ALB over HTTPS by that name; the ALB's own *.elb.amazonaws.com name matches no ACM certificate",
    );
  }
  if (albDomainName && !certificateArn) {
    throw new ConfigError("albDomainName", "is set without certificateArn; allowed: only together with certificateArn (HTTPS from CloudFront to the ALB)");
  }

  const budget = present(raw, "monthlyBudgetUsd");
  const monthlyBudgetUsd = budget === undefined ? undefined : /^\d{1,9}(\.\d{1,2})?$/.test(budget) && Number(budget) >= 1 ? Number(budget) : NaN;
  if (Number.isNaN(monthlyBudgetUsd)) {
    throw new ConfigError(
      "monthlyBudgetUsd",
      `is "${budget}"; allowed: a US-dollar amount of at least 1 with at most 2 decimals (e.g. 500 or 1250.50), or unset for no budget`,
    );
  }

  const tagValue = (key: string, fallback: string) =>
    matching(raw, key, TAG_VALUE_PATTERN, "1-256 letters, digits, spaces and _.:/=+-@ (an AWS tag value)", fallback)!;

  return {
    environmentSuffix,
    environmentType,
    isProd: environmentType === "prod",
    region,
    vpcCidr: vpcCidr(raw),
    natGateways,
    dbEngineVersion,
    dbMinCapacity,
    dbMaxCapacity,
    lambdaMemoryMb,
    lambdaReservedConcurrency,
    lambdaProvisionedConcurrency,
    lambdaProvisionedConcurrencyMax,
    apiStageName,
    apiGatewayAccountSettings,
    apiThrottleRateLimit,
    apiThrottleBurstLimit,
    cloudfrontPriceClass,
    alarmEmail,
    certificateArn,
    albDomainName,
    monthlyBudgetUsd,
    wafMode,
    wafRateLimitPerIp,
    sessionKeyGeneration,
    originVerifyGeneration,
    capacity,
    tags: {
      environmentSuffix,
      project: tagValue("project", PROJECT_NAME),
      costCenter: tagValue("costCenter", "engineering"),
      owner: tagValue("owner", "platform-team"),
    },
  };
}

function secretKeysFromEnvironment(): string[] | undefined {
  const json = process.env["PULUMI_CONFIG_SECRET_KEYS"];
  if (!json) return undefined;
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? parsed.map(String) : undefined;
  } catch {
    return undefined;
  }
}

/** Reads the stack config through pulumi.Config and validates it. */
export function loadConfig(): PlatformConfig {
  const cfg = new pulumi.Config(PROJECT_NAME);
  const raw: Record<string, string | undefined> = {};
  const prefix = `${PROJECT_NAME}:`;
  for (const fullKey of Object.keys(pulumi.runtime.allConfig())) {
    if (fullKey.startsWith(prefix)) raw[fullKey.slice(prefix.length)] = undefined; // so unknown keys are reported
  }
  for (const key of CONFIG_KEYS) {
    // dbPassword is only ever read as a secret; parseConfig just needs to know it is set.
    raw[key] = key === "dbPassword" ? (pulumi.runtime.getConfig(`${prefix}dbPassword`) === undefined ? undefined : "set") : cfg.get(key);
  }
  raw["aws:region"] = new pulumi.Config("aws").get("region");
  const parsed = parseConfig(raw, { secretKeys: secretKeysFromEnvironment() });
  const dbPassword = raw["dbPassword"] === undefined ? undefined : cfg.requireSecret("dbPassword");
  return { ...parsed, dbPassword };
}
