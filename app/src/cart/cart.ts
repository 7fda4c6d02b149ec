/** Cart rules: pure functions over the session's cart lines and the current product prices. */
import type { Product } from "../catalog/product";
import { validationFailed } from "../http/errors";
import type { CartLine } from "../session/session-store";

export interface CartLineView {
  sku: string;
  name: string;
  quantity: number;
  priceCents: number;
  lineTotalCents: number;
}

export interface CartView {
  items: CartLineView[];
  totalCents: number;
  currency: string;
}

export const DEFAULT_CURRENCY = "USD";
export const MAX_CART_LINES = 50;

/** Sets a line's quantity (0 removes it), keeping the order lines were first added in. */
export function setLineQuantity(lines: readonly CartLine[], sku: string, quantity: number): CartLine[] {
  if (quantity === 0) return lines.filter((line) => line.sku !== sku);
  if (lines.some((line) => line.sku === sku)) {
    return lines.map((line) => (line.sku === sku ? { sku, quantity } : line));
  }
  if (lines.length >= MAX_CART_LINES) throw validationFailed(`a cart holds at most ${MAX_CART_LINES} different products`);
  return [...lines, { sku, quantity }];
}

/** A cart is priced in one currency: refuses a product priced in another. */
export function assertSameCurrency(lines: readonly CartLine[], products: ReadonlyMap<string, Product>, adding: Product): void {
  for (const line of lines) {
    const other = products.get(line.sku);
    if (other && line.sku !== adding.sku && other.currency !== adding.currency) {
      throw validationFailed(`the cart holds ${other.currency} items; ${adding.sku} is priced in ${adding.currency}`);
    }
  }
}

/** The cart as clients see it, at current prices; lines whose product no longer exists are left out. */
export function priceCart(lines: readonly CartLine[], products: ReadonlyMap<string, Product>): CartView {
  const items: CartLineView[] = [];
  let currency: string | undefined;
  for (const line of lines) {
    const product = products.get(line.sku);
    if (!product) continue;
    currency ??= product.currency;
    items.push({
      sku: line.sku,
      name: product.name,
      quantity: line.quantity,
      priceCents: product.priceCents,
      lineTotalCents: product.priceCents * line.quantity,
    });
  }
  return { items, totalCents: items.reduce((sum, item) => sum + item.lineTotalCents, 0), currency: currency ?? DEFAULT_CURRENCY };
}
