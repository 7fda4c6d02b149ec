/**
 * Which PostgreSQL errors mean "the database cannot serve this now, retry
 * later" (an outage) rather than a fault in the request or the code. The store
 * layer decides; the HTTP layer only maps the answer to 503.
 */

/** SQLSTATEs the app tells apart (https://www.postgresql.org/docs/current/errcodes-appendix.html). */
export const SQLSTATE = {
  /** lock_timeout ran out waiting for a row lock. */
  lockNotAvailable: "55P03",
  /** statement_timeout ended the statement. */
  queryCanceled: "57014",
} as const;

/** Socket-level failures, whichever client met them. */
export const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ECONNABORTED",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/**
 * Connection classes 08, 57P0x (shutdown or terminated), 53 (resources), a lock
 * wait or statement that timed out on the server (a wait on the database:
 * retry later), a network error, and node-postgres's own errors for a dropped
 * connection or a client-side connect or query timeout.
 */
export function isDatabaseOutage(err: unknown): boolean {
  if (typeof err !== "object" || err === null) return false;
  // An AWS SDK error (Secrets Manager, DynamoDB) is never the database's, whatever its code.
  if ("$metadata" in err) return false;
  const e = err as { code?: unknown; message?: unknown; errors?: unknown[] };
  const code = typeof e.code === "string" ? e.code : undefined;
  if (code && (/^08/.test(code) || /^57P0/.test(code) || /^53/.test(code) || code === SQLSTATE.lockNotAvailable || code === SQLSTATE.queryCanceled)) {
    return true;
  }
  if (code && NETWORK_ERROR_CODES.has(code)) return true;
  const message = typeof e.message === "string" ? e.message : "";
  if (
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connection is closed|Query read timeout/i.test(
      message,
    )
  ) {
    return true;
  }
  // Node wraps parallel connect failures (IPv4 + IPv6) in an AggregateError.
  return Array.isArray(e.errors) && e.errors.some(isDatabaseOutage);
}
