/// <reference lib="dom" />
/**
 * The shopper's path through the storefront, in real headless Chromium against the local
 * platform (same page, same API, real PostgreSQL and DynamoDB protocol):
 * browse and filter the catalog, load more, add two products, edit the cart, check out,
 * see the confirmation; an out-of-stock checkout shows the error and keeps the cart; a
 * checkout whose answer is lost retries with the same Idempotency-Key and places one order.
 * Screenshots go to test-results/e2e/.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { expectAccessible } from "./audit";
import type { Browser } from "./browser";
import type { LocalPlatform } from "./platform";
import { keepShot, openShop } from "./session";
import { shopHelpers } from "./shop";

let platform: LocalPlatform;
let browser: Browser;
let page: Page;

const { getProduct, setStock, stockInDatabase, browserCart: cartOf } = shopHelpers(() => platform);
const browserCart = () => cartOf(page);

/** Checks the page state with axe-core, then takes its screenshot. */
const shot = (name: string, target: Page = page, fullPage = true) => keepShot(target, name, fullPage);

const cartBadge = () => page.locator("#cart-count");
const heading = () => page.getByRole("heading", { level: 1 });

/** Adds `quantity` of a product from its page. */
async function addFromProductPage(sku: string, quantity: number): Promise<void> {
  await page.goto(`${platform.baseUrl}/products/${sku}`);
  await expect.poll(() => page.locator(".product-detail").count()).toBe(1);
  await page.getByLabel("Quantity").fill(String(quantity));
  await page.getByRole("button", { name: "Add to cart" }).click();
  await page.getByRole("status").filter({ hasText: "to your cart" }).waitFor();
}

openShop((s) => ({ platform, browser, page } = s));

