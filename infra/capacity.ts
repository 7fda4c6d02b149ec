/**
 * Capacity math for the API function (Little's law) and the provisioned
 * concurrency plan. Pure functions: the component only wires their results.
 */
import { APP_DEFAULTS } from "../app/src/config";
import { AURORA_ACU, fitsReservedConcurrency, WAF_RATE_LIMIT } from "../policy/lib/limits";
import { auroraPostgresMaxConnections } from "./dashboard";

/** Requests per second a pool of `concurrency` executions sustains at `secondsPerRequest` each. */
export function sustainableRequestsPerSecond(concurrency: number, secondsPerRequest: number): number {
  if (!(concurrency >= 0)) throw new Error(`concurrency must be >= 0, got ${concurrency}`);
  if (!(secondsPerRequest > 0)) throw new Error(`secondsPerRequest must be > 0, got ${secondsPerRequest}`);
  return concurrency / secondsPerRequest;
}

/** Concurrent executions needed to serve `requestsPerSecond` at `secondsPerRequest` each (rounded up). */
export function requiredConcurrency(requestsPerSecond: number, secondsPerRequest: number): number {
  if (!(requestsPerSecond >= 0)) throw new Error(`requestsPerSecond must be >= 0, got ${requestsPerSecond}`);
  if (!(secondsPerRequest > 0)) throw new Error(`secondsPerRequest must be > 0, got ${secondsPerRequest}`);
  // Round away float noise (10000 * 0.02 = 200.00000000000003) before taking the ceiling.
  return Math.ceil(Number((requestsPerSecond * secondsPerRequest).toFixed(9)));
}

/** Alias that provisioned concurrency, the ALB and API Gateway use when provisioned concurrency is on. */
export const LIVE_ALIAS = "live";

/** Application Auto Scaling target utilization for provisioned concurrency (AWS's recommended 0.7). */
export const PROVISIONED_UTILIZATION_TARGET = 0.7;

export interface ProvisionedConcurrencyPlan {
  /** Provisioned executions kept warm (also the auto scaling minimum). */
  min: number;
  /** Auto scaling maximum. */
  max: number;
  /** Target value for LambdaProvisionedConcurrencyUtilization. */
  targetUtilization: number;
}

/**
 * The provisioned concurrency plan for `provisioned` (0 = off) and `max`, or undefined when off.
 * Provisioned executions come out of the reserved pool, so they cannot exceed it.
 */
export function provisionedConcurrencyPlan(provisioned: number, max: number, reserved: number): ProvisionedConcurrencyPlan | undefined {
  if (!Number.isInteger(provisioned) || provisioned < 0) throw new Error(`provisioned concurrency must be an integer >= 0, got ${provisioned}`);
  if (provisioned === 0) return undefined;
  if (!Number.isInteger(max) || max < provisioned)
    throw new Error(`provisioned concurrency max (${max}) must be an integer >= provisioned concurrency (${provisioned})`);
  if (!fitsReservedConcurrency(max, reserved)) {
    throw new Error(
      `provisioned concurrency max (${max}) exceeds the function's reserved concurrency (${reserved}); raise lambdaReservedConcurrency or set it to -1`,
    );
  }
  return { min: provisioned, max, targetUtilization: PROVISIONED_UTILIZATION_TARGET };
}

/** Application Auto Scaling resource id of a Lambda alias. */
export function aliasScalingResourceId(functionName: string, alias: string): string {
  return `function:${functionName}:${alias}`;
}

// ---- The capacity plan: every limit on the request path derived from one stated peak ----

/** Default peak (requests/s per front door) by environment type. */
export const DEFAULT_PEAK_REQUESTS_PER_SECOND = { dev: 50, prod: 500 } as const;
/**
 * Default seconds per request, in ms: the policy pack's assumption (api-capacity-littles-law), well above
 * the handler times measured locally (0.1-13 ms plus ~1 ms per database round trip), so cold starts,
 * TLS to the proxy and slow checkouts fit inside it.
 */
export const DEFAULT_REQUEST_DURATION_MS = 100;
/** Front doors that each admit the peak: CloudFront (WAF rate rule) and API Gateway (usage plan). */
export const FRONT_DOORS = 2;
/** Proxy seconds to wait for a backend connection: the client's connect timeout (app/src/db/pool.ts, 5 s), far below the 30 s function timeout. */
export const PROXY_BORROW_TIMEOUT_SECONDS = 5;
/** Assumed database statements per request (reads hit the cache table; a checkout runs about 8). */
export const QUERIES_PER_REQUEST = 3;
/** Assumed statements per second one ACU sustains for this schema's short indexed statements. */
export const QUERIES_PER_SECOND_PER_ACU = 400;
/** WAF rate-based rules count over this window (AWS default evaluation window). */
export const WAF_WINDOW_SECONDS = 300;
/** The proxy's share of max_connections is kept at or below this (the rest: the owner, rdsadmin, monitoring). */
export const PROXY_MAX_CONNECTIONS_PERCENT_CAP = 90;

