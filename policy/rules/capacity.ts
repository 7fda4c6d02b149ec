/** Capacity: can the API function's concurrency serve what the API's throttle admits? (Little's law.) */
import type { PolicyResource } from "@pulumi/policy";
import { capacityVersusThrottle } from "../lib/capacity";
import { stackPolicy } from "../lib/define";
import { LAMBDA_MIN_UNRESERVED_CONCURRENCY } from "../lib/limits";
import { label, ofType, refersTo } from "../lib/stack";
import { ACCOUNT_THROTTLE } from "./apigateway";

export const DEFAULT_EXPECTED_DURATION_MS = 100;
/** Lambda's default concurrency quota per account and region, shared by unreserved functions. */
export const DEFAULT_ACCOUNT_CONCURRENCY = 1000;

interface CapacityConfig {
  expectedDurationMs?: number;
  accountConcurrency?: number;
}

function apiThrottle(resources: readonly PolicyResource[]): { rate: number; source: string } | undefined {
  const candidates: { rate: number; source: string }[] = [];
  for (const u of ofType(resources, "aws:apigateway/usagePlan:UsagePlan")) {
    const r = u.props.throttleSettings?.rateLimit;
    if (typeof r === "number") candidates.push({ rate: r, source: `${label(u)} throttle` });
  }
  for (const m of ofType(resources, "aws:apigateway/methodSettings:MethodSettings")) {
    const r = m.props.settings?.throttlingRateLimit;
    if (typeof r === "number" && r >= 0) candidates.push({ rate: r, source: `${label(m)} stage throttle` });
  }
  if (candidates.length > 0) return candidates.reduce((a, b) => (b.rate > a.rate ? b : a));
  if (ofType(resources, "aws:apigateway/stage:Stage").length > 0)
    return { rate: ACCOUNT_THROTTLE.rateLimit, source: "the API Gateway account default throttle" };
  return undefined;
}

export const apiCapacityLittlesLaw = stackPolicy({
  name: "api-capacity-littles-law",
  description:
    "The API function's concurrency (reserved, or the account pool when unreserved) divided by the expected request duration (Little's law) must cover the rate the API's throttle admits.",
  enforcementLevel: "advisory",
  config: {
    expectedDurationMs: { type: "number", exclusiveMinimum: 0, default: DEFAULT_EXPECTED_DURATION_MS, description: "Expected seconds per request, in ms." },
    accountConcurrency: {
      type: "integer",
      minimum: 1,
      default: DEFAULT_ACCOUNT_CONCURRENCY,
      description: "The account's Lambda concurrency quota in the region.",
    },
  },
  validateStack: (args, report) => {
    const cfg = args.getConfig<CapacityConfig>();
    const durationMs = cfg.expectedDurationMs ?? DEFAULT_EXPECTED_DURATION_MS;
    const accountConcurrency = cfg.accountConcurrency ?? DEFAULT_ACCOUNT_CONCURRENCY;
    const throttle = apiThrottle(args.resources);
    const integrations = ofType(args.resources, "aws:apigateway/integration:Integration");
    const aliases = ofType(args.resources, "aws:lambda/alias:Alias");
    // An integration reaches a function directly or through an alias (as it does with provisioned concurrency).
    const fns = ofType(args.resources, "aws:lambda/function:Function").filter((f) =>
      integrations.some((i) => refersTo(i, f, ["uri"]) || aliases.some((a) => refersTo(a, f, ["functionName"]) && refersTo(i, a, ["uri"]))),
    );
    if (!throttle || fns.length === 0) return args.notApplicable("no API Gateway integration with a Lambda function in this stack");
    const provisioned = ofType(args.resources, "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig");
    for (const f of fns) {
      const reserved = f.props.reservedConcurrentExecutions;
      const isReserved = typeof reserved === "number" && reserved >= 0;
      const concurrency = isReserved ? reserved : accountConcurrency;
      const pc = provisioned
        .filter((p) => refersTo(p, f, ["functionName"]))
        .reduce((sum, p) => sum + (Number(p.props.provisionedConcurrentExecutions) || 0), 0);
      const result = capacityVersusThrottle(concurrency, durationMs, throttle.rate);
      if (!result.shortfall) continue;
      const what = isReserved ? `${reserved} reserved concurrent executions` : `the account's ${accountConcurrency} unreserved concurrent executions`;
      const warm = pc > 0 ? ` (${pc} of them provisioned)` : "";
      report(
        `${label(f)}: ${what}${warm} at ${durationMs} ms per request serve at most ${Math.floor(result.servable)} req/s ` +
          `(Little's law: requests/s = concurrency / seconds per request), but ${throttle.source} admits ${throttle.rate} req/s. ` +
          `Serving ${throttle.rate} req/s needs ${result.needed} concurrent executions at ${durationMs} ms; raise the concurrency or lower the throttle to ${Math.floor(result.servable)} req/s.`,
        f.urn,
      );
    }
  },
});

export const lambdaReservedConcurrencyPool = stackPolicy({
  name: "lambda-reserved-concurrency-pool",
  description: `Reserved concurrency across the stack must leave ${LAMBDA_MIN_UNRESERVED_CONCURRENCY} executions unreserved in the account (else PutFunctionConcurrency fails at deploy time); set accountConcurrency to the account's quota.`,
  enforcementLevel: "advisory",
  config: {
    accountConcurrency: {
      type: "integer",
      minimum: 1,
      default: DEFAULT_ACCOUNT_CONCURRENCY,
      description: "The account's Lambda concurrency quota in the region.",
    },
  },
  validateStack: (args, report) => {
    const fns = ofType(args.resources, "aws:lambda/function:Function").filter(
      (f) => typeof f.props.reservedConcurrentExecutions === "number" && f.props.reservedConcurrentExecutions > 0,
    );
    if (fns.length === 0) return args.notApplicable("no reserved concurrency");
    const quota = args.getConfig<CapacityConfig>().accountConcurrency ?? DEFAULT_ACCOUNT_CONCURRENCY;
    const total = fns.reduce((sum, f) => sum + (f.props.reservedConcurrentExecutions as number), 0);
    const available = quota - LAMBDA_MIN_UNRESERVED_CONCURRENCY;
    if (total > available) {
      const list = fns.map((f) => `${label(f)} ${f.props.reservedConcurrentExecutions}`).join(", ");
      report(
        `the stack reserves ${total} concurrent executions (${list}); an account quota of ${quota} allows at most ${available} (${LAMBDA_MIN_UNRESERVED_CONCURRENCY} must stay unreserved). Request a quota increase or reserve less.`,
      );
    }
  },
});

export const capacityPolicies = [apiCapacityLittlesLaw, lambdaReservedConcurrencyPool];
