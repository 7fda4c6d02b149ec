/**
 * Checkout: the session's cart becomes an order in ONE PostgreSQL transaction.
 *
 * 1. Claim the Idempotency-Key: insert (scope = session, key) first. A
 *    concurrent duplicate blocks on the primary key until the first
 *    transaction ends, then finds the row and replays its stored response; a
 *    different request under the same key gets 422.
 * 2. Take stock line by line in SKU order (a fixed lock order: no deadlocks)
 *    with `UPDATE ... SET stock = stock - qty WHERE sku = $ AND stock >= qty`.
 *    Any line short -> the whole transaction rolls back (stock, order and the
 *    idempotency claim), so nothing changes and a retry runs afresh.
 * 3. Insert the order and its lines at the prices read under the row locks,
 *    store the 201 response on the idempotency row, commit.
 * Only then is the cart emptied (DynamoDB); if that fails the order stands.
 */
import { createHash, randomUUID } from "node:crypto";
import type pg from "pg";
import type { CartLineView } from "../cart/cart";
import { inTransaction } from "../db/pool";
import { ApiError, RETRY_AFTER_SECONDS, validationFailed } from "../http/errors";
import type { CartLine, SessionStore } from "../session/session-store";
import { claimIdempotencyKey, completeIdempotencyRecord, insertOrder, readIdempotencyRecord } from "./order-repository";

export interface CheckoutRequest {
  sessionId: string;
  idempotencyKey: string;
  email: string;
}

export interface CheckoutResult {
  status: number;
  body: unknown;
  replayed: boolean;
}

/**
 * Default for how long a statement waits for a row lock: a duplicate waiting for
 * an in-flight first request gets 409 idempotency_in_progress after it; a stock
 * row locked that long means trouble, answered 503 (retry).
 */
export const LOCK_WAIT_MS = 10_000;

const inProgress = () =>
  new ApiError(409, "idempotency_in_progress", "a request with this Idempotency-Key is still being processed; retry shortly", {
    "retry-after": String(RETRY_AFTER_SECONDS),
  });

/** A stable hash of what the client asked for (the validated body), to tell "same request" from "different". */
export function requestHash(body: { email: string }): string {
  return createHash("sha256").update(JSON.stringify({ op: "POST /api/orders", email: body.email })).digest("hex");
}

/** Lines ordered by SKU: every checkout locks product rows in the same order. */
export function lockOrder(lines: readonly CartLine[]): CartLine[] {
  return [...lines].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
}

export async function checkout(
  deps: { writer: pg.Pool; sessions: SessionStore; lockWaitMs?: number; onCartClearFailed?: (err: unknown) => void },
  request: CheckoutRequest,
): Promise<CheckoutResult> {
  const hash = requestHash({ email: request.email });
  const { cart } = await deps.sessions.load(request.sessionId);

  const result = await inTransaction(deps.writer, async (client) => {
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

    const order = await insertOrder(client, {
      id: randomUUID(),
      sessionId: request.sessionId,
      email: request.email,
      items: lines,
      totalCents: lines.reduce((sum, line) => sum + line.lineTotalCents, 0),
      currency: [...currencies][0]!,
    });
    await completeIdempotencyRecord(client, request.sessionId, request.idempotencyKey, 201, order);
    return { status: 201, body: order as unknown, replayed: false };
  }, `BEGIN; SET LOCAL lock_timeout = ${Math.max(1, Math.floor(deps.lockWaitMs ?? LOCK_WAIT_MS))}`);

  if (!result.replayed) {
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