export interface CapacityInput {
  /** Requests per second each front door must serve at peak. */
  peakRequestsPerSecond: number;
  /** Seconds per request, in ms (Little's law's W). */
  requestDurationMs: number;
  /** A configured maximum ACU, if any (it must be at least what the peak needs). */
  dbMaxCapacity?: number;
}

export interface CapacityPlan {
  peakRequestsPerSecond: number;
  requestDurationMs: number;
  /** Concurrent executions both front doors at peak need: L = lambda x W. */
  concurrency: number;
  /** What a reservation must hold when the stack opts in (= concurrency). */
  reservedConcurrency: number;
  /** Warm executions when provisioned concurrency opts in: one door's steady peak; scaling up to `concurrency`. */
  provisionedConcurrency: number;
  apiThrottleRateLimit: number;
  apiThrottleBurstLimit: number;
  /** The CloudFront web ACL's limit on all /api/* requests (every client together) per 5 minutes. */
  wafApiRateLimitPer5Min: number;
  dbPoolPerContainer: number;
  /** Backend connections the proxy needs at peak (one active transaction per execution, +25%). */
  proxyBackendConnections: number;
  proxyMaxConnectionsPercent: number;
  proxyMaxIdleConnectionsPercent: number;
  proxyBorrowTimeoutSeconds: number;
  /** Max ACU: the configured value, else what the peak's statements and connections need. */
  dbMaxCapacity: number;
  dbMaxConnections: number;
}

const halfUp = (acu: number) => Math.ceil(acu / AURORA_ACU.step) * AURORA_ACU.step;

/**
 * Derives every limit on the request path from the peak (Little's law: concurrency = requests/s x seconds
 * per request), so they agree: each front door admits the peak, the function can run both at once, the
 * database and the proxy hold the connections that concurrency opens. Throws (naming the config key) when
 * a configured maximum ACU is below what the peak needs.
 */
export function capacityPlan(input: CapacityInput): CapacityPlan {
  const { peakRequestsPerSecond: peak, requestDurationMs } = input;
  if (!Number.isInteger(peak) || peak < 1) throw new Error(`peakRequestsPerSecond must be an integer >= 1, got ${peak}`);
  if (!(requestDurationMs > 0)) throw new Error(`requestDurationMs must be > 0, got ${requestDurationMs}`);
  const seconds = requestDurationMs / 1000;
  const concurrency = requiredConcurrency(FRONT_DOORS * peak, seconds);
  const proxyBackendConnections = Math.ceil(concurrency * 1.25);
  const acuForQueries = (FRONT_DOORS * peak * QUERIES_PER_REQUEST) / QUERIES_PER_SECOND_PER_ACU;
  const acuForConnections = proxyBackendConnections / ((auroraPostgresMaxConnections(1) * PROXY_MAX_CONNECTIONS_PERCENT_CAP) / 100);
  const neededAcu = Math.min(AURORA_ACU.max, Math.max(AURORA_ACU.smallestMax, halfUp(Math.max(acuForQueries, acuForConnections))));
  if (input.dbMaxCapacity !== undefined && input.dbMaxCapacity < neededAcu) {
    throw new Error(
      `dbMaxCapacity (${input.dbMaxCapacity}) is below the ${neededAcu} ACU that peakRequestsPerSecond ${peak} needs ` +
        `(${FRONT_DOORS} x ${peak} req/s x ${QUERIES_PER_REQUEST} statements / ${QUERIES_PER_SECOND_PER_ACU} per ACU, ${proxyBackendConnections} proxy connections); raise it or unset it`,
    );
  }
  const dbMaxCapacity = input.dbMaxCapacity ?? neededAcu;
  const dbMaxConnections = auroraPostgresMaxConnections(dbMaxCapacity);
  const proxyMaxConnectionsPercent = Math.min(PROXY_MAX_CONNECTIONS_PERCENT_CAP, Math.max(10, Math.ceil((100 * proxyBackendConnections) / dbMaxConnections)));
  return {
    peakRequestsPerSecond: peak,
    requestDurationMs,
    concurrency,
    reservedConcurrency: concurrency,
    provisionedConcurrency: requiredConcurrency(peak, seconds),
    apiThrottleRateLimit: peak,
    // One second's worth: a burst beyond it would only queue for executions that are busy.
    apiThrottleBurstLimit: peak,
    wafApiRateLimitPer5Min: Math.min(WAF_RATE_LIMIT.max, Math.max(WAF_RATE_LIMIT.min, peak * WAF_WINDOW_SECONDS)),
    dbPoolPerContainer: APP_DEFAULTS.dbPoolMax,
    proxyBackendConnections,
    proxyMaxConnectionsPercent,
    // Idle connections kept for the next burst: half of the allowed ones.
    proxyMaxIdleConnectionsPercent: Math.max(1, Math.floor(proxyMaxConnectionsPercent / 2)),
    proxyBorrowTimeoutSeconds: PROXY_BORROW_TIMEOUT_SECONDS,
    dbMaxCapacity,
    dbMaxConnections,
  };
}
