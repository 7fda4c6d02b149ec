/** PostgreSQL access for orders and idempotency records. */
import type pg from "pg";
import type { CartLineView } from "../cart/cart";

export interface Order {
  id: string;
  status: "confirmed";
  email: string;
  items: CartLineView[];
  totalCents: number;
  currency: string;
  createdAt: string;
}

type Queryable = Pick<pg.Pool, "query"> | Pick<pg.PoolClient, "query">;

export async function insertOrder(
  db: Queryable,
  order: { id: string; sessionId: string; email: string; items: CartLineView[]; totalCents: number; currency: string },
): Promise<Order> {
  const { rows } = await db.query<{ created_at: Date }>(
    `INSERT INTO orders (id, session_id, email, status, total_cents, currency) VALUES ($1, $2, $3, 'confirmed', $4, $5)
     RETURNING created_at`,
    [order.id, order.sessionId, order.email, order.totalCents, order.currency],
  );
  await db.query(
    `INSERT INTO order_lines (order_id, line_no, sku, name, quantity, price_cents)
     SELECT $1, n, sku, name, quantity, price_cents
       FROM unnest($2::text[], $3::text[], $4::int[], $5::bigint[]) WITH ORDINALITY AS l(sku, name, quantity, price_cents, n)`,
    [
      order.id,
      order.items.map((i) => i.sku),
      order.items.map((i) => i.name),
      order.items.map((i) => i.quantity),
      order.items.map((i) => i.priceCents),
    ],
  );
  return {
    id: order.id,
    status: "confirmed",
    email: order.email,
    items: order.items,
    totalCents: order.totalCents,
    currency: order.currency,
    createdAt: rows[0]!.created_at.toISOString(),
  };
}

/** The order if `sessionId` placed it. */
export async function findOrder(db: Queryable, id: string, sessionId: string): Promise<Order | null> {
  const { rows } = await db.query<{ id: string; status: "confirmed"; email: string; total_cents: string; currency: string; created_at: Date }>(
    "SELECT id, status, email, total_cents, currency, created_at FROM orders WHERE id = $1 AND session_id = $2",
    [id, sessionId],
  );
  const row = rows[0];
  if (!row) return null;
  const lines = await db.query<{ sku: string; name: string; quantity: number; price_cents: string }>(
    "SELECT sku, name, quantity, price_cents FROM order_lines WHERE order_id = $1 ORDER BY line_no",
    [id],
  );
  return {
    id: row.id,
    status: row.status,
    email: row.email,
    items: lines.rows.map((l) => {
      const priceCents = Number(l.price_cents);
      return { sku: l.sku, name: l.name, quantity: l.quantity, priceCents, lineTotalCents: priceCents * l.quantity };
    }),
    totalCents: Number(row.total_cents),
    currency: row.currency,
    createdAt: row.created_at.toISOString(),
  };
}

export interface IdempotencyRecord {
  requestHash: string;
  statusCode: number | null;
  responseBody: unknown;
}

/** Claims (scope, key) for this transaction; null when it is taken (waits for an in-flight holder to finish). */
export async function claimIdempotencyKey(db: Queryable, scope: string, key: string, requestHash: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO idempotency_records (scope, key, request_hash) VALUES ($1, $2, $3) ON CONFLICT (scope, key) DO NOTHING`,
    [scope, key, requestHash],
  );
  return rowCount === 1;
}

export async function readIdempotencyRecord(db: Queryable, scope: string, key: string): Promise<IdempotencyRecord | null> {
  const { rows } = await db.query<{ request_hash: string; status_code: number | null; response_body: unknown }>(
    "SELECT request_hash, status_code, response_body FROM idempotency_records WHERE scope = $1 AND key = $2",
    [scope, key],
  );
  const row = rows[0];
  return row ? { requestHash: row.request_hash, statusCode: row.status_code, responseBody: row.response_body } : null;
}

export async function completeIdempotencyRecord(db: Queryable, scope: string, key: string, statusCode: number, body: unknown): Promise<void> {
  await db.query("UPDATE idempotency_records SET status_code = $3, response_body = $4 WHERE scope = $1 AND key = $2", [
    scope,
    key,
    statusCode,
    JSON.stringify(body),
  ]);
}

/**
 * Claims one state of a session's cart (its revision) for this transaction;
 * false when an order was already placed from it (a concurrent claim waits for
 * the holder to finish: it succeeds if that one rolled back).
 */
export async function claimCart(db: Queryable, sessionId: string, cartRevision: string): Promise<boolean> {
  const { rowCount } = await db.query(
    "INSERT INTO cart_checkouts (session_id, cart_revision) VALUES ($1, $2) ON CONFLICT (session_id, cart_revision) DO NOTHING",
    [sessionId, cartRevision],
  );
  return rowCount === 1;
}
