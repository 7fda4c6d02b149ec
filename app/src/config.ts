/**
 * The API's configuration, read once at cold start from the environment into a
 * typed object (no `process.env` anywhere else). Two shapes:
 * - aws: RDS Proxy endpoints with IAM auth, DynamoDB in the region, secrets in
 *   Secrets Manager (the variables infra/api-function.ts sets);
 * - local: DATABASE_URL(s), a DynamoDB endpoint (dynalite), secrets from env.
 * A missing or malformed variable throws a ConfigError naming it.
 */
export class ConfigError extends Error {
  constructor(key: string, problem: string) {
    super(`configuration ${key}: ${problem}`);
    this.name = "ConfigError";
  }
}

/**
 * Defaults the API shares with its deployment (infra/) and the local platform (scripts/local):
 * written here once, imported there.
 */
export const APP_DEFAULTS = {
  /** The database the API and its migrations use, on Aurora and locally. */
  dbName: "shop",
  /** PostgreSQL's port, on the RDS Proxy and locally. */
  dbPort: 5432,
  /** Connections per pool (writer and reader each) per execution on AWS: one request runs at a time per execution. */
  dbPoolMax: 2,
  logLevel: "INFO",
} as const;

/** Local mode's defaults: the tables and admin token `npm start` creates and uses, and a pool for a long-lived server. */
export const LOCAL_DEFAULTS = {
  sessionsTable: "ecommerce-sessions-local",
  cacheTable: "ecommerce-cache-local",
  adminToken: "local-admin-token",
  dbPoolMax: 10,
} as const;

/** How to reach one PostgreSQL endpoint. */
export type PgTarget = { kind: "url"; url: string } | { kind: "iam"; host: string; port: number; database: string; user: string; region: string };

/** A secret either given directly (local) or fetched from Secrets Manager once per container. */
export type SecretSource =
  | { kind: "value"; value: string }
  /** `jsonKey`: the secret string is a JSON object and the value is that key's (e.g. RDS credentials' `password`). */
  | { kind: "secretsManager"; arn: string; jsonKey?: string };

/**
 * The database as the API uses it: the pools connect as the application role; the deploy-time
 * migration connects as `owner` and then sets the application role's password to `appRolePassword`
 * (when the deployment gives one: the proxy's secret for that role, or the local URL's password).
 */
export interface DbConfig {
  writer: PgTarget;
  reader: PgTarget;
  owner: PgTarget;
  appRolePassword?: SecretSource;
  poolMax: number;
}

export interface AppConfig {
  mode: "aws" | "local";
  environmentSuffix: string;
  region: string;
  db: DbConfig;
  dynamo: { endpoint?: string; sessionsTable: string; cacheTable: string };
  /**
   * The session signing keys: in AWS a secret holding `{"previous","current","next"}`
   * (app/src/session/session-keys.ts), locally one key given directly.
   */
  sessionKeys: SecretSource;
  adminToken: SecretSource;
  serviceName: string;
  metricsNamespace: string;
  logLevel: string;
  /** Seconds a catalog entry lives in the cache table. */
  cacheTtlSeconds: number;
  /** Seconds an in-process catalog entry lives (bounds staleness across containers). */
  localCacheTtlSeconds: number;
  /** Seconds a session lives after its last write. */
  sessionTtlSeconds: number;
  /** Local server port (local mode only). */
  port: number;
  /**
   * Whether the container starts ahead of its requests: under provisioned
   * concurrency, named by Lambda's AWS_LAMBDA_INITIALIZATION_TYPE
   * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html).
   * Then it finishes its connections (database and DynamoDB) while it starts,
   * off the request path. On demand, it loads the DynamoDB client at the
   * first request that needs a table, so a cold start answering a catalog
   * read does not pay for it. (SnapStart, the other ahead-of-time start, is
   * not offered for Node.js container images.)
   */
  startsAheadOfRequests: boolean;
}

type Env = Record<string, string | undefined>;

function required(env: Env, key: string): string {
  const value = env[key];
  if (value === undefined || value.trim() === "") throw new ConfigError(key, "is required");
  return value.trim();
}

function intIn(env: Env, key: string, fallback: number, min: number, max: number): number {
  const raw = env[key];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(key, `must be an integer in ${min}..${max}, got "${raw}"`);
  }
  return value;
}

function postgresUrl(key: string, value: string): string {
  if (!/^postgres(ql)?:\/\//.test(value)) throw new ConfigError(key, "must be a postgres:// URL");
  return value;
}

const LOG_LEVELS = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "SILENT", "CRITICAL"];

/**
 * Reads the configuration. AWS mode is chosen when DB_PROXY_ENDPOINT is set,
 * local mode when DATABASE_URL is set; neither is an error naming both.
 */
