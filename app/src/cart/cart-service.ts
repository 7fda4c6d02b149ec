/** Cart use cases: the session store holds the lines, the catalog prices them. */
import type pg from "pg";
import { findProducts } from "../catalog/product-repository";
import type { Catalog } from "../catalog/catalog";
import { notFound } from "../http/errors";
import type { CartLine, SessionStore } from "../session/session-store";
import { assertSameCurrency, priceCart, setLineQuantity, type CartView } from "./cart";

export class CartService {
  constructor(
    private readonly sessions: SessionStore,
    private readonly catalog: Catalog,
    private readonly reader: pg.Pool,
  ) {}

  async view(sessionId: string): Promise<CartView> {
    return this.price((await this.sessions.load(sessionId)).cart);
  }

  async setItem(sessionId: string, sku: string, quantity: number): Promise<CartView> {
    const product = (await this.catalog.getProduct(sku))?.product;
    if (!product) throw notFound(`no product with SKU ${sku}`);
    const updated = await this.sessions.update(sessionId, async (data) => {
      // Checked against the lines this write replaces (it runs again after a conflict): concurrent adds cannot mix currencies.
      if (quantity > 0) assertSameCurrency(data.cart, await findProducts(this.reader, data.cart.map((line) => line.sku)), product);
      return { cart: setLineQuantity(data.cart, sku, quantity) };
    });
    return this.price(updated.cart);
  }

  async removeItem(sessionId: string, sku: string): Promise<CartView> {
    // Removing a line that is not there changes nothing: no write (and no session item for a new visitor).
    const current = await this.sessions.load(sessionId);
    if (!current.cart.some((line) => line.sku === sku)) return this.price(current.cart);
    const updated = await this.sessions.update(sessionId, (data) => ({ cart: setLineQuantity(data.cart, sku, 0) }));
    return this.price(updated.cart);
  }

  private async price(lines: readonly CartLine[]): Promise<CartView> {
    return priceCart(lines, await findProducts(this.reader, lines.map((line) => line.sku)));
  }
}
