import { describe, expect, it } from "vitest";
import { isPageRoute } from "../../web/src/page-routes";
import { hrefFor, matchRoute, shouldHandleClick, type ClickInfo, type Route } from "../../web/src/router";

const here = { origin: "https://shop.example", pathname: "/cart", search: "" };
const click = (overrides: Partial<ClickInfo> = {}): ClickInfo => ({
  button: 0,
  metaKey: false,
  ctrlKey: false,
  shiftKey: false,
  altKey: false,
  defaultPrevented: false,
  target: null,
  download: false,
  href: "https://shop.example/products/ABC-1",
  ...overrides,
});

describe("client-side routes", () => {
  it("maps every page path to its route", () => {
    expect(matchRoute("/")).toEqual({ name: "catalog", category: null });
    expect(matchRoute("/", "?category=books")).toEqual({ name: "catalog", category: "books" });
    expect(matchRoute("/products/TSHIRT-01")).toEqual({ name: "product", sku: "TSHIRT-01" });
    expect(matchRoute("/cart")).toEqual({ name: "cart" });
    expect(matchRoute("/checkout/")).toEqual({ name: "checkout" });
    expect(matchRoute("/orders/0b7c1e9a-4c7e-4a5e-9a57-3f2a1c9d8e11")).toEqual({ name: "order", id: "0b7c1e9a-4c7e-4a5e-9a57-3f2a1c9d8e11" });
    expect(matchRoute("/search", "?q=earl+grey")).toEqual({ name: "search", query: "earl grey" });
    expect(matchRoute("/search")).toEqual({ name: "search", query: "" });
    expect(matchRoute("//")).toEqual({ name: "catalog", category: null });
  });

  it("agrees with the servers on which paths are pages (the rest answer 404)", () => {
    const paths = [
      "/",
      "/cart",
      "/cart/",
      "/checkout",
      "/search",
      "/products/A.b_c-1",
      "/products/a/b",
      "/products/",
      "/products/has space",
      "/orders/x",
      "/orders/",
      "/nope",
      "/cart/extra",
      "/products/" + "x".repeat(65),
    ];
    for (const p of paths) expect(matchRoute(p).name === "notFound", p).toBe(!isPageRoute(p));
    expect(paths.filter(isPageRoute)).toEqual(["/", "/cart", "/cart/", "/checkout", "/search", "/products/A.b_c-1", "/orders/x"]);
  });

  it("sends unknown paths and invalid SKUs to the not-found page", () => {
    expect(matchRoute("/nope")).toEqual({ name: "notFound", path: "/nope" });
    expect(matchRoute("/products/has space")).toMatchObject({ name: "notFound" });
    expect(matchRoute("/products/" + "x".repeat(65))).toMatchObject({ name: "notFound" });
    expect(matchRoute("/products/%E0%A4%A")).toMatchObject({ name: "notFound" });
    expect(matchRoute("/products/a/b")).toMatchObject({ name: "notFound" });
  });

  it("round-trips every route through its URL", () => {
    const routes: Route[] = [
      { name: "catalog", category: null },
      { name: "catalog", category: "home & garden" },
      { name: "product", sku: "a.b_c-1" },
      { name: "cart" },
      { name: "checkout" },
      { name: "order", id: "ord_123" },
      { name: "search", query: "earl grey & milk" },
    ];
    for (const route of routes) {
      const url = new URL(hrefFor(route), "https://shop.example");
      expect(matchRoute(url.pathname, url.search)).toEqual(route);
    }
  });
});

describe("which link clicks the router takes over", () => {
  it("takes a plain left click on a same-origin page link", () => {
    expect(shouldHandleClick(click(), here)).toBe(true);
  });

  it("leaves new-tab, modified and non-left clicks to the browser", () => {
    expect(shouldHandleClick(click({ metaKey: true }), here)).toBe(false);
    expect(shouldHandleClick(click({ ctrlKey: true }), here)).toBe(false);
    expect(shouldHandleClick(click({ shiftKey: true }), here)).toBe(false);
    expect(shouldHandleClick(click({ button: 1 }), here)).toBe(false);
    expect(shouldHandleClick(click({ target: "_blank" }), here)).toBe(false);
    expect(shouldHandleClick(click({ download: true }), here)).toBe(false);
    expect(shouldHandleClick(click({ defaultPrevented: true }), here)).toBe(false);
  });

  it("leaves other origins, API links and in-page anchors to the browser", () => {
    expect(shouldHandleClick(click({ href: "https://elsewhere.example/" }), here)).toBe(false);
    expect(shouldHandleClick(click({ href: "https://shop.example/api/products" }), here)).toBe(false);
    expect(shouldHandleClick(click({ href: "https://shop.example/cart#main" }), here)).toBe(false);
    expect(shouldHandleClick(click({ href: "https://shop.example/#main" }), here)).toBe(true);
  });
});
