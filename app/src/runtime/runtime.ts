/**
 * Builds the app's dependencies from the configuration: pools, the DynamoDB
 * client, secrets. Used once per process (Lambda container or local server).
 */
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { GetCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { AppConfig } from "../config";
import type { AppDeps, AppLogger, AppMetrics } from "../app";
import { createDatabase, type Database } from "../db/pool";
import { createDocumentClient } from "./dynamo";
import { resolveSecret } from "./secrets";

export interface Runtime {
  deps: AppDeps;
  database: Database;
  doc: DynamoDBDocumentClient;
  close(): Promise<void>;
}

export interface RuntimeHooks {
  logger?: AppLogger;
  metrics?: AppMetrics;
  /** Lets the Lambda entry wrap SDK clients for tracing. */
  instrument?: <T>(client: T) => T;
}

export async function createRuntime(config: AppConfig, hooks: RuntimeHooks = {}): Promise<Runtime> {
  const instrument = hooks.instrument ?? (<T>(client: T) => client);
  // Loaded only when a secret lives in Secrets Manager (AWS mode).
  let secretsClient: SecretsManagerClient | undefined;
  const secrets = async () =>
    (secretsClient ??= instrument(new (await import("@aws-sdk/client-secrets-manager")).SecretsManagerClient({ region: config.region })));
  const [sessionSigningKey, adminToken] = await Promise.all([
    resolveSecret(config.sessionSigningKey, secrets, "session signing key"),
    resolveSecret(config.adminToken, secrets, "admin token"),
  ]);
  const database = createDatabase(config.db.writer, config.db.reader, {
    max: config.db.poolMax,
    onError: (err) => hooks.logger?.warn("database connection failed; the pool replaces it", { error: err.message }),
  });
  const doc = createDocumentClient({ region: config.region, endpoint: config.dynamo.endpoint });
  instrument(doc);
  const deps: AppDeps = {
    db: database,
    doc,
    tables: { sessions: config.dynamo.sessionsTable, cache: config.dynamo.cacheTable },
    sessionSigningKey,
    adminToken,
    cacheTtlSeconds: config.cacheTtlSeconds,
    localCacheTtlSeconds: config.localCacheTtlSeconds,
    sessionTtlSeconds: config.sessionTtlSeconds,
    logger: hooks.logger,
    metrics: hooks.metrics,
  };
  warmUp(database, doc, config.dynamo.cacheTable);
  return {
    deps,
    database,
    doc,
    async close() {
      doc.destroy();
      await database.end();
      secretsClient?.destroy();
    },
  };
}

/**
 * Opens a database connection and initialises the DynamoDB client (credentials,
 * endpoint, socket) in the background, so the first request does not pay for
 * them one after the other. Failures are ignored: requests report outages.
 */
function warmUp(database: Database, doc: DynamoDBDocumentClient, cacheTable: string): void {
  const pools = new Set([database.writer, database.reader]);
  for (const pool of pools) {
    pool.connect().then(
      (client) => client.release(),
      () => {},
    );
  }
  doc.send(new GetCommand({ TableName: cacheTable, Key: { pk: "warmup#probe" } })).catch(() => {});
}
