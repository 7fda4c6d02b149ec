/**
 * A real store stack for one test file: its own embedded PostgreSQL (own data
 * dir, own port), its own dynalite, the schema migrated and the tables created,
 * and the app built on top exactly as the local server and Lambda build it.
 */
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createApp, type AppDeps } from "../../../app/src/app";
import { createDatabase, type Database } from "../../../app/src/db/pool";
import { runMigrations } from "../../../app/src/db/migrations";
import { APP_ROLE, setAppRolePassword } from "../../../app/src/db/roles";
import pg from "pg";
import { createDocumentStore, type LazyDocumentStore } from "../../../app/src/runtime/dynamo";
import { createTables, startDynalite, startPostgres, type LocalDynamo, type LocalPostgres } from "../../../scripts/local/stores";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Hono } from "hono";
import { freePort } from "./ports";

export const SIGNING_KEY = "test-signing-key-0123456789abcdef";
export const ADMIN_TOKEN = "test-admin-token";
export const APP_ROLE_PASSWORD = "test-app-role-password-0123456789";
export const TABLES = { sessions: "ecommerce-sessions-test", cache: "ecommerce-cache-test" };

/** A document client of the local tables for tests to look at or change items directly (the SDK's defaults). */
export function tableClient(endpoint: string): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient({ region: "us-east-1", endpoint, credentials: { accessKeyId: "local", secretAccessKey: "local" } }));
}

export interface TestStack {
  postgres: LocalPostgres;
  dynamo: LocalDynamo;
  database: Database;
  /** A client of the stack's tables for tests to look at or change items directly. */
  doc: DynamoDBDocumentClient;
  /** The app's own store (deps.doc). */
  documents: LazyDocumentStore;
  deps: AppDeps;
  app: Hono;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** Keep data on disk so the stores can be stopped and started again (outage tests). */
  restartable?: boolean;
  /** The pools' client-side statement timeout (default: the app's). */
  queryTimeoutMs?: number;
}

export async function startStack(overrides: Partial<AppDeps> = {}, options: StackOptions = {}): Promise<TestStack> {
  const base = mkdtempSync(path.join(os.tmpdir(), "shop-app-test-"));
  chmodSync(base, 0o755);
  // A port found free can be taken before we bind it (test files run in parallel): retry on another.
  const postgres = await withRetries(async () =>
    startPostgres({ dataDir: path.join(base, "pg"), port: await freePort(54320, 54339), persistent: !!options.restartable }),
  );
  const dynamo = await withRetries(async () =>
    startDynalite({ port: await freePort(8000, 8009), dataPath: options.restartable ? path.join(base, "dynamo") : undefined }),
  );
  await createTables(dynamo.endpoint, TABLES);
  // As in AWS: the owner migrates, the app runs as the application role.
  const owner = new pg.Pool({ connectionString: postgres.url(), max: 1 });
  try {
    await runMigrations(owner);
    await setAppRolePassword(owner, APP_ROLE_PASSWORD);
  } finally {
    await owner.end();
  }
  const appUrl = postgres.urlAs(APP_ROLE, APP_ROLE_PASSWORD);
  const database = createDatabase({ kind: "url", url: appUrl }, { kind: "url", url: appUrl }, { max: 20, queryTimeoutMs: options.queryTimeoutMs });
  const doc = tableClient(dynamo.endpoint);
  const documents = createDocumentStore({ region: "us-east-1", endpoint: dynamo.endpoint });
  const deps: AppDeps = {
    db: database,
    doc: documents,
    tables: TABLES,
    sessionKeys: async () => ({ current: SIGNING_KEY }),
    adminToken: ADMIN_TOKEN,
    cacheTtlSeconds: 30,
    localCacheTtlSeconds: 5,
    sessionTtlSeconds: 3600,
    ...overrides,
  };
  return {
    postgres,
    dynamo,
    database,
    doc,
    documents,
    deps,
    app: createApp(deps),
    async stop() {
      doc.destroy();
      documents.destroy();
      await database.end().catch(() => {});
      await dynamo.stop().catch(() => {});
      await postgres.stop();
      rmSync(base, { recursive: true, force: true });
    },
  };
}

async function withRetries<T>(start: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (err) {
      if (attempt >= attempts) throw err;
    }
  }
}
