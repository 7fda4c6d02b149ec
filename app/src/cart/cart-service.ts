/**
 * Cart use cases: the session store holds the lines, the catalog prices them.
 * Round trips: a write is one session read, one product read (every SKU the
 * answer and the currency rule need) and one conditional session write.
 */
import type pg from "pg";
import { findProducts } from "../catalog/product-repository";
import type { Catalog } from "../catalog/catalog";
import type { Product } from "../catalog/product";
import { notFound } from "../http/errors";
import type { CartLine, SessionStore } from "../session/session-store";
import { assertSameCurrency, priceCart, setLineQuantity, type CartView } from "./cart";

const noSuchProduct = (sku: string) => notFound(`no product with SKU ${sku}`);

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
    // A SKU this container just found missing: 404 without a round trip.
    if (this.catalog.knownMissing(sku)) throw noSuchProduct(sku);
    let products: ReadonlyMap<string, Product> = new Map();
    const updated = await this.sessions.update(sessionId, async (data) => {
      // Read with the lines this write replaces (it runs again after a conflict): concurrent adds cannot mix currencies,
      // and the answer is priced from the same read.
      products = await findProducts(this.reader, [...new Set([...data.cart.map((line) => line.sku), sku])]);
      const product = products.get(sku);
      if (!product) throw noSuchProduct(sku);
      if (quantity > 0) assertSameCurrency(data.cart, products, product);
      return { cart: setLineQuantity(data.cart, sku, quantity) };
    });
    return priceCart(updated.cart, products);
  }

  async removeItem(sessionId: string, sku: string): Promise<CartView> {
    // Removing a line that is not there changes nothing: no write (and no session item for a new visitor).
    const current = await this.sessions.snapshot(sessionId);
    if (!current.data.cart.some((line) => line.sku === sku)) return this.price(current.data.cart);
    const updated = await this.sessions.update(sessionId, (data) => ({ cart: setLineQuantity(data.cart, sku, 0) }), current);
    return this.price(updated.cart);
  }

  private async price(lines: readonly CartLine[]): Promise<CartView> {
    return priceCart(
      lines,
      await findProducts(
        this.reader,
        lines.map((line) => line.sku),
      ),
    );
  }
}
