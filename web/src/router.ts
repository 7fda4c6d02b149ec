/**
 * Client-side routes (history API). Pure functions: a URL becomes a Route and a Route
 * becomes a URL, so links, navigation and tests share one definition.
 *
 *   /                      catalog (optionally ?category=<name>)
 *   /search?q=<words>      search results
 *   /products/<sku>        product page
 *   /cart                  cart
 *   /checkout              checkout
 *   /orders/<id>           order confirmation
 */

import { isPageRoute } from "./page-routes";

export type Route =
  | { name: "catalog"; category: string | null }
  | { name: "search"; query: string }
  | { name: "product"; sku: string }
  | { name: "cart" }
  | { name: "checkout" }
  | { name: "order"; id: string }
  | { name: "notFound"; path: string };

function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null; // malformed %-escape
  }
}

export function matchRoute(pathname: string, search = ""): Route {
  // One definition of which paths are pages, shared with the servers that answer 404 for the rest.
  if (!isPageRoute(pathname)) return { name: "notFound", path: pathname };
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, "") || "/" : pathname;
  const params = new URLSearchParams(search);
  if (path === "/") {
    const category = params.get("category");
    return { name: "catalog", category: category ? category : null };
  }
  if (path === "/search") return { name: "search", query: params.get("q") ?? "" };
  if (path === "/cart") return { name: "cart" };
  if (path === "/checkout") return { name: "checkout" };
  const [, section, segment] = path.split("/") as [string, string, string];
  if (section === "products") return { name: "product", sku: segment };
  return { name: "order", id: decodeSegment(segment) ?? segment };
}

export function hrefFor(route: Route): string {
  switch (route.name) {
    case "catalog":
      return route.category ? `/?category=${encodeURIComponent(route.category)}` : "/";
    case "search":
      return `/search?${new URLSearchParams({ q: route.query }).toString()}`;
    case "product":
      return `/products/${encodeURIComponent(route.sku)}`;
    case "cart":
      return "/cart";
    case "checkout":
      return "/checkout";
    case "order":
      return `/orders/${encodeURIComponent(route.id)}`;
    case "notFound":
      return route.path;
  }
}

/** What the link-click handler needs to know about a click, without the DOM. */
export interface ClickInfo {
  button: number;
  metaKey: boolean;
  ctrlKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
  defaultPrevented: boolean;
  /** The anchor's attributes and resolved URL. */
  target: string | null;
  download: boolean;
  href: string;
}

/** Where the page is now (window.location's relevant parts). */
export interface CurrentLocation {
  origin: string;
  pathname: string;
  search: string;
}

/**
 * True when a click on a link should be handled by the router instead of the browser:
 * a plain left click on a same-origin page link that is not a download, a new-window
 * link, a jump within the current page (#fragment) or a link to the API.
 */
export function shouldHandleClick(click: ClickInfo, location: CurrentLocation): boolean {
  const { origin } = location;
  if (click.defaultPrevented || click.button !== 0) return false;
  if (click.metaKey || click.ctrlKey || click.shiftKey || click.altKey) return false;
  if (click.download || (click.target !== null && click.target !== "" && click.target !== "_self")) return false;
  let url: URL;
  try {
    url = new URL(click.href, origin);
  } catch {
    return false;
  }
  if (url.origin !== origin) return false;
  if (url.pathname.startsWith("/api/") || url.pathname === "/health") return false;
  if (url.hash && url.pathname === location.pathname && url.search === location.search) return false;
  return true;
}
