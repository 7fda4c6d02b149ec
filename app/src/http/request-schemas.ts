/**
 * The zod schemas of request input (query strings, headers, JSON bodies).
 *
 * Loaded on first use (`requestSchemas()` in app.ts), not at cold start:
 * evaluating zod and building these schemas costs a cold start several
 * milliseconds, and the requests a cold container most often answers first -
 * catalog reads by SKU, the cart, health - validate nothing with zod.
 */
import * as z from "zod";
import { isCurrencyCode } from "../catalog/currencies";
import { CATEGORY_PATTERN, MAX_STOCK, SKU_PATTERN } from "../catalog/product";

export const skuSchema = z.string().regex(SKU_PATTERN, "SKU must be 1..64 characters of A-Z a-z 0-9 . _ -");
export const categorySchema = z.string().regex(CATEGORY_PATTERN, "category must be 1..40 characters of a-z 0-9 -");
export const currencySchema = z.string().refine(isCurrencyCode, "must be a current ISO 4217 currency code such as USD");

/**
 * Stored text: PostgreSQL text cannot hold NUL, and a lone UTF-16 surrogate
 * (valid in a JSON string escape) would be stored as U+FFFD - a silent change.
 * Both are refused as client errors rather than failed or altered on insert.
 */
/** With the u flag a surrogate pair is one code point: only a lone half matches. */
const LONE_SURROGATE = /\p{Cs}/u;

const storableText = () =>
  z
    .string()
    .refine((value) => !value.includes("\u0000"), "must not contain NUL characters")
    .refine((value) => !LONE_SURROGATE.test(value), "must be well-formed Unicode (no lone surrogates)");

const productName = () => storableText().trim().min(1).max(200);
const priceCents = () => z.number().int().min(0).max(100_000_000);
const description = () => storableText().max(2000);

/** Body of PUT /api/admin/products/{sku}. */
export const productInputSchema = z.strictObject({
  name: productName(),
  priceCents: priceCents(),
  currency: currencySchema.default("USD"),
  category: categorySchema.default("general"),
  stock: z.number().int().min(0).max(MAX_STOCK),
  description: description().default(""),
});

export type ProductInput = z.infer<typeof productInputSchema>;

/**
 * Body of PATCH /api/admin/products/{sku}: a non-empty subset of the fields.
 * `stock` itself is refused (a stale absolute value is how updates get lost);
 * `stockDelta` adjusts it atomically.
 */
export const productPatchSchema = z
  .strictObject({
    name: productName().optional(),
    priceCents: priceCents().optional(),
    currency: currencySchema.optional(),
    category: categorySchema.optional(),
    description: description().optional(),
    stockDelta: z.number().int().min(-MAX_STOCK).max(MAX_STOCK).optional(),
    stock: z.never({ error: "is not accepted by PATCH; send stockDelta (a change, applied atomically) or PUT the whole product" }).optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, "give at least one of name, priceCents, currency, category, description, stockDelta");

export type ProductPatch = z.infer<typeof productPatchSchema>;

/** Query of GET /api/products. */
export const listQuerySchema = z.object({
  limit: z
    .string()
    .regex(/^\d{1,3}$/, "must be an integer 1..100")
    .transform(Number)
    .pipe(z.number().int().min(1, "must be an integer 1..100").max(100, "must be an integer 1..100"))
    .default(20),
  cursor: z.string().min(1).max(200).optional(),
  category: categorySchema.optional(),
  q: storableText().min(1, "must be 1..100 characters").max(100, "must be 1..100 characters").optional(),
});

/** Body of PUT /api/cart/items/{sku}. */
export const cartItemBodySchema = z.strictObject({ quantity: z.number().int().min(0).max(99) });

/** Body of POST /api/orders. */
export const orderBodySchema = z.strictObject({
  email: z.email().max(254),
  /** The total the shopper confirmed; checkout refuses (409 cart_changed) when the total under lock differs. */
  expectedTotalCents: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
});

/**
 * The Idempotency-Key header of POST /api/orders: 1..128 printable ASCII
 * characters, not blank (the IETF Idempotency-Key draft makes it a structured
 * string, which is printable ASCII; a header carrying other bytes has no one
 * agreed text).
 */
export const idempotencyKeySchema = z
  .string()
  // abort: one reason per bad key (a missing key is not also "not printable" and "blank").
  .min(1, { error: "is required (1..128 characters)", abort: true })
  .max(128, { error: "must be at most 128 characters", abort: true })
  .regex(/^[\x20-\x7e]+$/, { error: "must be printable ASCII characters", abort: true })
  .refine((key) => key.trim() !== "", "must not be blank");
