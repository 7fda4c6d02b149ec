/**
 * Which paths are pages of the storefront, as one regular expression that the page's
 * router, the local server and the CloudFront Function all use: a path it does not match
 * is answered with the page and status 404. Plain data (no DOM), so the server side and
 * the Pulumi program can import it.
 *
 *   /  /cart  /checkout  /search  /products/<sku>  /orders/<id>   (trailing slashes allowed)
 *
 * A SKU has the contract's shape (1..64 of [A-Za-z0-9._-], all URL-safe, so the path holds it
 * as is); an order id is any one non-empty segment.
 */
export const PAGE_ROUTE_SOURCE = "^(?:/|/cart|/checkout|/search|/products/[A-Za-z0-9._-]{1,64}|/orders/[^/]+)/*$";

const PAGE_ROUTE = new RegExp(PAGE_ROUTE_SOURCE);

export function isPageRoute(pathname: string): boolean {
  return PAGE_ROUTE.test(pathname);
}
