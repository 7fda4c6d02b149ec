import { describe, expect, it } from "vitest";
import { ApiError, createApi, NetworkError, type Order } from "../../web/src/api";
import { CheckoutAttempts, isDefinitiveFailure, newIdempotencyKey, type KeyValueStore } from "../../web/src/checkout";

const order = (id = "ord-1"): Order => ({
  id,
  status: "confirmed",
  email: "a@example.com",
  items: [],
  totalCents: 0,
  currency: "USD",
  createdAt: "2026-01-01T00:00:00Z",
});

/** A placeOrder that answers from a script and records the keys it was given. */
function scripted(outcomes: (Order | Error)[]) {
  const keys: string[] = [];
  const placeOrder = async (_email: string, key: string) => {
    keys.push(key);
    const next = outcomes.shift();
    if (!next) throw new Error("no more scripted outcomes");
    if (next instanceof Error) throw next;
    return next;
  };
  let n = 0;
  return { keys, placeOrder, newKey: () => `key-${++n}` };
}

function memoryStorage(): KeyValueStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k) };
}

describe("idempotency keys per checkout attempt", () => {
  it("retries after a network error with the same key", async () => {
    const s = scripted([new NetworkError("offline"), order()]);
    const attempts = new CheckoutAttempts(s.placeOrder, s.newKey);
    await expect(attempts.submit("a@example.com", 1000)).rejects.toBeInstanceOf(NetworkError);
    expect(attempts.hasPendingAttempt).toBe(true);
    await expect(attempts.submit("a@example.com", 1000)).resolves.toMatchObject({ id: "ord-1" });
    expect(s.keys).toEqual(["key-1", "key-1"]);
  });

  it("reuses the key while the server has not decided (503, idempotency_in_progress)", async () => {
    const s = scripted([new ApiError(503, "unavailable", "down", 2), new ApiError(409, "idempotency_in_progress", "busy"), order()]);
    const attempts = new CheckoutAttempts(s.placeOrder, s.newKey);
    await expect(attempts.submit("a@example.com", 1000)).rejects.toThrow("down");
    await expect(attempts.submit("a@example.com", 1000)).rejects.toThrow("busy");
    await attempts.submit("a@example.com", 1000);
    expect(s.keys).toEqual(["key-1", "key-1", "key-1"]);
  });

  it("starts a new attempt with a new key after a definitive answer", async () => {
    const s = scripted([order("ord-1"), new ApiError(409, "insufficient_stock", "short"), order("ord-2")]);
    const attempts = new CheckoutAttempts(s.placeOrder, s.newKey);
    await attempts.submit("a@example.com", 1000);
    await expect(attempts.submit("a@example.com", 1000)).rejects.toMatchObject({ code: "insufficient_stock" });
    expect(attempts.hasPendingAttempt).toBe(false);
    await attempts.submit("a@example.com", 1000);
    expect(s.keys).toEqual(["key-1", "key-2", "key-3"]);
  });

  it("uses a new key when the request changed (another e-mail, or the cart was edited)", async () => {
    const s = scripted([new NetworkError("offline"), new NetworkError("offline"), order()]);
    const attempts = new CheckoutAttempts(s.placeOrder, s.newKey);
    await expect(attempts.submit("a@example.com", 1000)).rejects.toThrow();
    await expect(attempts.submit("b@example.com", 1000)).rejects.toThrow();
    attempts.forget();
    await attempts.submit("b@example.com", 1000);
    expect(s.keys).toEqual(["key-1", "key-2", "key-3"]);
  });

  it("starts a new attempt when the confirmed total changes, and sends that total", async () => {
    const totals: number[] = [];
    const s = scripted([new NetworkError("offline"), new ApiError(409, "cart_changed", "changed"), order()]);
    const attempts = new CheckoutAttempts(async (email, key, total) => {
      totals.push(total);
      return s.placeOrder(email, key);
    }, s.newKey);
    await expect(attempts.submit("a@example.com", 1000)).rejects.toBeInstanceOf(NetworkError);
    // The shopper now confirms another total (the cart changed): a new request, so a new key.
    await expect(attempts.submit("a@example.com", 1200)).rejects.toMatchObject({ code: "cart_changed" });
    await attempts.submit("a@example.com", 1200);
    expect(s.keys).toEqual(["key-1", "key-2", "key-3"]);
    expect(totals).toEqual([1000, 1200, 1200]);
  });

  it("keeps the pending key across a page reload", async () => {
    const storage = memoryStorage();
    const first = scripted([new NetworkError("offline")]);
    await expect(new CheckoutAttempts(first.placeOrder, first.newKey, storage).submit("a@example.com", 1000)).rejects.toThrow();

    const afterReload = scripted([order()]);
    const attempts = new CheckoutAttempts(afterReload.placeOrder, () => "fresh-key", storage);
    expect(attempts.pendingEmail).toBe("a@example.com");
    await attempts.submit("a@example.com", 1000);
    expect(afterReload.keys).toEqual(["key-1"]);
    expect(storage.data.size).toBe(0);
  });

  it("ignores unreadable stored state", () => {
    const storage = memoryStorage();
    storage.setItem("shop.checkout.pendingAttempt", "{not json");
    expect(
      new CheckoutAttempts(
        async () => order(),
        () => "k",
        storage,
      ).hasPendingAttempt,
    ).toBe(false);
  });

  it("classifies answers as definitive or not", () => {
    expect(isDefinitiveFailure(new NetworkError("x"))).toBe(false);
    expect(isDefinitiveFailure(new ApiError(502, "http_502", "x"))).toBe(false);
    expect(isDefinitiveFailure(new ApiError(409, "idempotency_in_progress", "x"))).toBe(false);
    expect(isDefinitiveFailure(new ApiError(409, "insufficient_stock", "x"))).toBe(true);
    expect(isDefinitiveFailure(new ApiError(409, "cart_empty", "x"))).toBe(true);
    expect(isDefinitiveFailure(new ApiError(422, "idempotency_key_reused", "x"))).toBe(true);
    expect(isDefinitiveFailure(new ApiError(400, "validation_failed", "x"))).toBe(true);
  });

  it("sends the same Idempotency-Key header on the retry over HTTP", async () => {
    const seen: string[] = [];
    const bodies: unknown[] = [];
    let calls = 0;
    const fetch = async (_url: string, init?: RequestInit) => {
      seen.push(new Headers(init?.headers).get("idempotency-key")!);
      bodies.push(JSON.parse(String(init?.body)));
      if (++calls === 1) throw new TypeError("Failed to fetch");
      return new Response(JSON.stringify(order("ord-9")), { status: 201, headers: { "content-type": "application/json" } });
    };
    const api = createApi({ fetch });
    let n = 0;
    const attempts = new CheckoutAttempts(api.placeOrder, () => `uuid-${++n}`);
    await expect(attempts.submit("a@example.com", 1000)).rejects.toBeInstanceOf(NetworkError);
    await expect(attempts.submit("a@example.com", 1000)).resolves.toMatchObject({ id: "ord-9" });
    expect(seen).toEqual(["uuid-1", "uuid-1"]);
    expect(bodies).toEqual([
      { email: "a@example.com", expectedTotalCents: 1000 },
      { email: "a@example.com", expectedTotalCents: 1000 },
    ]);
  });
});

describe("idempotency key values", () => {
  const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

  it("are random UUIDs, also where crypto.randomUUID is missing (plain HTTP)", () => {
    // Only getRandomValues, as browsers offer outside secure contexts.
    const insecure = { getRandomValues: crypto.getRandomValues.bind(crypto) };
    const keys = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const key = newIdempotencyKey(insecure);
      expect(key).toMatch(UUID_V4);
      keys.add(key);
    }
    expect(keys.size).toBe(200);
    expect(newIdempotencyKey()).toMatch(UUID_V4);
  });

  it("fit the contract's 1..128 characters", () => {
    expect(newIdempotencyKey().length).toBe(36);
  });
});
