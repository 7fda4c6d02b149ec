/** Pieces several pages use: headings, the read-only order summary, error boxes. */
import type { CartLine } from "../api";
import { h } from "../dom";
import { formatPrice } from "../money";
import { hrefFor } from "../router";

/** The page's h1; focusable so the router can move focus to it on navigation. */
export function pageHeading(text: string): HTMLHeadingElement {
  return h("h1", { tabindex: -1 }, text);
}

/** A message that screen readers announce at once; focus it to bring it into view. */
export function alertBox(message: string, ...extra: (Node | string)[]): HTMLDivElement {
  return h("div", { class: "alert", role: "alert", tabindex: -1 }, h("p", null, message), ...extra);
}

export function loading(text = "Loading…"): HTMLParagraphElement {
  return h("p", { class: "loading", role: "status" }, text);
}

/** Read-only lines with a total, for checkout and the order confirmation. */
export function orderSummary(lines: CartLine[], totalCents: number, currency: string, notes: Map<string, string> = new Map()): HTMLElement {
  return h(
    "section",
    { class: "summary", "aria-label": "Order summary" },
    h(
      "ul",
      { class: "summary-lines" },
      lines.map((line) =>
        h(
          "li",
          { class: "summary-line", "data-sku": line.sku },
          h("a", { href: hrefFor({ name: "product", sku: line.sku }) }, line.name),
          h("span", { class: "summary-qty" }, `× ${line.quantity}`),
          h("span", { class: "summary-amount" }, formatPrice(line.lineTotalCents, currency)),
          notes.has(line.sku) ? h("p", { class: "line-note" }, notes.get(line.sku)!) : null,
        ),
      ),
    ),
    h("p", { class: "summary-total" }, h("span", null, "Total"), h("strong", { "data-testid": "total" }, formatPrice(totalCents, currency))),
  );
}
