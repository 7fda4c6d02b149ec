/**
 * What every view gets: the API client, the cart as last seen, checkout attempts,
 * navigation and announcements. Built once in main.ts.
 */
import type { Cart, Product, ShopApi } from "./api";
import type { CheckoutAttempts } from "./checkout";

export const EMPTY_CART: Cart = { items: [], totalCents: 0, currency: "USD" };

/** Where a cart update came from: this page, or another tab of the same browser. */
export type CartSource = "here" | "elsewhere";

/** What CartStore needs of a BroadcastChannel (absent in old browsers and in unit tests). */
export interface CartChannel {
  postMessage(message: unknown): void;
  onmessage: ((event: MessageEvent) => void) | null;
}

/**
 * The session's cart as the server last returned it; the header badge and the cart pages
 * listen to it. Tabs of the same browser share the session, so every cart the server
 * returns is posted to the others, which take it as theirs (no reload needed).
 */
export class CartStore {
  private cart: Cart | null = null;
  private readonly listeners = new Set<(cart: Cart, source: CartSource) => void>();

  constructor(
    private readonly api: ShopApi,
    private readonly onChange: () => void = () => {},
    private readonly channel: CartChannel | null = null,
  ) {
    if (channel) {
      channel.onmessage = (event) => {
        const cart = (event.data as { cart?: Cart } | null)?.cart;
        if (cart && Array.isArray(cart.items)) {
          this.onChange(); // a pending checkout attempt no longer matches this cart
          this.apply(cart, "elsewhere");
        }
      };
    }
  }

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

  /** Takes a cart the server returned to this page, and tells the other tabs. */
  set(cart: Cart): void {
    this.apply(cart, "here");
    try {
      this.channel?.postMessage({ cart });
    } catch {
      // The other tabs will see it on their next refresh.
    }
  }

  private apply(cart: Cart, source: CartSource): void {
    this.cart = cart;
    for (const listener of this.listeners) listener(cart, source);
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

  /** Calls `listener` on every cart update; returns the function that stops it. */
  subscribe(listener: (cart: Cart, source: CartSource) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** A product list's loaded pages, kept per URL so Back shows the same cards. */
export interface ListState {
  items: Product[];
  cursor: string | null;
}

export interface AppContext {
  api: ShopApi;
  cart: CartStore;
  checkout: CheckoutAttempts;
  /** Goes to a page of this app (history API). */
  navigate(href: string, options?: { replace?: boolean }): void;
  /** Shows a short message in the toast (also read by screen readers). */
  notify(text: string, tone?: "info" | "error"): void;
  /** Categories learned from the catalog, fetched once per browser session. */
  categories(): Promise<string[]>;
  /** The categories if already learned in this session (drawn at once, no request). */
  knownCategories(): string[] | null;
  /** Loaded list pages by URL; kept for Back/Forward, forgotten when a link opens the URL anew. */
  listMemory: Map<string, ListState>;
  /** Calls `listener` on cart updates while `view` is in the page (pages drawn from the cart use it). */
  onCartUpdate(view: Element, listener: (cart: Cart, source: CartSource) => void): void;
}
