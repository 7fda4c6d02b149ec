/**
 * The local platform's stores and the files that describe them:
 * - `<dataDir>/postgres`       PostgreSQL data (kept between runs)
 * - `<dataDir>/dynamodb`       dynalite's LevelDB (sessions and cache survive restarts)
 * - `<dataDir>/session-signing-key`  generated once, so cookies survive restarts
 * - `<dataDir>/platform.json`  how to reach the running stores (for `npm run invoke`)
 * - `<dataDir>/stack-outputs.json`  `{"platform":"local","baseUrl","adminToken"}` for the integration suite
 * The two JSON files exist only while `npm start` runs.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, unlinkSync, writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { LOCAL_DEFAULTS } from "../../app/src/config";
import { runMigrations } from "../../app/src/db/migrations";
import { APP_ROLE, setAppRolePassword } from "../../app/src/db/roles";
import { seedDemoCatalog } from "./demo-catalog";
import { createTables, startDynalite, startPostgres } from "./stores";

const LOCAL_TABLES = { sessions: LOCAL_DEFAULTS.sessionsTable, cache: LOCAL_DEFAULTS.cacheTable };

export interface PlatformSettings {
  dataDir: string;
  pgPort: number;
  dynamoPort: number;
  adminToken: string;
  log: (line: string) => void;
}

/** The environment the API reads in local mode (config.ts), pointing at the local stores. */
export interface LocalStoresInfo {
  pid: number;
  /** The API's connection: the application role. */
  databaseUrl: string;
  /** The schema owner's connection: migrations, seeding. */
  databaseOwnerUrl: string;
  dynamodbEndpoint: string;
  sessionsTable: string;
  cacheTable: string;
  sessionSigningKey: string;
  adminToken: string;
}

/**
 * On Node.js < 22 the AWS SDK warns at the first client that its releases after
 * January 2027 need Node 22. Lambda runs Node 22; the local platform runs on the
 * developer's Node (package.json engines: >= 20.19), where the warning says
 * nothing to act on. This sets the SDK's documented switch
 * (AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED, aws/aws-sdk-js-v3#7983)
 * for this process, unless the developer set it already.
 */
export function silenceSdkNodeVersionWarning(env: Record<string, string | undefined> = process.env): void {
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
}

export function settingsFromEnv(env: Record<string, string | undefined> = process.env): PlatformSettings {
  const int = (key: string, fallback: number) => {
    const raw = env[key];
    if (raw === undefined || raw === "") return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 0 || value > 65535) throw new Error(`${key} must be a port number 0..65535, got "${raw}"`);
    return value;
  };
  return {
    dataDir: path.resolve(env.LOCAL_DATA_DIR || ".local"),
    pgPort: int("PG_PORT", 5433),
    dynamoPort: int("DYNAMODB_PORT", 0),
    adminToken: env.ADMIN_TOKEN?.trim() || LOCAL_DEFAULTS.adminToken,
    log: (line) => process.stderr.write(line + "\n"),
  };
}

/** The API's optional settings a user may give `npm start` and `npm run invoke` (docs/api.md lists them). */
export const API_TUNING_VARIABLES = [
  "LOG_LEVEL",
  "DB_POOL_MAX",
  "CACHE_TTL_SECONDS",
  "LOCAL_CACHE_TTL_SECONDS",
  "SESSION_TTL_SECONDS",
  "POWERTOOLS_SERVICE_NAME",
  "POWERTOOLS_METRICS_NAMESPACE",
] as const;

/**
 * The API's environment on the local stores: where they are, plus the tuning variables set in
 * `env` (nothing else from it: the API must not pick up a shell's AWS settings).
 */
export function toApiEnv(info: LocalStoresInfo, extra: Record<string, string> = {}, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const tuning = Object.fromEntries(API_TUNING_VARIABLES.flatMap((key) => (env[key] ? [[key, env[key]]] : [])));
  return {
    ...tuning,
    DATABASE_URL: info.databaseUrl,
    DATABASE_OWNER_URL: info.databaseOwnerUrl,
    DYNAMODB_ENDPOINT: info.dynamodbEndpoint,
    SESSIONS_TABLE: info.sessionsTable,
    CACHE_TABLE: info.cacheTable,
    SESSION_SIGNING_KEY: info.sessionSigningKey,
    ADMIN_TOKEN: info.adminToken,
    ...extra,
  };
}

