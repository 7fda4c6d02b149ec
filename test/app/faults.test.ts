/**
 * Faults while requests run, on real PostgreSQL: every backend terminated in
 * the middle of concurrent checkouts (what a restart or an Aurora failover does
 * to open connections), and lock waits that reach the statement timeouts. The
 * process survives, every answer is a contract answer (201/409, or 503 with
 * retry-after), requests succeed again without a restart, every order confirmed
 * to a client exists, and the stock taken equals the units ordered.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { adminHeaders, ShopClient, type Reply } from "./support/client";
import { ADMIN_TOKEN, startStack, type TestStack } from "./support/stack";

const PRODUCTS = ["FLT-A", "FLT-B", "FLT-C"];
const INITIAL_STOCK = 1_000;

function expectContractAnswer(res: Reply, allowed: number[]) {
  expect(allowed, `${res.status} ${res.text}`).toContain(res.status);
  if (res.status === 503) {
    expect(res.body.error.code).toBe("unavailable");
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
  }
}

describe("every PostgreSQL backend terminated while checkouts run", () => {
  let stack: TestStack;
  const idleErrors: Error[] = [];

  beforeAll(async () => {
    stack = await startStack({}, {});
    stack.database.writer.on("error", (err) => idleErrors.push(err));
    for (const sku of PRODUCTS) {
      const res = await new ShopClient(stack.app).put(
        `/api/admin/products/${sku}`,
        { name: sku, priceCents: 100, stock: INITIAL_STOCK },
        adminHeaders(ADMIN_TOKEN),
      );
      expect(res.status).toBe(200);
    }
  });
  afterAll(() => stack?.stop());

  async function terminateEveryBackend(admin: pg.Client): Promise<number> {
    const { rowCount } = await admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND datname = current_database() AND backend_type = 'client backend'",
    );
    return rowCount ?? 0;
  }

  it("keeps the process up, answers 503 with retry-after, recovers, loses no confirmed order and takes exactly the stock ordered", async () => {
    const shoppers = Array.from({ length: 60 }, () => new ShopClient(stack.app));
    for (const [i, shopper] of shoppers.entries()) {
      expect((await shopper.put(`/api/cart/items/${PRODUCTS[i % 3]}`, { quantity: 1 + (i % 4) })).status).toBe(200);
      expect((await shopper.put(`/api/cart/items/${PRODUCTS[(i + 1) % 3]}`, { quantity: 1 })).status).toBe(200);
    }
    const admin = new pg.Client({ connectionString: stack.postgres.url() });
    await admin.connect();
    const crashes: unknown[] = [];
    const onCrash = (err: unknown) => crashes.push(err);
    process.on("uncaughtException", onCrash);
    let terminated = 0;
    try {
      const checkouts = shoppers.map((s, i) => s.post("/api/orders", { email: `f${i}@example.com` }, { "idempotency-key": `flt-${i}` }));
      const reads = Array.from({ length: 30 }, (_, i) => new ShopClient(stack.app).get(`/api/products/${PRODUCTS[i % 3]}`));
      // Kill every connection several times while the checkouts are in flight.
      for (let round = 0; round < 6; round++) {
        await new Promise((resolve) => setTimeout(resolve, 15));
        terminated += await terminateEveryBackend(admin);
      }
      const first = await Promise.all(checkouts);
      for (const res of first) expectContractAnswer(res, [201, 503]);
      for (const res of await Promise.all(reads)) expectContractAnswer(res, [200, 503]);
      expect(terminated).toBeGreaterThan(0);

      // Recovery without a restart: each shopper retries with the same key until it has its order.
      const confirmed = new Map<number, string>();
      for (const [i, res] of first.entries()) if (res.status === 201) confirmed.set(i, res.body.id);
      for (const [i, shopper] of shoppers.entries()) {
        for (let attempt = 0; !confirmed.has(i); attempt++) {
          expect(attempt).toBeLessThan(20);
          const retry = await shopper.post("/api/orders", { email: `f${i}@example.com` }, { "idempotency-key": `flt-${i}` });
          expectContractAnswer(retry, [201, 503]);
          if (retry.status === 201) {
            if (first[i]!.status === 201) expect(retry.body.id).toBe(first[i]!.body.id);
            confirmed.set(i, retry.body.id);
          } else await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      expect((await shoppers[0]!.get("/health")).status).toBe(200);

      // Nothing lost: every confirmed order exists, once, and the stock taken is exactly the units ordered.
      const db = stack.database.writer;
      const { rows: orders } = await db.query<{ id: string }>("SELECT id FROM orders WHERE email LIKE 'f%@example.com'");
      expect(new Set(orders.map((o) => o.id))).toEqual(new Set(confirmed.values()));
      const { rows } = await db.query<{ sku: string; stock: number; ordered: string }>(
        `SELECT p.sku, p.stock, coalesce((SELECT sum(quantity) FROM order_lines l WHERE l.sku = p.sku), 0) AS ordered
           FROM products p WHERE p.sku = ANY($1::text[]) ORDER BY p.sku`,
        [PRODUCTS],
      );
      for (const row of rows) expect(INITIAL_STOCK - row.stock).toBe(Number(row.ordered));
      expect(rows.reduce((sum, r) => sum + Number(r.ordered), 0)).toBe(shoppers.reduce((sum, _, i) => sum + 1 + (i % 4) + 1, 0));
      expect(crashes).toEqual([]);
    } finally {
      process.off("uncaughtException", onCrash);
      await admin.end();
    }
  });
});

describe("a lock wait that reaches the timeouts", () => {
  let stack: TestStack;
  // The client-side query timeout equal to the lock wait the app asks for: the server's lock timeout must still fire first.
  beforeAll(async () => {
    stack = await startStack({ lockWaitMs: 1_500 }, { queryTimeoutMs: 1_500 });
    const res = await new ShopClient(stack.app).put("/api/admin/products/LOCK-1", { name: "L", priceCents: 100, stock: 10 }, adminHeaders(ADMIN_TOKEN));
    expect(res.status).toBe(200);
  });
  afterAll(() => stack?.stop());

  it("answers 409 idempotency_in_progress (not 500) to a duplicate waiting on an in-flight key", async () => {
    const shopper = new ShopClient(stack.app);
    await shopper.put("/api/cart/items/LOCK-1", { quantity: 1 });
    const sessionId = shopper.cookie!.slice("sid=".length).split(".")[0]!;
    const holder = await stack.database.writer.connect();
    try {
      await holder.query("BEGIN");
      await holder.query("INSERT INTO idempotency_records (scope, key, request_hash) VALUES ($1, 'held', 'x')", [sessionId]);
      const res = await shopper.post("/api/orders", { email: "l@example.com" }, { "idempotency-key": "held" });
      expect(res.status, res.text).toBe(409);
      expect(res.body.error.code).toBe("idempotency_in_progress");
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    } finally {
      await holder.query("ROLLBACK");
      holder.release();
    }
    expect((await shopper.post("/api/orders", { email: "l@example.com" }, { "idempotency-key": "held" })).status).toBe(201);
  });

  it("answers 503 with retry-after (not 500) when a stock row stays locked, and the pool keeps working", async () => {
    await new ShopClient(stack.app).put("/api/admin/products/LOCK-2", { name: "L", priceCents: 100, stock: 10 }, adminHeaders(ADMIN_TOKEN));
    const shopper = new ShopClient(stack.app);
    await shopper.put("/api/cart/items/LOCK-2", { quantity: 1 });
    const holder = await stack.database.writer.connect();
    try {
      await holder.query("BEGIN");
      await holder.query("SELECT 1 FROM products WHERE sku = 'LOCK-2' FOR UPDATE");
      const res = await shopper.post("/api/orders", { email: "l@example.com" }, { "idempotency-key": "row" });
      expect(res.status, res.text).toBe(503);
      expect(res.body.error.code).toBe("unavailable");
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    } finally {
      await holder.query("ROLLBACK");
      holder.release();
    }
    expect((await shopper.post("/api/orders", { email: "l@example.com" }, { "idempotency-key": "row" })).status).toBe(201);
    const { rows } = await stack.database.writer.query<{ stock: number }>("SELECT stock FROM products WHERE sku = 'LOCK-2'");
    expect(rows[0]!.stock).toBe(9);
  });

  it("answers 503 with retry-after (not 500) to admin writes waiting on a locked row, and writes nothing", async () => {
    const admin = new ShopClient(stack.app);
    expect((await admin.put("/api/admin/products/LOCK-3", { name: "L", priceCents: 100, stock: 10 }, adminHeaders(ADMIN_TOKEN))).status).toBe(200);
    const holder = await stack.database.writer.connect();
    try {
      await holder.query("BEGIN");
      await holder.query("SELECT 1 FROM products WHERE sku = 'LOCK-3' FOR UPDATE");
      const put = await admin.put("/api/admin/products/LOCK-3", { name: "L", priceCents: 200, stock: 10 }, adminHeaders(ADMIN_TOKEN));
      const patch = await admin.request("PATCH", "/api/admin/products/LOCK-3", { json: { stockDelta: 5 }, headers: adminHeaders(ADMIN_TOKEN) });
      for (const res of [put, patch]) {
        expect(res.status, res.text).toBe(503);
        expect(res.body.error.code).toBe("unavailable");
        expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
      }
    } finally {
      await holder.query("ROLLBACK");
      holder.release();
    }
    const { rows } = await stack.database.writer.query("SELECT price_cents, stock FROM products WHERE sku = 'LOCK-3'");
    expect(rows[0]).toEqual({ price_cents: "100", stock: 10 });
    expect((await admin.request("PATCH", "/api/admin/products/LOCK-3", { json: { stockDelta: 5 }, headers: adminHeaders(ADMIN_TOKEN) })).status).toBe(200);
  });
});
