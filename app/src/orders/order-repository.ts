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

/** The order if `sessionId` placed it. */
export async function findOrder(db: Queryable, id: string, sessionId: string): Promise<Order | null> {
  // The order and its lines in one round trip.
  const { rows } = await db.query<{
    id: string;
    status: "confirmed";
    email: string;
    total_cents: string;
    currency: string;
    created_at: Date;
    lines: { sku: string; name: string; quantity: number; price_cents: number }[];
  }>(
    `SELECT o.id, o.status, o.email, o.total_cents, o.currency, o.created_at,
            (SELECT json_agg(json_build_object('sku', l.sku, 'name', l.name, 'quantity', l.quantity, 'price_cents', l.price_cents) ORDER BY l.line_no)
               FROM order_lines l WHERE l.order_id = o.id) AS lines
       FROM orders o WHERE o.id = $1 AND o.session_id = $2`,
    [id, sessionId],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    id: row.id,
    status: row.status,
    email: row.email,
    items: (row.lines ?? []).map((l) => {
      const priceCents = Number(l.price_cents);
      return { sku: l.sku, name: l.name, quantity: l.quantity, priceCents, lineTotalCents: priceCents * l.quantity };
    }),
    totalCents: Number(row.total_cents),
    currency: row.currency,
    createdAt: row.created_at.toISOString(),
  };
}

export interface PlaceOrderInput {
  sessionId: string;
  idempotencyKey: string;
  requestHash: string;
  /** The cart state being ordered (the session item's revision). */
  cartRevision: string | null;
  lines: readonly { sku: string; quantity: number }[];
  email: string;
  expectedTotalCents?: number;
  orderId: string;
  /** How long one lock wait may last. */
  lockWaitMs: number;
  /** How long the whole call may take on the server (its lock waits are cut to fit). */
  budgetMs: number;
}

export interface PlaceOrderResult {
  replayed: boolean;
  status: number;
  body: unknown;
}

/**
 * The whole checkout transaction in one round trip: the `place_order` function
 * (migration 0004) claims the key and the cart, takes stock in SKU order,
 * checks the total, writes the order and its stored response. Failures are
 * errors with SQLSTATE class SC (see the migration), everything rolled back.
 */
export async function placeOrder(db: Queryable, input: PlaceOrderInput): Promise<PlaceOrderResult> {
  const { rows } = await db.query<{ result: PlaceOrderResult }>("SELECT place_order($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) AS result", [
    input.sessionId,
    input.idempotencyKey,
    input.requestHash,
    input.cartRevision,
    input.lines.map((line) => line.sku),
    input.lines.map((line) => line.quantity),
    input.email,
    input.expectedTotalCents ?? null,
    input.orderId,
    Math.max(1, Math.floor(input.lockWaitMs)),
    Math.max(1, Math.floor(input.budgetMs)),
  ]);
  return rows[0]!.result;
}
