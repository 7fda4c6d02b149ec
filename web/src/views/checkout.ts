/**
 * "/checkout" - e-mail, place the order, go to the confirmation.
 * Keys per attempt come from CheckoutAttempts (checkout.ts). On any failure the cart stays
 * as it was (the server changes nothing on insufficient stock) and the page says what to do.
 */
import { ApiError, type Cart } from "../api";
import type { AppContext } from "../context";
import { EMPTY_CART } from "../context";
import { h, replaceChildren } from "../dom";
import { errorMessage } from "../messages";
import { hrefFor } from "../router";
import { alertBox, loading, orderSummary, pageHeading } from "./shared";

/** For each line the stock cannot cover, a note like "Only 2 left". */
async function shortages(ctx: AppContext, cart: Cart): Promise<Map<string, string>> {
  const notes = new Map<string, string>();
  const products = await Promise.allSettled(cart.items.map((line) => ctx.api.getProduct(line.sku)));
  products.forEach((result, i) => {
    const line = cart.items[i]!;
    if (result.status === "fulfilled" && result.value.stock < line.quantity) {
      notes.set(line.sku, result.value.stock <= 0 ? "Out of stock" : `Only ${result.value.stock} left - you asked for ${line.quantity}`);
    }
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

  function showCart(cart: Cart, notes?: Map<string, string>): void {
    if (cart.items.length === 0) {
      replaceChildren(summary, h("p", { class: "empty" }, "Your cart is empty. ", h("a", { href: "/" }, "Browse products")));
      form.hidden = true;
      return;
    }
    replaceChildren(summary, orderSummary(cart.items, cart.totalCents, cart.currency, notes));
    form.hidden = false;
  }

  function setBusy(busy: boolean): void {
    submit.disabled = busy;
    email.readOnly = busy;
    submit.textContent = busy ? "Placing your order…" : ctx.checkout.hasPendingAttempt ? "Try again" : "Place order";
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const address = email.value.trim();
    if (!address || !email.checkValidity()) {
      emailError.textContent = "Enter an e-mail address like name@example.com.";
      emailError.hidden = false;
      email.setAttribute("aria-invalid", "true");
      email.setAttribute("aria-describedby", "email-error email-hint");
      email.focus();
      return;
    }
    emailError.hidden = true;
    email.removeAttribute("aria-invalid");
    email.setAttribute("aria-describedby", "email-hint");
    replaceChildren(feedback);
    setBusy(true);
    try {
      const order = await ctx.checkout.submit(address);
      ctx.cart.set({ ...EMPTY_CART, currency: order.currency });
      ctx.navigate(hrefFor({ name: "order", id: order.id }));
      return;
    } catch (error) {
      setBusy(false);
      const box = alertBox(errorMessage(error, "checkout"));
      if (error instanceof ApiError && error.code === "insufficient_stock") {
        box.append(h("p", null, h("a", { href: "/cart" }, "Change quantities in your cart")));
        // Show the cart as the server has it (unchanged) with what is short.
        ctx.cart.refresh().then(async (cart) => showCart(cart, await shortages(ctx, cart)), () => {});
      } else if (error instanceof ApiError && error.code === "cart_empty") {
        ctx.cart.refresh().then((cart) => showCart(cart), () => {});
      }
      replaceChildren(feedback, box);
      box.focus();
    }
  });

  // After a reload mid-retry, offer the same attempt again (same e-mail, same key).
  const pendingEmail = ctx.checkout.pendingEmail;
  if (pendingEmail) email.value = pendingEmail;
  setBusy(false);

  ctx.cart.refresh().then(
    (cart) => showCart(cart),
    (error) => replaceChildren(summary, alertBox(errorMessage(error, "load"))),
  );
  return h("div", { class: "checkout-page" }, heading, summary, feedback, form);
}
