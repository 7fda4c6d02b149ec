/// <reference lib="dom" />
/**
 * Contract v1.1 in the page, in headless Chromium against the local platform:
 * - search: the header's search box, a results page with the query in the URL, paginated
 *   like the catalog, usable with the keyboard and announced to screen readers;
 * - honest checkout: the order is placed for the total the shopper saw
 *   (`expectedTotalCents`); when the cart changed meanwhile the server answers 409
 *   cart_changed, nothing is charged, and the page shows the cart as it is now and asks
 *   again.
 * Every page state visited is checked with axe-core.
 */
import type { Page, Request } from "playwright-core";
import { describe, expect, it } from "vitest";
import { expectAccessible } from "./audit";
import type { Browser } from "./browser";
import type { LocalPlatform } from "./platform";
import { keepShot, openShop } from "./session";
import { shopHelpers } from "./shop";

let platform: LocalPlatform;
let browser: Browser;
let page: Page;

const { getProduct, updateProduct, stockInDatabase, browserCart } = shopHelpers(() => platform);
const url = (p: string) => platform.baseUrl + p;
const heading = (target: Page = page) => target.getByRole("heading", { level: 1 });
const cards = (target: Page = page) => target.locator(".product-card");
const usd = (cents: number) => new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" }).format(cents / 100);

const shot = (name: string, target: Page = page, fullPage = true) => keepShot(target, name, fullPage);

openShop((s) => ({ platform, browser, page } = s));

describe("search", () => {
  it("searches from the header with the keyboard; the query is in the URL and the results are announced", async () => {
    await page.goto(url("/"));
    await expect.poll(() => cards().count()).toBe(12);
    const box = page.getByRole("searchbox", { name: "Search products" });
    await box.focus();
    await page.keyboard.type("earl grey");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.url()).toBe(url("/search?q=earl+grey"));
    await expect.poll(() => heading().textContent()).toBe("Results for “earl grey”");
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe("H1");
    await expect.poll(() => cards().evaluateAll((els) => els.map((e) => e.getAttribute("data-sku")))).toEqual(["TEA-004"]);
    expect(await page.getByRole("status").filter({ hasText: "matches" }).textContent()).toBe("1 product matches “earl grey”.");
    expect(await page.locator("#route-announcer").textContent()).toBe("Search: earl grey · Demo Shop");
    expect(await box.inputValue()).toBe("earl grey");
    expect(await page.getByRole("button", { name: "Load more products" }).isVisible()).toBe(false);
    await shot("20-search-results");

    // A reload (or a shared link) shows the same results.
    await page.reload();
    await expect.poll(() => cards().count()).toBe(1);
    expect(await page.getByRole("searchbox", { name: "Search products" }).inputValue()).toBe("earl grey");
  });

  it("pages through many results like the catalog, with no duplicates", async () => {
    const requests: Request[] = [];
    page.on("request", (r) => {
      if (r.url().includes("/api/products?")) requests.push(r);
    });
    await page.goto(url("/search?q=demo+catalog")); // every product's description
    await expect.poll(() => cards().count()).toBe(12);
    expect(await page.locator(".list-status").textContent()).toBe("12+ products match “demo catalog”.");
    await page.getByRole("button", { name: "Load more products" }).click();
    await expect.poll(() => cards().count()).toBe(24);
    expect(await page.evaluate(() => document.activeElement?.closest(".product-card") === document.querySelectorAll(".product-card")[12])).toBe(true);
    const skus = await cards().evaluateAll((els) => els.map((e) => e.getAttribute("data-sku")));
    expect(new Set(skus).size).toBe(24);
    const params = requests.map((r) => Object.fromEntries(new URL(r.url()).searchParams));
    expect(params[0]).toEqual({ limit: "12", q: "demo catalog" });
    expect(params[1]).toMatchObject({ limit: "12", q: "demo catalog", cursor: expect.any(String) });
    await expectAccessible(page, "search: second page");
  });

  it("says so when nothing matches, and asks for words when the query is empty", async () => {
    await page.goto(url("/search?q=zzzqqq"));
    await expect.poll(() => page.locator(".list-status").textContent()).toBe("No products match “zzzqqq”. Try fewer or other words.");
    expect(await cards().count()).toBe(0);
    await shot("21-search-no-results");
    await page.goto(url("/search?q=%20%20"));
    await expect.poll(() => heading().textContent()).toBe("Search");
    await expectAccessible(page, "search: empty query");
  });

  it("fits a phone-width screen", async () => {
    const phone = await browser.context.newPage();
    try {
      await phone.setViewportSize({ width: 375, height: 740 });
      await phone.goto(url("/search?q=tea"));
      await expect.poll(() => cards(phone).count()).toBeGreaterThan(0);
      expect(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      await shot("22-phone-search", phone, false);
    } finally {
      await phone.close();
    }
  });
});

