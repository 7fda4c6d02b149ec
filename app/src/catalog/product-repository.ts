/** PostgreSQL access for products: the only module that writes product SQL. */
import type pg from "pg";
import type { Product, ProductInput, ProductPatch, VersionedProduct } from "./product";

interface ProductRow {
  sku: string;
  name: string;
  description: string;
  category: string;
  price_cents: string;
  currency: string;
  stock: number;
  version: string;
}

const COLUMNS = "sku, name, description, category, price_cents, currency, stock, version";

export function toProduct(row: ProductRow): Product {
  return {
    sku: row.sku,
    name: row.name,
    description: row.description,
    category: row.category,
    priceCents: Number(row.price_cents),
    currency: row.currency,
    stock: row.stock,
  };
}

function toVersioned(row: ProductRow): VersionedProduct {
  return { product: toProduct(row), version: row.version };
}

type Queryable = Pick<pg.Pool, "query"> | Pick<pg.PoolClient, "query">;

export async function findProduct(db: Queryable, sku: string): Promise<VersionedProduct | null> {
  const { rows } = await db.query<ProductRow>(`SELECT ${COLUMNS} FROM products WHERE sku = $1`, [sku]);
  return rows[0] ? toVersioned(rows[0]) : null;
}

export async function findProducts(db: Queryable, skus: readonly string[]): Promise<Map<string, Product>> {
  if (skus.length === 0) return new Map();
  const { rows } = await db.query<ProductRow>(`SELECT ${COLUMNS} FROM products WHERE sku = ANY($1::text[])`, [skus]);
  return new Map(rows.map((row) => [row.sku, toProduct(row)]));
}

/** One keyset page ordered by SKU: items after `afterSku`, plus whether more follow. */
export async function listProducts(
  db: Queryable,
  page: { limit: number; afterSku?: string; category?: string },
): Promise<{ items: Product[]; hasMore: boolean }> {
  const params: unknown[] = [page.limit + 1];
  const where: string[] = [];
  if (page.category) {
    params.push(page.category);
    where.push(`category = $${params.length}`);
  }
  if (page.afterSku) {
    params.push(page.afterSku);
    where.push(`sku > $${params.length}`);
  }
  const sql = `SELECT ${COLUMNS} FROM products ${where.length ? "WHERE " + where.join(" AND ") : ""} ORDER BY sku LIMIT $1`;
  const { rows } = await db.query<ProductRow>(sql, params);
  const hasMore = rows.length > page.limit;
  return { items: rows.slice(0, page.limit).map(toProduct), hasMore };
}

/** A category and how many products carry it. */
export interface CategoryCount {
  category: string;
  productCount: number;
}

/** Every category in use with its number of products, in byte order (the same on every server, whatever its locale). */
export async function listCategories(db: Queryable): Promise<CategoryCount[]> {
  // One grouped count over the catalog; the (category, sku) index lets PostgreSQL read it in category order. Cached above.
  const { rows } = await db.query<{ category: string; count: string }>(
    `SELECT category, count(*) AS count FROM products GROUP BY category ORDER BY category COLLATE "C"`,
  );
  return rows.map((row) => ({ category: row.category, productCount: Number(row.count) }));
}

/** A position in search results: the rank (as PostgreSQL printed it, so it round-trips exactly) and the SKU. */
export interface SearchPosition {
  rank: string;
  sku: string;
}

/**
 * One keyset page of full-text matches: every word of `text` must match
 * (plainto_tsquery ANDs them), best rank first, SKU breaking ties.
 */
