/**
 * "/checkout" - e-mail, place the order, go to the confirmation.
 * Keys per attempt come from CheckoutAttempts (checkout.ts). The order is placed for the
 * total shown (`expectedTotalCents`): when the cart changed meanwhile (another tab, a new
 * price) the server refuses with 409 cart_changed, and the page shows the cart as it is now
 * and asks the shopper to confirm again. On any failure the cart stays as it was (the
 * server changes nothing) and the page says what to do.
 */
import { ApiError, type Cart } from "../api";
import type { AppContext } from "../context";
import { EMPTY_CART } from "../context";
import { h, replaceChildren } from "../dom";
import { errorMessage, stockNote } from "../messages";
import { formatPrice } from "../money";
import { hrefFor } from "../router";
import { alertBox, loading, orderSummary, pageHeading } from "./shared";

/** For each line the stock cannot cover, a note like "Only 2 left". */
async function shortages(ctx: AppContext, cart: Cart): Promise<Map<string, string>> {
  const notes = new Map<string, string>();
  const products = await Promise.allSettled(cart.items.map((line) => ctx.api.getProduct(line.sku)));
  products.forEach((result, i) => {
    const line = cart.items[i]!;
    if (result.status === "fulfilled" && result.value.stock < line.quantity) notes.set(line.sku, stockNote(result.value.stock, line.quantity)!);
  });
  return notes;
}

export function checkoutView(ctx: AppContext): HTMLElement {
  const heading = pageHeading("Checkout");
  const summary = h("div", null, loading("Loading your cart…"));
  const feedback = h("div", { class: "checkout-feedback" });
  const email = h("input", { id: "email", name: "email", type: "email", autocomplete: "email", required: true, "aria-describedby": "email-hint" });
  const emailError = h("p", { id: "email-error", class: "field-error", hidden: true });
  const submit = h("button", { type: "submit", class: "button" }, "Place order");
  const form = h(
    "form",
    { class: "checkout-form", novalidate: true, hidden: true },
    h("label", { for: "email" }, "E-mail address"),
    h("p", { id: "email-hint", class: "hint" }, "We send the order confirmation to this address."),
    email,
    emailError,
    submit,
  );

  /** The cart as last shown: its total is what the shopper confirms by placing the order. */
  let shown: Cart | null = null;
  let reconfirm = false;

  function showCart(cart: Cart, notes?: Map<string, string>): void {
    shown = cart;
    if (cart.items.length === 0) {
      replaceChildren(summary, h("p", { class: "empty" }, "Your cart is empty. ", h("a", { href: "/" }, "Browse products")));
      form.hidden = true;
      return;
    }
    replaceChildren(summary, orderSummary(cart.items, cart.totalCents, cart.currency, notes));
    form.hidden = false;
  }

  let placing = false;
  function setBusy(busy: boolean): void {
    placing = busy;
    // aria-disabled, not disabled: a disabled button drops keyboard focus to <body>.
    if (busy) submit.setAttribute("aria-disabled", "true");
    else submit.removeAttribute("aria-disabled");
    email.readOnly = busy;
    submit.textContent = busy ? "Placing your order…" : ctx.checkout.hasPendingAttempt ? "Try again" : reconfirm ? "Confirm and place order" : "Place order";
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (placing) return; // one attempt at a time
    const address = email.value.trim();
    if (!address || !email.checkValidity()) {
      emailError.textContent = "Enter an e-mail address like name@example.com.";
      emailError.hidden = false;
      email.setAttribute("aria-invalid", "true");
      email.setAttribute("aria-describedby", "email-error email-hint");
      email.focus();
      return;
    }
    if (!shown || shown.items.length === 0) return;
    emailError.hidden = true;
    email.removeAttribute("aria-invalid");
    email.setAttribute("aria-describedby", "email-hint");
    replaceChildren(feedback);
    setBusy(true);
    try {
      const order = await ctx.checkout.submit(address, shown.totalCents);
      ctx.cart.set({ ...EMPTY_CART, currency: order.currency });
      ctx.navigate(hrefFor({ name: "order", id: order.id }));
      return;
    } catch (error) {
      setBusy(false);
      const box = alertBox(errorMessage(error, "checkout"));
      if (error instanceof ApiError && error.code === "insufficient_stock") {
        box.append(h("p", null, h("a", { href: "/cart" }, "Change quantities in your cart")));
        // Show the cart as the server has it (unchanged) with what is short.
        ctx.cart.refresh().then(
          async (cart) => showCart(cart, await shortages(ctx, cart)),
          () => {},
        );
      } else if (error instanceof ApiError && error.code === "cart_changed") {
        // Nothing was charged. Show the cart as it is now and ask again, with its new total.
        reconfirm = true;
        setBusy(false);
        ctx.cart.refresh().then(
          (cart) => {
            showCart(cart);
            if (cart.items.length > 0)
              box.append(h("p", null, `The total is now ${formatPrice(cart.totalCents, cart.currency)}. Check the order below and confirm it again.`));
          },
          () => {},
        );
      } else if (error instanceof ApiError && error.code === "cart_empty") {
        ctx.cart.refresh().then(
          (cart) => showCart(cart),
          () => {},
        );
      }
      replaceChildren(feedback, box);
      box.focus();
    }
  });

  // After a reload mid-retry, offer the same attempt again (same e-mail, same key).
  const pendingEmail = ctx.checkout.pendingEmail;
  if (pendingEmail) email.value = pendingEmail;
  setBusy(false);

  // The summary follows the cart, including changes made in another tab.
  ctx.onCartUpdate(summary, (cart) => showCart(cart));
  ctx.cart.refresh().catch((error: unknown) => replaceChildren(summary, alertBox(errorMessage(error, "load"))));
  return h("div", { class: "checkout-page" }, heading, summary, feedback, form);
}
