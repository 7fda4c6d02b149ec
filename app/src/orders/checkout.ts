/**
 * Checkout: the session's cart becomes an order in ONE PostgreSQL transaction.
 *
 * 1. Claim the Idempotency-Key: insert (scope = session, key) first. A
 *    concurrent duplicate blocks on the primary key until the first
 *    transaction ends, then finds the row and replays its stored response; a
 *    different request under the same key gets 422.
 *    Then claim the cart: insert (session, cart revision). A concurrent checkout
 *    of the same cart under another key blocks on the primary key, then finds
 *    the cart ordered: 409 cart_empty. One cart state becomes at most one order.
 * 2. Take stock line by line in SKU order (a fixed lock order: no deadlocks)
 *    with `UPDATE ... SET stock = stock - qty WHERE sku = $ AND stock >= qty`.
 *    Any line short -> the whole transaction rolls back (stock, order and the
 *    claims), so nothing changes and a retry runs afresh.
 * 3. When the client sent the total it confirmed (`expectedTotalCents`) and the
 *    total at the prices read under the row locks differs: 409 cart_changed,
 *    everything rolls back. Otherwise insert the order and its lines at those
 *    prices, store the 201 response on the idempotency row, commit.
 * Only then is the cart emptied (DynamoDB); if that fails the order stands.
 */
import { createHash, randomUUID } from "node:crypto";
import type pg from "pg";
import type { CartLineView } from "../cart/cart";
import { beginWithTimeouts, inTransaction, LOCK_WAIT_MS } from "../db/pool";
import { ApiError, RETRY_AFTER_SECONDS, validationFailed } from "../http/errors";
import type { CartLine, SessionStore } from "../session/session-store";
import { claimCart, claimIdempotencyKey, completeIdempotencyRecord, insertOrder, readIdempotencyRecord } from "./order-repository";

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

/** Lines ordered by SKU: every checkout locks product rows in the same order. */
export function lockOrder(lines: readonly CartLine[]): CartLine[] {
  return [...lines].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
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
  const hash = requestHash(request);
  const snapshot = await deps.sessions.snapshot(request.sessionId);
  const { cart } = snapshot.data;

  const attempt = inTransaction(deps.writer, async (client) => {
    let claimed: boolean;
    try {
      claimed = await claimIdempotencyKey(client, request.sessionId, request.idempotencyKey, hash);
    } catch (err) {
      if ((err as { code?: string }).code === "55P03") {
        throw inProgress();
      }
      throw err;
    }

    if (!claimed) {
      const record = await readIdempotencyRecord(client, request.sessionId, request.idempotencyKey);
      if (!record || record.statusCode === null) throw inProgress();
      if (record.requestHash !== hash) {
        throw new ApiError(422, "idempotency_key_reused", "this Idempotency-Key was already used for a different request");
      }
      return { status: record.statusCode, body: record.responseBody, replayed: true };
    }

    if (cart.length === 0) throw new ApiError(409, "cart_empty", "the cart is empty");
    if (!(await claimCart(client, request.sessionId, snapshot.revision!))) throw new CartAlreadyOrdered();

    const lines: CartLineView[] = [];
    const currencies = new Set<string>();
    for (const line of lockOrder(cart)) {
      const taken = await client.query<{ name: string; price_cents: string; currency: string }>(
        `UPDATE products SET stock = stock - $1, updated_at = now() WHERE sku = $2 AND stock >= $1
         RETURNING name, price_cents, currency`,
        [line.quantity, line.sku],
      );
      const row = taken.rows[0];
      if (!row) {
        throw new ApiError(409, "insufficient_stock", `not enough stock for ${line.sku} (wanted ${line.quantity}); nothing was ordered`);
      }
      const priceCents = Number(row.price_cents);
      lines.push({ sku: line.sku, name: row.name, quantity: line.quantity, priceCents, lineTotalCents: priceCents * line.quantity });
      currencies.add(row.currency);
    }
    if (currencies.size > 1) throw validationFailed("the cart mixes currencies; remove the items priced differently");
    const totalCents = lines.reduce((sum, line) => sum + line.lineTotalCents, 0);
    if (request.expectedTotalCents !== undefined && request.expectedTotalCents !== totalCents) {
      throw new ApiError(
        409,
        "cart_changed",
        `the cart's total is now ${totalCents}, not the ${request.expectedTotalCents} confirmed; review the cart and order again; nothing was ordered`,
      );
    }

    const order = await insertOrder(client, {
      id: randomUUID(),
      sessionId: request.sessionId,
      email: request.email,
      items: lines,
      totalCents,
      currency: [...currencies][0]!,
    });
    await completeIdempotencyRecord(client, request.sessionId, request.idempotencyKey, 201, order);
    return { status: 201, body: order as unknown, replayed: false };
  }, beginWithTimeouts(deps.writer, deps.lockWaitMs ?? LOCK_WAIT_MS));

  let result: CheckoutResult;
  try {
    result = await attempt;
  } catch (err) {
    // This cart state was ordered already. If the session still holds it (emptying it after that order failed,
    // or has not happened yet), empty it now, unless someone changed it since.
    if (err instanceof CartAlreadyOrdered && snapshot.version !== null) await emptyIfUnchanged(deps, request.sessionId, snapshot.version);
    throw err;
  }

  if (!result.replayed) {
    deps.onStockTaken?.(cart.map((line) => line.sku));
    const ordered = new Map(cart.map((line) => [line.sku, line.quantity]));
    try {
      // Remove what was ordered; keep anything added to the cart meanwhile.
      await deps.sessions.update(request.sessionId, (data) => ({
        cart: data.cart.filter((line) => ordered.get(line.sku) !== line.quantity),
      }));
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
