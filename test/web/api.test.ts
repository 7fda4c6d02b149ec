import { describe, expect, it } from "vitest";
import { ApiError, createApi, NetworkError, productsPath } from "../../web/src/api";

interface Seen {
  url: string;
  method: string;
  headers: Headers;
  body: string | null;
  credentials: RequestCredentials | undefined;
}

function fakeFetch(respond: (seen: Seen) => Response | Promise<Response>) {
  const requests: Seen[] = [];
  const fetch = async (url: string, init?: RequestInit) => {
    const seen: Seen = {
      url,
      method: init?.method ?? "GET",
      headers: new Headers(init?.headers),
      body: (init?.body as string) ?? null,
      credentials: init?.credentials,
    };
    requests.push(seen);
    return respond(seen);
  };
  return { fetch, requests };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

describe("API client", () => {
  it("builds the catalog query with only the parameters that are set", () => {
    expect(productsPath()).toBe("/api/products");
    expect(productsPath({ limit: 12, cursor: null, category: null })).toBe("/api/products?limit=12");
    expect(productsPath({ limit: 12, cursor: "abc==", category: "home & garden" })).toBe("/api/products?limit=12&cursor=abc%3D%3D&category=home+%26+garden");
  });

  it("calls the contract's routes with the session cookie and JSON bodies", async () => {
    const f = fakeFetch(() => json(200, { items: [], totalCents: 0, currency: "USD" }));
    const api = createApi({ fetch: f.fetch });
    await api.setCartQuantity("MUG-1", 3);
    await api.removeFromCart("MUG-1");
    await api.placeOrder("a@example.com", "key-1");
    await api.getOrder("ord/1");
    expect(f.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      "PUT /api/cart/items/MUG-1",
      "DELETE /api/cart/items/MUG-1",
      "POST /api/orders",
      "GET /api/orders/ord%2F1",
    ]);
    expect(JSON.parse(f.requests[0]!.body!)).toEqual({ quantity: 3 });
    expect(f.requests[0]!.headers.get("content-type")).toBe("application/json");
    expect(f.requests[1]!.body).toBeNull();
    expect(f.requests[2]!.headers.get("idempotency-key")).toBe("key-1");
    expect(JSON.parse(f.requests[2]!.body!)).toEqual({ email: "a@example.com" });
    expect(f.requests.every((r) => r.credentials === "same-origin")).toBe(true);
  });

  it("turns the contract's error shape into an ApiError with status, code and message", async () => {
    const f = fakeFetch(() => json(409, { error: { code: "insufficient_stock", message: "Only 1 of MUG-1 left" } }));
    const error = await createApi({ fetch: f.fetch })
      .placeOrder("a@example.com", "k")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 409, code: "insufficient_stock", message: "Only 1 of MUG-1 left" });
  });

  it("reads retry-after on 503", async () => {
    const f = fakeFetch(() => json(503, { error: { code: "unavailable", message: "database down" } }, { "retry-after": "3" }));
    await expect(createApi({ fetch: f.fetch }).getCart()).rejects.toMatchObject({ code: "unavailable", retryAfterSeconds: 3 });
  });

  it("copes with an error page that is not the API's JSON", async () => {
    const f = fakeFetch(() => new Response("<html>Bad gateway</html>", { status: 502, headers: { "content-type": "text/html" } }));
    await expect(createApi({ fetch: f.fetch }).getCart()).rejects.toMatchObject({ status: 502, code: "http_502" });
  });

  it("reports a failed connection or an unreadable answer as a NetworkError", async () => {
    const down = createApi({
      fetch: async () => {
        throw new TypeError("Failed to fetch");
      },
    });
    await expect(down.getCart()).rejects.toBeInstanceOf(NetworkError);
    const garbled = createApi({ fetch: async () => new Response("{trunc", { status: 200 }) });
    await expect(garbled.getCart()).rejects.toBeInstanceOf(NetworkError);
  });

  it("gives up after the timeout with a NetworkError", async () => {
    const hang = (_url: string, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => init?.signal?.addEventListener("abort", () => reject(init.signal!.reason)));
    await expect(createApi({ fetch: hang, timeoutMs: 30 }).getCart()).rejects.toBeInstanceOf(NetworkError);
  });
});
