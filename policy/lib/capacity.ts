/** Little's law for a Lambda-backed API: concurrency = requests/s x seconds per request. Pure functions. */

/** Requests per second `concurrency` executions serve at `durationMs` per request. */
export function servableRequestsPerSecond(concurrency: number, durationMs: number): number {
  if (!(durationMs > 0)) throw new Error(`expected duration must be > 0 ms, got ${durationMs}`);
  return (concurrency * 1000) / durationMs;
}

/** Concurrent executions needed to serve `requestsPerSecond` at `durationMs` per request (rounded up). */
export function concurrencyNeeded(requestsPerSecond: number, durationMs: number): number {
  return Math.ceil(Number(((requestsPerSecond * durationMs) / 1000).toFixed(9)));
}

export interface CapacityFinding {
  concurrency: number;
  servable: number;
  needed: number;
  shortfall: boolean;
}

export function capacityVersusThrottle(concurrency: number, durationMs: number, throttleRate: number): CapacityFinding {
  const servable = servableRequestsPerSecond(concurrency, durationMs);
  return { concurrency, servable, needed: concurrencyNeeded(throttleRate, durationMs), shortfall: servable < throttleRate };
}
