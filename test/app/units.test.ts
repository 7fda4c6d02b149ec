/** Pure rules: cart arithmetic, lock order, cursors, request hashing, outage classification. */
import { describe, expect, it } from "vitest";
import { priceCart, setLineQuantity, MAX_CART_LINES } from "../../app/src/cart/cart";
import { decodeCursor, encodeCursor } from "../../app/src/catalog/catalog";
import { outageOf } from "../../app/src/runtime/outage";
import { dynamoCall } from "../../app/src/runtime/dynamo";
import { requestHash } from "../../app/src/orders/checkout";
import type { Product } from "../../app/src/catalog/product";

const product = (sku: string, priceCents: number): Product => ({ sku, name: sku, description: "", category: "c", priceCents, currency: "USD", stock: 1 });

describe("cart rules", () => {
  it("sets, replaces and removes lines keeping first-added order", () => {
    let lines = setLineQuantity([], "B", 1);
    lines = setLineQuantity(lines, "A", 2);
    lines = setLineQuantity(lines, "B", 3);
    expect(lines).toEqual([
      { sku: "B", quantity: 3 },
      { sku: "A", quantity: 2 },
    ]);
    expect(setLineQuantity(lines, "B", 0)).toEqual([{ sku: "A", quantity: 2 }]);
  });

  it("caps the number of distinct lines", () => {
    const full = Array.from({ length: MAX_CART_LINES }, (_, i) => ({ sku: `S${i}`, quantity: 1 }));
    expect(() => setLineQuantity(full, "ONE-MORE", 1)).toThrow(/at most/);
    expect(setLineQuantity(full, "S0", 5)[0]).toEqual({ sku: "S0", quantity: 5 });
  });

  it("prices in integer minor units and drops lines whose product is gone", () => {
    const view = priceCart(
      [
        { sku: "A", quantity: 3 },
        { sku: "GONE", quantity: 1 },
        { sku: "B", quantity: 1 },
      ],
      new Map([
        ["A", product("A", 199)],
        ["B", product("B", 1)],
      ]),
    );
    expect(view).toEqual({
      items: [
        { sku: "A", name: "A", quantity: 3, priceCents: 199, lineTotalCents: 597 },
        { sku: "B", name: "B", quantity: 1, priceCents: 1, lineTotalCents: 1 },
      ],
      totalCents: 598,
      currency: "USD",
    });
  });
});

describe("checkout helpers", () => {
  it("hashes the request body, so the same body is the same request", () => {
    expect(requestHash({ email: "a@example.com" })).toBe(requestHash({ email: "a@example.com" }));
    expect(requestHash({ email: "a@example.com" })).not.toBe(requestHash({ email: "b@example.com" }));
  });
});

describe("cursors", () => {
  it("round-trip and refuse anything the API did not issue", () => {
    expect(decodeCursor(encodeCursor("COF-001"))).toBe("COF-001");
    expect(() => decodeCursor("Zm9v")).toThrow(/cursor/);
    expect(() => decodeCursor("!!")).toThrow(/cursor/);
  });
});

describe("outage classification", () => {
  it("treats connection failures as outages and query errors as bugs", () => {
    expect(outageOf(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }))).toBe("database");
    expect(outageOf(Object.assign(new Error("terminating"), { code: "57P01" }))).toBe("database");
    expect(outageOf(new Error("timeout exceeded when trying to connect"))).toBe("database");
    expect(outageOf(Object.assign(new Error("syntax"), { code: "42601" }))).toBeNull();
  });

  it("classifies a DynamoDB error where the call is made: throttling is an outage, a validation error a bug", async () => {
    const failing = (err: Error) => dynamoCall(() => Promise.reject(err)).catch((thrown: unknown) => thrown);
    expect(outageOf(await failing(Object.assign(new Error("x"), { name: "ThrottlingException", $metadata: {} })))).toBe("dynamodb");
    expect(outageOf(await failing(Object.assign(new Error("bad"), { name: "ValidationException", $metadata: { httpStatusCode: 400 } })))).toBeNull();
  });

  it("never takes another AWS client's error for the database's or DynamoDB's", () => {
    const secretsRefused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED", $metadata: {} });
    expect(outageOf(secretsRefused)).toBeNull();
  });
});