describe("storefront in Chromium against the local platform", () => {
  it("shows the catalog with categories and loads more with the cursor", async () => {
    await page.goto(platform.baseUrl + "/");
    await expect.poll(() => heading().textContent()).toBe("All products");
    const cards = page.locator(".product-card");
    await expect.poll(() => cards.count()).toBe(12);
    await expect.poll(() => page.locator(".categories a").allTextContents()).toEqual(expect.arrayContaining(["All", "Coffee", "Tea", "Mugs"]));
    // Prices come from integer cents through Intl.NumberFormat.
    expect(await cards.first().locator(".price").textContent()).toMatch(/^\$\d+\.\d{2}$/);
    // Every picture has alt text (empty on cards, where the name follows as the link).
    expect(await page.locator("img:not([alt])").count()).toBe(0);

    await page.getByRole("button", { name: "Load more products" }).click();
    await expect.poll(() => cards.count()).toBe(24);
    // Keyboard focus lands on the first newly loaded product.
    expect(await page.evaluate(() => document.activeElement?.closest(".product-card") === document.querySelectorAll(".product-card")[12])).toBe(true);
    const skus = await cards.evaluateAll((els) => els.map((e) => e.getAttribute("data-sku")));
    expect(new Set(skus).size).toBe(24);
    await shot("01-catalog");

    await page.locator(".categories").getByRole("link", { name: "Tea" }).click();
    await expect.poll(() => heading().textContent()).toBe("Tea");
    expect(page.url()).toBe(`${platform.baseUrl}/?category=tea`);
    await expect.poll(() => cards.count()).toBe(10);
    expect((await cards.evaluateAll((els) => els.map((e) => e.getAttribute("data-sku")))).every((sku) => sku!.startsWith("TEA-"))).toBe(true);
    // Moving to a page moves focus to its heading.
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe("H1");
    await expectAccessible(page, "catalog: Tea");
  });

  it("adds two products (from a product page and from a card) and edits the cart", async () => {
    await page.locator(".product-card").first().getByRole("link").click();
    await expect.poll(() => page.url()).toMatch(/\/products\/TEA-\d{3}$/);
    const firstSku = page.url().split("/").pop()!;
    const first = await getProduct(firstSku);
    await expect.poll(() => heading().textContent()).toBe(first.name);
    expect(await page.getByRole("img", { name: `Illustration for ${first.name}` }).count()).toBe(1);
    await page.getByLabel("Quantity").fill("2");
    await page.getByRole("button", { name: "Add to cart" }).click();
    await expect.poll(() => cartBadge().textContent()).toBe("2");
    await shot("02-product");

    await page.goBack();
    await page.locator(".categories").getByRole("link", { name: "Coffee" }).click();
    await expect.poll(() => page.locator(".product-card").count()).toBe(10);
    const coffee = page.locator(".product-card").nth(1);
    const secondSku = (await coffee.getAttribute("data-sku"))!;
    const second = await getProduct(secondSku);
    await coffee.getByRole("button", { name: `Add to cart: ${second.name}` }).click();
    await expect.poll(() => cartBadge().textContent()).toBe("3");

    await page.getByRole("link", { name: /^Cart, 3 items$/ }).click();
    await expect.poll(() => heading().textContent()).toBe("Your cart");
    await expect.poll(() => page.locator(".cart-line").count()).toBe(2);
    // Change a quantity: the line and the total follow the server's cart.
    await page.getByLabel(`Quantity of ${second.name}`).fill("3");
    await page.getByLabel(`Quantity of ${second.name}`).press("Enter");
    await expect.poll(() => cartBadge().textContent()).toBe("5");
    const expectedTotal = 2 * first.priceCents + 3 * second.priceCents;
    expect((await browserCart()).totalCents).toBe(expectedTotal);
    await expect
      .poll(() => page.getByTestId("total").textContent())
      .toBe(new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" }).format(expectedTotal / 100));

    // Add a third product and remove it again.
    await addFromProductPage("MUG-001", 1);
    await page.goto(platform.baseUrl + "/cart");
    await expect.poll(() => page.locator(".cart-line").count()).toBe(3);
    await page.getByRole("button", { name: /^Remove .*Stoneware Mug/ }).click();
    await expect.poll(() => page.locator(".cart-line").count()).toBe(2);
    expect((await browserCart()).items.map((l) => l.sku).sort()).toEqual([firstSku, secondSku].sort());
    await shot("03-cart");
  });

  it("checks out and shows the confirmation from GET /api/orders/{id}", async () => {
    const before = await browserCart();
    const stockBefore = await Promise.all(before.items.map((l) => stockInDatabase(l.sku)));
    await page.getByRole("link", { name: "Checkout" }).click();
    await expect.poll(() => heading().textContent()).toBe("Checkout");
    await page.getByRole("button", { name: "Place order" }).waitFor();

    // A bad address is refused in the page, with the field marked and described.
    await page.getByLabel("E-mail address").fill("not-an-address");
    await page.getByRole("button", { name: "Place order" }).click();
    expect(await page.getByLabel("E-mail address").getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator("#email-error").textContent()).toMatch(/e-mail address/);
    await expectAccessible(page, "checkout: invalid e-mail");

    await page.getByLabel("E-mail address").fill("shopper@example.com");
    await page.getByRole("button", { name: "Place order" }).click();
    await expect.poll(() => heading().textContent()).toBe("Thank you! Your order is confirmed");
    const orderId = (await page.getByTestId("order-id").textContent())!;
    expect(page.url()).toBe(`${platform.baseUrl}/orders/${encodeURIComponent(orderId)}`);
    expect(await page.locator(".summary-line").count()).toBe(2);
    expect(await page.locator(".order-facts").textContent()).toContain("shopper@example.com");
    expect(await cartBadge().textContent()).toBe("0");
    for (const [i, line] of before.items.entries()) {
      expect(await stockInDatabase(line.sku)).toBe(stockBefore[i]! - line.quantity);
    }
    await shot("04-confirmation");

    // The confirmation is a real URL: a reload shows the same order.
    await page.reload();
    await expect.poll(() => page.getByTestId("order-id").textContent()).toBe(orderId);
  });

  it("explains an out-of-stock checkout and leaves the cart intact", async () => {
    await addFromProductPage("BRW-002", 3);
    await addFromProductPage("SNK-001", 1);
    await setStock("BRW-002", 1);

    await page.goto(platform.baseUrl + "/checkout");
    await page.getByLabel("E-mail address").fill("shopper@example.com");
    await page.getByRole("button", { name: "Place order" }).click();
    const alert = page.getByRole("alert");
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/don't have enough stock/);
    expect(await alert.textContent()).toMatch(/cart is unchanged/);
    expect(await page.evaluate(() => document.activeElement?.getAttribute("role"))).toBe("alert");
    await expect.poll(() => page.locator('.summary-line[data-sku="BRW-002"] .line-note').textContent()).toBe("Only 1 left - you asked for 3");
    expect(page.url()).toBe(`${platform.baseUrl}/checkout`);
    await shot("05-out-of-stock");

    // Nothing was taken: the cart and the stock are as they were.
    expect((await browserCart()).items.map((l) => [l.sku, l.quantity]).sort()).toEqual([
      ["BRW-002", 3],
      ["SNK-001", 1],
    ]);
    expect(await stockInDatabase("BRW-002")).toBe(1);
    await page.getByRole("link", { name: "Change quantities in your cart" }).click();
    await expect.poll(() => page.locator(".cart-line").count()).toBe(2);
    expect(await cartBadge().textContent()).toBe("4");
  });

  it("retries a checkout whose answer was lost with the same Idempotency-Key and places one order", async () => {
    // Make the order possible again: take the short line down to what is in stock.
    await page.getByLabel("Quantity of Gooseneck Kettle").fill("1");
    await page.getByLabel("Quantity of Gooseneck Kettle").press("Enter");
    await expect.poll(() => cartBadge().textContent()).toBe("2");
    const stockBefore = await stockInDatabase("SNK-001");

    // The first POST reaches the server and places the order, but its answer never arrives.
    const keys: string[] = [];
    let lose = true;
    await page.route("**/api/orders", async (route) => {
      keys.push(route.request().headers()["idempotency-key"]!);
      if (lose) {
        lose = false;
        await route.fetch();
        await route.abort("connectionreset");
      } else {
        await route.continue();
      }
    });
    await page.goto(platform.baseUrl + "/checkout");
    await page.getByLabel("E-mail address").fill("retry@example.com");
    await page.getByRole("button", { name: "Place order" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toMatch(/not be placed twice/);
    await expectAccessible(page, "checkout: answer lost, try again");
    await page.getByRole("button", { name: "Try again" }).click();
    await expect.poll(() => heading().textContent()).toBe("Thank you! Your order is confirmed");
    await page.unroute("**/api/orders");

    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
    // One order: stock went down once.
    expect(await stockInDatabase("SNK-001")).toBe(stockBefore - 1);
  });

  it("serves deep links and unknown pages through the SPA fallback", async () => {
    await page.goto(`${platform.baseUrl}/products/COF-001`);
    await expect.poll(() => heading().textContent()).toBe((await getProduct("COF-001")).name);
    await page.goto(`${platform.baseUrl}/products/NO-SUCH-SKU`);
    await expect.poll(() => heading().textContent()).toBe("Product not found");
    await expectAccessible(page, "product not found");
    const unknown = await page.goto(`${platform.baseUrl}/no/such/page`);
    expect(unknown?.status()).toBe(404);
    await expect.poll(() => heading().textContent()).toBe("Page not found");
    await expectAccessible(page, "page not found");
  });

  it("works with the keyboard alone: skip link, add to cart, place an order with Enter", async () => {
    await page.goto(platform.baseUrl + "/");
    await expect.poll(() => page.locator(".product-card").count()).toBe(12);
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to content");
    await page.keyboard.press("Enter");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("main");
    // Tab through the category links to the first product's button and press it.
    let focused = "";
    for (let i = 0; i < 30 && !focused.startsWith("Add to cart"); i++) {
      await page.keyboard.press("Tab");
      focused = await page.evaluate(() => document.activeElement?.getAttribute("aria-label") ?? "");
    }
    expect(focused).toMatch(/^Add to cart: /);
    const badgeBefore = Number(await cartBadge().textContent());
    await page.keyboard.press("Enter");
    await expect.poll(() => cartBadge().textContent()).toBe(String(badgeBefore + 1));
    await expectAccessible(page, "catalog: added with the keyboard");

    await page.goto(platform.baseUrl + "/checkout");
    await page.getByLabel("E-mail address").focus();
    await page.keyboard.type("keys@example.com");
    await page.keyboard.press("Enter");
    await expect.poll(() => heading().textContent()).toBe("Thank you! Your order is confirmed");
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe("H1");
  });

  it("is usable on a phone-width screen", async () => {
    const phone = await browser.context.newPage();
    try {
      await phone.setViewportSize({ width: 375, height: 740 });
      await phone.goto(platform.baseUrl + "/");
      await expect.poll(() => phone.locator(".product-card").count()).toBe(12);
      expect(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      await shot("06-phone-catalog", phone, false);
      await phone
        .locator(".product-card")
        .first()
        .getByRole("button", { name: /^Add to cart/ })
        .click();
      await expect.poll(() => phone.locator("#cart-count").textContent()).not.toBe("0");
      await phone.goto(platform.baseUrl + "/cart");
      await phone.locator(".cart-line").first().waitFor();
      expect(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      await shot("07-phone-cart", phone);
    } finally {
      await phone.close();
    }
  });
});
