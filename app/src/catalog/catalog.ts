/** Catalog use cases: read-through cached reads on the reader pool, admin writes on the writer. */
import type pg from "pg";
import { validationFailed } from "../http/errors";
import { CatalogCache } from "./cache";
import type { Product, ProductInput } from "./product";
import { SKU_PATTERN } from "./product";
import { findProduct, listProducts, upsertProduct } from "./product-repository";

export interface ProductPage {
  items: Product[];
  nextCursor: string | null;
}

/** Cursors are opaque to clients: base64url of the last SKU of the previous page. */
export function encodeCursor(lastSku: string): string {
  return Buffer.from(`s:${lastSku}`, "utf8").toString("base64url");
}

export function decodeCursor(cursor: string): string {
  const decoded = /^[A-Za-z0-9_-]{1,200}$/.test(cursor) ? Buffer.from(cursor, "base64url").toString("utf8") : "";
  const sku = decoded.startsWith("s:") ? decoded.slice(2) : "";
  if (!SKU_PATTERN.test(sku)) throw validationFailed("cursor is not one this API issued");
  return sku;
}

export class Catalog {
  constructor(
    private readonly pools: { reader: pg.Pool; writer: pg.Pool },
    private readonly cache: CatalogCache,
  ) {}

  getProduct(sku: string): Promise<Product | null> {
    return this.cache.getOrLoad(CatalogCache.productKey(sku), () => findProduct(this.pools.reader, sku));
  }

  async listProducts(query: { limit: number; cursor?: string; category?: string }): Promise<ProductPage> {
    const afterSku = query.cursor ? decodeCursor(query.cursor) : undefined;
    const version = await this.cache.listVersion();
    const key = `products#v${version}#c=${query.category ?? ""}#a=${afterSku ?? ""}#l=${query.limit}`;
    const page = await this.cache.getOrLoad<ProductPage>(key, async () => {
      const { items, hasMore } = await listProducts(this.pools.reader, { limit: query.limit, afterSku, category: query.category });
      const last = items[items.length - 1];
      return { items, nextCursor: hasMore && last ? encodeCursor(last.sku) : null };
    });
    return page!;
  }

  async putProduct(sku: string, input: ProductInput): Promise<Product> {
    const product = await upsertProduct(this.pools.writer, sku, input);
    await this.cache.invalidateProduct(sku);
    return product;
  }
}
