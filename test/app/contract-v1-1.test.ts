/**
 * What contract v1.1 adds, over HTTP on real PostgreSQL and dynalite: catalog
 * search, expectedTotalCents / cart_changed, one order per cart whatever the
 * keys, product ETags with If-Match on PUT and PATCH, PATCH with stockDelta,
 * fresh stock on product reads, one currency per cart (ISO 4217 codes), cart
 * writes of one session that all apply, and a bounded catalog cache.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeleteCommand, GetCommand, PutCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { createApp } from "../../app/src/app";
import { adminHeaders, ShopClient, type Reply } from "./support/client";
import { ADMIN_TOKEN, startStack, TABLES, type TestStack } from "./support/stack";

let stack: TestStack;
let now = Date.now();
const clock = () => now;
const admin = () => new ShopClient(stack.app);
const auth = adminHeaders(ADMIN_TOKEN);

async function putProduct(sku: string, product: Record<string, unknown>, headers: Record<string, string> = {}) {
  const res = await admin().put(`/api/admin/products/${sku}`, product, { ...auth, ...headers });
  expect(res.status, res.text).toBe(200);
  return res;
}

const patch = (sku: string, body: unknown, headers: Record<string, string> = {}) =>
  admin().request("PATCH", `/api/admin/products/${sku}`, { json: body, headers: { ...auth, ...headers } });

async function stockOf(sku: string): Promise<number> {
  const { rows } = await stack.database.writer.query<{ stock: number }>("SELECT stock FROM products WHERE sku = $1", [sku]);
  return rows[0]!.stock;
}

async function orderCount(): Promise<number> {
  const { rows } = await stack.database.writer.query<{ n: string }>("SELECT count(*) AS n FROM orders");
  return Number(rows[0]!.n);
}

function expectError(res: Reply, status: number, code: string) {
  expect(res.status, res.text).toBe(status);
  expect(res.body).toEqual({ error: { code, message: expect.any(String) } });
}

beforeAll(async () => {
  stack = await startStack({ now: clock, lockWaitMs: 2_000 });
});
afterAll(() => stack?.stop());

describe("GET /api/products?q= (search)", () => {
  beforeAll(async () => {
    const products: [string, string, string, string][] = [
      ["SRCH-1", "Ceramic coffee mug", "A mug for coffee or tea", "kitchen"],
      ["SRCH-2", "Coffee grinder", "Burr grinder for coffee beans", "kitchen"],
      ["SRCH-3", "Tea kettle", "Whistling kettle; makes coffee too", "kitchen"],
      ["SRCH-4", "Garden hose", "Twenty metres of hose", "home-garden"],
      ["SRCH-5", "Coffee table book", "Photographs of gardens", "books"],
    ];
    for (const [sku, name, description, category] of products) await putProduct(sku, { name, description, category, priceCents: 900, stock: 5 });
    for (let i = 0; i < 7; i++) await putProduct(`SRCH-P${i}`, { name: `Plant pot ${i}`, category: "home-garden", priceCents: 100, stock: 1 });
  });

  it("matches name, description and category, every word, best matches first", async () => {
    const res = await admin().get("/api/products?q=coffee");
    expect(res.status).toBe(200);
    const skus = res.body.items.map((p: { sku: string }) => p.sku);
    expect(new Set(skus)).toEqual(new Set(["SRCH-1", "SRCH-2", "SRCH-3", "SRCH-5"]));
    // "coffee" in the name (weight A) ranks above "coffee" only in the description.
    expect(skus.indexOf("SRCH-3")).toBe(3);
    expect(res.body.nextCursor).toBeNull();

    const both = await admin().get("/api/products?q=coffee%20grinder");
    expect(both.body.items.map((p: { sku: string }) => p.sku)).toEqual(["SRCH-2"]);
    const byCategory = await admin().get("/api/products?q=garden");
    expect(byCategory.body.items.map((p: { sku: string }) => p.sku)).toContain("SRCH-4"); // category home-garden
    expect((await admin().get("/api/products?q=nosuchword")).body).toEqual({ items: [], nextCursor: null });
    // Stemmed, and query syntax is plain text: no operator reaches PostgreSQL.
    expect((await admin().get("/api/products?q=mugs")).body.items.map((p: { sku: string }) => p.sku)).toEqual(["SRCH-1"]);
    for (const q of ["the", "!coffee", "coffee %26 !mug", "coffee:*", "'", "(", "<->"]) {
      const res = await admin().get(`/api/products?q=${encodeURIComponent(q)}`);
      expect(res.status, `${q}: ${res.text}`).toBe(200);
    }
    expect((await admin().get(`/api/products?q=${encodeURIComponent("the")}`)).body.items).toEqual([]);
  });

  it("combines with category and pages with a keyset cursor, no item twice or skipped", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: Reply = await admin().get(`/api/products?q=pot&category=home-garden&limit=3${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.status, res.text).toBe(200);
      seen.push(...res.body.items.map((p: { sku: string }) => p.sku));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(7);
    expect(new Set(seen)).toEqual(new Set(Array.from({ length: 7 }, (_, i) => `SRCH-P${i}`)));
    const kitchen = await admin().get("/api/products?q=coffee&category=kitchen");
    expect(new Set(kitchen.body.items.map((p: { sku: string }) => p.sku))).toEqual(new Set(["SRCH-1", "SRCH-2", "SRCH-3"]));
  });

  it("is served from the reader, through the GIN index the migration created", async () => {
    const seen: { pool: string; sql: string }[] = [];
    const spy = (name: string, pool: typeof stack.database.reader) =>
      ({
        query: (...args: unknown[]) => {
          seen.push({ pool: name, sql: String(typeof args[0] === "string" ? args[0] : (args[0] as { text: string }).text) });
          return (pool.query as (...a: unknown[]) => Promise<unknown>)(...args);
        },
        connect: () => pool.connect(),
      }) as unknown as typeof pool;
    const app = createApp({ ...stack.deps, db: { writer: spy("writer", stack.database.writer), reader: spy("reader", stack.database.reader) } });
    const res = await new ShopClient(app).get("/api/products?q=coffee&category=kitchen");
    expect(res.status).toBe(200);
    expect(seen.filter((q) => q.sql.includes("plainto_tsquery")).map((q) => q.pool)).toEqual(["reader"]);
    expect(seen.filter((q) => q.pool === "writer")).toEqual([]);

    const client = await stack.database.writer.connect();
    try {
      await client.query("BEGIN; SET LOCAL enable_seqscan = off");
      const plan = await client.query("EXPLAIN SELECT sku FROM products WHERE search @@ plainto_tsquery('english', 'coffee')");
      expect(plan.rows.map((r) => r["QUERY PLAN"]).join("\n")).toContain("products_search");
    } finally {
      await client.query("ROLLBACK");
      client.release();
    }
  });

  it("refuses an empty q, one over 100 characters, and a cursor from another listing with 400", async () => {
    expectError(await admin().get("/api/products?q="), 400, "validation_failed");
    expectError(await admin().get(`/api/products?q=${"a".repeat(101)}`), 400, "validation_failed");
    expect((await admin().get(`/api/products?q=${"a".repeat(100)}`)).status).toBe(200);
    const catalogCursor = (await admin().get("/api/products?limit=1")).body.nextCursor;
    expectError(await admin().get(`/api/products?q=coffee&cursor=${catalogCursor}`), 400, "validation_failed");
    const searchCursor = (await admin().get("/api/products?q=pot&limit=1")).body.nextCursor;
    expectError(await admin().get(`/api/products?cursor=${searchCursor}`), 400, "validation_failed");
  });
});

describe("POST /api/orders with expectedTotalCents", () => {
  it("places the order when the total is the one confirmed", async () => {
    await putProduct("EXP-1", { name: "E", priceCents: 250, stock: 5 });
    const shopper = new ShopClient(stack.app);
    await shopper.put("/api/cart/items/EXP-1", { quantity: 2 });
    const res = await shopper.post("/api/orders", { email: "e@example.com", expectedTotalCents: 500 }, { "idempotency-key": "exp-ok" });
    expect(res.status, res.text).toBe(201);
    expect(res.body.totalCents).toBe(500);
  });

  it("refuses with 409 cart_changed and changes nothing when an admin raised a price after the page loaded", async () => {
    await putProduct("EXP-2", { name: "E", priceCents: 300, stock: 5 });
    const shopper = new ShopClient(stack.app);
    await shopper.put("/api/cart/items/EXP-2", { quantity: 1 });
    const confirmed = (await shopper.get("/api/cart")).body.totalCents;
    await putProduct("EXP-2", { name: "E", priceCents: 900, stock: 5 });
    const orders = await orderCount();
    const res = await shopper.post("/api/orders", { email: "e@example.com", expectedTotalCents: confirmed }, { "idempotency-key": "exp-price" });
    expectError(res, 409, "cart_changed");
    expect(await stockOf("EXP-2")).toBe(5);
    expect(await orderCount()).toBe(orders);
    expect((await shopper.get("/api/cart")).body.items).toHaveLength(1); // the cart is kept
    // After reviewing, the same key goes through with the new total (a 409 leaves nothing behind).
    const retry = await shopper.post("/api/orders", { email: "e@example.com", expectedTotalCents: 900 }, { "idempotency-key": "exp-price" });
    expect(retry.status).toBe(201);
  });

  it("refuses with 409 cart_changed when another tab changed the cart", async () => {
    await putProduct("EXP-3", { name: "E", priceCents: 100, stock: 50 });
    const tab1 = new ShopClient(stack.app);
    await tab1.put("/api/cart/items/EXP-3", { quantity: 1 });
    const confirmed = (await tab1.get("/api/cart")).body.totalCents;
    const tab2 = new ShopClient(stack.app);
    tab2.cookie = tab1.cookie;
    await tab2.put("/api/cart/items/EXP-3", { quantity: 7 });
    expectError(
      await tab1.post("/api/orders", { email: "e@example.com", expectedTotalCents: confirmed }, { "idempotency-key": "exp-tab" }),
      409,
      "cart_changed",
    );
    expect(await stockOf("EXP-3")).toBe(50);
  });

  it("refuses a negative, fractional or string expectedTotalCents with 400", async () => {
    const shopper = new ShopClient(stack.app);
    for (const bad of [-1, 1.5, "100", null]) {
      expectError(
        await shopper.post("/api/orders", { email: "e@example.com", expectedTotalCents: bad }, { "idempotency-key": "exp-bad" }),
        400,
        "validation_failed",
      );
    }
  });
});

describe("one cart, at most one order", () => {
  it("three concurrent checkouts of one cart under three keys make one order and take the stock once", async () => {
    await putProduct("ONE-1", { name: "O", priceCents: 100, stock: 10 });
    const shopper = new ShopClient(stack.app);
    await shopper.put("/api/cart/items/ONE-1", { quantity: 2 });
    const results = await Promise.all(["a", "b", "c"].map((k) => shopper.post("/api/orders", { email: "one@example.com" }, { "idempotency-key": `one-${k}` })));
    const created = results.filter((r) => r.status === 201);
    expect(created).toHaveLength(1);
    for (const r of results.filter((r) => r.status !== 201)) {
      expect(r.status).toBe(409);
      expect(["cart_empty", "cart_changed"]).toContain(r.body.error.code);
    }
    expect(await stockOf("ONE-1")).toBe(8);
    const { rows } = await stack.database.writer.query("SELECT id FROM orders WHERE email = 'one@example.com'");
    expect(rows).toHaveLength(1);
    // The winning key still replays; the cart is empty.
    const replay = await shopper.post(
      "/api/orders",
      { email: "one@example.com" },
      { "idempotency-key": `one-${["a", "b", "c"][results.indexOf(created[0]!)]}` },
    );
    expect(replay.status).toBe(201);
    expect(replay.body.id).toBe(created[0]!.body.id);
    expect((await shopper.get("/api/cart")).body.items).toEqual([]);
  });

  it("a cart changed after an order is a new cart that can be ordered", async () => {
    await putProduct("ONE-2", { name: "O", priceCents: 100, stock: 10 });
    const shopper = new ShopClient(stack.app);
    await shopper.put("/api/cart/items/ONE-2", { quantity: 1 });
    expect((await shopper.post("/api/orders", { email: "two@example.com" }, { "idempotency-key": "two-1" })).status).toBe(201);
    await shopper.put("/api/cart/items/ONE-2", { quantity: 1 });
    expect((await shopper.post("/api/orders", { email: "two@example.com" }, { "idempotency-key": "two-2" })).status).toBe(201);
    expect(await stockOf("ONE-2")).toBe(8);
  });
});

describe("one cart, at most one order: the cart's identity", () => {
  it("a cart left full because emptying it after the order failed is not ordered again: 409 cart_empty, and it is emptied then", async () => {
    await putProduct("ONE-4", { name: "O", priceCents: 100, stock: 10 });
    const shopper = new ShopClient(stack.app);
    await shopper.put("/api/cart/items/ONE-4", { quantity: 2 });
    const sessionId = shopper.cookie!.slice("sid=".length).split(".")[0]!;
    const key = { pk: `session#${sessionId}` };
    const before = (await stack.doc.send(new GetCommand({ TableName: TABLES.sessions, Key: key, ConsistentRead: true }))).Item!;
    expect((await shopper.post("/api/orders", { email: "left@example.com" }, { "idempotency-key": "left-1" })).status).toBe(201);
    // As if the DynamoDB write that empties the cart had failed after the commit.
    await stack.doc.send(new PutCommand({ TableName: TABLES.sessions, Item: before }));
    const again = await shopper.post("/api/orders", { email: "left@example.com" }, { "idempotency-key": "left-2" });
    expectError(again, 409, "cart_empty");
    expect(await stockOf("ONE-4")).toBe(8);
    expect((await shopper.get("/api/cart")).body.items).toEqual([]);
  });

  it("survives the session item being deleted by DynamoDB's TTL and written again from version 1", async () => {
    await putProduct("ONE-3", { name: "O", priceCents: 100, stock: 10 });
    const shopper = new ShopClient(stack.app);
    await shopper.put("/api/cart/items/ONE-3", { quantity: 1 });
    expect((await shopper.post("/api/orders", { email: "ttl@example.com" }, { "idempotency-key": "ttl-1" })).status).toBe(201);
    const sessionId = shopper.cookie!.slice("sid=".length).split(".")[0]!;
    await stack.doc.send(new DeleteCommand({ TableName: TABLES.sessions, Key: { pk: `session#${sessionId}` } }));
    await shopper.put("/api/cart/items/ONE-3", { quantity: 1 });
    expect((await shopper.post("/api/orders", { email: "ttl@example.com" }, { "idempotency-key": "ttl-2" })).status).toBe(201);
    expect(await stockOf("ONE-3")).toBe(8);
  });
});

describe("ETag and If-Match", () => {
  it("product responses carry a strong ETag that changes with any field, stock included (a checkout changes it)", async () => {
    const put = await putProduct("TAG-1", { name: "T", priceCents: 100, stock: 5 });
    const etag = put.headers.get("etag")!;
    expect(etag).toMatch(/^"[^"]+"$/);
    const read = await admin().get("/api/products/TAG-1");
    expect(read.headers.get("etag")).toBe(etag);
    expect((await admin().request("HEAD", "/api/products/TAG-1")).headers.get("etag")).toBe(etag);
    const shopper = new ShopClient(stack.app);
    await shopper.put("/api/cart/items/TAG-1", { quantity: 1 });
    expect((await shopper.post("/api/orders", { email: "t@example.com" }, { "idempotency-key": "tag" })).status).toBe(201);
    const after = await admin().get("/api/products/TAG-1");
    expect(after.body.stock).toBe(4);
    expect(after.headers.get("etag")).not.toBe(etag);
    const patched = await patch("TAG-1", { name: "T2" });
    expect(patched.headers.get("etag")).not.toBe(after.headers.get("etag"));
  });

  it("PUT with a stale If-Match is 412 and writes nothing: the admin's stale stock cannot oversell", async () => {
    const put = await putProduct("TAG-2", { name: "T", priceCents: 100, stock: 5 });
    const etag = put.headers.get("etag")!;
    const shopper = new ShopClient(stack.app);
    await shopper.put("/api/cart/items/TAG-2", { quantity: 5 });
    expect((await shopper.post("/api/orders", { email: "t@example.com" }, { "idempotency-key": "tag2" })).status).toBe(201);
    // The admin's form still shows stock 5; re-sending it with the old ETag must not restock.
    const stale = await admin().put("/api/admin/products/TAG-2", { name: "T", priceCents: 200, stock: 5 }, { ...auth, "if-match": etag });
    expectError(stale, 412, "precondition_failed");
    expect(await stockOf("TAG-2")).toBe(0);
    const fresh = await admin().get("/api/products/TAG-2");
    const ok = await admin().put("/api/admin/products/TAG-2", { name: "T", priceCents: 200, stock: 0 }, { ...auth, "if-match": fresh.headers.get("etag")! });
    expect(ok.status).toBe(200);
    expect(ok.body.priceCents).toBe(200);
  });

  it("two admins writing with the same ETag at once: one 200, one 412", async () => {
    const etag = (await putProduct("TAG-RACE", { name: "T", priceCents: 100, stock: 5 })).headers.get("etag")!;
    const results = await Promise.all([
      admin().put("/api/admin/products/TAG-RACE", { name: "A", priceCents: 100, stock: 5 }, { ...auth, "if-match": etag }),
      patch("TAG-RACE", { name: "B" }, { "if-match": etag }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 412]);
  });

  it("If-Match on a product that does not exist is 412 (PUT and PATCH); * matches any existing version; weak tags never match", async () => {
    expectError(
      await admin().put("/api/admin/products/TAG-NONE", { name: "N", priceCents: 1, stock: 1 }, { ...auth, "if-match": '"1"' }),
      412,
      "precondition_failed",
    );
    expectError(
      await admin().put("/api/admin/products/TAG-NONE", { name: "N", priceCents: 1, stock: 1 }, { ...auth, "if-match": "*" }),
      412,
      "precondition_failed",
    );
    expectError(await patch("TAG-NONE", { name: "N" }, { "if-match": "*" }), 412, "precondition_failed");
    expect((await admin().get("/api/products/TAG-NONE")).status).toBe(404);
    const put = await putProduct("TAG-3", { name: "T", priceCents: 100, stock: 5 });
    expect((await patch("TAG-3", { priceCents: 150 }, { "if-match": "*" })).status).toBe(200);
    const etag = (await admin().get("/api/products/TAG-3")).headers.get("etag")!;
    expectError(await patch("TAG-3", { priceCents: 160 }, { "if-match": `W/${etag}` }), 412, "precondition_failed");
    expect((await patch("TAG-3", { priceCents: 160 }, { "if-match": `${put.headers.get("etag")}, ${etag}` })).status).toBe(200);
  });
});

describe("conditional GET with If-None-Match", () => {
  it("answers 304 with the ETag and no body while the client's version is current, 200 once it changed", async () => {
    const etag = (await putProduct("TAG-304", { name: "T", priceCents: 100, stock: 5 })).headers.get("etag")!;
    const shopper = new ShopClient(stack.app);
    for (const held of [etag, `W/${etag}`, `"999999", ${etag}`, "*"]) {
      const unchanged = await shopper.get("/api/products/TAG-304", { "if-none-match": held });
      expect(unchanged.status, held).toBe(304);
      expect(unchanged.headers.get("etag")).toBe(etag);
      expect(unchanged.text).toBe("");
    }
    const other = await shopper.get("/api/products/TAG-304", { "if-none-match": '"999999"' });
    expect(other.status).toBe(200);
    expect(other.body).toMatchObject({ sku: "TAG-304", stock: 5 });
    await patch("TAG-304", { stockDelta: -1 });
    const changed = await shopper.get("/api/products/TAG-304", { "if-none-match": etag });
    expect(changed.status).toBe(200);
    expect(changed.body.stock).toBe(4);
    expect(changed.headers.get("etag")).not.toBe(etag);
    expectError(await shopper.get("/api/products/TAG-NONE-304", { "if-none-match": "*" }), 404, "not_found");
  });
});

describe("PATCH /api/admin/products/{sku}", () => {
  it("changes only the fields given", async () => {
    await putProduct("PAT-1", { name: "Old", priceCents: 100, stock: 5, category: "misc", description: "d" });
    const res = await patch("PAT-1", { priceCents: 250 });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ sku: "PAT-1", name: "Old", description: "d", category: "misc", priceCents: 250, currency: "USD", stock: 5 });
    expect((await admin().get("/api/products/PAT-1")).body.priceCents).toBe(250);
  });

  it("adjusts stock atomically with stockDelta: concurrent restocks and checkouts all count", async () => {
    await putProduct("PAT-2", { name: "P", priceCents: 100, stock: 10 });
    const shoppers = Array.from({ length: 5 }, () => new ShopClient(stack.app));
    for (const s of shoppers) await s.put("/api/cart/items/PAT-2", { quantity: 1 });
    const results = await Promise.all([
      ...Array.from({ length: 10 }, () => patch("PAT-2", { stockDelta: 3 })),
      ...shoppers.map((s, i) => s.post("/api/orders", { email: "p@example.com" }, { "idempotency-key": `pat-${i}` })),
    ]);
    expect(results.map((r) => r.status)).toEqual([...Array(10).fill(200), ...Array(5).fill(201)]);
    expect(await stockOf("PAT-2")).toBe(10 + 30 - 5);
  });

  it("refuses a result below 0 with 409 insufficient_stock and writes nothing", async () => {
    await putProduct("PAT-3", { name: "P", priceCents: 100, stock: 2 });
    const before = (await admin().get("/api/products/PAT-3")).headers.get("etag");
    expectError(await patch("PAT-3", { stockDelta: -3, name: "changed" }), 409, "insufficient_stock");
    const after = await admin().get("/api/products/PAT-3");
    expect(after.body).toMatchObject({ name: "P", stock: 2 });
    expect(after.headers.get("etag")).toBe(before);
    expect((await patch("PAT-3", { stockDelta: -2 })).body.stock).toBe(0);
  });

  it("refuses stock, an empty body, unknown or wrong-typed fields with 400; unknown SKU 404; no token 401", async () => {
    await putProduct("PAT-4", { name: "P", priceCents: 100, stock: 2 });
    const stock = await patch("PAT-4", { stock: 9 });
    expectError(stock, 400, "validation_failed");
    // Names the field and what to send instead.
    expect(stock.body.error.message).toMatch(/stock: .*stockDelta/);
    expectError(await patch("PAT-4", {}), 400, "validation_failed");
    expectError(await patch("PAT-4", { stockDelta: 1.5 }), 400, "validation_failed");
    expectError(await patch("PAT-4", { priceCents: -1 }), 400, "validation_failed");
    expectError(await patch("PAT-4", { currency: "ABC" }), 400, "validation_failed");
    expectError(await patch("PAT-4", { stockDelta: 1_000_000 }), 400, "validation_failed"); // above the stock limit
    expectError(await patch("PAT-NONE", { name: "N" }), 404, "not_found");
    expectError(await admin().request("PATCH", "/api/admin/products/PAT-4", { json: { name: "N" } }), 401, "unauthorized");
    expect(await stockOf("PAT-4")).toBe(2);
  });
});

describe("fresh stock on GET /api/products/{sku}", () => {
  it("shows a checkout at once in this container and within 1 s in another, whatever their caches held", async () => {
    await putProduct("FRESH-1", { name: "F", priceCents: 100, stock: 10 });
    const otherContainer = createApp(stack.deps); // a second container on the same stores
    const other = new ShopClient(otherContainer);
    expect((await other.get("/api/products/FRESH-1")).body.stock).toBe(10);
    expect((await admin().get("/api/products/FRESH-1")).body.stock).toBe(10);
    const shopper = new ShopClient(stack.app);
    await shopper.put("/api/cart/items/FRESH-1", { quantity: 3 });
    expect((await shopper.post("/api/orders", { email: "f@example.com" }, { "idempotency-key": "fresh" })).status).toBe(201);
    expect((await admin().get("/api/products/FRESH-1")).body.stock).toBe(7);
    now += 1_000;
    expect((await other.get("/api/products/FRESH-1")).body.stock).toBe(7);
  });

  it("shows an admin write within 1 s in another container", async () => {
    await putProduct("FRESH-2", { name: "F", priceCents: 100, stock: 10 });
    const other = new ShopClient(createApp(stack.deps));
    expect((await other.get("/api/products/FRESH-2")).body.priceCents).toBe(100);
    await patch("FRESH-2", { priceCents: 120, stockDelta: 5 });
    now += 1_000;
    expect((await other.get("/api/products/FRESH-2")).body).toMatchObject({ priceCents: 120, stock: 15 });
  });
});

describe("a SKU found missing", () => {
  it("is remembered for less than 1 s: a product created in another container shows for reads and cart writes within 1 s", async () => {
    const otherContainer = createApp(stack.deps);
    const reader = new ShopClient(otherContainer);
    const shopper = new ShopClient(otherContainer);
    expectError(await reader.get("/api/products/LATE-1"), 404, "not_found");
    expectError(await shopper.put("/api/cart/items/LATE-1", { quantity: 1 }), 404, "not_found");
    await putProduct("LATE-1", { name: "L", priceCents: 100, stock: 10 });
    now += 1_000;
    expect((await reader.get("/api/products/LATE-1")).body.stock).toBe(10);
    expect((await shopper.put("/api/cart/items/LATE-1", { quantity: 1 })).status).toBe(200);
  });
});

describe("a read running during an admin write", () => {
  it("cannot put the old product back in any cache layer", async () => {
    await putProduct("RACE-1", { name: "R", priceCents: 100, stock: 10 });
    // A reader whose next query reads the old row, then answers only after the write below has finished.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let read!: () => void;
    const readDone = new Promise<void>((resolve) => (read = resolve));
    let armed = true;
    const pool = stack.database.reader;
    const reader = {
      query: async (...args: Parameters<typeof pool.query>) => {
        const result = await (pool.query as (...a: unknown[]) => Promise<unknown>)(...args);
        if (armed) {
          armed = false;
          read();
          await gate;
        }
        return result;
      },
    } as unknown as typeof pool;
    const app = createApp({ ...stack.deps, db: { writer: stack.database.writer, reader } });
    const client = new ShopClient(app);
    const slowRead = client.get("/api/products/RACE-1");
    await readDone; // the old row has been read
    const write = await client.put("/api/admin/products/RACE-1", { name: "R", priceCents: 500, stock: 10 }, auth);
    expect(write.status).toBe(200);
    release();
    expect((await slowRead).body.priceCents).toBe(100); // it answers what it read
    await new Promise((resolve) => setTimeout(resolve, 300)); // any background cache write lands
    expect((await client.get("/api/products/RACE-1")).body.priceCents).toBe(500); // this container
    expect((await new ShopClient(createApp(stack.deps)).get("/api/products/RACE-1")).body.priceCents).toBe(500); // another container
  });
});

describe("carts", () => {
  it("applies every one of many concurrent writes of one session, in one container and across containers, never 503", async () => {
    for (let i = 0; i < 12; i++) await putProduct(`CW-${i}`, { name: `C${i}`, priceCents: 10, stock: 99 });
    const first = new ShopClient(stack.app);
    await first.get("/api/cart"); // the session cookie
    const containers = [stack.app, createApp(stack.deps), createApp(stack.deps)];
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => {
        const client = new ShopClient(containers[i % 3]!);
        client.cookie = first.cookie;
        return client.put(`/api/cart/items/CW-${i}`, { quantity: i + 1 });
      }),
    );
    expect(results.map((r) => r.status)).toEqual(Array(12).fill(200));
    const cart = (await first.get("/api/cart")).body;
    expect(cart.items.map((l: { sku: string; quantity: number }) => [l.sku, l.quantity]).sort()).toEqual(
      Array.from({ length: 12 }, (_, i) => [`CW-${i}`, i + 1]).sort(),
    );
  });

  it("keeps one currency per cart even when adds in different currencies race", async () => {
    await putProduct("CUR-USD", { name: "U", priceCents: 100, stock: 9, currency: "USD" });
    await putProduct("CUR-EUR", { name: "E", priceCents: 100, stock: 9, currency: "EUR" });
    await putProduct("CUR-JPY", { name: "J", priceCents: 100, stock: 9, currency: "JPY" });
    for (let round = 0; round < 5; round++) {
      const shopper = new ShopClient(stack.app);
      await shopper.get("/api/cart");
      const containers = [stack.app, createApp(stack.deps), createApp(stack.deps)];
      const results = await Promise.all(
        ["CUR-USD", "CUR-EUR", "CUR-JPY"].map((sku, i) => {
          const client = new ShopClient(containers[i]!);
          client.cookie = shopper.cookie;
          return client.put(`/api/cart/items/${sku}`, { quantity: 1 });
        }),
      );
      expect(results.filter((r) => r.status === 200)).toHaveLength(1);
      for (const r of results.filter((r) => r.status !== 200)) expectError(r, 400, "validation_failed");
      const cart = (await shopper.get("/api/cart")).body;
      expect(cart.items).toHaveLength(1);
      // Emptied, the cart takes any currency again.
      await shopper.delete(`/api/cart/items/${cart.items[0].sku}`);
      expect((await shopper.put("/api/cart/items/CUR-JPY", { quantity: 1 })).body.currency).toBe("JPY");
    }
  });

  it("accepts only current ISO 4217 currency codes", async () => {
    for (const code of ["EUR", "JPY", "CHF", "GBP"])
      expect((await admin().put("/api/admin/products/ISO-1", { name: "I", priceCents: 1, stock: 1, currency: code }, auth)).status).toBe(200);
    for (const code of ["ABC", "XYZ", "usd", "US", "USDD", "DEM"]) {
      expectError(await admin().put("/api/admin/products/ISO-1", { name: "I", priceCents: 1, stock: 1, currency: code }, auth), 400, "validation_failed");
    }
  });
});

describe("catalog cache", () => {
  it("bounds the cache items anonymous list requests can create", async () => {
    for (let i = 0; i < 30; i++) await putProduct(`BND-${String(i).padStart(2, "0")}`, { name: "B", priceCents: 1, stock: 1, category: "bounded" });
    const cacheItems = async () =>
      (await stack.doc.send(new ScanCommand({ TableName: TABLES.cache }))).Items!.filter((i) => String(i.pk).startsWith("products#")).length;
    const before = await cacheItems();
    const anon = new ShopClient(stack.app);
    const firstPage = await anon.get("/api/products?category=bounded&limit=5");
    let cursor = firstPage.body.nextCursor;
    // Cursors at every position, unused categories, searches: none of them a canonical first page.
    for (let i = 0; i < 10 && cursor; i++) {
      const page = await anon.get(`/api/products?category=bounded&limit=3&cursor=${cursor}`);
      expect(page.status).toBe(200);
      cursor = page.body.nextCursor;
    }
    for (let i = 0; i < 10; i++) expect((await anon.get(`/api/products?category=nobody-${i}`)).status).toBe(200);
    for (let i = 0; i < 10; i++) expect((await anon.get(`/api/products?q=word${i}`)).status).toBe(200);
    for (let i = 0; i < 10; i++) {
      const cursorAt = Buffer.from(`s:BND-${String(i).padStart(2, "0")}`).toString("base64url");
      expect((await anon.get(`/api/products?cursor=${cursorAt}`)).status).toBe(200);
    }
    await new Promise((resolve) => setTimeout(resolve, 200)); // background cache writes
    expect((await cacheItems()) - before).toBeLessThanOrEqual(1); // only the first page of "bounded"
  });

  it("serves and keeps in memory a page too large for one DynamoDB item, without logging an outage", async () => {
    const warnings: string[] = [];
    const logger = { info() {}, warn: (message: string) => warnings.push(message), error: (message: string) => warnings.push(message) };
    const app = createApp({ ...stack.deps, logger });
    const client = new ShopClient(app);
    // JSON escapes every quote (2 bytes each): 100 products of ~4.4 KB make a page of ~440 KB, over the 400 KB item limit.
    const description = '"'.repeat(2000);
    for (let i = 0; i < 100; i++)
      await putProduct(`BIG-${String(i).padStart(3, "0")}`, { name: '"'.repeat(200), priceCents: 1, stock: 1, category: "huge", description });
    for (let i = 0; i < 3; i++) {
      const res = await client.get("/api/products?category=huge&limit=100");
      expect(res.status).toBe(200);
      expect(res.body.items).toHaveLength(100);
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // a background cache write would have failed by now
    expect(warnings).toEqual([]);
  });
});
