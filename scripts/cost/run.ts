/** `npm run cost` end to end: run the program under the preflight's mocks, then price what it registered. */
import type { CostAssumptions } from "../../policy/lib/cost/assumptions";
import {
  costAt,
  costAtPeak,
  estimate,
  perMillionRequests,
  type CostResource,
  type Costing,
  type Estimate,
  type PricedLine,
  type Unpriced,
} from "../../policy/lib/cost/model";
import { BUILTIN_PRICE_TABLES, type PriceBook, type PriceTable } from "../../policy/lib/cost/price-table";
import { runProgram, type ProgramOptions, type RecordedResource } from "../preflight/program";
import { statedPeak } from "./stated-peak";

export interface CostOptions extends ProgramOptions {
  requestsPerMonth?: number;
  assumptions?: Partial<CostAssumptions>;
  /** Tables replacing the built-in ones for their regions. */
  priceTables?: PriceTable[];
}

export interface LoadCost {
  requestsPerSecond: number;
  requestsPerMonth: number;
  totalUsd: number;
  usageUsd: number;
}

export interface CostReport {
  project: string;
  stack: string;
  region: string;
  resourceCount: number;
  floorUsd: number;
  perMillionUsd: number;
  perMillionLines: PricedLine[];
  /** At the peak the program states (`stated`), else at one derived from its concurrency and throttles. */
  peak: LoadCost & { basis: string; stated: boolean };
  average: LoadCost & { basis: string };
  /** Every priced line at the average load (fixed lines are the floor). */
  lines: PricedLine[];
  free: Unpriced[];
  unpriced: Unpriced[];
  /** Prices the report used that no page confirmed when the table was written. */
  unconfirmedPrices: string[];
  priceTables: { region: string; read: string[] }[];
  /** The request mix and the other stated figures the report used (docs/cost.md). */
  assumptions: CostAssumptions;
  skippedSecrets: string[];
}

/** What the model sees of a recorded resource: its inputs as the program gave them. */
export function costResource(r: RecordedResource): CostResource {
  return { urn: r.urn, type: r.type, name: r.name, custom: r.custom, props: r.inputs };
}

function loadCost(c: Costing, hours: number): LoadCost {
  return { requestsPerSecond: c.requestsPerMonth / (hours * 3600), requestsPerMonth: c.requestsPerMonth, totalUsd: c.totalUsd, usageUsd: c.usageUsd };
}

/** Prices an estimate: floor, per million, peak and average. */
export function priceEstimate(
  e: Estimate,
  prices: PriceBook,
  requestsPerMonth?: number,
): Omit<CostReport, "project" | "stack" | "resourceCount" | "skippedSecrets"> {
  const hours = e.hoursPerMonth;
  const peak = costAtPeak(e, prices);
  const averageRequests = requestsPerMonth ?? peak.requestsPerMonth * e.assumptions.averageShareOfPeak;
  const floor = costAt(e, prices, 0);
  const average = costAt(e, prices, averageRequests);
  const perMillion = perMillionRequests(e, prices);
  const used = new Set([...average.lines.map((l) => `${l.priceId}`)]);
  const regions = new Set([...e.fixed, ...e.usage].map((l) => l.region));
  const unconfirmedPrices = [...used].filter((id) => [...regions].some((r) => prices[r]?.prices[id]?.confirmed === false)).sort();
  const seen = new Map<string, Unpriced>();
  for (const u of [...e.unpriced, ...average.unpriced, ...peak.unpriced]) seen.set(`${u.urn} ${u.reason}`, u);
  return {
    region: e.region,
    floorUsd: floor.fixedUsd,
    perMillionUsd: perMillion.totalUsd,
    perMillionLines: perMillion.lines,
    peak: { ...loadCost(peak, hours), basis: e.peak.basis, stated: e.peak.stated },
    average: {
      ...loadCost(average, hours),
      basis:
        requestsPerMonth !== undefined
          ? "--requests-per-month"
          : `${e.assumptions.averageShareOfPeak * 100}% of the ${e.peak.stated ? "stated " : ""}peak, all month`,
    },
    lines: average.lines,
    free: e.free,
    unpriced: [...seen.values()],
    unconfirmedPrices,
    assumptions: e.assumptions,
    priceTables: [...regions].sort().map((r) => ({ region: r, read: [...new Set(Object.values(prices[r]?.prices ?? {}).map((p) => p.read))].sort() })),
  };
}

export function priceBook(overrides: readonly PriceTable[] = []): PriceBook {
  const book: Record<string, PriceTable> = { ...BUILTIN_PRICE_TABLES };
  for (const t of overrides) book[t.region] = t;
  return book;
}

export async function cost(opts: CostOptions): Promise<CostReport> {
  const run = await runProgram(opts);
  const prices = priceBook(opts.priceTables);
  if (!prices[run.environment.region]) {
    throw new Error(
      `no price table for region ${run.environment.region} (built in: ${Object.keys(BUILTIN_PRICE_TABLES).join(", ")}); pass --prices FILE with one`,
    );
  }
  const e = estimate({
    resources: run.resources.map(costResource),
    region: run.environment.region,
    hoursPerMonth: prices[run.environment.region]!.hoursPerMonth,
    assumptions: opts.assumptions,
    statedPeak: statedPeak(run.resources),
  });
  return {
    project: run.project,
    stack: run.stack,
    resourceCount: run.resources.length,
    skippedSecrets: run.skippedSecrets,
    ...priceEstimate(e, prices, opts.requestsPerMonth),
  };
}
