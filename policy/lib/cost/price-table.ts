/**
 * AWS list prices the cost model reads, one table per region, each price with the page it
 * comes from and the date it was read. The tables are JSON so `npm run cost -- --prices FILE`
 * can take a newer one in the same format.
 */
import euWest1 from "./prices/eu-west-1.json";
import usEast1 from "./prices/us-east-1.json";

export interface Price {
  usd: number;
  unit: string;
  description: string;
  /** The AWS pricing page the figure is from. */
  source: string;
  /** When the figure was read (YYYY-MM-DD). */
  read: string;
  /** Whether a page found when the table was written states this figure; `note` says what is uncertain. */
  confirmed: boolean;
  note?: string;
}

export interface PriceTable {
  region: string;
  currency: "USD";
  /** Hours in a billing month (AWS's calculators use 730). */
  hoursPerMonth: number;
  prices: Record<string, Price>;
}

/** Every price id the model uses: a table must have them all. */
export const PRICE_IDS = Object.keys(usEast1.prices);

export const BUILTIN_PRICE_TABLES: Readonly<Record<string, PriceTable>> = {
  "us-east-1": usEast1 as PriceTable,
  "eu-west-1": euWest1 as PriceTable,
};

/** Price tables by region; a resource in a region with no table is listed as unpriced. */
export type PriceBook = Readonly<Record<string, PriceTable>>;