export async function searchProducts(
  db: Queryable,
  page: { text: string; limit: number; after?: SearchPosition; category?: string },
): Promise<{ items: Product[]; hasMore: boolean; last: SearchPosition | null }> {
  const params: unknown[] = [page.limit + 1, page.text];
  const inner: string[] = ["search @@ query"];
  if (page.category) {
    params.push(page.category);
    inner.push(`category = $${params.length}`);
  }
  let after = "";
  if (page.after) {
    params.push(page.after.rank, page.after.sku);
    const rank = `$${params.length - 1}::real`;
    after = `WHERE rank < ${rank} OR (rank = ${rank} AND sku > $${params.length})`;
  }
  const sql = `
    SELECT ${COLUMNS}, rank::text AS rank_text FROM (
      SELECT ${COLUMNS}, ts_rank(search, query) AS rank
        FROM products, plainto_tsquery('english', $2) AS query
       WHERE ${inner.join(" AND ")}
    ) hits ${after}
    ORDER BY rank DESC, sku LIMIT $1`;
  const { rows } = await db.query<ProductRow & { rank_text: string }>(sql, params);
  const hasMore = rows.length > page.limit;
  const kept = rows.slice(0, page.limit);
  const lastRow = kept[kept.length - 1];
  return { items: kept.map(toProduct), hasMore, last: lastRow ? { rank: lastRow.rank_text, sku: lastRow.sku } : null };
}

/** Creates or replaces a product. */
export async function upsertProduct(db: Queryable, sku: string, input: ProductInput): Promise<VersionedProduct> {
  const { rows } = await db.query<ProductRow>(
    `INSERT INTO products (sku, name, description, category, price_cents, currency, stock)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (sku) DO UPDATE SET
       name = EXCLUDED.name, description = EXCLUDED.description, category = EXCLUDED.category,
       price_cents = EXCLUDED.price_cents, currency = EXCLUDED.currency, stock = EXCLUDED.stock,
       updated_at = now()
     RETURNING ${COLUMNS}`,
    [sku, input.name, input.description, input.category, input.priceCents, input.currency, input.stock],
  );
  return toVersioned(rows[0]!);
}

/**
 * Replaces an existing product only if its version is one of `versions` (null:
 * any version); null when nothing was written (no such product, or changed since).
 */
export async function replaceProductIfVersion(
  db: Queryable,
  sku: string,
  input: ProductInput,
  versions: readonly string[] | null,
): Promise<VersionedProduct | null> {
  const { rows } = await db.query<ProductRow>(
    `UPDATE products SET name = $2, description = $3, category = $4, price_cents = $5, currency = $6, stock = $7, updated_at = now()
      WHERE sku = $1 AND ($8::bigint[] IS NULL OR version = ANY($8::bigint[]))
     RETURNING ${COLUMNS}`,
    [sku, input.name, input.description, input.category, input.priceCents, input.currency, input.stock, versions],
  );
  return rows[0] ? toVersioned(rows[0]) : null;
}

export type PatchOutcome =
  | { kind: "patched"; product: VersionedProduct }
  | { kind: "not_found" }
  | { kind: "version_mismatch" }
  | { kind: "insufficient_stock"; stock: number }
  | { kind: "stock_limit"; stock: number };

/**
 * Changes only the given fields in one statement; `stockDelta` is applied to
 * the stock as it is at that moment (row lock), so concurrent restocks and
 * checkouts all count. When nothing was written, says why.
 */
export async function patchProduct(
  db: Queryable,
  sku: string,
  patch: ProductPatch,
  versions: readonly string[] | null,
  maxStock: number,
): Promise<PatchOutcome> {
  const delta = patch.stockDelta ?? 0;
  const { rows } = await db.query<ProductRow>(
    `UPDATE products SET
       name = COALESCE($2, name), description = COALESCE($3, description), category = COALESCE($4, category),
       price_cents = COALESCE($5, price_cents), currency = COALESCE($6, currency), stock = stock + $7, updated_at = now()
      WHERE sku = $1 AND ($8::bigint[] IS NULL OR version = ANY($8::bigint[]))
        AND stock + $7 BETWEEN 0 AND $9
     RETURNING ${COLUMNS}`,
    [sku, patch.name ?? null, patch.description ?? null, patch.category ?? null, patch.priceCents ?? null, patch.currency ?? null, delta, versions, maxStock],
  );
  if (rows[0]) return { kind: "patched", product: toVersioned(rows[0]) };
  // Nothing written: read the row once to say why (the client retries with fresh data either way).
  const current = await findProduct(db, sku);
  if (!current) return { kind: "not_found" };
  if (versions && !versions.includes(current.version)) return { kind: "version_mismatch" };
  const stock = current.product.stock;
  return stock + delta < 0 ? { kind: "insufficient_stock", stock } : { kind: "stock_limit", stock };
}
