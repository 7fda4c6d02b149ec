/**
 * Builds the app's dependencies from the configuration: pools, the DynamoDB
 * client, secrets. Used once per process (Lambda container or local server).
 */
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { AppConfig } from "../config";
import type { AppDeps, AppLogger, AppMetrics } from "../app";
import type { MigrationResult } from "../db/migrations";
import { createDatabase, createPool, type Database } from "../db/pool";
import { setAppRolePassword } from "../db/roles";
import { createDocumentStore, type LazyDocumentStore } from "./dynamo";
import { parseSessionKeys, RefreshingKeys } from "../session/session-keys";
import { resolveSecret } from "./secrets";

export interface Runtime {
  deps: AppDeps;
  database: Database;
  doc: LazyDocumentStore;
  /** Resolves when the connections opened at start are open (or failed: requests report outages). */
  started: Promise<void>;
  close(): Promise<void>;
}

export interface RuntimeHooks {
  logger?: AppLogger;
  metrics?: AppMetrics;
  /** Lets the Lambda entry wrap SDK clients for tracing. */
  instrument?: <T>(client: T) => T;
}

/** Logged when a pooled PostgreSQL connection fails (the pool opens a new one on the next request). */
export const DROPPED_CONNECTION_WARNING = "database connection failed; the pool replaces it";

export async function createRuntime(config: AppConfig, hooks: RuntimeHooks = {}): Promise<Runtime> {
  const instrument = hooks.instrument ?? (<T>(client: T) => client);
  const { secrets, destroy: destroySecrets } = secretsClientFor(config, instrument);
  const sessionKeys = sessionKeysOf(config, secrets, hooks.logger);
  const [initialKeys, adminToken] = await Promise.all([sessionKeys.get(), resolveSecret(config.adminToken, secrets, "admin token")]);
  // Without keys the API can neither verify nor sign a cookie: the cold start fails (and is retried)
  // rather than serve every shopper a session that no other container would accept.
  if (!initialKeys) throw new Error(`session keys could not be read (${describeSource(config.sessionKeys)})`);
  // Once closing, connections the server drops are expected (npm start's Ctrl-C reaches PostgreSQL too).
  let closing = false;
  const database = createDatabase(config.db.writer, config.db.reader, {
    max: config.db.poolMax,
    onError: (err) => {
      if (!closing) hooks.logger?.warn(DROPPED_CONNECTION_WARNING, { error: err.message });
    },
  });
  const doc = createDocumentStore({ region: config.region, endpoint: config.dynamo.endpoint }, instrument);
  const deps: AppDeps = {
    db: database,
    doc,
    tables: { sessions: config.dynamo.sessionsTable, cache: config.dynamo.cacheTable },
    sessionKeys: async () => (await sessionKeys.get()) ?? initialKeys,
    adminToken,
    cacheTtlSeconds: config.cacheTtlSeconds,
    localCacheTtlSeconds: config.localCacheTtlSeconds,
    sessionTtlSeconds: config.sessionTtlSeconds,
    logger: hooks.logger,
    metrics: hooks.metrics,
  };
  const started = Promise.all([warmUp(database), config.startsAheadOfRequests ? doc.warm(config.dynamo.cacheTable) : undefined]).then(() => {});
  return {
    deps,
    database,
    doc,
    started,
    async close() {
      closing = true;
      doc.destroy();
      await database.end();
      destroySecrets();
    },
  };
}

/**
 * The session keys, re-read every few minutes so a rotation reaches long-lived containers; a failed
 * re-read keeps the keys in hand (logged). Locally one key, never re-read.
 */
export function sessionKeysOf(config: AppConfig, secrets: () => Promise<SecretsManagerClient>, logger?: AppLogger): RefreshingKeys {
  const source = config.sessionKeys;
  if (source.kind === "value") return new RefreshingKeys(async () => ({ current: source.value }), { refreshMs: Infinity });
  return new RefreshingKeys(async () => parseSessionKeys(await resolveSecret(source, secrets, "session keys")), {
    onError: (err) => logger?.warn("session keys could not be read; keeping the keys in hand", { error: String(err) }),
  });
}

function describeSource(source: AppConfig["sessionKeys"]): string {
  return source.kind === "value" ? "SESSION_SIGNING_KEY" : source.arn;
}

/** A Secrets Manager client created on first use (only AWS mode keeps secrets there). */
function secretsClientFor(config: AppConfig, instrument: <T>(client: T) => T) {
  let client: SecretsManagerClient | undefined;
  return {
    secrets: async () => (client ??= instrument(new (await import("@aws-sdk/client-secrets-manager")).SecretsManagerClient({ region: config.region }))),
    destroy: () => client?.destroy(),
  };
}

/**
 * The deploy-time migration: connects as the schema owner (not the application role the pools use),
 * applies pending migrations, then sets the application role's password from the deployment's
 * credentials, so RDS Proxy's secret for that role and the role agree after every deploy.
 */
export async function migrateAsOwner(config: AppConfig, hooks: Pick<RuntimeHooks, "instrument"> = {}): Promise<MigrationResult> {
  const { secrets, destroy } = secretsClientFor(config, hooks.instrument ?? (<T>(client: T) => client));
  const owner = createPool(config.db.owner, { max: 1 });
  try {
    // The schema's SQL is loaded only by the deploy's migration event, not by every cold start.
    const { runMigrations } = await import("../db/migrations");
    const result = await runMigrations(owner);
    if (config.db.appRolePassword) {
      await setAppRolePassword(owner, await resolveSecret(config.db.appRolePassword, secrets, "application role credentials"));
    }
    return result;
  } finally {
    await owner.end().catch(() => {});
    destroy();
  }
}

/**
 * Opens a connection of each pool in the background (every API route but the
 * liveness probe reads the database), so the first request does not wait for
 * it after its own work. Failures are ignored: requests report outages.
 */
function warmUp(database: Database): Promise<void> {
  const pools = new Set([database.writer, database.reader]);
  return Promise.all(
    [...pools].map((pool) =>
      pool.connect().then(
        (client) => client.release(),
        () => {},
      ),
    ),
  ).then(() => {});
}
