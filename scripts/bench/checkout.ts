/**
 * Checkout rate: the app over HTTP against the same database transaction
 * issued directly from a pool of the app's size, on 5 hot SKUs (every order
 * contends for the same rows) and on 1,000 SKUs, each with and without the
 * latency proxy in front of PostgreSQL and DynamoDB. App and direct runs are
 * interleaved in every round, so machine load hits both alike.
 */
import { randomUUID } from "node:crypto";
import http from "node:http";
import pg from "pg";
import { LOCK_WAIT_MS, poolConfig, QUERY_TIMEOUT_MS, serverTimeouts } from "../../app/src/db/pool";
import { placeOrder } from "../../app/src/orders/order-repository";
import { requestHash } from "../../app/src/orders/checkout";
import { request } from "./http-load";

export const CLIENTS = 50;
export const POOL_MAX = 20;

export interface Shop {
  base: string;
  databaseUrl: string;
}

export interface CheckoutCase {
  label: string;
  skus: string[];
  shop: Shop;
}

export interface CaseResult {
  app: number;
  direct: number;
  appFailures: string[];
  directFailures: number;
}

const json = { "content-type": "application/json" };

async function inParallel(count: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

/** Two distinct lines per order: neighbours on the hot set, random pairs on a wide one. */
function linesFor(skus: readonly string[], i: number): { sku: string; quantity: number }[] {
  if (skus.length <= 5)
    return [
      { sku: skus[i % skus.length]!, quantity: 1 },
      { sku: skus[(i + 2) % skus.length]!, quantity: 2 },
    ];
  const a = Math.floor(Math.random() * skus.length);
  const b = (a + 1 + Math.floor(Math.random() * (skus.length - 1))) % skus.length;
  return [
    { sku: skus[a]!, quantity: 1 },
    { sku: skus[b]!, quantity: 2 },
  ];
}

export async function seedBenchProducts(databaseUrl: string, skus: readonly string[]): Promise<void> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  try {
    await pool.query(
      `INSERT INTO products (sku, name, price_cents, stock) SELECT s, s, 1000, 10000000 FROM unnest($1::text[]) AS s
       ON CONFLICT (sku) DO UPDATE SET stock = 10000000`,
      [skus],
    );
  } finally {
    await pool.end();
  }
}

/** Checkouts/s of the app over HTTP (carts filled untimed first). */
export async function appCheckoutRate(
  shop: Shop,
  skus: readonly string[],
  orders: number,
  timed: { start(): void; stop(): void } = { start() {}, stop() {} },
): Promise<{ rate: number; failures: string[] }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
  try {
    const cookies: string[] = [];
    await inParallel(orders, async (i) => {
      let cookie = "";
      for (const line of linesFor(skus, i)) {
        const res = await request(agent, `${shop.base}/api/cart/items/${line.sku}`, {
          method: "PUT",
          headers: { ...json, ...(cookie ? { cookie } : {}) },
          body: JSON.stringify({ quantity: line.quantity }),
        });
        if (res.status !== 200) throw new Error(`cart PUT: ${res.status} ${res.body}`);
        cookie ||= res.headers["set-cookie"]![0]!.split(";")[0]!;
      }
      cookies[i] = cookie;
    });
    const failures: string[] = [];
    timed.start();
    const start = performance.now();
    await inParallel(orders, async (i) => {
      const res = await request(agent, `${shop.base}/api/orders`, {
        method: "POST",
        headers: { ...json, cookie: cookies[i]!, "idempotency-key": randomUUID() },
        body: JSON.stringify({ email: `bench${i}@example.com` }),
      });
      if (res.status !== 201) failures.push(`${res.status} ${res.body.slice(0, 120)}`);
    });
    const seconds = (performance.now() - start) / 1000;
    timed.stop();
    return { rate: (orders - failures.length) / seconds, failures };
  } finally {
    agent.destroy();
  }
}

/** The app's checkout transaction from a bare pool: the same call, no HTTP, no DynamoDB, no app code around it. */
async function directCheckout(pool: pg.Pool | pg.PoolClient, lines: { sku: string; quantity: number }[], i: number): Promise<void> {
  const email = `direct${i}@example.com`;
  const { statementTimeoutMs, lockTimeoutMs } = serverTimeouts(QUERY_TIMEOUT_MS, LOCK_WAIT_MS);
  await placeOrder(pool, {
    sessionId: randomUUID(),
    idempotencyKey: randomUUID(),
    requestHash: requestHash({ email }),
    cartRevision: randomUUID(),
    lines,
    email,
    orderId: randomUUID(),
    lockWaitMs: lockTimeoutMs,
    budgetMs: statementTimeoutMs,
  });
}

/**
 * The direct baseline's pool: the app's pool configuration and size, kept for
 * the whole bench like the app's, with every connection warmed as the app's
 * are by then: PostgreSQL compiles `place_order` (PL/pgSQL) and loads its
 * catalog entries once per connection, which a cold pool would pay inside the
 * timed phase.
 */
export async function openDirectPool(databaseUrl: string, skus: readonly string[]): Promise<pg.Pool> {
  const pool = new pg.Pool(poolConfig({ kind: "url", url: databaseUrl }, { max: POOL_MAX }));
  const clients = await Promise.all(Array.from({ length: POOL_MAX }, () => pool.connect()));
  try {
    await Promise.all(clients.map((client, i) => directCheckout(client, linesFor(skus, i), -1 - i)));
  } finally {
    for (const client of clients) client.release();
  }
  return pool;
}

export async function directCheckoutRate(
  pool: pg.Pool,
  skus: readonly string[],
  orders: number,
  timed: { start(): void; stop(): void } = { start() {}, stop() {} },
): Promise<{ rate: number; failures: number }> {
  const carts = Array.from({ length: orders }, (_, i) => linesFor(skus, i));
  let failures = 0;
  timed.start();
  const start = performance.now();
  await inParallel(orders, async (i) => {
    try {
      await directCheckout(pool, carts[i]!, i);
    } catch {
      failures++;
    }
  });
  const seconds = (performance.now() - start) / 1000;
  timed.stop();
  return { rate: (orders - failures) / seconds, failures };
}
