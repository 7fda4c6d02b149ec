/**
 * Typed errors and their one mapping to the contract's error shape
 * `{"error":{"code","message"}}`. Routes and domain code throw these; the app's
 * error handler turns them (and data-store outages) into responses.
 */
export type ErrorCode =
  | "bad_request"
  | "validation_failed"
  | "unauthorized"
  | "not_found"
  | "method_not_allowed"
  | "insufficient_stock"
  | "idempotency_in_progress"
  | "cart_empty"
  | "cart_changed"
  | "precondition_failed"
  | "payload_too_large"
  | "unsupported_media_type"
  | "idempotency_key_reused"
  | "unavailable"
  | "internal";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export const badRequest = (message: string) => new ApiError(400, "bad_request", message);
export const validationFailed = (message: string) => new ApiError(400, "validation_failed", message);
export const notFound = (message: string) => new ApiError(404, "not_found", message);
export const unauthorized = () =>
  new ApiError(401, "unauthorized", "a valid admin token is required (Authorization: Bearer <token>)", {
    "www-authenticate": 'Bearer realm="shop-admin"',
  });

/** Seconds a client should wait before retrying after a data-store outage. */
export const RETRY_AFTER_SECONDS = 2;

export const unavailable = (what: string) =>
  new ApiError(503, "unavailable", `${what} is temporarily unavailable; retry shortly`, {
    "retry-after": String(RETRY_AFTER_SECONDS),
  });

export function errorBody(code: ErrorCode, message: string) {
  return { error: { code, message } };
}

const NETWORK_CODES = new Set([
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

const AWS_TRANSIENT_NAMES = new Set([
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "RequestLimitExceeded",
  "InternalServerError",
  "ServiceUnavailable",
  "TimeoutError",
]);

/**
 * Which store an error says is unreachable, or null when the error is not an
 * outage. PostgreSQL: connection classes 08, 57P (shutdown), 53 (resources),
 * pool/connect timeouts. AWS SDK: network errors, throttling, 5xx.
 */
export function outageOf(err: unknown): "database" | "dynamodb" | null {
  if (typeof err !== "object" || err === null) return null;
  const e = err as { code?: unknown; name?: unknown; message?: unknown; $metadata?: { httpStatusCode?: number }; cause?: unknown; errors?: unknown[] };
  const isAws = "$metadata" in e || (typeof e.name === "string" && AWS_TRANSIENT_NAMES.has(e.name));
  const code = typeof e.code === "string" ? e.code : undefined;
  const message = typeof e.message === "string" ? e.message : "";
  if (e.name === "DynamoUnavailable") return "dynamodb";
  if (isAws) {
    if (typeof e.name === "string" && AWS_TRANSIENT_NAMES.has(e.name)) return "dynamodb";
    if ((e.$metadata?.httpStatusCode ?? 0) >= 500) return "dynamodb";
    if (code && NETWORK_CODES.has(code)) return "dynamodb";
    return null;
  }
  // 08: connection, 57P0x: shutdown or terminated, 53: resources, 55P03: lock wait timed out,
  // 57014: statement timeout (a wait on the database timed out: retry later).
  if (code && (/^08/.test(code) || /^57P0/.test(code) || /^53/.test(code) || code === "55P03" || code === "57014")) return "database";
  if (code && NETWORK_CODES.has(code)) return "database";
  // pg's own errors: a dropped connection, a connect or query timeout on the client side.
  if (/Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connection is closed|Query read timeout/i.test(message)) {
    return "database";
  }
  // Node wraps parallel connect failures (IPv4 + IPv6) in an AggregateError.
  if (Array.isArray(e.errors) && e.errors.some((inner) => outageOf(inner) === "database")) return "database";
  return null;
}
