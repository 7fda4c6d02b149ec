/** "/" - the catalog: category filter, product cards, "Load more" (cursor pagination). */
import type { Product } from "../api";
import { productArtUrl } from "../art";
import type { AppContext } from "../context";
import { h, replaceChildren } from "../dom";
import { categoryLabel, errorMessage, nextQuantity, stockLabel } from "../messages";
import { formatPrice } from "../money";
import { hrefFor } from "../router";
import { alertBox, loading, pageHeading } from "./shared";

export const PAGE_SIZE = 12;

export function productCard(ctx: AppContext, product: Product): HTMLLIElement {
  const href = hrefFor({ name: "product", sku: product.sku });
  const label = product.stock > 0 ? "Add to cart" : "Sold out";
  // The accessible name says which product, and starts with the visible label (WCAG "label in name").
  const addButton = h("button", { type: "button", class: "button", disabled: product.stock <= 0, "aria-label": `${label}: ${product.name}` }, label);
  addButton.addEventListener("click", async () => {
    addButton.disabled = true;
    try {
      const cart = await ctx.api.setCartQuantity(product.sku, nextQuantity(ctx.cart.quantityOf(product.sku), 1));
      ctx.cart.changed(cart);
      ctx.notify(`Added ${product.name} to your cart.`);
    } catch (error) {
      ctx.notify(errorMessage(error, "cart"), "error");
    } finally {
      addButton.disabled = false;
    }
  });
  return h(
    "li",
    { class: "product-card", "data-sku": product.sku },
    // The name follows as the link text, so the picture is decorative here.
    h("img", { src: productArtUrl(product.sku, product.name), alt: "", width: 320, height: 240, loading: "lazy" }),
    h("h2", { class: "product-name" }, h("a", { href }, product.name)),
    h("p", { class: "price" }, formatPrice(product.priceCents, product.currency)),
    h("p", { class: `stock${product.stock <= 0 ? " stock-out" : ""}` }, stockLabel(product.stock)),
    addButton,
  );
}

function categoryNav(ctx: AppContext, selected: string | null): HTMLElement {
  const nav = h("nav", { class: "categories", "aria-label": "Categories" }, loading("Loading categories…"));
  const link = (label: string, category: string | null) =>
    h("li", null, h("a", { href: hrefFor({ name: "catalog", category }), "aria-current": category === selected ? "page" : null }, label));
  ctx.categories().then(
    (categories) => replaceChildren(nav, h("ul", null, link("All", null), categories.map((c) => link(categoryLabel(c), c)))),
    () => replaceChildren(nav, h("ul", null, link("All", null))),
  );
  return nav;
}

export function catalogView(ctx: AppContext, category: string | null): HTMLElement {
  const grid = h("ul", { class: "product-grid", "aria-label": "Products" });
  const status = h("p", { class: "list-status", role: "status" });
  const feedback = h("div");
  const more = h("button", { type: "button", class: "button button-secondary load-more", hidden: true }, "Load more products");
  let cursor: string | null = null;

  async function loadPage(first: boolean): Promise<void> {
    more.disabled = true;
    replaceChildren(feedback, first ? loading("Loading products…") : null);
    try {
      const page = await ctx.api.listProducts({ limit: PAGE_SIZE, cursor, category });
      replaceChildren(feedback);
      const cards = page.items.map((p) => productCard(ctx, p));
      grid.append(...cards);
      cursor = page.nextCursor;
      more.hidden = cursor === null;
      const total = grid.children.length;
      status.textContent = first
        ? total === 0 ? "No products here yet." : `Showing ${total} products.`
        : `Loaded ${cards.length} more. Showing ${total} products.`;
      // Keyboard users continue where the new products start.
      if (!first) cards[0]?.querySelector("a")?.focus();
    } catch (error) {
      replaceChildren(feedback, alertBox(errorMessage(error, "load"), h("button", { type: "button", class: "button", onclick: () => void loadPage(first) }, "Try again")));
    } finally {
      more.disabled = false;
    }
  }

  more.addEventListener("click", () => void loadPage(false));
  void loadPage(true);
  return h("div", { class: "catalog" }, pageHeading(category ? categoryLabel(category) : "All products"), categoryNav(ctx, category), feedback, grid, status, more);
}
