/// <reference lib="dom" />
/**
 * What shoppers hit, each reproduced in headless Chromium against the local platform:
 * "Load more" and the checkout form showing when they must not, quantities above stock,
 * focus lost on cart changes and while adding, one request per arrow-key step, a focus ring
 * too faint to see, a quantity error overlapping the product name, Back losing the loaded
 * catalog, chips missing after a retry, two tabs disagreeing on the cart, unknown URLs
 * answering 200, no robots.txt, raw validation text for odd category URLs, and the
 * catalog's layout shift. Every page state visited is checked with axe-core.
 */
import type { Page, Request } from "playwright-core";
import { afterEach, describe, expect, it } from "vitest";
import { expectAccessible, installVitalsObserver, readVitals, reportVitals } from "./audit";
import type { Browser } from "./browser";
import type { LocalPlatform } from "./platform";
import { keepShot, openShop } from "./session";
import { shopHelpers } from "./shop";

let platform: LocalPlatform;
let browser: Browser;
let page: Page;

const { setStock, browserCart } = shopHelpers(() => platform);
const url = (p: string) => platform.baseUrl + p;
const heading = (target: Page = page) => target.getByRole("heading", { level: 1 });
const cards = (target: Page = page) => target.locator(".product-card");

const shot = (name: string, target: Page = page, fullPage = true) => keepShot(target, name, fullPage);

/** Fetches from a page of the shop (its origin and cookie), also when a test runs alone. */
async function onShopOrigin(target: Page): Promise<void> {
  if (!target.url().startsWith(platform.baseUrl)) await target.goto(url("/robots.txt"));
}

/** Empties the browser session's cart through the API. */
async function emptyCart(target: Page = page): Promise<void> {
  await onShopOrigin(target);
  await target.evaluate(async () => {
    const cart = (await (await fetch("/api/cart")).json()) as { items: { sku: string }[] };
    for (const line of cart.items) await fetch(`/api/cart/items/${line.sku}`, { method: "DELETE" });
  });
}

async function putInCart(sku: string, quantity: number, target: Page = page): Promise<void> {
  await onShopOrigin(target);
  await target.evaluate(
    async ([s, q]) => {
      const r = await fetch(`/api/cart/items/${s}`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ quantity: q }) });
      if (!r.ok) throw new Error(`PUT ${s}: ${r.status}`);
    },
    [sku, quantity] as const,
  );
}

/** Collects the requests a page sends whose URL matches `pattern`. */
function recordRequests(target: Page, pattern: RegExp): Request[] {
  const seen: Request[] = [];
  target.on("request", (r) => {
    if (pattern.test(r.url())) seen.push(r);
  });
  return seen;
}

