/** "/orders/:id" - the confirmation, read back from GET /api/orders/{id}. */
import { ApiError } from "../api";
import type { AppContext } from "../context";
import { h, replaceChildren } from "../dom";
import { errorMessage, formatDateTime } from "../messages";
import { alertBox, loading, orderSummary, pageHeading } from "./shared";

export function orderView(ctx: AppContext, id: string): HTMLElement {
  const heading = pageHeading("Your order");
  const body = h("div", null, loading("Loading your order…"));
  ctx.api.getOrder(id).then(
    (order) => {
      const confirmed = order.status === "confirmed";
      heading.textContent = confirmed ? "Thank you! Your order is confirmed" : `Order ${order.status}`;
      if (heading.isConnected) document.title = `Order ${order.id} · Demo Shop`;
      replaceChildren(
        body,
        h(
          "dl",
          { class: "order-facts" },
          h("dt", null, "Order number"),
          h("dd", { "data-testid": "order-id" }, order.id),
          h("dt", null, "Status"),
          h("dd", null, order.status),
          h("dt", null, "E-mail"),
          h("dd", null, order.email),
          h("dt", null, "Placed"),
          h("dd", null, h("time", { datetime: order.createdAt }, formatDateTime(order.createdAt))),
        ),
        orderSummary(order.items, order.totalCents, order.currency),
        h("p", null, h("a", { href: "/", class: "button" }, "Continue shopping")),
      );
    },
    (error) => {
      if (error instanceof ApiError && error.status === 404) {
        heading.textContent = "Order not found";
        replaceChildren(body, h("p", null, "An order can only be seen in the browser that placed it. ", h("a", { href: "/" }, "Back to the shop")));
      } else {
        replaceChildren(body, alertBox(errorMessage(error, "load")));
      }
    },
  );
  return h("div", { class: "order-page" }, heading, body);
}
