/**
 * What the shopper reads when something goes wrong, and small display rules.
 * Pure functions, so every message the page can show is tested.
 */
import { ApiError, NetworkError } from "./api";

/** Largest quantity the contract accepts on a cart line. */
export const MAX_LINE_QUANTITY = 99;

/** Categories are stored lowercase ("coffee"); shown capitalised ("Coffee"). */
export function categoryLabel(category: string): string {
  return category.charAt(0).toLocaleUpperCase() + category.slice(1);
}

export function stockLabel(stock: number): string {
  if (stock <= 0) return "Out of stock";
  if (stock <= 5) return `Only ${stock} left`;
  return "In stock";
}

/**
 * The note under a cart or summary line: what the stock cannot cover ("Only 1 left - you
 * asked for 3"), or that little is left ("Only 3 left"); null when there is plenty.
 */
export function stockNote(stock: number, quantity: number): string | null {
  if (quantity > stock) return stock <= 0 ? "Out of stock" : `Only ${stock} left - you asked for ${quantity}`;
  if (stock <= 5) return `Only ${stock} left`;
  return null;
}

/** The most a shopper can put on one line: what is in stock, at most 99. */
export function maxOrderable(stock: number): number {
  return Math.max(0, Math.min(MAX_LINE_QUANTITY, stock));
}

/** Quantity after adding `adding` to what the cart holds, capped at the contract's 99. */
export function nextQuantity(inCart: number, adding: number): number {
  return Math.min(MAX_LINE_QUANTITY, inCart + adding);
}

export type Situation = "checkout" | "cart" | "load";

/** A sentence for the shopper, never a stack trace or a bare status code. */
export function errorMessage(error: unknown, situation: Situation): string {
  if (error instanceof NetworkError) {
    return situation === "checkout"
      ? "We could not reach the shop, so we don't know yet whether your order went through. Try again: it is safe, your order will not be placed twice."
      : "We could not reach the shop. Check your connection and try again.";
  }
  if (error instanceof ApiError) {
    switch (error.code) {
      case "insufficient_stock":
        return "Sorry, we don't have enough stock for everything in your cart. Nothing was charged and your cart is unchanged: lower the quantities or remove an item, then try again.";
      case "cart_changed":
        return "Your cart changed before the order was placed (a price or a quantity), so nothing was charged. Here is your cart as it is now.";
      case "cart_empty":
        return "Your cart is empty. Add a product before checking out.";
      case "idempotency_in_progress":
        return "Your order is still being placed. Wait a moment, then try again.";
      case "idempotency_key_reused":
        return "Your cart changed while the order was being placed. Check your cart and place the order again.";
      case "unavailable":
        return `The shop is busy right now. Try again${error.retryAfterSeconds ? ` in ${error.retryAfterSeconds} seconds` : " in a moment"}.`;
      case "not_found":
        return situation === "cart" ? "That product is no longer sold." : "We could not find that.";
      case "validation_failed":
      case "bad_request":
        return `Please check what you entered: ${error.message}`;
      case "payload_too_large":
        return "That request was too large.";
      default:
        return error.status >= 500 ? "Something went wrong on our side. Try again in a moment." : error.message;
    }
  }
  return "Something went wrong. Try again.";
}

/** Formats an ISO timestamp for the confirmation page; falls back to the raw text. */
export function formatDateTime(iso: string, locale?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }).format(date);
}
