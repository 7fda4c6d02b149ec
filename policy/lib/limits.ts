/**
 * Numeric AWS limits that the APIs enforce only at deploy time. Pure data and
 * functions, no Pulumi at runtime: the policy pack checks any program against
 * them, and the platform's own preview-time checks (infra/config.ts,
 * infra/capacity.ts, infra/dashboard.ts) import them from here, so each limit
 * is written once. (Names: ./names.ts; dashboard bodies: ./dashboard.ts.)
 */

/**
 * Aurora Serverless v2 capacity in ACUs: half steps up to 256, a maximum of at
 * least 1. The smallest minimum is 0 on engine versions with auto-pause (Aurora PostgreSQL 13.15+,
 * 14.12+, 15.7+, 16.3+ and every 17.x), else 0.5 (RDS API reference,
 * ServerlessV2ScalingConfiguration MinCapacity/MaxCapacity; Aurora User Guide,
 * "Scaling to Zero ACUs with automatic pause and resume").
 */
export const AURORA_ACU = { min: 0, minWithoutAutoPause: 0.5, smallestMax: 1, max: 256, step: 0.5 } as const;

/** True when `acu` is a multiple of the half-ACU step. */
export function isAcuStep(acu: number): boolean {
  return Number.isInteger(acu / AURORA_ACU.step);
}

/**
 * Alarm periods: 10, 20, 30 (high resolution) or a multiple of 60 seconds
 * (CloudWatch API reference, PutMetricAlarm Period).
 */
export function isValidAlarmPeriod(period: number): boolean {
  return Number.isInteger(period) && period > 0 && ([10, 20, 30].includes(period) || period % 60 === 0);
}

/**
 * Longest alarm evaluation window (period x evaluationPeriods): 1 day for periods under an hour, else
 * 7 days (PutMetricAlarm EvaluationPeriods).
 */
export function maxEvaluationWindowSeconds(period: number): number {
  return period < 3600 ? 86_400 : 604_800;
}

/** The retention values CloudWatch Logs accepts (PutRetentionPolicy retentionInDays; 0 = never expire in the provider). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/**
 * Lambda's documented bounds (Lambda API reference, CreateFunction: MemorySize 128-10240 MB, Timeout up to
 * 900 s, EphemeralStorage 512-10240 MB).
 */
export const LAMBDA_LIMITS = { memoryMin: 128, memoryMax: 10240, timeoutMax: 900, ephemeralMin: 512, ephemeralMax: 10240 } as const;

/**
 * Lambda keeps this many executions unreserved in every account (or the whole quota where the quota is
 * lower): PutFunctionConcurrency fails when a reservation would eat into them ("decreases account's
 * UnreservedConcurrentExecution below its minimum value").
 */
export const LAMBDA_MIN_UNRESERVED_CONCURRENCY = 100;

/**
 * Provisioned executions come out of the function's reserved pool: PutProvisionedConcurrencyConfig
 * rejects more provisioned than reserved concurrency. A negative or absent reservation means
 * unreserved (the account pool), which any amount fits.
 */
export function fitsReservedConcurrency(provisioned: number, reserved: number | undefined): boolean {
  return reserved === undefined || reserved < 0 || provisioned <= reserved;
}

/** Requests a WAF rate-based rule accepts as its limit per evaluation window (WAFV2 API reference, RateBasedStatement Limit). */
export const WAF_RATE_LIMIT = { min: 10, max: 2_000_000_000 } as const;

/** Lambda@Edge functions are created in us-east-1 only; CloudFront replicates them (CloudFront Developer Guide, "Restrictions on Lambda@Edge"). */
export const LAMBDA_EDGE_REGION = "us-east-1";

/** Per event type: the most memory (MB), time (s) and zipped package (bytes) CloudFront allows a Lambda@Edge function ("Quotas on Lambda@Edge"). */
export const EDGE_LIMITS: Record<string, { memory: number; timeout: number; packageBytes: number }> = {
  "viewer-request": { memory: 128, timeout: 5, packageBytes: 1024 * 1024 },
  "viewer-response": { memory: 128, timeout: 5, packageBytes: 1024 * 1024 },
  "origin-request": { memory: 10240, timeout: 30, packageBytes: 50 * 1024 * 1024 },
  "origin-response": { memory: 10240, timeout: 30, packageBytes: 50 * 1024 * 1024 },
};
