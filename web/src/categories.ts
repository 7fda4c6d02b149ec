/**
 * The category filter's chips: every category in use, from GET /api/categories
 * (one request, however large the catalog), sorted for reading in the shopper's
 * language (the API sorts by bytes).
 */
import type { CategoryCount } from "./api";

export function categoryNames(items: readonly CategoryCount[]): string[] {
  return items
    .filter((item) => item.productCount > 0)
    .map((item) => item.category)
    .sort((a, b) => a.localeCompare(b));
}
