/**
 * "/search?q=<words>" - products whose name, description or category match every word
 * (GET /api/products?q=, contract v1.1), best matches first, paginated like the catalog.
 * The query lives in the URL, so results can be shared, reloaded and reached with Back.
 */
import { ApiError } from "../api";
import type { AppContext } from "../context";
import { h } from "../dom";
import { hrefFor } from "../router";
import { productListing } from "./listing";
import { pageHeading } from "./shared";

/** The contract's bounds for `q`. */
export const MAX_QUERY_LENGTH = 100;

/** The query as it is sent: trimmed, inner whitespace collapsed; null when there is nothing to search for. */
export function normalizeQuery(raw: string): string | null {
  const q = raw.trim().replace(/\s+/g, " ");
  return q.length === 0 ? null : q;
}

export function searchView(ctx: AppContext, raw: string): HTMLElement {
  const query = normalizeQuery(raw);
  if (query === null) {
    return h(
      "div",
      { class: "search-page" },
      pageHeading("Search"),
      h("p", null, "Type what you are looking for in the search box above: a product name, a word from its description or a category."),
    );
  }
  if (query.length > MAX_QUERY_LENGTH) {
    return h(
      "div",
      { class: "search-page" },
      pageHeading("Search"),
      h("p", { class: "alert", role: "alert" }, `Your search is ${query.length} characters long; use at most ${MAX_QUERY_LENGTH}.`),
    );
  }
  const listing = productListing(ctx, {
    memoryKey: hrefFor({ name: "search", query }),
    fetchPage: (cursor, limit) => ctx.api.listProducts({ limit, cursor, q: query }),
    describe: (total, complete) =>
      total === 0
        ? `No products match “${query}”. Try fewer or other words.`
        : `${total}${complete ? "" : "+"} ${total === 1 ? "product matches" : "products match"} “${query}”.`,
    // The API refuses a query it cannot search for (400): say so in the shopper's words.
    refusal: (error) =>
      error instanceof ApiError && error.status === 400 ? h("p", { class: "alert", role: "alert" }, "We cannot search for that. Try other words.") : null,
  });
  return h("div", { class: "search-page" }, pageHeading(`Results for “${query}”`), listing);
}
