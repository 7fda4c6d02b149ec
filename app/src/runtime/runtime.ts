/**
 * Builds the app's dependencies from the configuration: pools, the DynamoDB
 * client, secrets. Used once per process (Lambda container or local server).
 */
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
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
  let secretsClient: SecretsManagerClient | undefined;
  const secrets = () => (secretsClient ??= instrument(new SecretsManagerClient({ region: config.region })));
  const [sessionSigningKey, adminToken] = await Promise.all([
    resolveSecret(config.sessionSigningKey, secrets, "session signing key"),
    resolveSecret(config.adminToken, secrets, "admin token"),
  ]);
  const database = createDatabase(config.db.writer, config.db.reader, {
    max: config.db.poolMax,
    onError: (err) => hooks.logger?.warn("idle database connection failed", { error: err.message }),
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
