/**
 * A paginated list of product cards (the catalog and search results): placeholder cards
 * with the real cards' size until the first page arrives, "Load more" while the API has a
 * next cursor, and the loaded pages remembered per URL, so Back from a product shows the
 * same cards (and main.ts restores the scroll position).
 */
import type { ProductPage } from "../api";
import type { AppContext, ListState } from "../context";
import { h, replaceChildren } from "../dom";
import { errorMessage } from "../messages";
import { productCard } from "./product-card";
import { alertBox } from "./shared";
import { PAGE_SIZE, SKELETON_CARD_HTML } from "../skeleton";

export interface ListingOptions {
  /** The URL this list belongs to (its memory key). */
  memoryKey: string;
  fetchPage(cursor: string | null, limit: number): Promise<ProductPage>;
  /** The status line after the first page, e.g. "Showing 12 products." */
  describe(total: number, complete: boolean): string;
  /** A failure that is an answer, not an outage (e.g. no such category): what to show instead of "Try again". */
  refusal?(error: unknown): HTMLElement | null;
  onFirstPage?(): void;
}

function placeholders(count: number): HTMLLIElement[] {
  const template = document.createElement("template");
  template.innerHTML = SKELETON_CARD_HTML.repeat(count);
  return [...template.content.children] as HTMLLIElement[];
}

export function productListing(ctx: AppContext, options: ListingOptions): HTMLElement {
  const grid = h("ul", { class: "product-grid", "aria-label": "Products" });
  const status = h("p", { class: "list-status", role: "status" });
  const feedback = h("div");
  const more = h("button", { type: "button", class: "button button-secondary load-more", hidden: true }, "Load more products");
  const restored = ctx.listMemory.get(options.memoryKey);
  const state: ListState = restored ?? { items: [], cursor: null };
  ctx.listMemory.set(options.memoryKey, state);
  let busy = false;

  function show(from: number): HTMLLIElement[] {
    const cards = state.items.slice(from).map((p, i) => productCard(ctx, p, from + i));
    if (from === 0) replaceChildren(grid, cards);
    else grid.append(...cards);
    more.hidden = state.cursor === null;
    return cards;
  }

  async function loadPage(first: boolean): Promise<void> {
    if (busy || (!first && state.cursor === null)) return;
    busy = true;
    // aria-disabled, not disabled: a disabled button drops keyboard focus to <body>.
    more.setAttribute("aria-disabled", "true");
    replaceChildren(feedback);
    if (first) {
      replaceChildren(grid, placeholders(PAGE_SIZE));
      status.textContent = "Loading products…";
    }
    try {
      const page = await options.fetchPage(first ? null : state.cursor, PAGE_SIZE);
      if (first) state.items = [];
      const from = state.items.length;
      state.items.push(...page.items);
      state.cursor = page.nextCursor;
      const cards = show(from);
      status.textContent = first
        ? options.describe(state.items.length, state.cursor === null)
        : `Loaded ${cards.length} more. ${options.describe(state.items.length, state.cursor === null)}`;
      if (first) options.onFirstPage?.();
      // Keyboard users continue where the new products start.
      else cards[0]?.querySelector("a")?.focus();
    } catch (error) {
      if (first) replaceChildren(grid);
      status.textContent = "";
      more.hidden = first || state.cursor === null;
      const refusal = options.refusal?.(error);
      replaceChildren(
        feedback,
        refusal ?? alertBox(errorMessage(error, "load"), h("button", { type: "button", class: "button", onclick: () => void loadPage(first) }, "Try again")),
      );
    } finally {
      busy = false;
      more.removeAttribute("aria-disabled");
    }
  }

  more.addEventListener("click", () => void loadPage(false));
  if (restored && restored.items.length > 0) {
    show(0);
    status.textContent = options.describe(state.items.length, state.cursor === null);
    options.onFirstPage?.();
  } else {
    void loadPage(true);
  }
  return h("div", { class: "listing" }, feedback, grid, status, more);
}
