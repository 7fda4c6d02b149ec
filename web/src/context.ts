/**
 * What every view gets: the API client, the cart as last seen, checkout attempts,
 * navigation and announcements. Built once in main.ts.
 */
import type { Cart, ShopApi } from "./api";
import type { CheckoutAttempts } from "./checkout";

export const EMPTY_CART: Cart = { items: [], totalCents: 0, currency: "USD" };

/** The session's cart as the server last returned it; the header badge listens to it. */
export class CartStore {
  private cart: Cart | null = null;
  private readonly listeners = new Set<(cart: Cart) => void>();

  constructor(private readonly api: ShopApi, private readonly onChange: () => void = () => {}) {}

  get current(): Cart | null {
    return this.cart;
  }

  /** Number of units in the cart (for the header badge). */
  get count(): number {
    return (this.cart?.items ?? []).reduce((sum, line) => sum + line.quantity, 0);
  }

  quantityOf(sku: string): number {
    return this.cart?.items.find((line) => line.sku === sku)?.quantity ?? 0;
  }

  set(cart: Cart): void {
    this.cart = cart;
    for (const listener of this.listeners) listener(cart);
  }

  /** Records a cart the shopper changed: a pending checkout attempt no longer matches it. */
  changed(cart: Cart): void {
    this.onChange();
    this.set(cart);
  }

  async refresh(): Promise<Cart> {
    const cart = await this.api.getCart();
    this.set(cart);
    return cart;
  }

  subscribe(listener: (cart: Cart) => void): void {
    this.listeners.add(listener);
  }
}

export interface AppContext {
  api: ShopApi;
  cart: CartStore;
  checkout: CheckoutAttempts;
  /** Goes to a page of this app (history API). */
  navigate(href: string, options?: { replace?: boolean }): void;
  /** Shows a short message in the toast (also read by screen readers). */
  notify(text: string, tone?: "info" | "error"): void;
  /** Categories learned from the catalog, fetched once per page load. */
  categories(): Promise<string[]>;
}
