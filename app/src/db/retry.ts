/**
 * Retrying work while the database is unreachable. The deploy invokes the
 * migration as soon as RDS Proxy's target is registered, which can be before the
 * proxy can reach the writer; a short wait beats failing the whole deploy.
 */
import { isDatabaseOutage } from "./outage";

export interface RetryOptions {
  /** Give up once this much time has passed (stay well inside the function's timeout). */
  budgetMs: number;
  /** Pause between attempts. */
  delayMs: number;
  onRetry?: (err: unknown, elapsedMs: number) => void;
}

/** Runs `attempt` until it succeeds, fails with anything but a database outage, or the budget is spent. */
export async function retryWhileDatabaseUnreachable<T>(attempt: () => Promise<T>, options: RetryOptions): Promise<T> {
  const started = Date.now();
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      const elapsed = Date.now() - started;
      if (!isDatabaseOutage(err) || elapsed + options.delayMs > options.budgetMs) throw err;
      options.onRetry?.(err, elapsed);
      await new Promise((resolve) => setTimeout(resolve, options.delayMs));
    }
  }
}
