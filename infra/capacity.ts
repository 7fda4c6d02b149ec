/**
 * Capacity math for the API function (Little's law) and the provisioned
 * concurrency plan. Pure functions: the component only wires their results.
 */

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
  if (!Number.isInteger(max) || max < provisioned) throw new Error(`provisioned concurrency max (${max}) must be an integer >= provisioned concurrency (${provisioned})`);
  if (reserved >= 0 && max > reserved) {
    throw new Error(`provisioned concurrency max (${max}) exceeds the function's reserved concurrency (${reserved}); raise lambdaReservedConcurrency or set it to -1`);
  }
  return { min: provisioned, max, targetUtilization: PROVISIONED_UTILIZATION_TARGET };
}

/** Application Auto Scaling resource id of a Lambda alias. */
export function aliasScalingResourceId(functionName: string, alias: string): string {
  return `function:${functionName}:${alias}`;
}
