/**
 * The storefront page: wires the API client, the cart badge, the router and the views.
 * Routes are handled client-side with the history API; the server (local platform or
 * CloudFront's SPA rewrite) answers every page path with index.html.
 */
import "./styles.css";
import { createApi } from "./api";
import { categoryNames } from "./categories";
import { CheckoutAttempts } from "./checkout";
import { CartStore, type AppContext, type CartChannel, type ListState } from "./context";
import { h, replaceChildren } from "./dom";
import { categoryLabel } from "./messages";
import { hrefFor, matchRoute, shouldHandleClick, type Route } from "./router";
import { cartView } from "./views/cart";
import { catalogView } from "./views/catalog";
import { checkoutView } from "./views/checkout";
import { orderView } from "./views/order";
import { productView } from "./views/product";
import { searchView } from "./views/search";
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
const searchInput = document.querySelector<HTMLInputElement>(".site-search input")!;

/** Tabs of this browser share the session: they tell each other about cart changes. */
function cartChannel(): CartChannel | null {
  try {
    return typeof BroadcastChannel === "function" ? new BroadcastChannel("shop-cart") : null;
  } catch {
    return null;
  }
}

const storage = sessionStore();
const CATEGORIES_KEY = "shop.categories";
const api = createApi();
const checkout = new CheckoutAttempts(api.placeOrder, undefined, storage);
const cart = new CartStore(api, () => checkout.forget(), cartChannel());
let categoriesPromise: Promise<string[]> | null = null;
let toastTimer: number | undefined;

function storedCategories(): string[] | null {
  try {
    const parsed = JSON.parse(storage?.getItem(CATEGORIES_KEY) ?? "null") as unknown;
    return Array.isArray(parsed) && parsed.every((c) => typeof c === "string") ? parsed : null;
  } catch {
    return null;
  }
}

const ctx: AppContext = {
  api,
  cart,
  checkout,
  navigate(href, options = {}) {
    // Remember where this page was scrolled to, for Back.
    history.replaceState({ ...(history.state as object | null), scrollY: window.scrollY }, "");
    if (options.replace) history.replaceState(null, "", href);
    else history.pushState(null, "", href);
    listMemory.delete(location.pathname + location.search); // a link opens a list anew
    render("navigate");
  },
  notify(text, tone = "info") {
    // The live region stays in the page (a hidden one is not announced); CSS shows it when it has text.
    toast.textContent = text;
    toast.dataset.tone = tone;
    window.clearTimeout(toastTimer);
    toastTimer = window.setTimeout(() => (toast.textContent = ""), 6000);
  },
  categories() {
    const known = storedCategories();
    if (known) return Promise.resolve(known);
    categoriesPromise ??= api
      .listCategories()
      .then(categoryNames)
      .then(
        (categories) => {
          try {
            storage?.setItem(CATEGORIES_KEY, JSON.stringify(categories));
          } catch {
            // Not remembered: learned again on the next page load.
          }
          return categories;
        },
        (error: unknown) => {
          categoriesPromise = null; // try again on the next visit or retry
          throw error;
        },
      );
    return categoriesPromise;
  },
  knownCategories: storedCategories,
  listMemory: new Map<string, ListState>(),
  onCartUpdate(view, listener) {
    // Updates arrive asynchronously, after the view was put in the page; once it is gone, stop.
    const stop = cart.subscribe((current, source) => {
      if (!view.isConnected) stop();
      else listener(current, source);
    });
  },
};
const listMemory = ctx.listMemory;

cart.subscribe(() => {
  const count = cart.count;
  cartCount.textContent = String(count);
  cartCount.parentElement!.setAttribute("aria-label", `Cart, ${count} ${count === 1 ? "item" : "items"}`);
});

function titleFor(route: Route): string {
  switch (route.name) {
    case "catalog":
      return route.category ? `${categoryLabel(route.category)} · ${SHOP_NAME}` : SHOP_NAME;
    case "search":
      return route.query.trim() ? `Search: ${route.query.trim()} · ${SHOP_NAME}` : `Search · ${SHOP_NAME}`;
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
    case "search":
      return searchView(ctx, route.query);
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

/**
 * Draws the page for the current URL. After a link, focus moves to its heading and the
 * page starts at the top; after Back/Forward, the page returns to where it was scrolled.
 */
function render(how: "initial" | "navigate" | "history"): void {
  const route = matchRoute(location.pathname, location.search);
  document.title = titleFor(route);
  replaceChildren(main, viewFor(route));
  searchInput.value = route.name === "search" ? route.query : "";
  for (const link of document.querySelectorAll<HTMLAnchorElement>("header nav a")) {
    const current = link.getAttribute("href") === location.pathname;
    if (current) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  if (how !== "initial") {
    (main.querySelector<HTMLElement>("h1") ?? main).focus({ preventScroll: true });
    const savedY = (history.state as { scrollY?: number } | null)?.scrollY;
    window.scrollTo(0, how === "history" && typeof savedY === "number" ? savedY : 0);
    routeAnnouncer.textContent = document.title;
  }
}

// Scrolling back is done by render(), once the page is drawn from memory.
history.scrollRestoration = "manual";

// The header's search form works without the script (GET /search?q=); with it, no reload.
searchInput.form!.addEventListener("submit", (event) => {
  event.preventDefault();
  const query = searchInput.value.trim();
  if (!query) {
    searchInput.focus();
    return;
  }
  ctx.navigate(hrefFor({ name: "search", query }));
});

// Back in a tab after a while: the cart may have changed on another device.
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") cart.refresh().catch(() => {});
});

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

window.addEventListener("popstate", () => render("history"));

render("initial");
cart.refresh().catch(() => {
  // The badge stays at 0; pages that need the cart show their own error.
});
