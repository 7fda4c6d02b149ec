/** "/products/:sku" - one product with a quantity picker. */
import { ApiError, type Product } from "../api";
import { productArtUrl } from "../art";
import type { AppContext } from "../context";
import { h, replaceChildren } from "../dom";
import { categoryLabel, errorMessage, maxOrderable, nextQuantity, stockLabel } from "../messages";
import { formatPrice } from "../money";
import { hrefFor } from "../router";
import { alertBox, loading, pageHeading } from "./shared";

function productDetails(ctx: AppContext, product: Product, heading: HTMLHeadingElement): HTMLElement {
  heading.textContent = product.name;
  // Only while this page is still the one shown (the shopper may have moved on).
  if (heading.isConnected) document.title = `${product.name} · Demo Shop`;
  const stock = maxOrderable(product.stock);
  /** What can still be added: the stock less what this cart already holds. */
  const addable = () => Math.max(0, stock - ctx.cart.quantityOf(product.sku));
  const quantity = h("input", { id: "quantity", name: "quantity", type: "number", inputmode: "numeric", min: 1, step: 1, value: 1, required: true });
  const quantityError = h("p", { id: "quantity-error", class: "field-error", hidden: true });
  const submit = h("button", { type: "submit", class: "button" });
  const inCart = h("p", { class: "hint", "aria-live": "polite" });
  const form = h("form", { class: "add-form", novalidate: true }, h("label", { for: "quantity" }, "Quantity"), quantity, submit, quantityError, inCart);

  /** Bounds and labels follow the cart (this tab's changes and other tabs'). */
  function sync(): void {
    const max = addable();
    quantity.max = String(Math.max(1, max));
    quantity.disabled = max === 0;
    submit.disabled = max === 0;
    submit.textContent = stock === 0 ? "Sold out" : max === 0 ? "All in your cart" : "Add to cart";
    const held = ctx.cart.quantityOf(product.sku);
    inCart.textContent = held > 0 ? `${held} in your cart.` : "";
  }
  sync();
  ctx.onCartUpdate(form, sync);

  function refuse(message: string): void {
    quantityError.textContent = message;
    quantityError.hidden = false;
    quantity.setAttribute("aria-invalid", "true");
    quantity.setAttribute("aria-describedby", "quantity-error");
    quantity.focus();
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (submit.getAttribute("aria-disabled") === "true") return;
    const wanted = Number(quantity.value);
    const max = addable();
    if (!Number.isInteger(wanted) || wanted < 1) return refuse(`Enter a whole number from 1 to ${max}.`);
    if (wanted > max) {
      const held = ctx.cart.quantityOf(product.sku);
      return refuse(
        held > 0
          ? `Only ${product.stock} left, and ${held} ${held === 1 ? "is" : "are"} in your cart: you can add ${max} more.`
          : `Only ${product.stock} left: enter at most ${max}.`,
      );
    }
    quantityError.hidden = true;
    quantity.removeAttribute("aria-invalid");
    quantity.removeAttribute("aria-describedby");
    // aria-disabled instead of disabled while it runs: a disabled button loses keyboard focus.
    submit.setAttribute("aria-disabled", "true");
    try {
      const cart = await ctx.api.setCartQuantity(product.sku, nextQuantity(ctx.cart.quantityOf(product.sku), wanted));
      ctx.cart.changed(cart);
      quantity.value = "1";
      ctx.notify(`Added ${wanted} × ${product.name} to your cart.`);
    } catch (error) {
      ctx.notify(errorMessage(error, "cart"), "error");
    } finally {
      submit.removeAttribute("aria-disabled");
    }
  });

  return h(
    "article",
    { class: "product-detail" },
    h("img", { src: productArtUrl(product.sku, product.name), alt: `Illustration for ${product.name}`, width: 320, height: 240 }),
    h(
      "div",
      { class: "product-info" },
      h("p", { class: "price price-large" }, formatPrice(product.priceCents, product.currency)),
      h("p", { class: `stock${stock === 0 ? " stock-out" : ""}` }, stockLabel(product.stock)),
      product.description ? h("p", { class: "description" }, product.description) : null,
      product.category
        ? h("p", null, "Category: ", h("a", { href: hrefFor({ name: "catalog", category: product.category }) }, categoryLabel(product.category)))
        : null,
      form,
      h("p", null, h("a", { href: "/cart" }, "Go to your cart")),
    ),
  );
}

export function productView(ctx: AppContext, sku: string): HTMLElement {
  const heading = pageHeading("Product");
  const body = h("div", null, loading());
  ctx.api.getProduct(sku).then(
    (product) => replaceChildren(body, productDetails(ctx, product, heading)),
    (error) => {
      if (error instanceof ApiError && error.status === 404) {
        heading.textContent = "Product not found";
        replaceChildren(body, h("p", null, "We don't sell a product with that code. ", h("a", { href: "/" }, "Browse all products")));
      } else {
        replaceChildren(body, alertBox(errorMessage(error, "load")));
      }
    },
  );
  return h("div", { class: "product-page" }, h("p", { class: "back" }, h("a", { href: "/" }, "← All products")), heading, body);
}