function signingKey(dataDir: string): string {
  return persistedRandom(dataDir, "session-signing-key");
}

/** A random value kept in the data folder (0600), so a restart reuses it. */
function persistedRandom(dataDir: string, name: string): string {
  const file = path.join(dataDir, name);
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const key = randomBytes(32).toString("base64url");
  writeFileSync(file, key + "\n", { mode: 0o600 });
  return key;
}

/** Starts PostgreSQL and dynalite, creates the tables, migrates and seeds on first start. */
export async function startLocalStores(settings: PlatformSettings): Promise<{ info: LocalStoresInfo; stop(): Promise<void> }> {
  mkdirSync(settings.dataDir, { recursive: true });
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((err) => settings.log(`stop failed: ${String(err)}`));
    stops.length = 0;
  };
  try {
    settings.log(`starting PostgreSQL on 127.0.0.1:${settings.pgPort} (data in ${path.join(settings.dataDir, "postgres")})`);
    const postgres = await startPostgres({ dataDir: path.join(settings.dataDir, "postgres"), port: settings.pgPort, persistent: true, durable: true });
    stops.push(() => postgres.stop());
    const dynamo = await startDynalite({ port: settings.dynamoPort, dataPath: path.join(settings.dataDir, "dynamodb") });
    stops.push(() => dynamo.stop());
    await createTables(dynamo.endpoint, LOCAL_TABLES);

    // Migrations and seeding as the owner; the API connects as the application role (as in AWS).
    const appRolePassword = persistedRandom(settings.dataDir, "app-role-password");
    const pool = new pg.Pool({ connectionString: postgres.url(), max: 2 });
    pool.on("error", () => {});
    try {
      const { applied } = await runMigrations(pool);
      if (applied.length) settings.log(`migrations applied: ${applied.join(", ")}`);
      await setAppRolePassword(pool, appRolePassword);
      const seeded = await seedDemoCatalog(pool);
      if (seeded) settings.log(`demo catalog loaded: ${seeded} products`);
    } finally {
      await pool.end();
    }
    return {
      info: {
        pid: process.pid,
        databaseUrl: postgres.urlAs(APP_ROLE, appRolePassword),
        databaseOwnerUrl: postgres.url(),
        dynamodbEndpoint: dynamo.endpoint,
        sessionsTable: LOCAL_TABLES.sessions,
        cacheTable: LOCAL_TABLES.cache,
        sessionSigningKey: signingKey(settings.dataDir),
        adminToken: settings.adminToken,
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

export const platformFile = (dataDir: string) => path.join(dataDir, "platform.json");
export const stackOutputsFile = (dataDir: string) => path.join(dataDir, "stack-outputs.json");

/** The stores of a running `npm start`, if one is running for this data folder. */
export function runningPlatform(dataDir: string): LocalStoresInfo | null {
  const file = platformFile(dataDir);
  if (!existsSync(file)) return null;
  try {
    const info = JSON.parse(readFileSync(file, "utf8")) as LocalStoresInfo;
    process.kill(info.pid, 0); // throws when no such process: a stale file
    return info;
  } catch {
    return null;
  }
}

export function writePlatformFiles(dataDir: string, info: LocalStoresInfo, baseUrl: string): void {
  writeFileSync(platformFile(dataDir), JSON.stringify(info, null, 2) + "\n", { mode: 0o600 });
  writeFileSync(stackOutputsFile(dataDir), JSON.stringify({ platform: "local", baseUrl, adminToken: info.adminToken }, null, 2) + "\n", { mode: 0o600 });
}

export function removePlatformFiles(dataDir: string): void {
  for (const file of [platformFile(dataDir), stackOutputsFile(dataDir)]) {
    try {
      unlinkSync(file);
    } catch {
      // already gone
    }
  }
}
