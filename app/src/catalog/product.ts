/** The Product shape of the contract and its validation rules (shared by routes and seed). */
import * as z from "zod";

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
export const skuSchema = z.string().regex(SKU_PATTERN, "SKU must be 1..64 characters of A-Z a-z 0-9 . _ -");
export const categorySchema = z.string().regex(/^[a-z0-9-]{1,40}$/, "category must be 1..40 characters of a-z 0-9 -");
export const currencySchema = z.string().regex(/^[A-Z]{3}$/, "currency must be an ISO 4217 code such as USD");

/** PostgreSQL text cannot hold NUL: refuse it as a client error rather than fail on insert. */
const hasNoNul = (value: string) => !value.includes("\u0000");

/** Body of PUT /api/admin/products/{sku}. */
export const productInputSchema = z.strictObject({
  name: z.string().trim().min(1).max(200).refine(hasNoNul, "must not contain NUL characters"),
  priceCents: z.number().int().min(0).max(100_000_000),
  currency: currencySchema.default("USD"),
  category: categorySchema.default("general"),
  stock: z.number().int().min(0).max(1_000_000),
  description: z.string().max(2000).refine(hasNoNul, "must not contain NUL characters").default(""),
});

export type ProductInput = z.infer<typeof productInputSchema>;
