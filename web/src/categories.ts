/**
 * The contract has no "list categories" route, so the page learns them from the catalog:
 * it pages through GET /api/products (100 at a time, a bounded number of pages) and
 * collects the distinct categories, sorted for display.
 */
import type { ProductPage, ListProductsQuery } from "./api";

export async function discoverCategories(listProducts: (query: ListProductsQuery) => Promise<ProductPage>, maxPages = 10): Promise<string[]> {
  const seen = new Set<string>();
  let cursor: string | null = null;
  for (let page = 0; page < maxPages; page++) {
    const result: ProductPage = await listProducts({ limit: 100, cursor });
    for (const product of result.items) if (product.category) seen.add(product.category);
    cursor = result.nextCursor;
    if (!cursor) break;
  }
  return [...seen].sort((a, b) => a.localeCompare(b));
}
