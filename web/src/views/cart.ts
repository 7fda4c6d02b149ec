/** "/cart" - change quantities (within stock), remove lines, go to checkout. */
import type { Cart, CartLine } from "../api";
import type { AppContext } from "../context";
import { h, replaceChildren, srOnly } from "../dom";
import { errorMessage, maxOrderable, MAX_LINE_QUANTITY, stockNote } from "../messages";
import { formatPrice } from "../money";
import { hrefFor } from "../router";
import { alertBox, loading, pageHeading } from "./shared";

/** Parses the quantity field: a whole number 0..99, else null. */
export function parseQuantity(text: string): number | null {
  if (!/^\s*\d{1,2}\s*$/.test(text)) return null;
  const n = Number(text);
  return n >= 0 && n <= MAX_LINE_QUANTITY ? n : null;
}

/** Arrow keys and the spinner change the field a step at a time: one request once the steps stop. */
const QUANTITY_SETTLE_MS = 400;

export function cartView(ctx: AppContext): HTMLElement {
  const heading = pageHeading("Your cart");
  const body = h("div", null, loading("Loading your cart…"));
  /** Stock per SKU from the product API, for the caps and the "Only N left" notes. */
  const stock = new Map<string, number>();
  /** The index of the line just removed, so the next drawing knows where focus goes. */
  let removedIndex: number | null = null;
  /** Counts drawings: a field of an earlier drawing (its blur on removal, a late timer) sends nothing. */
  let drawing = 0;

  function lineItem(line: CartLine, currency: string, index: number): HTMLLIElement {
    const inputId = `qty-${index}`;
    const errorId = `qty-error-${index}`;
    const available = stock.get(line.sku);
    const cap = available === undefined ? MAX_LINE_QUANTITY : maxOrderable(available);
    const input = h("input", { id: inputId, type: "number", inputmode: "numeric", min: 0, max: cap, step: 1, value: line.quantity, class: "qty" });
    const error = h("p", { id: errorId, class: "field-error", hidden: true });
    const remove = h("button", { type: "button", class: "button button-secondary" }, "Remove", srOnly(` ${line.name}`));
    const note = available === undefined ? null : stockNote(available, line.quantity);
    const drawnIn = drawing; // render() counts the drawing before it builds the lines
    let timer: number | undefined;
    let busy = false;

    function refuse(message: string): void {
      error.textContent = message;
      error.hidden = false;
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", errorId);
    }

    async function update(quantity: number): Promise<void> {
      busy = true;
      // readOnly, not disabled: a disabled field drops keyboard focus to <body>.
      input.readOnly = true;
      remove.setAttribute("aria-disabled", "true");
      try {
        const cart = quantity === 0 ? await ctx.api.removeFromCart(line.sku) : await ctx.api.setCartQuantity(line.sku, quantity);
        if (quantity === 0) removedIndex = index;
        ctx.cart.changed(cart); // redraws through the cart subscription, focus kept
        ctx.notify(quantity === 0 ? `Removed ${line.name} from your cart.` : `${line.name}: quantity ${quantity}.`);
      } catch (err) {
        ctx.notify(errorMessage(err, "cart"), "error");
        input.value = String(line.quantity); // show what the server still has
      } finally {
        busy = false;
        input.readOnly = false;
        remove.removeAttribute("aria-disabled");
      }
    }

    function apply(): void {
      window.clearTimeout(timer);
      timer = undefined;
      // Busy: an update is on its way. Another drawing: the cart was redrawn, this field is gone.
      if (busy || drawnIn !== drawing) return;
      const quantity = parseQuantity(input.value);
      if (quantity === null) return refuse(`Enter a whole number from 0 to ${cap} (0 removes the item).`);
      if (available !== undefined && quantity > available && quantity > line.quantity) {
        return refuse(available <= 0 ? "Out of stock: enter 0 to remove it." : `Only ${available} left: enter at most ${maxOrderable(available)}.`);
      }
      error.hidden = true;
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-describedby");
      if (quantity !== line.quantity) void update(quantity);
    }

    input.addEventListener("change", () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(apply, QUANTITY_SETTLE_MS);
    });
    // Enter applies the new quantity at once (the field is not inside a form); so does leaving it.
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") apply();
    });
    input.addEventListener("blur", () => {
      if (timer !== undefined) apply();
    });
    remove.addEventListener("click", () => {
      if (!busy) void update(0);
    });

    return h(
      "li",
      { class: "cart-line", "data-sku": line.sku },
      h(
        "div",
        { class: "cart-line-name" },
        h("a", { href: hrefFor({ name: "product", sku: line.sku }) }, line.name),
        h("span", { class: "unit-price" }, `${formatPrice(line.priceCents, currency)} each`),
      ),
      h("div", { class: "cart-line-qty" }, h("label", { for: inputId }, "Quantity", srOnly(` of ${line.name}`)), input),
      h("p", { class: "cart-line-total" }, formatPrice(line.lineTotalCents, currency)),
      remove,
      note ? h("p", { class: "line-note" }, note) : null,
      error,
    );
  }

  /**
   * Draws the cart. The element that had focus (by SKU) has it again afterwards; after a
   * removal, focus goes to the line that took its place (or the heading).
   */
  function render(cart: Cart): void {
    const active = document.activeElement;
    const activeLine = active?.closest<HTMLElement>(".cart-line");
    const focusSku = body.contains(active) ? activeLine?.dataset.sku : undefined;
    const focusRemove = active instanceof HTMLButtonElement;
    const removed = removedIndex;
    removedIndex = null;
    drawing++;
    if (cart.items.length === 0) {
      replaceChildren(body, h("p", { class: "empty" }, "Your cart is empty. ", h("a", { href: "/" }, "Browse products")));
      if (removed !== null) heading.focus();
      return;
    }
    const lines = h(
      "ul",
      { class: "cart-lines" },
      cart.items.map((line, i) => lineItem(line, cart.currency, i)),
    );
    replaceChildren(
      body,
      lines,
      h("p", { class: "summary-total" }, h("span", null, "Total"), h("strong", { "data-testid": "total" }, formatPrice(cart.totalCents, cart.currency))),
      h("p", { class: "actions" }, h("a", { href: "/checkout", class: "button" }, "Checkout"), h("a", { href: "/" }, "Continue shopping")),
    );
    if (removed !== null) {
      (lines.children[Math.min(removed, lines.children.length - 1)]?.querySelector("input") ?? heading).focus();
    } else if (focusSku !== undefined) {
      const line = [...lines.children].find((li) => (li as HTMLElement).dataset.sku === focusSku);
      line?.querySelector<HTMLElement>(focusRemove ? "button" : "input")?.focus();
    }
  }

  /** Reads the stock of these SKUs from the product API (a failed read leaves the line uncapped). */
  async function learnStock(skus: string[]): Promise<void> {
    const products = await Promise.allSettled(skus.map((sku) => ctx.api.getProduct(sku)));
    products.forEach((result) => {
      if (result.status === "fulfilled") stock.set(result.value.sku, result.value.stock);
    });
  }

  // Every cart update redraws the page: the first load, this page's changes, and other tabs'.
  // Drawing waits for the stock reads under way (fresh on each visit, e.g. after a failed
  // checkout), so caps and notes are there from the start and no late redraw wipes what the
  // shopper is typing.
  const asked = new Set<string>();
  let stockRead: Promise<unknown> = Promise.resolve();
  let latest: Cart | null = null;
  /** The cart as last drawn: the same cart again (the shell's and this page's first reads) draws nothing, so steps typed meanwhile stay. */
  let drawn: string | null = null;
  ctx.onCartUpdate(body, (cart) => {
    latest = cart;
    const unknown = cart.items.map((l) => l.sku).filter((sku) => !asked.has(sku));
    unknown.forEach((sku) => asked.add(sku));
    if (unknown.length > 0) stockRead = Promise.all([stockRead, learnStock(unknown)]);
    void stockRead.then(() => {
      if (latest !== cart || !body.isConnected) return;
      const key = JSON.stringify(cart);
      if (key === drawn) return;
      drawn = key;
      render(cart);
    });
  });
  ctx.cart.refresh().catch((error: unknown) => replaceChildren(body, alertBox(errorMessage(error, "load"))));
  return h("div", { class: "cart-page" }, heading, body);
}
