/**
 * Checkout under concurrency on real PostgreSQL: no overselling, no lost
 * orders, no deadlocks between carts locking products in different orders,
 * and no duplicate orders from concurrent retries of one Idempotency-Key.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminHeaders, ShopClient } from "./support/client";
import { ADMIN_TOKEN, startStack, type TestStack } from "./support/stack";

let stack: TestStack;

async function putProduct(sku: string, stock: number) {
  const res = await new ShopClient(stack.app).put(`/api/admin/products/${sku}`, { name: sku, priceCents: 500, stock }, adminHeaders(ADMIN_TOKEN));
  expect(res.status).toBe(200);
}

async function stockOf(sku: string): Promise<number> {
  const { rows } = await stack.database.writer.query<{ stock: number }>("SELECT stock FROM products WHERE sku = $1", [sku]);
  return rows[0]!.stock;
}

beforeAll(async () => {
  stack = await startStack({ lockWaitMs: 1_500 });
});
afterAll(() => stack?.stop());

describe("concurrent checkouts", () => {
  it("sell exactly the stock: 10 units, 40 shoppers at once -> 10 orders, 30 insufficient_stock, stock 0", async () => {
    await putProduct("LAST-1", 10);
    const shoppers = Array.from({ length: 40 }, () => new ShopClient(stack.app));
    for (const shopper of shoppers) expect((await shopper.put("/api/cart/items/LAST-1", { quantity: 1 })).status).toBe(200);

    const results = await Promise.all(shoppers.map((s, i) => s.post("/api/orders", { email: `s${i}@example.com` }, { "idempotency-key": `k-${i}` })));

    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 409)).toHaveLength(30);
    expect(results.filter((r) => r.status === 409).every((r) => r.body.error.code === "insufficient_stock")).toBe(true);
    expect(await stockOf("LAST-1")).toBe(0);
    const { rows } = await stack.database.writer.query<{ orders: string; units: string }>(
      "SELECT count(DISTINCT order_id) AS orders, sum(quantity) AS units FROM order_lines WHERE sku = 'LAST-1'",
    );
    expect(rows[0]).toEqual({ orders: "10", units: "10" });
    // Every confirmed order is readable by the session that placed it.
    for (const [i, r] of results.entries()) {
      if (r.status === 201) expect((await shoppers[i]!.get(`/api/orders/${r.body.id}`)).status).toBe(200);
    }
  });

  it("never deadlock when carts hold the same products added in opposite orders", async () => {
    await putProduct("PAIR-A", 20);
    await putProduct("PAIR-B", 20);
    const shoppers = Array.from({ length: 20 }, () => new ShopClient(stack.app));
    for (const [i, shopper] of shoppers.entries()) {
      const [first, second] = i % 2 ? ["PAIR-A", "PAIR-B"] : ["PAIR-B", "PAIR-A"];
      await shopper.put(`/api/cart/items/${first}`, { quantity: 1 });
      await shopper.put(`/api/cart/items/${second}`, { quantity: 1 });
    }
    const results = await Promise.all(shoppers.map((s, i) => s.post("/api/orders", { email: `p${i}@example.com` }, { "idempotency-key": "pair" })));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
    expect(await stockOf("PAIR-A")).toBe(0);
    expect(await stockOf("PAIR-B")).toBe(0);
  });

  it("create one order from concurrent duplicates of one Idempotency-Key", async () => {
    await putProduct("DUP-1", 5);
    const shopper = new ShopClient(stack.app);
    await shopper.put("/api/cart/items/DUP-1", { quantity: 1 });
    const results = await Promise.all(Array.from({ length: 8 }, () => shopper.post("/api/orders", { email: "d@example.com" }, { "idempotency-key": "dup" })));
    const created = results.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(results.every((r) => r.status === 201 || (r.status === 409 && r.body.error.code === "idempotency_in_progress"))).toBe(true);
    expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
    expect(await stockOf("DUP-1")).toBe(4);
    const { rows } = await stack.database.writer.query("SELECT id FROM orders WHERE email = 'd@example.com'");
    expect(rows).toHaveLength(1);
  });

  it("answer 409 idempotency_in_progress with retry-after while the first request holds the key, then go through", async () => {
    await putProduct("HELD-1", 5);
    const shopper = new ShopClient(stack.app);
    await shopper.put("/api/cart/items/HELD-1", { quantity: 1 });
    const sessionId = shopper.cookie!.slice("sid=".length).split(".")[0]!;
    // Another transaction is mid-checkout with this key (uncommitted claim).
    const holder = await stack.database.writer.connect();
    try {
      await holder.query("BEGIN");
      await holder.query("INSERT INTO idempotency_records (scope, key, request_hash) VALUES ($1, 'held', 'x')", [sessionId]);
      const waiting = await shopper.post("/api/orders", { email: "h@example.com" }, { "idempotency-key": "held" });
      expect(waiting.status).toBe(409);
      expect(waiting.body.error.code).toBe("idempotency_in_progress");
      expect(Number(waiting.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(await stockOf("HELD-1")).toBe(5);
    } finally {
      await holder.query("ROLLBACK");
      holder.release();
    }
    const retried = await shopper.post("/api/orders", { email: "h@example.com" }, { "idempotency-key": "held" });
    expect(retried.status).toBe(201);
    expect(await stockOf("HELD-1")).toBe(4);
  });
});
