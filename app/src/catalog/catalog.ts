/** Catalog use cases: cached reads on the reader pool, admin writes on the writer. */
import type pg from "pg";
import { beginWithTimeouts, inTransaction, LOCK_WAIT_MS } from "../db/pool";
import { ApiError, notFound, validationFailed } from "../http/errors";
import { CatalogCache } from "./cache";
import type { Product, ProductInput, ProductPatch, VersionedProduct } from "./product";
import { MAX_STOCK, SKU_PATTERN } from "./product";
import {
  findProduct,
  listCategories,
  listProducts,
  patchProduct,
  replaceProductIfVersion,
  searchProducts,
  upsertProduct,
  type CategoryCount,
  type SearchPosition,
} from "./product-repository";

export interface ProductPage {
  items: Product[];
  nextCursor: string | null;
}

export interface ListQuery {
  limit: number;
  cursor?: string;
  category?: string;
  q?: string;
}

/**
 * How long this container may answer GET /api/products/{sku} from memory: the
 * contract wants committed stock visible within 1 s on every container, and
 * the rest of that second is left for reader replica lag (Aurora: typically
 * well under 100 ms).
 */
export const PRODUCT_FRESHNESS_MS = 500;

/**
 * Which list pages are cached: first pages (no cursor, no search) of a
 * category that has products, or of the whole catalog. Anything a client can
 * vary freely - cursors, search text, unused categories - would let anonymous
 * requests create cache items without bound; those pages are read from the
 * reader (keyset reads on an index), never stored.
 */
function isCanonicalPage(query: ListQuery): boolean {
  return query.cursor === undefined && query.q === undefined;
}

/**
 * Cursors are opaque to clients: base64url of the last position of the previous
 * page, `s:<sku>` for the catalog order, `r:<rank>:<sku>` for search results.
 */
export function encodeCursor(lastSku: string): string {
  return Buffer.from(`s:${lastSku}`, "utf8").toString("base64url");
}

export function encodeSearchCursor(position: SearchPosition): string {
  return Buffer.from(`r:${position.rank}:${position.sku}`, "utf8").toString("base64url");
}

function cursorText(cursor: string): string {
  return /^[A-Za-z0-9_-]{1,200}$/.test(cursor) ? Buffer.from(cursor, "base64url").toString("utf8") : "";
}

const notIssued = () => validationFailed("cursor is not one this API issued for this listing");

export function decodeCursor(cursor: string): string {
  const decoded = cursorText(cursor);
  const sku = decoded.startsWith("s:") ? decoded.slice(2) : "";
  if (!SKU_PATTERN.test(sku)) throw notIssued();
  return sku;
}

export function decodeSearchCursor(cursor: string): SearchPosition {
  const match = /^r:(\d+(?:\.\d+)?(?:e-?\d+)?):(.*)$/.exec(cursorText(cursor));
  if (!match || !SKU_PATTERN.test(match[2]!)) throw notIssued();
  return { rank: match[1]!, sku: match[2]! };
}

/** Cached in memory for a SKU with no product. */
const MISSING = Symbol("missing product");

const preconditionFailed = (sku: string) =>
  new ApiError(412, "precondition_failed", `product ${sku} does not exist or has changed since the version in If-Match; read it again`);

/** The versions an If-Match header accepts: null for `*` (any existing version). Strong comparison: weak tags never match. */
export function ifMatchVersions(header: string): string[] | null {
  const tags = header.split(",").map((tag) => tag.trim());
  if (tags.includes("*")) return null;
  return tags.flatMap((tag) => /^"(\d{1,18})"$/.exec(tag)?.[1] ?? []);
}

/**
 * Whether an If-None-Match header names this version (RFC 9110 13.1.2: weak comparison, so
 * `W/"7"` matches `"7"`; `*` matches any existing product).
 */