/** WCAG relative luminance and contrast ratio of two CSS rgb() colours. */
function contrast(a: string, b: string): number {
  const lum = (css: string) => {
    const [r, g, bl] = css
      .match(/[\d.]+/g)!
      .slice(0, 3)
      .map(Number)
      .map((c) => {
        const s = c / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

openShop((s) => ({ platform, browser, page } = s), installVitalsObserver);

afterEach(async () => {
  await page.unrouteAll({ behavior: "ignoreErrors" });
});

describe("things that must stay hidden", () => {
  it("hides 'Load more' past the last page, on an empty or invalid category and when offline, and never duplicates cards", async () => {
    await page.goto(url("/?category=tea")); // 10 products: one page
    await expect.poll(() => cards().count()).toBe(10);
    const more = page.locator(".load-more");
    expect(await more.isVisible()).toBe(false);
    // Even a click that reaches it (a script, an old tab) appends nothing past the last page.
    await more.evaluate((button: HTMLButtonElement) => button.click());
    await page.waitForTimeout(300);
    expect(await cards().count()).toBe(10);
    await shot("10-category-last-page");

    await page.goto(url("/?category=no-such-category"));
    await expect.poll(() => page.locator(".list-status").textContent()).toMatch(/No products/);
    expect(await more.isVisible()).toBe(false);
    await expectAccessible(page, "catalog: empty category");

    await page.route("**/api/products**", (route) => route.abort("internetdisconnected"));
    await page.goto(url("/"));
    await page.getByRole("alert").waitFor();
    expect(await more.isVisible()).toBe(false);
    await expectAccessible(page, "catalog: offline");
  });

  it("shows no checkout form on an empty cart, also after Back from a confirmation", async () => {
    await emptyCart();
    await page.goto(url("/checkout"));
    await expect.poll(() => page.locator(".empty").textContent()).toMatch(/Your cart is empty/);
    expect(await page.getByLabel("E-mail address").isVisible()).toBe(false);
    expect(await page.getByRole("button", { name: "Place order" }).isVisible()).toBe(false);
    await expectAccessible(page, "checkout: empty cart");

    await putInCart("SNK-002", 1);
    await page.goto(url("/checkout"));
    await page.getByLabel("E-mail address").fill("back@example.com");
    await page.getByRole("button", { name: /Place order/ }).click();
    await expect.poll(() => heading().textContent()).toBe("Thank you! Your order is confirmed");
    await page.goBack();
    await expect.poll(() => page.locator(".empty").textContent()).toMatch(/Your cart is empty/);
    expect(await page.getByRole("button", { name: /Place order/ }).isVisible()).toBe(false);
    await expectAccessible(page, "checkout: Back from a confirmation");
  });
});

describe("stock-aware cart", () => {
  it("caps the quantity at the stock on the product page and says 'Only N left'", async () => {
    await emptyCart();
    await setStock("MUG-002", 3);
    await page.goto(url("/products/MUG-002"));
    await expect.poll(() => page.locator(".product-detail .stock").textContent()).toBe("Only 3 left");
    expect(await page.getByLabel("Quantity").getAttribute("max")).toBe("3");
    const puts = recordRequests(page, /\/api\/cart\/items\//);
    await page.getByLabel("Quantity").fill("5");
    await page.getByRole("button", { name: "Add to cart" }).click();
    await expect.poll(() => page.locator("#quantity-error").textContent()).toMatch(/Only 3 left/);
    expect(puts).toHaveLength(0);
    await shot("11-product-only-3-left");

    await page.getByLabel("Quantity").fill("2");
    await page.getByRole("button", { name: "Add to cart" }).click();
    await expect.poll(() => page.locator("#cart-count").textContent()).toBe("2");
    // Two are in the cart now: only one more can be added.
    await expect.poll(() => page.getByLabel("Quantity").getAttribute("max")).toBe("1");
    await page.getByLabel("Quantity").fill("2");
    await page.getByRole("button", { name: "Add to cart" }).click();
    await expect.poll(() => page.locator("#quantity-error").textContent()).toMatch(/Only 3 left.*2 .*in your cart/);
    expect((await browserCart(page)).items).toEqual([expect.objectContaining({ sku: "MUG-002", quantity: 2 })]);
    await expectAccessible(page, "product: some in the cart, quantity refused");
  });

  it("caps the quantity at the stock in the cart, says 'Only N left', and marks the short line after an insufficient-stock checkout", async () => {
    await page.goto(url("/cart"));
    const field = page.getByLabel("Quantity of Double-wall Glass");
    await expect.poll(() => field.getAttribute("max")).toBe("3");
    await expect.poll(() => page.locator('.cart-line[data-sku="MUG-002"] .line-note').textContent()).toBe("Only 3 left");
    const puts = recordRequests(page, /\/api\/cart\/items\//);
    await field.fill("4");
    await field.press("Enter");
    await expect.poll(() => page.locator('.cart-line[data-sku="MUG-002"] .field-error').textContent()).toMatch(/Only 3 left/);
    expect(puts).toHaveLength(0);
    expect((await browserCart(page)).items[0]!.quantity).toBe(2);
    await shot("12-cart-only-3-left");

    // Stock falls below the cart's quantity after it was put there: checkout fails, the cart says which line.
    await setStock("MUG-002", 1);
    await page.goto(url("/checkout"));
    await page.getByLabel("E-mail address").fill("short@example.com");
    await page.getByRole("button", { name: /Place order/ }).click();
    await page.getByRole("alert").waitFor();
    await page.getByRole("link", { name: "Change quantities in your cart" }).click();
    await expect.poll(() => page.locator('.cart-line[data-sku="MUG-002"] .line-note').textContent()).toBe("Only 1 left - you asked for 2");
    await expectAccessible(page, "cart: short line marked");
  });
});

describe("keyboard and focus", () => {
  it("keeps focus on the quantity field after a change and sends one request for several arrow-key steps", async () => {
    await emptyCart();
    await setStock("MUG-002", 40);
    await putInCart("TEA-004", 1);
    // The shell and the cart page each read the cart on load. Hold every read after the first
    // until the steps are typed: a late read of the same cart must not redraw the field away.
    let reads = 0;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const answered: Promise<void>[] = [];
    await page.route("**/api/cart", (route) => {
      const answer = (async () => {
        if (route.request().method() === "GET" && ++reads > 1) await held;
        await route.continue();
      })();
      answered.push(answer);
      return answer;
    });
    await page.goto(url("/cart"));
    const field = page.getByLabel("Quantity of Earl Grey");
    await field.focus();
    const puts = recordRequests(page, /\/api\/cart\/items\/TEA-004/);
    await page.keyboard.press("ArrowUp");
    await page.keyboard.press("ArrowUp");
    await page.keyboard.press("ArrowUp");
    release();
    await Promise.all(answered);
    await page.unroute("**/api/cart");
    await expect.poll(() => page.locator("#cart-count").textContent()).toBe("4");
    await page.waitForTimeout(800); // any late request would have been sent by now
    expect(puts.map((r) => r.postDataJSON() as unknown)).toEqual([{ quantity: 4 }]);
    expect(await page.evaluate(() => document.activeElement?.getAttribute("aria-label") ?? document.activeElement?.id)).toBe(await field.getAttribute("id"));

    await field.fill("2");
    await field.press("Enter");
    await expect.poll(() => page.locator("#cart-count").textContent()).toBe("2");
    expect(await field.evaluate((el) => el === document.activeElement)).toBe(true);
    await expectAccessible(page, "cart: after a quantity change");
  });

  it("keeps focus on 'Add to cart' while it runs and after", async () => {
    await page.goto(url("/?category=snacks"));
    await expect.poll(() => cards().count()).toBe(10);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route("**/api/cart/items/**", async (route) => {
      await held;
      await route.continue();
    });
    const button = cards()
      .first()
      .getByRole("button", { name: /^Add to cart/ });
    await button.focus();
    await page.keyboard.press("Enter");
    await page.waitForTimeout(200);
    expect(await button.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await button.getAttribute("aria-disabled")).toBe("true");
    await expectAccessible(page, "catalog: adding to the cart");
    release();
    await page.getByRole("status").filter({ hasText: "to your cart" }).waitFor();
    expect(await button.evaluate((el) => el === document.activeElement)).toBe(true);
  });

  it("draws a focus ring with at least 3:1 contrast against what surrounds it", async () => {
    await page.goto(url("/"));
    await expect.poll(() => cards().count()).toBe(12);
    const ringAgainst = async (selector: string, backgroundOf: string) => {
      await page.focus(selector);
      await page.keyboard.press("Shift+Tab");
      await page.keyboard.press("Tab"); // focus-visible needs a keyboard focus
      return page.evaluate(
        ([sel, bg]) => {
          const el = document.querySelector(sel)!;
          return {
            ring: getComputedStyle(el).outlineColor,
            width: getComputedStyle(el).outlineWidth,
            background: getComputedStyle(document.querySelector(bg)!).backgroundColor,
          };
        },
        [selector, backgroundOf] as const,
      );
    };
    const onPage = await ringAgainst(".product-card a", "body");
    expect(contrast(onPage.ring, onPage.background)).toBeGreaterThanOrEqual(3);
    expect(parseFloat(onPage.width)).toBeGreaterThanOrEqual(2);
    const onCard = await ringAgainst(".product-card .button", ".product-card");
    expect(contrast(onCard.ring, onCard.background)).toBeGreaterThanOrEqual(3);
    const inHeader = await ringAgainst(".brand", ".site-header");
    expect(contrast(inHeader.ring, inHeader.background)).toBeGreaterThanOrEqual(3);
    await shot("13-focus-ring", page, false);
  });
});

describe("layout and state", () => {
  for (const [label, width] of [
    ["desktop", 1280],
    ["phone", 375],
  ] as const) {
    it(`shows a cart quantity error below the line without moving or overlapping anything (${label})`, async () => {
      await page.setViewportSize({ width, height: 800 });
      try {
        await emptyCart();
        await putInCart("GFT-010", 1);
        await page.goto(url("/cart"));
        const line = page.locator('.cart-line[data-sku="GFT-010"]');
        const field = line.getByRole("spinbutton");
        await field.waitFor();
        const before = (await field.boundingBox())!;
        await field.fill("150");
        await field.press("Enter");
        const error = line.locator(".field-error");
        await expect.poll(() => error.isVisible()).toBe(true);
        const [name, errorBox, after] = await Promise.all([line.locator(".cart-line-name").boundingBox(), error.boundingBox(), field.boundingBox()]);
        const overlaps = (a: typeof name, b: typeof name) =>
          !!a && !!b && a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
        expect(overlaps(name, errorBox)).toBe(false);
        expect(after!.x).toBeCloseTo(before.x, 0);
        expect(after!.width).toBeCloseTo(before.width, 0);
        expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
        await shot(`14-cart-quantity-error-${label}`);
      } finally {
        await page.setViewportSize({ width: 1280, height: 900 });
      }
    });
  }

  it("keeps the loaded catalog pages and the scroll position on Back from a product", async () => {
    await page.goto(url("/"));
    await expect.poll(() => cards().count()).toBe(12);
    await page.getByRole("button", { name: "Load more products" }).click();
    await expect.poll(() => cards().count()).toBe(24);
    const target = cards().nth(19);
    await target.scrollIntoViewIfNeeded();
    const scrollY = await page.evaluate(() => window.scrollY);
    expect(scrollY).toBeGreaterThan(200);
    const sku = await target.getAttribute("data-sku");
    await target.getByRole("link").click();
    await expect.poll(() => page.url()).toBe(url(`/products/${sku}`));
    await page.locator(".product-detail").waitFor();
    await page.goBack();
    await expect.poll(() => cards().count()).toBe(24);
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(scrollY - 40);
    expect(await page.evaluate(() => window.scrollY)).toBeLessThan(scrollY + 40);
    await expectAccessible(page, "catalog: back from a product");
  });

  it("shows the category chips after a failed first load and a retry", async () => {
    await page.route("**/api/products**", (route) => route.abort("connectionreset"));
    await page.goto(url("/"));
    await page.getByRole("alert").waitFor();
    await page.unroute("**/api/products**");
    await page.getByRole("button", { name: "Try again" }).click();
    await expect.poll(() => cards().count()).toBe(12);
    await expect.poll(() => page.locator(".categories a").allTextContents()).toEqual(expect.arrayContaining(["All", "Coffee", "Tea", "Mugs"]));
    await expectAccessible(page, "catalog: after a retry");
  });

  it("keeps two tabs in agreement on the cart without a reload", async () => {
    await emptyCart();
    await page.goto(url("/cart"));
    await expect.poll(() => page.locator(".empty").textContent()).toMatch(/empty/);
    const other = await browser.context.newPage();
    try {
      await other.goto(url("/products/COF-003"));
      await other.getByRole("button", { name: "Add to cart" }).click();
      await expect.poll(() => other.locator("#cart-count").textContent()).toBe("1");
      await expectAccessible(other, "product: added in a second tab");
      await expect.poll(() => page.locator("#cart-count").textContent()).toBe("1");
      await expect.poll(() => page.locator(".cart-line").count()).toBe(1);
      await expectAccessible(page, "cart: changed in another tab");
    } finally {
      await other.close();
    }
  });
});

describe("addresses", () => {
  it("answers unknown page routes with the page and 404, known ones with 200", async () => {
    for (const known of ["/", "/cart", "/checkout", "/search?q=tea", "/products/COF-001", "/products/NO-SUCH-SKU", "/orders/123"]) {
      const response = await fetch(url(known), { headers: { accept: "text/html" } });
      expect(response.status, known).toBe(200);
    }
    for (const unknown of ["/no/such/page", "/products", "/products/a/b", "/cart/extra", "/admin"]) {
      const response = await fetch(url(unknown), { headers: { accept: "text/html" } });
      expect(response.status, unknown).toBe(404);
      expect(await response.text()).toContain('<main id="main"');
    }
    const response = await page.goto(url("/no/such/page"));
    expect(response?.status()).toBe(404);
    await expect.poll(() => heading().textContent()).toBe("Page not found");
    await expectAccessible(page, "page not found (404)");
  });

  it("serves robots.txt", async () => {
    const response = await fetch(url("/robots.txt"));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toMatch(/^User-agent: \*$/m);
    expect(text).toMatch(/^Disallow: \/api\/$/m);
  });

  it("explains an odd category URL instead of showing validation text", async () => {
    await page.goto(url("/?category=%3Cb%3EOdd%20One%3C%2Fb%3E"));
    await expect.poll(() => heading().textContent()).toBe("Category not found");
    const text = (await page.locator("main").textContent())!;
    expect(text).not.toMatch(/validation|must be|Please check what you entered/i);
    expect(await page.getByRole("link", { name: "See all products" }).count()).toBe(1);
    expect(await page.getByRole("button", { name: "Load more products" }).isVisible()).toBe(false);
    await expectAccessible(page, "catalog: odd category URL");
  });
});

describe("catalog web performance", () => {
  for (const [label, viewport] of [
    ["desktop", { width: 1280, height: 900 }],
    ["phone", { width: 375, height: 740 }],
  ] as const) {
    it(`keeps layout shift under 0.1 and reports LCP (${label})`, async () => {
      const fresh = await browser.context.newPage();
      try {
        await fresh.setViewportSize(viewport);
        const productRequests = recordRequests(fresh, /\/api\/products\?/);
        await fresh.goto(url("/"));
        await expect.poll(() => cards(fresh).count()).toBe(12);
        await expect.poll(() => fresh.locator(".categories a").count()).toBeGreaterThan(1);
        await fresh.waitForTimeout(500); // let late shifts (images, chips) land
        const vitals = await readVitals(fresh);
        reportVitals(`catalog-${label}`, fresh, vitals);
        expect(vitals.cls, JSON.stringify(vitals.shifts)).toBeLessThan(0.1);
        expect(vitals.lcp).toBeGreaterThan(0);
        // The first row's pictures are not lazy; the grid's own page is the first request, not a 100-product crawl for the chips.
        expect(await cards(fresh).first().locator("img").getAttribute("loading")).not.toBe("lazy");
        expect(new URL(productRequests[0]!.url()).searchParams.get("limit")).toBe("12");
        // Another catalog visit in the same session reuses the categories it learned.
        productRequests.length = 0;
        await fresh.locator(".categories").getByRole("link", { name: "Tea" }).click();
        await expect.poll(() => cards(fresh).count()).toBe(10);
        expect(productRequests.map((r) => new URL(r.url()).searchParams.get("limit"))).toEqual(["12"]);
        await shot(`15-catalog-${label}`, fresh, false);
      } finally {
        await fresh.close();
      }
    });
  }
});
