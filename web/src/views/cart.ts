/** "/cart" - change quantities, remove lines, go to checkout. */
import type { Cart, CartLine } from "../api";
import type { AppContext } from "../context";
import { h, replaceChildren, srOnly } from "../dom";
import { errorMessage, MAX_LINE_QUANTITY } from "../messages";
import { formatPrice } from "../money";
import { hrefFor } from "../router";
import { alertBox, loading, pageHeading } from "./shared";

/** Parses the quantity field: a whole number 0..99, else null. */
export function parseQuantity(text: string): number | null {
  if (!/^\s*\d{1,2}\s*$/.test(text)) return null;
  const n = Number(text);
  return n >= 0 && n <= MAX_LINE_QUANTITY ? n : null;
}

export function cartView(ctx: AppContext): HTMLElement {
  const heading = pageHeading("Your cart");
  const body = h("div", null, loading("Loading your cart…"));

  function lineItem(line: CartLine, currency: string, index: number): HTMLLIElement {
    const inputId = `qty-${index}`;
    const errorId = `qty-error-${index}`;
    const input = h("input", { id: inputId, type: "number", inputmode: "numeric", min: 0, max: MAX_LINE_QUANTITY, step: 1, value: line.quantity, class: "qty" });
    const error = h("p", { id: errorId, class: "field-error", hidden: true });
    const remove = h("button", { type: "button", class: "button button-secondary" }, "Remove", srOnly(` ${line.name}`));

    async function update(quantity: number): Promise<void> {
      input.disabled = true;
      remove.disabled = true;
      try {
        const cart = quantity === 0 ? await ctx.api.removeFromCart(line.sku) : await ctx.api.setCartQuantity(line.sku, quantity);
        ctx.cart.changed(cart);
        render(cart, quantity === 0 ? index : null);
        ctx.notify(quantity === 0 ? `Removed ${line.name} from your cart.` : `${line.name}: quantity ${quantity}.`);
      } catch (err) {
        ctx.notify(errorMessage(err, "cart"), "error");
        input.value = String(line.quantity); // show what the server still has
        input.disabled = false;
        remove.disabled = false;
      }
    }

    input.addEventListener("change", () => {
      if (input.disabled) return; // an update is already on its way
      const quantity = parseQuantity(input.value);
      if (quantity === null) {
        error.textContent = `Enter a whole number from 0 to ${MAX_LINE_QUANTITY} (0 removes the item).`;
        error.hidden = false;
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-describedby", errorId);
        return;
      }
      error.hidden = true;
      input.removeAttribute("aria-invalid");
      if (quantity !== line.quantity) void update(quantity);
    });
    // Enter applies the new quantity at once (the field is not inside a form).
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") input.dispatchEvent(new Event("change"));
    });
    remove.addEventListener("click", () => void update(0));

    return h(
      "li",
      { class: "cart-line", "data-sku": line.sku },
      h("div", { class: "cart-line-name" }, h("a", { href: hrefFor({ name: "product", sku: line.sku }) }, line.name), h("span", { class: "unit-price" }, `${formatPrice(line.priceCents, currency)} each`)),
      h("div", { class: "cart-line-qty" }, h("label", { for: inputId }, "Quantity", srOnly(` of ${line.name}`)), input, error),
      h("p", { class: "cart-line-total" }, formatPrice(line.lineTotalCents, currency)),
      remove,
    );
  }

  /** Draws the cart; after a removal, focus goes to the line that took its place (or the heading). */
  function render(cart: Cart, removedIndex: number | null = null): void {
    if (cart.items.length === 0) {
      replaceChildren(body, h("p", { class: "empty" }, "Your cart is empty. ", h("a", { href: "/" }, "Browse products")));
      if (removedIndex !== null) heading.focus();
      return;
    }
    const lines = h("ul", { class: "cart-lines" }, cart.items.map((line, i) => lineItem(line, cart.currency, i)));
    replaceChildren(
      body,
      lines,
      h("p", { class: "summary-total" }, h("span", null, "Total"), h("strong", { "data-testid": "total" }, formatPrice(cart.totalCents, cart.currency))),
      h("p", { class: "actions" }, h("a", { href: "/checkout", class: "button" }, "Checkout"), h("a", { href: "/" }, "Continue shopping")),
    );
    if (removedIndex !== null) {
      const next = lines.children[Math.min(removedIndex, lines.children.length - 1)];
      (next?.querySelector("input") ?? heading).focus();
    }
  }

  ctx.cart.refresh().then(
    (cart) => render(cart),
    (error) => replaceChildren(body, alertBox(errorMessage(error, "load"))),
  );
  return h("div", { class: "cart-page" }, heading, body);
}