export function ifNoneMatchHas(header: string, version: string): boolean {
  return header.split(",").some((raw) => {
    const tag = raw.trim();
    return tag === "*" || tag.replace(/^W\//, "") === `"${version}"`;
  });
}

export class Catalog {
  constructor(
    private readonly pools: { reader: pg.Pool; writer: pg.Pool },
    private readonly cache: CatalogCache,
  ) {}

  static productKey(sku: string): string {
    return `product#${sku}`;
  }

  /**
   * A product, or null. Both answers are kept in this container's memory for
   * PRODUCT_FRESHNESS_MS: repeated reads of a product, and of a SKU that does
   * not exist (a mistyped link, a crawler), cost no round trip; an admin write
   * here forgets them at once, one elsewhere shows within the freshness window.
   */
  async getProduct(sku: string): Promise<VersionedProduct | null> {
    const found = await this.cache.getOrLoad<VersionedProduct | typeof MISSING>(
      Catalog.productKey(sku),
      async () => (await findProduct(this.pools.reader, sku)) ?? MISSING,
      { shared: false, localTtlMs: PRODUCT_FRESHNESS_MS },
    );
    return found === MISSING ? null : found;
  }

  /** True when this container read `sku` as absent within the freshness window. */
  knownMissing(sku: string): boolean {
    return this.cache.peek(Catalog.productKey(sku)) === MISSING;
  }

  async listProducts(query: ListQuery): Promise<ProductPage> {
    if (query.q !== undefined) return this.search({ ...query, q: query.q });
    const afterSku = query.cursor ? decodeCursor(query.cursor) : undefined;
    const load = async (): Promise<ProductPage> => {
      const { items, hasMore } = await listProducts(this.pools.reader, { limit: query.limit, afterSku, category: query.category });
      const last = items[items.length - 1];
      return { items, nextCursor: hasMore && last ? encodeCursor(last.sku) : null };
    };
    if (!isCanonicalPage(query)) return load();
    const version = await this.cache.listVersion();
    const key = `products#v${version}#c=${query.category ?? ""}#l=${query.limit}`;
    // An empty page (a category nobody uses) is not cached: null from the loader.
    const page = await this.cache.getOrLoad<ProductPage>(key, async () => {
      const loaded = await load();
      return loaded.items.length > 0 ? loaded : null;
    });
    return page ?? { items: [], nextCursor: null };
  }

  /**
   * Every category in use with its number of products. Only an admin write changes it, and every
   * admin write moves the catalog to a new version: cached in both layers under that version.
   */
  async listCategories(): Promise<CategoryCount[]> {
    const version = await this.cache.listVersion();
    return (await this.cache.getOrLoad<CategoryCount[]>(`categories#v${version}`, () => listCategories(this.pools.reader))) ?? [];
  }

  private async search(query: ListQuery & { q: string }): Promise<ProductPage> {
    const after = query.cursor ? decodeSearchCursor(query.cursor) : undefined;
    const { items, hasMore, last } = await searchProducts(this.pools.reader, { text: query.q, limit: query.limit, after, category: query.category });
    return { items, nextCursor: hasMore && last ? encodeSearchCursor(last) : null };
  }

  /** PUT: creates or replaces; with If-Match (`versions`, null for `*`) only an existing product of a listed version. */
  async putProduct(sku: string, input: ProductInput, versions?: string[] | null): Promise<VersionedProduct> {
    const written = await this.write((db) => (versions === undefined ? upsertProduct(db, sku, input) : replaceProductIfVersion(db, sku, input, versions)));
    if (!written) throw preconditionFailed(sku);
    await this.cache.invalidateCatalog();
    return written;
  }

  async patchProduct(sku: string, patch: ProductPatch, versions?: string[] | null): Promise<VersionedProduct> {
    const outcome = await this.write((db) => patchProduct(db, sku, patch, versions ?? null, MAX_STOCK));
    switch (outcome.kind) {
      case "patched":
        await this.cache.invalidateCatalog();
        return outcome.product;
      case "not_found":
        throw versions === undefined ? notFound(`no product with SKU ${sku}`) : preconditionFailed(sku);
      case "version_mismatch":
        throw preconditionFailed(sku);
      case "insufficient_stock":
        throw new ApiError(409, "insufficient_stock", `stock of ${sku} is ${outcome.stock}; a stockDelta of ${patch.stockDelta} would take it below 0`);
      case "stock_limit":
        throw validationFailed(`stockDelta: stock of ${sku} is ${outcome.stock}; the result must be at most ${MAX_STOCK}`);
    }
  }

  /**
   * An admin write, with the server-side lock and statement timeouts: a row
   * held by a long checkout ends the wait as 503 (SQLSTATE 55P03) on a usable
   * connection, before the client-side query timeout.
   */
  private write<T>(work: (db: pg.PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.pools.writer, work, beginWithTimeouts(this.pools.writer, LOCK_WAIT_MS));
  }

  /** After a checkout took stock: this container's copies of those products go at once (others within PRODUCT_FRESHNESS_MS). */
  stockChanged(skus: readonly string[]): void {
    this.cache.forget(skus.map(Catalog.productKey));
  }
}
