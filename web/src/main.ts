/**
 * The storefront page: wires the API client, the cart badge, the router and the views.
 * Routes are handled client-side with the history API; the server (local platform or
 * CloudFront's SPA rewrite) answers every page path with index.html.
 */
import "./styles.css";
import { createApi } from "./api";
import { discoverCategories } from "./categories";
import { CheckoutAttempts } from "./checkout";
import { CartStore, type AppContext } from "./context";
import { h, replaceChildren } from "./dom";
import { categoryLabel } from "./messages";
import { matchRoute, shouldHandleClick, type Route } from "./router";
import { cartView } from "./views/cart";
import { catalogView } from "./views/catalog";
import { checkoutView } from "./views/checkout";
import { orderView } from "./views/order";
import { productView } from "./views/product";
import { pageHeading } from "./views/shared";

const SHOP_NAME = "Demo Shop";

function sessionStore(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null; // storage disabled
  }
}

const main = document.getElementById("main")!;
const cartCount = document.getElementById("cart-count")!;
const routeAnnouncer = document.getElementById("route-announcer")!;
const toast = document.getElementById("toast")!;

const api = createApi();
const checkout = new CheckoutAttempts(api.placeOrder, undefined, sessionStore());
const cart = new CartStore(api, () => checkout.forget());
let categoriesPromise: Promise<string[]> | null = null;
let toastTimer: number | undefined;

const ctx: AppContext = {
  api,
  cart,
  checkout,
  navigate(href, options = {}) {
    if (options.replace) history.replaceState(null, "", href);
    else history.pushState(null, "", href);
    render(false);
  },
  notify(text, tone = "info") {
    // The live region stays in the page (a hidden one is not announced); CSS shows it when it has text.
    toast.textContent = text;
    toast.dataset.tone = tone;
    window.clearTimeout(toastTimer);
    toastTimer = window.setTimeout(() => (toast.textContent = ""), 6000);
  },
  categories() {
    categoriesPromise ??= discoverCategories(api.listProducts).catch((error: unknown) => {
      categoriesPromise = null; // try again on the next visit
      throw error;
    });
    return categoriesPromise;
  },
};

cart.subscribe(() => {
  const count = cart.count;
  cartCount.textContent = String(count);
  cartCount.parentElement!.setAttribute("aria-label", `Cart, ${count} ${count === 1 ? "item" : "items"}`);
});

function titleFor(route: Route): string {
  switch (route.name) {
    case "catalog":
      return route.category ? `${categoryLabel(route.category)} · ${SHOP_NAME}` : SHOP_NAME;
    case "product":
      return `Product · ${SHOP_NAME}`;
    case "cart":
      return `Your cart · ${SHOP_NAME}`;
    case "checkout":
      return `Checkout · ${SHOP_NAME}`;
    case "order":
      return `Your order · ${SHOP_NAME}`;
    case "notFound":
      return `Page not found · ${SHOP_NAME}`;
  }
}

function viewFor(route: Route): HTMLElement {
  switch (route.name) {
    case "catalog":
      return catalogView(ctx, route.category);
    case "product":
      return productView(ctx, route.sku);
    case "cart":
      return cartView(ctx);
    case "checkout":
      return checkoutView(ctx);
    case "order":
      return orderView(ctx, route.id);
    case "notFound":
      return h("div", null, pageHeading("Page not found"), h("p", null, "There is no page here. ", h("a", { href: "/" }, "Go to the shop")));
  }
}

/** Draws the page for the current URL; after a navigation, focus moves to its heading. */
function render(initial: boolean): void {
  const route = matchRoute(location.pathname, location.search);
  document.title = titleFor(route);
  replaceChildren(main, viewFor(route));
  for (const link of document.querySelectorAll<HTMLAnchorElement>("header nav a")) {
    const current = link.getAttribute("href") === location.pathname;
    if (current) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  if (!initial) {
    window.scrollTo(0, 0);
    (main.querySelector<HTMLElement>("h1") ?? main).focus();
    routeAnnouncer.textContent = document.title;
  }
}

document.addEventListener("click", (event) => {
  const anchor = (event.target as Element | null)?.closest?.("a");
  if (!anchor || !anchor.hasAttribute("href")) return;
  const click = {
    button: event.button,
    metaKey: event.metaKey,
    ctrlKey: event.ctrlKey,
    shiftKey: event.shiftKey,
    altKey: event.altKey,
    defaultPrevented: event.defaultPrevented,
    target: anchor.getAttribute("target"),
    download: anchor.hasAttribute("download"),
    href: anchor.href,
  };
  if (!shouldHandleClick(click, location)) return;
  event.preventDefault();
  const url = new URL(anchor.href);
  ctx.navigate(url.pathname + url.search);
});

window.addEventListener("popstate", () => render(false));

render(true);
cart.refresh().catch(() => {
  // The badge stays at 0; pages that need the cart show their own error.
});
