/** Reads a price table file (`--prices FILE`): the format of policy/lib/cost/prices/*.json, checked with zod. */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { PRICE_IDS, type PriceTable } from "../../policy/lib/cost/price-table";

const priceSchema = z.strictObject({
  usd: z.number().nonnegative(),
  unit: z.string().min(1),
  description: z.string().min(1),
  source: z.string().regex(/^https:\/\/aws\.amazon\.com\/[a-z0-9/-]+\/pricing\/[a-z0-9/-]*$/, "must be an https://aws.amazon.com/<service>/pricing/ page"),
  read: z.iso.date("must be the date the price was read, YYYY-MM-DD"),
  confirmed: z.boolean(),
  note: z.string().optional(),
});

export const priceTableSchema = z.strictObject({
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "must be an AWS region such as us-east-1"),
  currency: z.literal("USD"),
  hoursPerMonth: z.number().positive(),
  prices: z.record(z.string(), priceSchema),
});

/** Validates a parsed table; throws naming every bad or missing entry. */
export function parsePriceTable(data: unknown, origin: string): PriceTable {
  const result = priceTableSchema.safeParse(data);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  - ${i.path.map(String).join(".") || "(root)"}: ${i.message}`);
    throw new Error(`price table ${origin} is invalid:\n${problems.join("\n")}`);
  }
  const missing = PRICE_IDS.filter((id) => !(id in result.data.prices));
  if (missing.length > 0) throw new Error(`price table ${origin} lacks prices the model uses: ${missing.map((id) => `prices.${id}`).join(", ")}`);
  return result.data as PriceTable;
}

export function readPriceTable(file: string): PriceTable {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`cannot read price table ${file}: ${(e as Error).message}`, { cause: e });
  }
  return parsePriceTable(data, file);
}
