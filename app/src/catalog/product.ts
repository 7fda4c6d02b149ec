/**
 * The Product shape of the contract and the patterns its fields follow (shared
 * by routes and seed). The zod schemas built on them live in
 * http/request-schemas.ts, loaded on first use.
 */
export interface Product {
  sku: string;
  name: string;
  description: string;
  category: string;
  priceCents: number;
  currency: string;
  stock: number;
}

export const SKU_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
export const CATEGORY_PATTERN = /^[a-z0-9-]{1,40}$/;

/** A product with its version: the row's counter, bumped by every change (stock included). */
export interface VersionedProduct {
  product: Product;
  version: string;
}

/** The strong ETag of a product version (a quoted string, RFC 9110 8.8.3). */
export function etagOf(version: string): string {
  return `"${version}"`;
}

/** Highest stock a product may hold (PUT and PATCH alike). */
export const MAX_STOCK = 1_000_000;

/** Validated bodies of PUT (defaults applied) and PATCH /api/admin/products/{sku}. */
export type { ProductInput, ProductPatch } from "../http/request-schemas";
