/**
 * The Lambda entry: one handler for ALB and API Gateway REST proxy events and
 * for the deploy-time migration event `{"shopAction":"migrate"}`.
 *
 * Configuration is read when the handler is created (module load = cold
 * start); secrets, pools and clients are created right then in the background,
 * awaited by the first invocation and reused by every later one in the
 * container (created again if that failed).
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { Tracer } from "@aws-lambda-powertools/tracer";
import type { Context } from "aws-lambda";
import { createApp } from "./app";
import { loadConfig } from "./config";
import { retryWhileDatabaseUnreachable } from "./db/retry";
import { createProxyHandler, isAlbEvent, isRestEvent, type ProxyEvent, type ProxyResult } from "./http/lambda-events";
import { createRuntime, migrateAsOwner, type Runtime } from "./runtime/runtime";

export interface MigrationEvent {
  shopAction: "migrate";
}

export interface MigrationResponse {
  ok: true;
  applied: string[];
}

export function isMigrationEvent(event: unknown): event is MigrationEvent {
  return typeof event === "object" && event !== null && (event as MigrationEvent).shopAction === "migrate";
}

/**
 * How long the migration event keeps retrying an unreachable database. The
 * function's timeout is 30 s; RDS Proxy may still be connecting to a writer the
 * deploy has just created.
 */
export const MIGRATION_RETRY = { budgetMs: 20_000, delayMs: 1_000 };

type Handler = (event: unknown, context?: Partial<Context>) => Promise<ProxyResult | MigrationResponse>;

export interface LambdaHandler extends Handler {
  /** Closes pools and clients (tests and `npm run invoke`; Lambda simply freezes the container). */
  close(): Promise<void>;
  /**
   * Resolves when the container may be frozen. Under provisioned concurrency Lambda
   * freezes it as soon as the module has loaded, and background work stalls until the
   * first request, so this waits for the start-up connections (at most
   * START_UP_WAIT_MS); otherwise the first request follows at once and it resolves
   * at once. Never rejects: a failed start is retried by the first invocation.
   */
  ready(): Promise<void>;
}

/**
 * The most `ready` waits: well inside the 10 s Lambda gives the Init phase
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html);
 * past it the container starts anyway and the first request finishes the work.
 */
export const START_UP_WAIT_MS = 5_000;

export function createLambdaHandler(env: Record<string, string | undefined> = process.env): LambdaHandler {
  const config = loadConfig(env);
  const logger = new Logger({ serviceName: config.serviceName, logLevel: config.logLevel as "INFO" });
  const metrics = new Metrics({ namespace: config.metricsNamespace, serviceName: config.serviceName });
  const tracer = new Tracer({ serviceName: config.serviceName, enabled: config.mode === "aws" && !!env.AWS_LAMBDA_FUNCTION_NAME });

  let ready: Promise<{ runtime: Runtime; proxy: ReturnType<typeof createProxyHandler> }> | undefined;
  const init = () =>
    (ready ??= createRuntime(config, {
      logger,
      metrics: { addMetric: (name, _unit, value) => metrics.addMetric(name, MetricUnit.Count, value) },
      instrument: (client) => tracer.captureAWSv3Client(client) ?? client,
    }).then(
      (runtime) => ({ runtime, proxy: createProxyHandler(createApp(runtime.deps)) }),
      (err: unknown) => {
        ready = undefined;
        throw err;
      },
    ));

  // Start connecting now: in Lambda this runs in the init phase (full CPU, and ahead
  // of time for provisioned concurrency). A failure is retried by the first invocation.
  init().catch(() => {});

  const handler = (async (event: unknown, context: Partial<Context> = {}) => {
    if (context.awsRequestId) logger.addContext(context as Context);
    metrics.captureColdStartMetric();
    try {
      if (isMigrationEvent(event)) {
        // As the schema owner, on a connection of its own: the request pools connect as the application role.
        const { applied } = await retryWhileDatabaseUnreachable(
          () => migrateAsOwner(config, { instrument: (client) => tracer.captureAWSv3Client(client) ?? client }),
          {
            ...MIGRATION_RETRY,
            onRetry: (err, elapsedMs) => logger.warn("database unreachable; retrying the migration", { error: String(err), elapsedMs }),
          },
        );
        logger.info("migrations run", { applied });
        return { ok: true, applied } satisfies MigrationResponse;
      }
      const { proxy } = await init();
      if (!isAlbEvent(event) && !isRestEvent(event)) {
        throw new Error('unsupported event: expected an ALB or API Gateway REST proxy event, or {"shopAction":"migrate"}');
      }
      const result = await proxy(event as ProxyEvent, context as Context);
      metrics.addMetric(result.statusCode >= 500 ? "ServerErrors" : "Requests", MetricUnit.Count, 1);
      return result;
    } finally {
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  }) as LambdaHandler;
  handler.ready = async () => {
    if (!config.startsAheadOfRequests) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      init().then(
        ({ runtime }) => runtime.started,
        () => {},
      ),
      new Promise((resolve) => (timer = setTimeout(resolve, START_UP_WAIT_MS))),
    ]);
    clearTimeout(timer);
  };
  handler.close = async () => {
    const current = ready;
    ready = undefined;
    if (current) await (await current).runtime.close();
  };
  return handler;
}
