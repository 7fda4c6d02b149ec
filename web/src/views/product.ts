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
  const max = maxOrderable(product.stock);
  const quantity = h("input", { id: "quantity", name: "quantity", type: "number", inputmode: "numeric", min: 1, max: Math.max(1, max), step: 1, value: 1, required: true, disabled: max === 0 });
  const quantityError = h("p", { id: "quantity-error", class: "field-error", hidden: true });
  const submit = h("button", { type: "submit", class: "button", disabled: max === 0 }, max === 0 ? "Sold out" : "Add to cart");
  const form = h(
    "form",
    { class: "add-form", novalidate: true },
    h("label", { for: "quantity" }, "Quantity"),
    quantity,
    quantityError,
    submit,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const wanted = Number(quantity.value);
    if (!Number.isInteger(wanted) || wanted < 1 || wanted > max) {
      quantityError.textContent = `Enter a whole number from 1 to ${max}.`;
      quantityError.hidden = false;
      quantity.setAttribute("aria-invalid", "true");
      quantity.setAttribute("aria-describedby", "quantity-error");
      quantity.focus();
      return;
    }
    quantityError.hidden = true;
    quantity.removeAttribute("aria-invalid");
    submit.disabled = true;
    try {
      const cart = await ctx.api.setCartQuantity(product.sku, nextQuantity(ctx.cart.quantityOf(product.sku), wanted));
      ctx.cart.changed(cart);
      ctx.notify(`Added ${wanted} × ${product.name} to your cart.`);
    } catch (error) {
      ctx.notify(errorMessage(error, "cart"), "error");
    } finally {
      submit.disabled = false;
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
      h("p", { class: `stock${max === 0 ? " stock-out" : ""}` }, stockLabel(product.stock)),
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
