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
export const CURRENCY_PATTERN = /^[A-Z]{3}$/;

/** A validated body of PUT /api/admin/products/{sku} (defaults applied). */
export type { ProductInput } from "../http/request-schemas";
