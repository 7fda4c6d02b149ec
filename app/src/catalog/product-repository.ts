/** PostgreSQL access for products: the only module that writes product SQL. */
import type pg from "pg";
import type { Product, ProductInput } from "./product";

interface ProductRow {
  sku: string;
  name: string;
  description: string;
  category: string;
  price_cents: string;
  currency: string;
  stock: number;
}

const COLUMNS = "sku, name, description, category, price_cents, currency, stock";

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

type Queryable = Pick<pg.Pool, "query"> | Pick<pg.PoolClient, "query">;

export async function findProduct(db: Queryable, sku: string): Promise<Product | null> {
  const { rows } = await db.query<ProductRow>(`SELECT ${COLUMNS} FROM products WHERE sku = $1`, [sku]);
  return rows[0] ? toProduct(rows[0]) : null;
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

export async function upsertProduct(db: Queryable, sku: string, input: ProductInput): Promise<Product> {
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
  return toProduct(rows[0]!);
}
