/**
 * Typed errors and their one mapping to the contract's error shape
 * `{"error":{"code","message"}}`. Routes and domain code throw these; the app's
 * error handler turns them (and the store layer's outages, runtime/outage.ts)
 * into responses.
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
