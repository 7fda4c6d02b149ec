/**
 * Typed client for the storefront API contract (docs/api.md), and nothing
 * else: the page relies only on these routes and shapes.
 *
 * Two kinds of failure matter to the page and are kept apart:
 * - ApiError: the server answered with the contract's error shape (a definitive answer,
 *   except the few codes that mean "try again").
 * - NetworkError: no answer (offline, timeout, connection reset). A request that changes
 *   state may or may not have happened, so a retry must be safe (see checkout.ts).
 */

export interface Product {
  sku: string;
  name: string;
  description: string;
  category: string;
  priceCents: number;
  currency: string;
  stock: number;
}

export interface ProductPage {
  items: Product[];
  nextCursor: string | null;
}

export interface CartLine {
  sku: string;
  name: string;
  quantity: number;
  priceCents: number;
  lineTotalCents: number;
}

export interface Cart {
  items: CartLine[];
  totalCents: number;
  currency: string;
}

export interface Order {
  id: string;
  status: string;
  email: string;
  items: CartLine[];
  totalCents: number;
  currency: string;
  createdAt: string;
}

/** The server answered with an error status. `code` is the contract's machine code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds from a `retry-after` header, when the server sent one. */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** No usable answer reached the page: the request may or may not have been processed. */
export class NetworkError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = "NetworkError";
  }
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface ApiClientOptions {
  /** Prefix of every path; "" for the same origin (how the page is deployed). */
  baseUrl?: string;
  fetch?: FetchLike;
  /** Give up waiting after this long and report a NetworkError. */
  timeoutMs?: number;
}

export interface ListProductsQuery {
  limit?: number;
  cursor?: string | null;
  category?: string | null;
  /** Search words (contract v1.1: 1..100 characters, every word must match). */
  q?: string | null;
}

/** A category in use and how many products carry it (GET /api/categories). */
export interface CategoryCount {
  category: string;
  productCount: number;
}

/** The contract's routes (and GET /api/categories, docs/api.md) as plain async functions. */
export interface ShopApi {
  listProducts(query?: ListProductsQuery): Promise<ProductPage>;
  listCategories(): Promise<CategoryCount[]>;
  getProduct(sku: string): Promise<Product>;
  getCart(): Promise<Cart>;
  setCartQuantity(sku: string, quantity: number): Promise<Cart>;
  removeFromCart(sku: string): Promise<Cart>;
  /**
   * POST /api/orders. With `expectedTotalCents` (the total the shopper confirmed) the server
   * refuses with 409 cart_changed instead of charging a different amount (contract v1.1).
   */
  placeOrder(email: string, idempotencyKey: string, expectedTotalCents?: number): Promise<Order>;
  getOrder(id: string): Promise<Order>;
}

/** Builds the query string of GET /api/products, leaving out what is not set. */
export function productsPath(query: ListProductsQuery = {}): string {
  const params = new URLSearchParams();
  if (query.limit !== undefined) params.set("limit", String(query.limit));
  if (query.cursor) params.set("cursor", query.cursor);
  if (query.category) params.set("category", query.category);
  if (query.q) params.set("q", query.q);
  const qs = params.toString();
  return qs ? `/api/products?${qs}` : "/api/products";
}

function parseRetryAfter(value: string | null): number | null {
  if (value === null) return null;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
}

/** Turns a non-2xx response into an ApiError, whatever its body looks like. */
async function errorFrom(response: Response): Promise<ApiError> {
  const retryAfter = parseRetryAfter(response.headers.get("retry-after"));
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON (e.g. a proxy's HTML error page): fall through to a generic error.
  }
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (error && typeof error.code === "string") {
    const message = typeof error.message === "string" && error.message ? error.message : error.code;
    return new ApiError(response.status, error.code, message, retryAfter);
  }
  return new ApiError(response.status, `http_${response.status}`, `The shop answered with status ${response.status}.`, retryAfter);
}

export function createApi(options: ApiClientOptions = {}): ShopApi {
  const baseUrl = options.baseUrl ?? "";
  const fetchImpl: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const timeoutMs = options.timeoutMs ?? 20_000;

  async function request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const init: RequestInit = {
      method,
      credentials: "same-origin",
      headers: { accept: "application/json", ...headers },
      signal: AbortSignal.timeout(timeoutMs),
    };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      (init.headers as Record<string, string>)["content-type"] = "application/json";
    }
    let response: Response;
    try {
      response = await fetchImpl(baseUrl + path, init);
    } catch (cause) {
      throw new NetworkError("The shop could not be reached.", cause);
    }
    if (!response.ok) throw await errorFrom(response);
    try {
      return (await response.json()) as T;
    } catch (cause) {
      // The connection dropped mid-body, or something other than the API answered.
      throw new NetworkError("The shop's answer could not be read.", cause);
    }
  }

  const enc = encodeURIComponent;
  return {
    listProducts: (query) => request<ProductPage>("GET", productsPath(query)),
    listCategories: () => request<{ items: CategoryCount[] }>("GET", "/api/categories").then((page) => page.items),
    getProduct: (sku) => request<Product>("GET", `/api/products/${enc(sku)}`),
    getCart: () => request<Cart>("GET", "/api/cart"),
    setCartQuantity: (sku, quantity) => request<Cart>("PUT", `/api/cart/items/${enc(sku)}`, { quantity }),
    removeFromCart: (sku) => request<Cart>("DELETE", `/api/cart/items/${enc(sku)}`),
    placeOrder: (email, idempotencyKey, expectedTotalCents) =>
      request<Order>("POST", "/api/orders", expectedTotalCents === undefined ? { email } : { email, expectedTotalCents }, {
        "idempotency-key": idempotencyKey,
      }),
    getOrder: (id) => request<Order>("GET", `/api/orders/${enc(id)}`),
  };
}
