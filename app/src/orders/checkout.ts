/**
 * Checkout: the session's cart becomes an order in ONE PostgreSQL round trip,
 * the `place_order` function (migration 0004), which in one transaction:
 *
 * 1. Claims the Idempotency-Key: insert (scope = session, key) first. A
 *    concurrent duplicate blocks on the primary key until the first
 *    transaction ends, then finds the row and replays its stored response; a
 *    different request under the same key gets 422.
 *    Then claims the cart: insert (session, cart revision). A concurrent checkout
 *    of the same cart under another key blocks on the primary key, then finds
 *    the cart ordered: 409 cart_empty. One cart state becomes at most one order.
 * 2. Takes stock line by line in SKU order (a fixed lock order: no deadlocks).
 *    Any line short -> the whole transaction rolls back (stock, order and the
 *    claims), so nothing changes and a retry runs afresh.
 * 3. When the client sent the total it confirmed (`expectedTotalCents`) and the
 *    total at the prices read under the row locks differs: 409 cart_changed,
 *    everything rolls back. Otherwise inserts the order and its lines at those
 *    prices, stores the 201 response on the idempotency row, commits.
 * Row locks are held for that one call only. Each lock wait is bounded inside
 * the function (lock_timeout), within a budget below the client's query
 * timeout. Only then is the cart emptied (DynamoDB, one conditional write on
 * the version read); if that fails the order stands.
 */
import { createHash, randomUUID } from "node:crypto";
import type pg from "pg";
import { LOCK_WAIT_MS, QUERY_TIMEOUT_MS, serverTimeouts } from "../db/pool";
import { ApiError, RETRY_AFTER_SECONDS, validationFailed } from "../http/errors";
import type { SessionStore } from "../session/session-store";
import { placeOrder } from "./order-repository";

export interface CheckoutRequest {
  sessionId: string;
  idempotencyKey: string;
  email: string;
  expectedTotalCents?: number;
}

export interface CheckoutResult {
  status: number;
  body: unknown;
  replayed: boolean;
}

const inProgress = () =>
  new ApiError(409, "idempotency_in_progress", "a request with this Idempotency-Key is still being processed; retry shortly", {
    "retry-after": String(RETRY_AFTER_SECONDS),
  });

/** A stable hash of what the client asked for (the validated body), to tell "same request" from "different". */
export function requestHash(body: { email: string; expectedTotalCents?: number }): string {
  // JSON.stringify leaves an absent expectedTotalCents out: v1 requests keep their hash.
  return createHash("sha256")
    .update(JSON.stringify({ op: "POST /api/orders", email: body.email, expectedTotalCents: body.expectedTotalCents }))
    .digest("hex");
}

class CartAlreadyOrdered extends ApiError {
  constructor() {
    super(409, "cart_empty", "this cart has already been ordered; the cart is empty");
  }
}

/** The place_order function's refusals (SQLSTATE class SC) as the API answers them. */
function refusal(err: unknown): ApiError | null {
  const { code, detail } = err as { code?: string; detail?: string };
  const figures = () => JSON.parse(detail ?? "{}") as Record<string, number | string>;
  switch (code) {
    case "SC001":
      return inProgress();
    case "SC002":
      return new ApiError(422, "idempotency_key_reused", "this Idempotency-Key was already used for a different request");
    case "SC003":
      return new ApiError(409, "cart_empty", "the cart is empty");
    case "SC004":
      return new CartAlreadyOrdered();
    case "SC005": {
      const { sku, quantity } = figures();
      return new ApiError(409, "insufficient_stock", `not enough stock for ${sku} (wanted ${quantity}); nothing was ordered`);
    }
    case "SC006":
      return validationFailed("the cart mixes currencies; remove the items priced differently");
    case "SC007": {
      const { totalCents, expectedTotalCents } = figures();
      return new ApiError(
        409,
        "cart_changed",
        `the cart's total is now ${totalCents}, not the ${expectedTotalCents} confirmed; review the cart and order again; nothing was ordered`,
      );
    }
    default:
      return null;
  }
}

export async function checkout(
  deps: {
    writer: pg.Pool;
    sessions: SessionStore;
    lockWaitMs?: number;
    /** Called after commit with the SKUs whose stock changed. */
    onStockTaken?: (skus: string[]) => void;
    onCartClearFailed?: (err: unknown) => void;
  },
  request: CheckoutRequest,
): Promise<CheckoutResult> {
  const snapshot = await deps.sessions.snapshot(request.sessionId);
  const { cart } = snapshot.data;
  const queryTimeout = (deps.writer.options as { query_timeout?: number }).query_timeout ?? QUERY_TIMEOUT_MS;
  const { statementTimeoutMs, lockTimeoutMs } = serverTimeouts(queryTimeout, deps.lockWaitMs ?? LOCK_WAIT_MS);

  let result: CheckoutResult;
  try {
    result = await placeOrder(deps.writer, {
      sessionId: request.sessionId,
      idempotencyKey: request.idempotencyKey,
      requestHash: requestHash(request),
      cartRevision: snapshot.revision,
      lines: cart,
      email: request.email,
      expectedTotalCents: request.expectedTotalCents,
      orderId: randomUUID(),
      lockWaitMs: lockTimeoutMs,
      budgetMs: statementTimeoutMs,
    });
  } catch (err) {
    const answer = refusal(err);
    // This cart state was ordered already. If the session still holds it (emptying it after that order failed,
    // or has not happened yet), empty it now, unless someone changed it since.
    if (answer instanceof CartAlreadyOrdered && snapshot.version !== null) await emptyIfUnchanged(deps, request.sessionId, snapshot.version);
    throw answer ?? err;
  }

  if (!result.replayed) {
    deps.onStockTaken?.(cart.map((line) => line.sku));
    const ordered = new Map(cart.map((line) => [line.sku, line.quantity]));
    try {
      // Remove what was ordered; keep anything added to the cart meanwhile. Starts from the
      // snapshot: one conditional write, re-reading only if the session changed since.
      await deps.sessions.update(request.sessionId, (data) => ({ cart: data.cart.filter((line) => ordered.get(line.sku) !== line.quantity) }), snapshot);
    } catch (err) {
      deps.onCartClearFailed?.(err);
    }
  }
  return result;
}

async function emptyIfUnchanged(deps: { sessions: SessionStore; onCartClearFailed?: (err: unknown) => void }, sessionId: string, version: number) {
  try {
    await deps.sessions.replaceIfVersion(sessionId, version, { cart: [] });
  } catch (err) {
    deps.onCartClearFailed?.(err);
  }
}
