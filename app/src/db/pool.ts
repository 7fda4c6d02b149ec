/**
 * PostgreSQL pools: one for writes (writer endpoint) and one for reads
 * (read-only endpoint). In AWS each new connection authenticates to RDS Proxy
 * with a fresh IAM token (valid 15 minutes) over TLS; locally a URL is used.
 *
 * TLS: RDS Proxy presents ACM-issued certificates that chain to the public
 * Amazon Root CAs, which are in Node's bundled CA store, so
 * `rejectUnauthorized: true` with the default CAs verifies them (no RDS CA
 * bundle file needed in the image).
 */
import pg from "pg";
import type { PgTarget } from "../config";

export interface Database {
  writer: pg.Pool;
  reader: pg.Pool;
  end(): Promise<void>;
}

export interface PoolOptions {
  max: number;
  /** Called for errors on idle clients (e.g. the server restarted); the pool drops the client. */
  onError?: (err: Error) => void;
}

export function poolConfig(target: PgTarget, options: PoolOptions): pg.PoolConfig {
  const common: pg.PoolConfig = {
    max: options.max,
    // Lambda freezes between invocations; close idle connections well before RDS Proxy's idle timeout.
    idleTimeoutMillis: 60_000,
    connectionTimeoutMillis: 5_000,
    // Let statements fail instead of hanging a request when the database stalls.
    query_timeout: 10_000,
    allowExitOnIdle: true,
  };
  if (target.kind === "url") return { ...common, connectionString: target.url };
  // Loaded on first use: only AWS mode needs the signer (and its credential chain).
  let signer: Promise<{ getAuthToken(): Promise<string> }> | undefined;
  const getSigner = () =>
    (signer ??= import("@aws-sdk/rds-signer").then(
      ({ Signer }) => new Signer({ hostname: target.host, port: target.port, username: target.user, region: target.region }),
    ));
  return {
    ...common,
    host: target.host,
    port: target.port,
    database: target.database,
    user: target.user,
    // An async password: pg calls it for every new connection, so tokens never go stale.
    password: async () => (await getSigner()).getAuthToken(),
    ssl: { rejectUnauthorized: true },
  };
}

export function createPool(target: PgTarget, options: PoolOptions): pg.Pool {
  const pool = new pg.Pool(poolConfig(target, options));
  pool.on("error", (err) => options.onError?.(err));
  return pool;
}

export function createDatabase(writer: PgTarget, reader: PgTarget, options: PoolOptions): Database {
  const writerPool = createPool(writer, options);
  const sameEndpoint = JSON.stringify(writer) === JSON.stringify(reader);
  const readerPool = sameEndpoint ? writerPool : createPool(reader, options);
  return {
    writer: writerPool,
    reader: readerPool,
    async end() {
      await writerPool.end();
      if (readerPool !== writerPool) await readerPool.end();
    },
  };
}

/**
 * Runs `work` in a transaction on one client from the pool; rolls back on any error.
 * `begin` may add settings to the BEGIN round trip (e.g. "BEGIN; SET LOCAL lock_timeout = '10s'").
 */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>, begin = "BEGIN"): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query(begin);
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (err) {
    try {
      await client.query("ROLLBACK");
    } catch {
      broken = true; // the connection itself failed: do not return it to the pool
    }
    throw err;
  } finally {
    client.release(broken);
  }
}
