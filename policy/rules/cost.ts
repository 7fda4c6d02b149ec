/** Cost: the stack's fixed monthly floor (what it costs with no traffic) against a configured ceiling. */
import type { PolicyResource } from "@pulumi/policy";
import { costAt, estimate, type CostResource } from "../lib/cost/model";
import { BUILTIN_PRICE_TABLES } from "../lib/cost/price-table";
import { stackPolicy } from "../lib/define";
import { known } from "../lib/stack";

interface FloorConfig {
  maxMonthlyFloorUsd?: number;
}

/** A plain copy of a resource's properties; values unknown during preview become undefined. */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return Array.from({ length: value.length }, (_, i) => plain(known(() => value[i])));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value)) out[k] = plain(known(() => (value as Record<string, unknown>)[k]));
    return out;
  }
  return value;
}

function costResource(r: PolicyResource): CostResource {
  return {
    urn: r.urn,
    type: r.type,
    name: r.name,
    custom: r.type !== "pulumi:pulumi:Stack",
    props: (plain(known(() => r.props)) ?? {}) as Record<string, unknown>,
  };
}

/** The stack's region: its AWS provider's, the way the engine resolves a resource's region. */
function stackRegion(resources: readonly PolicyResource[]): string | undefined {
  for (const r of resources) {
    const region = known(() => r.provider?.props?.region);
    if (r.type.startsWith("aws:") && typeof region === "string") return region;
  }
  return undefined;
}

const usd = (n: number) => `$${n.toFixed(2)}`;

export const costFixedFloor = stackPolicy({
  name: "cost-fixed-floor",
  description:
    "The stack's fixed monthly floor (hours, minimum capacity, keys, secrets, alarms, assumed storage: what it costs with no traffic, priced as `npm run cost` does) must stay within the configured maxMonthlyFloorUsd.",
  enforcementLevel: "advisory",
  config: {
    maxMonthlyFloorUsd: { type: "number", exclusiveMinimum: 0, description: "Ceiling for the fixed monthly floor, in USD; unset: no check." },
  },
  validateStack: (args, report) => {
    const ceiling = args.getConfig<FloorConfig>().maxMonthlyFloorUsd;
    if (ceiling === undefined) return args.notApplicable("no maxMonthlyFloorUsd configured");
    const region = stackRegion(args.resources);
    if (!region || !BUILTIN_PRICE_TABLES[region]) return args.notApplicable(`no built-in price table for region ${region ?? "(unknown)"}`);
    const e = estimate({ resources: args.resources.map(costResource), region });
    const floor = costAt(e, BUILTIN_PRICE_TABLES, 0);
    if (floor.fixedUsd <= ceiling) return;
    const byResource = new Map<string, number>();
    for (const l of floor.lines) byResource.set(l.resource, (byResource.get(l.resource) ?? 0) + l.monthlyUsd);
    const top = [...byResource]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 4)
      .map(([name, v]) => `${name} ${usd(v)}`)
      .join(", ");
    report(
      `the fixed monthly floor is ${usd(floor.fixedUsd)} (${region} list prices), above the ceiling of ${usd(ceiling)}; the largest: ${top}. ` +
        "Run `npm run cost` for every line; fewer NAT gateways, Aurora readers or minimum ACUs lower it, or raise maxMonthlyFloorUsd.",
    );
  },
});

export const costPolicies = [costFixedFloor];
