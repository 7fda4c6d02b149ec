/** "/" - the catalog: category chips, product cards, "Load more" (cursor pagination). */
import { ApiError } from "../api";
import type { AppContext } from "../context";
import { h, replaceChildren } from "../dom";
import { categoryLabel } from "../messages";
import { hrefFor } from "../router";
import { productListing } from "./listing";
import { pageHeading } from "./shared";

/** The chips' row keeps its height from the start; chips fill it when the categories are known. */
function categoryNav(ctx: AppContext, selected: string | null): { nav: HTMLElement; load(): void } {
  const nav = h("nav", { class: "categories", "aria-label": "Categories" });
  const link = (label: string, category: string | null) =>
    h("li", null, h("a", { href: hrefFor({ name: "catalog", category }), "aria-current": category === selected ? "page" : null }, label));
  const show = (categories: string[]) =>
    replaceChildren(
      nav,
      h(
        "ul",
        null,
        link("All", null),
        categories.map((c) => link(categoryLabel(c), c)),
      ),
    );
  const known = ctx.knownCategories();
  if (known) show(known);
  return {
    nav,
    load() {
      if (!known) ctx.categories().then(show, () => show([]));
    },
  };
}

export function catalogView(ctx: AppContext, category: string | null): HTMLElement {
  const heading = pageHeading(category ? categoryLabel(category) : "All products");
  const chips = categoryNav(ctx, category);
  const listing = productListing(ctx, {
    memoryKey: hrefFor({ name: "catalog", category }),
    fetchPage: (cursor, limit) => ctx.api.listProducts({ limit, cursor, category }),
    describe: (total) => (total === 0 ? "No products here yet." : `Showing ${total} products.`),
    // The API refuses a category name it could never hold (400): there is no such category.
    refusal: (error) => {
      if (!(category && error instanceof ApiError && error.status === 400)) return null;
      heading.textContent = "Category not found";
      if (heading.isConnected) document.title = `Category not found · Demo Shop`;
      chips.nav.hidden = true;
      return h("p", null, `There is no category called “${category}”. `, h("a", { href: "/" }, "See all products"));
    },
    onFirstPage: () => chips.load(),
  });
  return h("div", { class: "catalog" }, heading, chips.nav, listing);
}