export function loadConfig(env: Env = process.env): AppConfig {
  const logLevel = (env.LOG_LEVEL ?? APP_DEFAULTS.logLevel).toUpperCase();
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError("LOG_LEVEL", `must be one of ${LOG_LEVELS.join(", ")}, got "${env.LOG_LEVEL}"`);
  }
  const common = {
    serviceName: env.POWERTOOLS_SERVICE_NAME ?? "shop-api",
    metricsNamespace: env.POWERTOOLS_METRICS_NAMESPACE ?? "EcommercePlatform",
    logLevel,
    cacheTtlSeconds: intIn(env, "CACHE_TTL_SECONDS", 30, 1, 3600),
    localCacheTtlSeconds: intIn(env, "LOCAL_CACHE_TTL_SECONDS", 5, 0, 3600),
    sessionTtlSeconds: intIn(env, "SESSION_TTL_SECONDS", 7 * 24 * 3600, 60, 365 * 24 * 3600),
    port: intIn(env, "PORT", 3000, 1, 65535),
    startsAheadOfRequests: env.AWS_LAMBDA_INITIALIZATION_TYPE === "provisioned-concurrency",
  };

  if (env.DB_PROXY_ENDPOINT) {
    const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    if (!region) throw new ConfigError("AWS_REGION", "is required in AWS mode (Lambda sets it)");
    const port = intIn(env, "DB_PORT", APP_DEFAULTS.dbPort, 1, 65535);
    const database = env.DB_NAME ?? APP_DEFAULTS.dbName;
    const user = required(env, "DB_USER");
    const writerHost = required(env, "DB_PROXY_ENDPOINT");
    const readerHost = env.DB_PROXY_READ_ENDPOINT?.trim() || writerHost;
    // Without DB_OWNER_USER one user does both (a deployment made before the application role).
    const owner = env.DB_OWNER_USER?.trim() || user;
    const appSecretArn = env.DB_APP_SECRET_ARN?.trim();
    return {
      mode: "aws",
      environmentSuffix: required(env, "ENVIRONMENT_SUFFIX"),
      region,
      db: {
        writer: { kind: "iam", host: writerHost, port, database, user, region },
        reader: { kind: "iam", host: readerHost, port, database, user, region },
        owner: { kind: "iam", host: writerHost, port, database, user: owner, region },
        appRolePassword: appSecretArn ? { kind: "secretsManager", arn: appSecretArn, jsonKey: "password" } : undefined,
        poolMax: intIn(env, "DB_POOL_MAX", APP_DEFAULTS.dbPoolMax, 1, 20),
      },
      dynamo: { sessionsTable: required(env, "SESSIONS_TABLE"), cacheTable: required(env, "CACHE_TABLE") },
      sessionKeys: { kind: "secretsManager", arn: required(env, "SESSION_KEYS_SECRET_ARN") },
      adminToken: { kind: "secretsManager", arn: required(env, "ADMIN_TOKEN_SECRET_ARN") },
      ...common,
    };
  }

  if (env.DATABASE_URL) {
    const writerUrl = postgresUrl("DATABASE_URL", env.DATABASE_URL);
    const readerUrl = env.DATABASE_READ_URL ? postgresUrl("DATABASE_READ_URL", env.DATABASE_READ_URL) : writerUrl;
    const ownerUrl = env.DATABASE_OWNER_URL ? postgresUrl("DATABASE_OWNER_URL", env.DATABASE_OWNER_URL) : writerUrl;
    const appPassword = ownerUrl === writerUrl ? undefined : decodeURIComponent(new URL(writerUrl).password);
    return {
      mode: "local",
      environmentSuffix: env.ENVIRONMENT_SUFFIX ?? "local",
      region: env.AWS_REGION ?? "us-east-1",
      db: {
        writer: { kind: "url", url: writerUrl },
        reader: { kind: "url", url: readerUrl },
        owner: { kind: "url", url: ownerUrl },
        // The API's URL carries the application role's password; the owner's migration sets it.
        appRolePassword: appPassword ? { kind: "value", value: appPassword } : undefined,
        poolMax: intIn(env, "DB_POOL_MAX", LOCAL_DEFAULTS.dbPoolMax, 1, 100),
      },
      dynamo: {
        endpoint: required(env, "DYNAMODB_ENDPOINT"),
        sessionsTable: env.SESSIONS_TABLE ?? LOCAL_DEFAULTS.sessionsTable,
        cacheTable: env.CACHE_TABLE ?? LOCAL_DEFAULTS.cacheTable,
      },
      sessionKeys: { kind: "value", value: required(env, "SESSION_SIGNING_KEY") },
      adminToken: { kind: "value", value: env.ADMIN_TOKEN?.trim() || LOCAL_DEFAULTS.adminToken },
      ...common,
    };
  }

  throw new ConfigError("DB_PROXY_ENDPOINT", "or DATABASE_URL must be set (AWS or local mode)");
}
