/** A product in a list: picture, name, price, stock and "Add to cart". */
import type { Product } from "../api";
import { productArtUrl } from "../art";
import type { AppContext } from "../context";
import { h } from "../dom";
import { errorMessage, nextQuantity, stockLabel } from "../messages";
import { formatPrice } from "../money";
import { hrefFor } from "../router";

/** Cards in the first row at the widest layout: their pictures load at once (they are the largest paint). */
const EAGER_IMAGES = 6;

export function productCard(ctx: AppContext, product: Product, index = EAGER_IMAGES): HTMLLIElement {
  const href = hrefFor({ name: "product", sku: product.sku });
  const label = product.stock > 0 ? "Add to cart" : "Sold out";
  // The accessible name says which product, and starts with the visible label (WCAG "label in name").
  const addButton = h("button", { type: "button", class: "button", disabled: product.stock <= 0, "aria-label": `${label}: ${product.name}` }, label);
  addButton.addEventListener("click", async () => {
    // aria-disabled instead of disabled while it runs: a disabled button loses keyboard focus.
    if (addButton.getAttribute("aria-disabled") === "true") return;
    const quantity = nextQuantity(ctx.cart.quantityOf(product.sku), 1);
    if (quantity > product.stock) {
      ctx.notify(`Only ${product.stock} of ${product.name} left, and they are all in your cart.`, "error");
      return;
    }
    addButton.setAttribute("aria-disabled", "true");
    try {
      const cart = await ctx.api.setCartQuantity(product.sku, quantity);
      ctx.cart.changed(cart);
      ctx.notify(`Added ${product.name} to your cart.`);
    } catch (error) {
      ctx.notify(errorMessage(error, "cart"), "error");
    } finally {
      addButton.removeAttribute("aria-disabled");
    }
  });
  return h(
    "li",
    { class: "product-card", "data-sku": product.sku },
    // The name follows as the link text, so the picture is decorative here.
    h("img", { src: productArtUrl(product.sku, product.name), alt: "", width: 320, height: 240, loading: index < EAGER_IMAGES ? null : "lazy" }),
    h("h2", { class: "product-name" }, h("a", { href }, product.name)),
    h("p", { class: "price" }, formatPrice(product.priceCents, product.currency)),
    h("p", { class: `stock${product.stock <= 0 ? " stock-out" : ""}` }, stockLabel(product.stock)),
    addButton,
  );
}
