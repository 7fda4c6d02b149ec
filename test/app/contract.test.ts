/**
 * The storefront API contract (docs/api.md), route by route and
 * error by error, over HTTP requests to the app on real PostgreSQL and dynalite.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sidCookieValue } from "../../app/src/session/sid-cookie";
import { adminHeaders, ShopClient } from "./support/client";
import { ADMIN_TOKEN, SIGNING_KEY, startStack, type TestStack } from "./support/stack";

let stack: TestStack;
const admin = () => new ShopClient(stack.app);

async function putProduct(sku: string, product: Record<string, unknown>) {
  const res = await admin().put(`/api/admin/products/${sku}`, product, adminHeaders(ADMIN_TOKEN));
  expect(res.status, res.text).toBe(200);
  return res.body;
}

async function stockOf(sku: string): Promise<number> {
  const { rows } = await stack.database.writer.query<{ stock: number }>("SELECT stock FROM products WHERE sku = $1", [sku]);
  return rows[0]!.stock;
}

function expectError(res: { status: number; body: any; headers: Headers }, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.body).toEqual({ error: { code, message: expect.any(String) } });
  expect(res.body.error.message.length).toBeGreaterThan(0);
  expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
}

beforeAll(async () => {
  stack = await startStack();
  for (let i = 1; i <= 25; i++) {
    const sku = `CAT-${String(i).padStart(2, "0")}`;
    await putProduct(sku, { name: `Product ${i}`, priceCents: 100 * i, stock: 10, category: i % 2 ? "odd" : "even" });
  }
});
afterAll(() => stack?.stop());

describe("GET /health", () => {
  it("answers 200 ok when the database and both tables answer", async () => {
    const res = await admin().get("/health");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "ok" });
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
  });
});

describe("unknown routes", () => {
  it("are 404 not_found in the contract's error shape", async () => {
    expectError(await admin().get("/api/nope"), 404, "not_found");
    expectError(await admin().request("POST", "/api/products"), 404, "not_found");
  });
});

describe("PUT /api/admin/products/{sku}", () => {
  it("creates a product with defaults for currency, category and description", async () => {
    const body = await putProduct("NEW-1", { name: "Widget", priceCents: 1999, stock: 3 });
    expect(body).toEqual({ sku: "NEW-1", name: "Widget", description: "", category: "general", priceCents: 1999, currency: "USD", stock: 3 });
    expect((await admin().get("/api/products/NEW-1")).body).toEqual(body);
  });

  it("replaces an existing product", async () => {
    await putProduct("NEW-2", { name: "Old", priceCents: 100, stock: 1 });
    const body = await putProduct("NEW-2", { name: "New", priceCents: 250, currency: "EUR", category: "tools", stock: 7, description: "d" });
    expect(body).toEqual({ sku: "NEW-2", name: "New", description: "d", category: "tools", priceCents: 250, currency: "EUR", stock: 7 });
  });

  it("refuses a missing or wrong token with 401", async () => {
    expectError(await admin().put("/api/admin/products/X-1", { name: "x", priceCents: 1, stock: 1 }), 401, "unauthorized");
    expectError(await admin().put("/api/admin/products/X-1", { name: "x", priceCents: 1, stock: 1 }, adminHeaders("wrong")), 401, "unauthorized");
    expectError(await admin().put("/api/admin/products/X-1", { name: "x", priceCents: 1, stock: 1 }, { authorization: ADMIN_TOKEN }), 401, "unauthorized");
    expect((await admin().get("/api/products/X-1")).status).toBe(404);
  });

  it("names the wrong field with 400 validation_failed", async () => {
    const cases: [unknown, string][] = [
      [{ name: "x", priceCents: -1, stock: 1 }, "priceCents"],
      [{ name: "x", priceCents: 1.5, stock: 1 }, "priceCents"],
      [{ name: "x", priceCents: "100", stock: 1 }, "priceCents"],
      [{ name: "x", priceCents: 1, stock: -2 }, "stock"],
      [{ name: "", priceCents: 1, stock: 1 }, "name"],
      [{ name: "nul\u0000byte", priceCents: 1, stock: 1 }, "name"],
      [{ name: "x", priceCents: 1, stock: 1, currency: "usd" }, "currency"],
      [{ name: "x", priceCents: 1, stock: 1, colour: "red" }, "colour"],
      [{ priceCents: 1, stock: 1 }, "name"],
      [[1, 2], "body"],
    ];
    for (const [body, field] of cases) {
      const res = await admin().put("/api/admin/products/X-2", body, adminHeaders(ADMIN_TOKEN));
      expectError(res, 400, "validation_failed");
      expect(res.body.error.message).toContain(field);
    }
    expect((await admin().get("/api/products/X-2")).status).toBe(404);
  });

  it("rejects malformed JSON with 400 bad_request and a SKU outside the pattern with 400", async () => {
    expectError(
      await admin().request("PUT", "/api/admin/products/X-3", {
        body: "{not json",
        headers: { ...adminHeaders(ADMIN_TOKEN), "content-type": "application/json" },
      }),
      400,
      "bad_request",
    );
    const long = "A".repeat(65);
    const res = await admin().put(`/api/admin/products/${long}`, { name: "x", priceCents: 1, stock: 1 }, adminHeaders(ADMIN_TOKEN));
    expectError(res, 400, "validation_failed");
    expect(res.body.error.message).toContain("sku");
  });
});

describe("GET /api/products/{sku}", () => {
  it("returns the Product", async () => {
    const res = await admin().get("/api/products/CAT-03");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ sku: "CAT-03", name: "Product 3", description: "", category: "odd", priceCents: 300, currency: "USD", stock: 10 });
  });

  it("is 404 for an unknown or impossible SKU", async () => {
    expectError(await admin().get("/api/products/NOPE"), 404, "not_found");
    expectError(await admin().get("/api/products/bad%20sku"), 404, "not_found");
  });

  it("shows an admin change on the next read (cache invalidated)", async () => {
    await putProduct("CACHED-1", { name: "Before", priceCents: 500, stock: 5 });
    expect((await admin().get("/api/products/CACHED-1")).body.priceCents).toBe(500);
    expect((await admin().get("/api/products/CACHED-1")).body.priceCents).toBe(500); // served from cache
    await putProduct("CACHED-1", { name: "After", priceCents: 700, stock: 5 });
    const res = await admin().get("/api/products/CACHED-1");
    expect(res.body).toMatchObject({ name: "After", priceCents: 700 });
  });
});

describe("GET /api/products", () => {
  it("pages through the whole catalog by SKU with an opaque cursor, 20 by default", async () => {
    const first = await admin().get("/api/products");
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(20);
    expect(typeof first.body.nextCursor).toBe("string");
    const seen: string[] = first.body.items.map((p: { sku: string }) => p.sku);
    let cursor: string | null = first.body.nextCursor;
    while (cursor) {
      const page = await admin().get(`/api/products?limit=7&cursor=${encodeURIComponent(cursor)}`);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(7);
      seen.push(...page.body.items.map((p: { sku: string }) => p.sku));
      cursor = page.body.nextCursor;
    }
    const { rows } = await stack.database.writer.query<{ sku: string }>('SELECT sku FROM products ORDER BY sku COLLATE "C"');
    expect(seen).toEqual(rows.map((r) => r.sku));
  });

  it("filters by category", async () => {
    const res = await admin().get("/api/products?category=even&limit=100");
    expect(res.body.items).toHaveLength(12);
    expect(res.body.items.every((p: { category: string }) => p.category === "even")).toBe(true);
    expect(res.body.nextCursor).toBeNull();
  });

  it("rejects a limit outside 1..100, a bad cursor and a bad category with 400", async () => {
    for (const q of ["limit=0", "limit=101", "limit=abc", "limit=2.5", "limit=-1", "cursor=%21%21", "cursor=Zm9v", "category=Bad%20Cat"]) {
      const res = await admin().get(`/api/products?${q}`);
      expectError(res, 400, "validation_failed");
    }
  });

  it("shows an admin change in list pages on the next read", async () => {
    const before = await admin().get("/api/products?category=odd&limit=100");
    expect(before.body.items.find((p: { sku: string }) => p.sku === "CAT-01").priceCents).toBe(100);
    await putProduct("CAT-01", { name: "Product 1", priceCents: 111, stock: 10, category: "odd" });
    const after = await admin().get("/api/products?category=odd&limit=100");
    expect(after.body.items.find((p: { sku: string }) => p.sku === "CAT-01").priceCents).toBe(111);
  });
});

describe("sessions and GET /api/cart", () => {
  it("gives a new session an empty cart and a signed HttpOnly SameSite=Lax cookie", async () => {
    const res = await new ShopClient(stack.app).get("/api/cart");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: [], totalCents: 0, currency: "USD" });
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^sid=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}; /);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
    expect(cookie).toContain("Path=/");
    expect(cookie).not.toContain("Secure");
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  it("names the cookie __Host-sid and marks it Secure when the viewer is on HTTPS, whatever the last hop", async () => {
    const direct = await new ShopClient(stack.app).get("/api/cart", { "x-forwarded-proto": "https" });
    expect(direct.headers.get("set-cookie")).toMatch(/^__Host-sid=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+; Secure$/);
    const viaCdn = await new ShopClient(stack.app).get("/api/cart", { "x-forwarded-proto": "http", "cloudfront-forwarded-proto": "https" });
    expect(viaCdn.headers.get("set-cookie")).toMatch(/^__Host-sid=.*; Secure$/);
    const plain = await new ShopClient(stack.app).get("/api/cart", { "x-forwarded-proto": "http" });
    expect(plain.headers.get("set-cookie")).toMatch(/^sid=/);
    expect(plain.headers.get("set-cookie")).not.toContain("Secure");
  });

  it("over HTTPS reads only __Host-sid: a plain sid cookie there (plantable by a sibling subdomain) starts a new session", async () => {
    const https = { "x-forwarded-proto": "https" };
    const shopper = new ShopClient(stack.app);
    await shopper.request("PUT", "/api/cart/items/CAT-03", { json: { quantity: 1 }, headers: https });
    expect(shopper.cookie).toMatch(/^__Host-sid=/);
    expect((await shopper.get("/api/cart", https)).body.items).toHaveLength(1);

    const planted = new ShopClient(stack.app);
    planted.cookie = shopper.cookie!.replace(/^__Host-sid=/, "sid=");
    const res = await planted.get("/api/cart", https);
    expect(res.body.items).toEqual([]);
    expect(res.headers.get("set-cookie")).toMatch(/^__Host-sid=/);
  });

  it("keeps the session for a valid cookie and starts a new one for a forged cookie", async () => {
    const shopper = new ShopClient(stack.app);
    await shopper.put("/api/cart/items/CAT-02", { quantity: 2 });
    const again = await shopper.get("/api/cart");
    expect(again.headers.get("set-cookie")).toBeNull();
    expect(again.body.items).toHaveLength(1);

    const sessionId = shopper.cookie!.slice(4).split(".")[0]!;
    const forged = new ShopClient(stack.app);
    forged.cookie = `sid=${sessionId}.${sidCookieValue(sessionId, "another-key").split(".")[1]}`;
    const res = await forged.get("/api/cart");
    expect(res.body.items).toEqual([]);
    expect(res.headers.get("set-cookie")).toMatch(/^sid=/);
    expect(forged.cookie).not.toContain(sessionId);
    // The real cookie still verifies under the real key.
    expect(shopper.cookie).toBe(`sid=${sidCookieValue(sessionId, SIGNING_KEY)}`);
  });
});

describe("PUT and DELETE /api/cart/items/{sku}", () => {
  it("sets, changes and removes lines and prices the cart in minor units", async () => {
    const shopper = new ShopClient(stack.app);
    let res = await shopper.put("/api/cart/items/CAT-04", { quantity: 2 });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      items: [{ sku: "CAT-04", name: "Product 4", quantity: 2, priceCents: 400, lineTotalCents: 800 }],
      totalCents: 800,
      currency: "USD",
    });
    res = await shopper.put("/api/cart/items/CAT-05", { quantity: 1 });
    expect(res.body.totalCents).toBe(1300);
    res = await shopper.put("/api/cart/items/CAT-04", { quantity: 5 });
    expect(res.body.items[0]).toMatchObject({ sku: "CAT-04", quantity: 5, lineTotalCents: 2000 });
    res = await shopper.put("/api/cart/items/CAT-04", { quantity: 0 });
    expect(res.body.items.map((i: { sku: string }) => i.sku)).toEqual(["CAT-05"]);
    res = await shopper.delete("/api/cart/items/CAT-05");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: [], totalCents: 0, currency: "USD" });
    expect((await shopper.get("/api/cart")).body.items).toEqual([]);
  });

  it("rejects a quantity outside 0..99 or not an integer with 400, and an unknown SKU with 404", async () => {
    const shopper = new ShopClient(stack.app);
    for (const body of [{ quantity: 100 }, { quantity: -1 }, { quantity: 1.5 }, { quantity: "2" }, {}, { quantity: 1, extra: true }]) {
      const res = await shopper.put("/api/cart/items/CAT-04", body);
      expectError(res, 400, "validation_failed");
      expect(res.body.error.message).toMatch(/quantity|extra/);
    }
    expectError(await shopper.request("PUT", "/api/cart/items/CAT-04", { body: "[", headers: { "content-type": "application/json" } }), 400, "bad_request");
    expectError(await shopper.request("PUT", "/api/cart/items/CAT-04"), 400, "bad_request");
    expectError(await shopper.put("/api/cart/items/NO-SUCH", { quantity: 1 }), 404, "not_found");
    expect((await shopper.get("/api/cart")).body.items).toEqual([]);
  });

  it("refuses to mix currencies in one cart", async () => {
    await putProduct("EUR-1", { name: "Euro thing", priceCents: 100, currency: "EUR", stock: 5 });
    const shopper = new ShopClient(stack.app);
    await shopper.put("/api/cart/items/CAT-06", { quantity: 1 });
    const res = await shopper.put("/api/cart/items/EUR-1", { quantity: 1 });
    expectError(res, 400, "validation_failed");
    expect(res.body.error.message).toContain("EUR");
  });
});

describe("POST /api/orders and GET /api/orders/{id}", () => {
  it("turns the cart into a confirmed order, takes the stock and empties the cart", async () => {
    await putProduct("ORD-A", { name: "A", priceCents: 250, stock: 5 });
    await putProduct("ORD-B", { name: "B", priceCents: 1000, stock: 2 });
    const shopper = new ShopClient(stack.app);
    await shopper.put("/api/cart/items/ORD-B", { quantity: 2 });
    await shopper.put("/api/cart/items/ORD-A", { quantity: 3 });
    const res = await shopper.post("/api/orders", { email: "buyer@example.com" }, { "idempotency-key": "order-1" });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: "confirmed",
      email: "buyer@example.com",
      items: [
        { sku: "ORD-A", name: "A", quantity: 3, priceCents: 250, lineTotalCents: 750 },
        { sku: "ORD-B", name: "B", quantity: 2, priceCents: 1000, lineTotalCents: 2000 },
      ],
      totalCents: 2750,
      currency: "USD",
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(await stockOf("ORD-A")).toBe(2);
    expect(await stockOf("ORD-B")).toBe(0);
    expect((await shopper.get("/api/cart")).body.items).toEqual([]);

    const read = await shopper.get(`/api/orders/${res.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(res.body);
  });

  it("hides an order from other sessions and answers 404 for unknown ids", async () => {
    await putProduct("ORD-C", { name: "C", priceCents: 100, stock: 5 });
    const owner = new ShopClient(stack.app);
    await owner.put("/api/cart/items/ORD-C", { quantity: 1 });
    const placed = await owner.post("/api/orders", { email: "o@example.com" }, { "idempotency-key": "k" });
    expect(placed.status).toBe(201);
    const other = new ShopClient(stack.app);
    expectError(await other.get(`/api/orders/${placed.body.id}`), 404, "not_found");
    expectError(await owner.get("/api/orders/00000000-0000-4000-8000-000000000000"), 404, "not_found");
    expectError(await owner.get("/api/orders/not-a-uuid"), 404, "not_found");
  });

  it("replays the first response for the same key and request, without taking stock again", async () => {
    await putProduct("IDEM-1", { name: "I", priceCents: 300, stock: 4 });
    const shopper = new ShopClient(stack.app);
    await shopper.put("/api/cart/items/IDEM-1", { quantity: 1 });
    const first = await shopper.post("/api/orders", { email: "i@example.com" }, { "idempotency-key": "same-key" });
    expect(first.status).toBe(201);
    await shopper.put("/api/cart/items/IDEM-1", { quantity: 2 }); // a new cart does not change the replay
    const second = await shopper.post("/api/orders", { email: "i@example.com" }, { "idempotency-key": "same-key" });
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(await stockOf("IDEM-1")).toBe(3);
    const { rows } = await stack.database.writer.query("SELECT id FROM orders WHERE email = 'i@example.com'");
    expect(rows).toHaveLength(1);
  });

  it("answers 422 when a key is reused for a different request", async () => {
    await putProduct("IDEM-2", { name: "I2", priceCents: 300, stock: 4 });
    const shopper = new ShopClient(stack.app);
    await shopper.put("/api/cart/items/IDEM-2", { quantity: 1 });
    expect((await shopper.post("/api/orders", { email: "a@example.com" }, { "idempotency-key": "reuse" })).status).toBe(201);
    expectError(await shopper.post("/api/orders", { email: "b@example.com" }, { "idempotency-key": "reuse" }), 422, "idempotency_key_reused");
    // The same key in another session is another scope.
    const other = new ShopClient(stack.app);
    await other.put("/api/cart/items/IDEM-2", { quantity: 1 });
    expect((await other.post("/api/orders", { email: "b@example.com" }, { "idempotency-key": "reuse" })).status).toBe(201);
  });

  it("answers 409 insufficient_stock and changes nothing when any line is short", async () => {
    await putProduct("SHORT-A", { name: "SA", priceCents: 100, stock: 5 });
    await putProduct("SHORT-B", { name: "SB", priceCents: 100, stock: 1 });
    const shopper = new ShopClient(stack.app);
    await shopper.put("/api/cart/items/SHORT-A", { quantity: 2 });
    await shopper.put("/api/cart/items/SHORT-B", { quantity: 2 });
    const res = await shopper.post("/api/orders", { email: "s@example.com" }, { "idempotency-key": "short" });
    expectError(res, 409, "insufficient_stock");
    expect(res.body.error.message).toContain("SHORT-B");
    expect(await stockOf("SHORT-A")).toBe(5);
    expect(await stockOf("SHORT-B")).toBe(1);
    expect((await shopper.get("/api/cart")).body.items).toHaveLength(2);
    const { rows } = await stack.database.writer.query("SELECT 1 FROM orders WHERE email = 's@example.com'");
    expect(rows).toHaveLength(0);
    // Nothing was recorded under the key: after fixing the cart the same key goes through.
    await shopper.put("/api/cart/items/SHORT-B", { quantity: 1 });
    expect((await shopper.post("/api/orders", { email: "s@example.com" }, { "idempotency-key": "short" })).status).toBe(201);
  });

  it("answers 409 cart_empty for an empty cart", async () => {
    expectError(await new ShopClient(stack.app).post("/api/orders", { email: "e@example.com" }, { "idempotency-key": "empty" }), 409, "cart_empty");
  });

  it("requires an Idempotency-Key of 1..128 characters and a valid email", async () => {
    const shopper = new ShopClient(stack.app);
    await shopper.put("/api/cart/items/CAT-07", { quantity: 1 });
    let res = await shopper.post("/api/orders", { email: "x@example.com" });
    expectError(res, 400, "validation_failed");
    expect(res.body.error.message).toContain("Idempotency-Key");
    expectError(await shopper.post("/api/orders", { email: "x@example.com" }, { "idempotency-key": "k".repeat(129) }), 400, "validation_failed");
    res = await shopper.post("/api/orders", { email: "not-an-email" }, { "idempotency-key": "k1" });
    expectError(res, 400, "validation_failed");
    expect(res.body.error.message).toContain("email");
    expectError(await shopper.post("/api/orders", {}, { "idempotency-key": "k1" }), 400, "validation_failed");
    expect(await stockOf("CAT-07")).toBe(10);
  });
});

describe("request size", () => {
  it("answers 413 payload_too_large over 64 KiB and accepts a body just under it", async () => {
    const big = JSON.stringify({ name: "x", priceCents: 1, stock: 1, description: "d".repeat(70 * 1024) });
    expectError(
      await admin().request("PUT", "/api/admin/products/BIG-1", { body: big, headers: { ...adminHeaders(ADMIN_TOKEN), "content-type": "application/json" } }),
      413,
      "payload_too_large",
    );
    // Under the limit but over the description cap: a validation error, not 413.
    const under = JSON.stringify({ name: "x", priceCents: 1, stock: 1, description: "d".repeat(60 * 1024) });
    expectError(
      await admin().request("PUT", "/api/admin/products/BIG-1", { body: under, headers: { ...adminHeaders(ADMIN_TOKEN), "content-type": "application/json" } }),
      400,
      "validation_failed",
    );
  });
});
