/**
 * GET /api/categories (beyond the contract, docs/api.md): every category in
 * use with its number of products, in one request, as fresh as the catalog's
 * first pages (an admin write is visible at once on the container that made
 * it), and a repeat read costs no round trip.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countRoundTrips } from "../../scripts/bench/round-trips";
import { adminHeaders, ShopClient } from "./support/client";
import { ADMIN_TOKEN, startStack, type TestStack } from "./support/stack";

let stack: TestStack;
let shop: ShopClient;
const admin = adminHeaders(ADMIN_TOKEN);

beforeAll(async () => {
  stack = await startStack();
  shop = new ShopClient(stack.app);
});
afterAll(async () => {
  await stack?.stop();
});

const put = (sku: string, category: string) => shop.put(`/api/admin/products/${sku}`, { name: sku, priceCents: 100, stock: 1, category }, admin);

describe("GET /api/categories", () => {
  it("is an empty list for an empty catalog", async () => {
    const reply = await shop.get("/api/categories");
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ items: [] });
  });

  it("lists each category in use once with its number of products, in byte order, and sees admin writes at once", async () => {
    for (const [sku, category] of [
      ["CAT-1", "tea"],
      ["CAT-2", "coffee"],
      ["CAT-3", "coffee"],
      ["CAT-4", "coffee-gear"],
      ["CAT-5", "2-for-1"],
    ] as const) {
      expect((await put(sku, category)).status).toBe(200);
    }
    expect((await shop.get("/api/categories")).body).toEqual({
      items: [
        { category: "2-for-1", productCount: 1 },
        { category: "coffee", productCount: 2 },
        { category: "coffee-gear", productCount: 1 },
        { category: "tea", productCount: 1 },
      ],
    });
    // Moving the only tea to coffee: tea is gone, coffee has three.
    expect((await shop.request("PATCH", "/api/admin/products/CAT-1", { json: { category: "coffee" }, headers: admin })).status).toBe(200);
    expect((await shop.get("/api/categories")).body).toEqual({
      items: [
        { category: "2-for-1", productCount: 1 },
        { category: "coffee", productCount: 3 },
        { category: "coffee-gear", productCount: 1 },
      ],
    });
  });

  it("answers a repeat read from memory (no round trip), and is not per-client (no Set-Cookie, no no-store)", async () => {
    const counter = countRoundTrips(stack.documents);
    try {
      await shop.get("/api/categories");
      const before = { ...counter.counts };
      const reply = await shop.get("/api/categories");
      expect(reply.status).toBe(200);
      expect(counter.counts).toEqual(before);
      expect(reply.headers.get("set-cookie")).toBeNull();
      expect(reply.headers.get("cache-control")).toBeNull();
    } finally {
      counter.restore();
    }
  });
});
