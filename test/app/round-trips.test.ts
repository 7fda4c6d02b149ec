/**
 * What each request costs in round trips, counted at the clients: in AWS every
 * one is about 1 ms through RDS Proxy or to DynamoDB, billed and, in checkout,
 * spent holding row locks.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countRoundTrips, type Counters } from "../../scripts/bench/round-trips";
import { adminHeaders, ShopClient, type Reply } from "./support/client";
import { ADMIN_TOKEN, startStack, type TestStack } from "./support/stack";

let stack: TestStack;
let counter: ReturnType<typeof countRoundTrips>;

beforeAll(async () => {
  stack = await startStack();
  const admin = new ShopClient(stack.app);
  for (const sku of ["RT-1", "RT-2", "RT-3"]) {
    expect((await admin.put(`/api/admin/products/${sku}`, { name: sku, priceCents: 250, stock: 100 }, adminHeaders(ADMIN_TOKEN))).status).toBe(200);
  }
  counter = countRoundTrips(stack.documents);
});
afterAll(async () => {
  counter?.restore();
  await stack?.stop();
});

async function counted(request: () => Promise<Reply>): Promise<Counters & { reply: Reply }> {
  const before = { ...counter.counts };
  const reply = await request();
  return { sql: counter.counts.sql - before.sql, dynamo: counter.counts.dynamo - before.dynamo, reply };
}

describe("round trips per request", () => {
  it("a cart write is one session read, one product read and one session write", async () => {
    const shopper = new ShopClient(stack.app);
    const first = await counted(() => shopper.put("/api/cart/items/RT-1", { quantity: 1 }));
    expect(first.reply.status).toBe(200);
    expect(first).toMatchObject({ sql: 1, dynamo: 2 });
    const second = await counted(() => shopper.put("/api/cart/items/RT-2", { quantity: 2 }));
    expect(second.reply.body).toMatchObject({ totalCents: 750 });
    expect(second).toMatchObject({ sql: 1, dynamo: 2 });
    const removed = await counted(() => shopper.delete("/api/cart/items/RT-2"));
    expect(removed.reply.body).toMatchObject({ totalCents: 250 });
    expect(removed.sql + removed.dynamo).toBeLessThanOrEqual(3);
  });

  it("a checkout is one database call and two DynamoDB calls (the session read once, emptied once); a replay one of each", async () => {
    const shopper = new ShopClient(stack.app);
    await shopper.put("/api/cart/items/RT-1", { quantity: 1 });
    await shopper.put("/api/cart/items/RT-3", { quantity: 2 });
    const order = await counted(() => shopper.post("/api/orders", { email: "rt@example.com" }, { "idempotency-key": "rt-order" }));
    expect(order.reply.status).toBe(201);
    expect(order).toMatchObject({ sql: 1, dynamo: 2 });
    expect((await shopper.get("/api/cart")).body).toMatchObject({ items: [] });
    const replay = await counted(() => shopper.post("/api/orders", { email: "rt@example.com" }, { "idempotency-key": "rt-order" }));
    expect(replay.reply.body).toEqual(order.reply.body);
    expect(replay).toMatchObject({ sql: 1, dynamo: 1 });
  });

  it("an order read is one query; a repeated read of a missing SKU none", async () => {
    const shopper = new ShopClient(stack.app);
    await shopper.put("/api/cart/items/RT-2", { quantity: 1 });
    const placed = await shopper.post("/api/orders", { email: "rt@example.com" }, { "idempotency-key": "rt-read" });
    const read = await counted(() => shopper.get(`/api/orders/${(placed.body as { id: string }).id}`));
    expect(read.reply.body).toEqual(placed.body);
    expect(read).toMatchObject({ sql: 1, dynamo: 0 });
    expect((await shopper.get("/api/products/RT-NONE")).status).toBe(404);
    const again = await counted(() => shopper.get("/api/products/RT-NONE"));
    expect(again.reply.status).toBe(404);
    expect(again).toMatchObject({ sql: 0, dynamo: 0 });
  });
});
