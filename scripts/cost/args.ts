import { parseProgramFlags, type ProgramFlags } from "../preflight/args";

/** Command line of `npm run cost`. */
export interface CostArgs extends ProgramFlags {
  /** The average load to price; default: a share of the stack's peak (docs/cost.md). */
  requestsPerMonth?: number;
  durationMs?: number;
  priceFiles: string[];
}

export const USAGE = `Usage: npm run cost -- [--stack <name>] [--config key=value ...] [--requests-per-month N] [--duration-ms MS] [--prices FILE ...] [--json]

Runs the Pulumi program offline under the preflight's mocks (no Pulumi CLI, no AWS) and prices every
resource it registers: the fixed monthly floor, the variable cost per million requests of the request
mix in docs/cost.md, and the monthly cost at the stack's peak and at an average load.
  --program <dir>          Pulumi project directory (default: the current directory)
  --stack <name>           stack name; its Pulumi.<stack>.yaml config is read (default: dev)
  --config key=value       stack config override, repeatable (key without namespace = project's)
  --requests-per-month N   the average load to price (default: 10% of the peak, all month)
  --duration-ms MS         billed Lambda duration per request (default: 100)
  --prices FILE            a price table in the format of policy/lib/cost/prices/<region>.json; replaces that region's table
  --json                   print the result as JSON`;

/** A number >= 0 (or > 0 with `above: true`); `_` may group digits. */
function amount(flag: string, v: string, { above = false } = {}): number {
  const n = Number(v.replace(/_/g, ""));
  if (!Number.isFinite(n) || n < 0 || (above && n === 0)) throw new Error(`${flag} must be a number ${above ? ">" : ">="} 0, got "${v}"`);
  return n;
}

export function parseCostArgs(argv: readonly string[]): CostArgs {
  const out: CostArgs = { programDir: ".", stack: "dev", config: {}, priceFiles: [], json: false, help: false };
  return parseProgramFlags(argv, out, (flag, value) => {
    switch (flag) {
      case "--requests-per-month":
        out.requestsPerMonth = amount(flag, value());
        return true;
      case "--duration-ms":
        out.durationMs = amount(flag, value(), { above: true });
        return true;
      case "--prices":
        out.priceFiles.push(value());
        return true;
      default:
        return false;
    }
  });
}