describe("honest checkout", () => {
  /** Puts `quantity` of `sku` in the browser session's cart without the page knowing (another device). */
  async function changeCartBehindThePage(sku: string, quantity: number): Promise<void> {
    await page.evaluate(
      async ([s, q]) => {
        const r = await fetch(`/api/cart/items/${s}`, {
          method: "PUT",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ quantity: q }),
        });
        if (!r.ok) throw new Error(`PUT ${s}: ${r.status}`);
      },
      [sku, quantity] as const,
    );
  }

  it("sends the total the shopper saw; a price raised meanwhile is not charged, the page shows the new total and asks again", async () => {
    await changeCartBehindThePage("COF-002", 2);
    const before = await getProduct("COF-002");
    const stockBefore = await stockInDatabase("COF-002");
    await page.goto(url("/checkout"));
    await expect.poll(() => page.getByTestId("total").textContent()).toBe(usd(2 * before.priceCents));

    // The price goes up while the shopper reads the summary.
    await updateProduct("COF-002", { priceCents: before.priceCents + 250 });
    const bodies: unknown[] = [];
    page.on("request", (r) => {
      if (r.url().endsWith("/api/orders") && r.method() === "POST") bodies.push(r.postDataJSON());
    });
    await page.getByLabel("E-mail address").fill("honest@example.com");
    await page.getByRole("button", { name: "Place order" }).click();
    const alert = page.getByRole("alert");
    await expect.poll(() => alert.textContent()).toMatch(/cart changed.*nothing was charged/);
    const newTotal = 2 * (before.priceCents + 250);
    await expect.poll(() => alert.textContent()).toContain(`The total is now ${usd(newTotal)}`);
    await expect.poll(() => page.getByTestId("total").textContent()).toBe(usd(newTotal));
    expect(bodies).toEqual([{ email: "honest@example.com", expectedTotalCents: 2 * before.priceCents }]);
    expect(await stockInDatabase("COF-002")).toBe(stockBefore);
    expect((await browserCart(page)).items).toEqual([expect.objectContaining({ sku: "COF-002", quantity: 2 })]);
    expect(page.url()).toBe(url("/checkout"));
    await shot("23-checkout-cart-changed");

    // Confirmed again: the order is placed at the total now shown.
    await page.getByRole("button", { name: "Confirm and place order" }).click();
    await expect.poll(() => heading().textContent()).toBe("Thank you! Your order is confirmed");
    expect(await page.getByTestId("total").textContent()).toBe(usd(newTotal));
    expect(bodies).toHaveLength(2);
    expect(bodies[1]).toEqual({ email: "honest@example.com", expectedTotalCents: newTotal });
    expect(await stockInDatabase("COF-002")).toBe(stockBefore - 2);
  });

  it("refuses a cart changed elsewhere after the summary was shown, and shows the cart as it is now", async () => {
    await changeCartBehindThePage("SNK-003", 1);
    await page.goto(url("/checkout"));
    const price = (await getProduct("SNK-003")).priceCents;
    await expect.poll(() => page.getByTestId("total").textContent()).toBe(usd(price));
    await changeCartBehindThePage("SNK-003", 3); // e.g. on another device
    await page.getByLabel("E-mail address").fill("honest@example.com");
    await page.getByRole("button", { name: "Place order" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toMatch(/cart changed/);
    await expect.poll(() => page.locator(".summary-qty").textContent()).toBe("× 3");
    await expect.poll(() => page.getByTestId("total").textContent()).toBe(usd(3 * price));
    await expectAccessible(page, "checkout: cart changed elsewhere");
    await page.getByRole("button", { name: "Confirm and place order" }).click();
    await expect.poll(() => heading().textContent()).toBe("Thank you! Your order is confirmed");
  });
});
