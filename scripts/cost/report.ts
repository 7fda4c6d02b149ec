/** The human-readable `npm run cost` report: tables of resource, dimension, quantity, unit price, monthly cost. */
import type { PricedLine } from "../../policy/lib/cost/model";
import type { CostReport } from "./run";

export const usd = (n: number): string => `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const unitPrice = (n: number): string => `$${Number(n.toPrecision(4)).toString()}`;
const qty = (n: number): string => (n >= 100 ? Math.round(n).toLocaleString("en-US") : Number(n.toPrecision(3)).toString());
const rate = (n: number): string => Math.round(n).toLocaleString("en-US");

function table(header: string[], rows: string[][], rightAligned: number[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) =>
    r
      .map((c, i) => (rightAligned.includes(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [fmt(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(fmt)];
}

function lineRows(lines: PricedLine[]): string[][] {
  return lines.map((l) => [l.resource, l.dimension, `${qty(l.quantity)} ${l.unit}`, unitPrice(l.unitPriceUsd), usd(l.monthlyUsd)]);
}

export function formatCostReport(r: CostReport): string {
  const out: string[] = [];
  out.push(
    `Cost: project ${r.project}, stack ${r.stack}, region ${r.region}: ${r.resourceCount} resources (prices: ${r.priceTables.map((t) => `${t.region} read ${t.read.join(", ")}`).join("; ")})`,
  );
  if (r.skippedSecrets.length > 0) out.push(`  note: encrypted config left out (cannot decrypt offline): ${r.skippedSecrets.join(", ")}`);
  const fixed = r.lines.filter((l) => l.kind === "fixed" && l.monthlyUsd > 0).sort((a, b) => b.monthlyUsd - a.monthlyUsd);
  out.push("", `Fixed monthly floor (no traffic): ${usd(r.floorUsd)}`);
  out.push(...table(["resource", "dimension", "quantity", "unit price", "monthly"], lineRows(fixed), [2, 3, 4]));
  const zero = r.lines.filter((l) => l.kind === "fixed" && l.monthlyUsd === 0);
  if (zero.length > 0) out.push(`  and ${zero.length} priced line(s) at $0.00: ${zero.map((l) => `${l.resource} (${l.dimension})`).join("; ")}`);
  const perMillion = [...r.perMillionLines].sort((a, b) => b.monthlyUsd - a.monthlyUsd);
  out.push("", `Variable cost per million requests of the mix (marginal, above the floor's included capacity): ${usd(r.perMillionUsd)}`);
  out.push(...table(["resource", "dimension", "quantity", "unit price", "per million"], lineRows(perMillion), [2, 3, 4]));
  out.push(
    "",
    `At the average load (${rate(r.average.requestsPerSecond)} req/s, ${rate(r.average.requestsPerMonth)} requests/month; ${r.average.basis}): usage lines`,
  );
  const usage = r.lines.filter((l) => l.kind === "usage" && l.monthlyUsd > 0).sort((a, b) => b.monthlyUsd - a.monthlyUsd);
  out.push(...table(["resource", "dimension", "quantity", "unit price", "monthly"], lineRows(usage), [2, 3, 4]));
  out.push("", `Free (${r.free.length}): ${summarizeTypes(r.free.map((f) => f.type))}`);
  if (r.unpriced.length > 0) {
    out.push("", `UNPRICED (${r.unpriced.length}; not in the totals):`);
    for (const u of r.unpriced) out.push(`  ? ${u.type} "${u.resource}": ${u.reason}`);
  }
  if (r.unconfirmedPrices.length > 0) out.push("", `Prices not confirmed when the table was written (see its notes): ${r.unconfirmedPrices.join(", ")}`);
  out.push(
    "",
    `Summary (USD a month):`,
    ...table(
      ["", "requests/s", "requests/month", "usage", "total"],
      [
        ["fixed floor", "0", "0", usd(0), usd(r.floorUsd)],
        ["per million requests", "", "1,000,000", usd(r.perMillionUsd), ""],
        [`average (${r.average.basis})`, rate(r.average.requestsPerSecond), rate(r.average.requestsPerMonth), usd(r.average.usageUsd), usd(r.average.totalUsd)],
        [`peak (${r.peak.basis})`, rate(r.peak.requestsPerSecond), rate(r.peak.requestsPerMonth), usd(r.peak.usageUsd), usd(r.peak.totalUsd)],
      ],
      [1, 2, 3, 4],
    ),
  );
  return out.join("\n");
}

function summarizeTypes(types: string[]): string {
  const counts = new Map<string, number>();
  for (const t of types) counts.set(t, (counts.get(t) ?? 0) + 1);
  return [...counts].map(([t, n]) => `${t.split(":").pop()} x${n}`).join(", ");
}
