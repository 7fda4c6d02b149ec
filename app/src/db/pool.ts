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
  /**
   * Called for errors a connection reports outside a query (the server
   * restarted, a backend was terminated, a failover). They never end the
   * process: the next query on that connection fails (503) and the pool
   * replaces it.
   */
  onError?: (err: Error) => void;
  /** Client-side limit on one statement (default QUERY_TIMEOUT_MS). */
  queryTimeoutMs?: number;
}

/**
 * Timeouts, innermost first: a lock wait (server: lock_timeout, SQLSTATE
 * 55P03) gives up before the statement (server: statement_timeout, 57014),
 * which gives up before the client stops waiting (pg's query_timeout). So a
 * slow statement is ended by the server, which answers with a code the API
 * maps (409 idempotency_in_progress or 503), on a connection that stays usable;
 * the client-side timeout is a last resort for a server that does not answer.
 */
export const QUERY_TIMEOUT_MS = 10_000;

/**
 * Default for how long a statement waits for a row lock: a checkout duplicate
 * waiting for an in-flight first request gets 409 idempotency_in_progress after
 * it; a product row locked that long means trouble, answered 503 (retry). With
 * the 10 s query timeout it is the most serverTimeouts allows (statement 9 s).
 */
export const LOCK_WAIT_MS = 8_000;

export interface ServerTimeouts {
  statementTimeoutMs: number;
  lockTimeoutMs: number;
}

export function serverTimeouts(queryTimeoutMs: number, lockWaitMs: number): ServerTimeouts {
  const margin = Math.min(1_000, Math.floor(queryTimeoutMs / 4));
  const statementTimeoutMs = Math.max(1, queryTimeoutMs - margin);
  return { statementTimeoutMs, lockTimeoutMs: Math.max(1, Math.min(Math.floor(lockWaitMs), statementTimeoutMs - margin)) };
}

/** BEGIN with the pool's server-side timeouts for this transaction only (SET LOCAL: nothing outlives it on a pooled connection). */
export function beginWithTimeouts(pool: pg.Pool, lockWaitMs: number): string {
  const queryTimeout = (pool.options as { query_timeout?: number }).query_timeout ?? QUERY_TIMEOUT_MS;
  const { statementTimeoutMs, lockTimeoutMs } = serverTimeouts(queryTimeout, lockWaitMs);
  return `BEGIN; SET LOCAL statement_timeout = ${statementTimeoutMs}; SET LOCAL lock_timeout = ${lockTimeoutMs}`;
}

export function poolConfig(target: PgTarget, options: PoolOptions): pg.PoolConfig {
  const common: pg.PoolConfig = {
    max: options.max,
    // Lambda freezes between invocations; close idle connections well before RDS Proxy's idle timeout.
    idleTimeoutMillis: 60_000,
    connectionTimeoutMillis: 5_000,
    // Let statements fail instead of hanging a request when the database stalls (see QUERY_TIMEOUT_MS).
    query_timeout: options.queryTimeoutMs ?? QUERY_TIMEOUT_MS,
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
  const report = (err: Error) => options.onError?.(err);
  // Idle clients: the pool emits their errors here (and drops them).
  pool.on("error", report);
  // Checked-out clients: pg emits `error` on the client itself when its
  // connection fails between queries, and an EventEmitter without a listener
  // throws - which ends the process. Every client gets a listener for life.
  pool.on("connect", (client) => client.on("error", report));
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
    if (connectionUnusable(err)) {
      // Closing the connection rolls the transaction back on the server; a
      // ROLLBACK would only queue behind a statement the client gave up on.
      broken = true;
    } else {
      try {
        await client.query("ROLLBACK");
      } catch {
        broken = true; // the connection itself failed: do not return it to the pool
      }
    }
    throw err;
  } finally {
    client.release(broken);
  }
}

/** The client gave up on a statement still running, or the connection failed. */
function connectionUnusable(err: unknown): boolean {
  const message = (err as { message?: unknown })?.message;
  return typeof message === "string" && /Query read timeout|Connection terminated|not queryable|connection is closed/i.test(message);
}
