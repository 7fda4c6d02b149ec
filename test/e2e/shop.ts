/// <reference lib="dom" />
/**
 * Helpers the e2e files share: the API called from outside the browser (its own session),
 * stock straight from PostgreSQL, and the browser session's own cart.
 */
import pg from "pg";
import type { Page } from "playwright-core";
import type { Product } from "../../web/src/api";
import type { LocalPlatform } from "./platform";

export interface CartJson {
  items: { sku: string; quantity: number; priceCents: number }[];
  totalCents: number;
}

export function shopHelpers(platform: () => LocalPlatform) {
  /** Calls the API from outside the browser (its own session), e.g. to read stock. */
  async function api<T>(method: string, urlPath: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const response = await fetch(platform().baseUrl + urlPath, {
      method,
      headers: { "content-type": "application/json", ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${urlPath}: ${response.status} ${text}`);
    return JSON.parse(text) as T;
  }

  const getProduct = (sku: string) => api<Product>("GET", `/api/products/${sku}`);

  /** Replaces some fields of a product through the admin API (the rest unchanged). */
  async function updateProduct(sku: string, change: Partial<Pick<Product, "stock" | "priceCents">>): Promise<void> {
    const { name, description, category, priceCents, currency, stock } = await getProduct(sku);
    await api(
      "PUT",
      `/api/admin/products/${sku}`,
      { name, description, category, priceCents, currency, stock, ...change },
      { authorization: `Bearer ${platform().adminToken}` },
    );
  }

  /** Stock as PostgreSQL has it now (the catalog API may serve a cached copy for a few seconds). */
  async function stockInDatabase(sku: string): Promise<number> {
    const client = new pg.Client({ connectionString: platform().databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ stock: number }>("SELECT stock FROM products WHERE sku = $1", [sku]);
      return rows[0]!.stock;
    } finally {
      await client.end();
    }
  }

  /** The session's cart as the server has it, read with the page's own cookie. */
  function browserCart(page: Page): Promise<CartJson> {
    return page.evaluate(async () => (await (await fetch("/api/cart")).json()) as CartJson);
  }

  return { api, getProduct, updateProduct, setStock: (sku: string, stock: number) => updateProduct(sku, { stock }), stockInDatabase, browserCart };
}
