/** Command line of `npm run cost`. */
export interface CostArgs {
  programDir: string;
  stack: string;
  config: Record<string, string>;
  /** The average load to price; default: a share of the stack's peak (docs/cost.md). */
  requestsPerMonth?: number;
  durationMs?: number;
  priceFiles: string[];
  json: boolean;
  help: boolean;
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

function positive(flag: string, v: string): number {
  const n = Number(v.replace(/_/g, ""));
  if (!Number.isFinite(n) || n < 0) throw new Error(`${flag} must be a number >= 0, got "${v}"`);
  return n;
}

export function parseCostArgs(argv: readonly string[]): CostArgs {
  const out: CostArgs = { programDir: ".", stack: "dev", config: {}, priceFiles: [], json: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new Error(`${a} needs a value`);
      return v;
    };
    switch (a) {
      case "--program":
        out.programDir = value();
        break;
      case "--stack":
        out.stack = value();
        break;
      case "--config": {
        const kv = value();
        const eq = kv.indexOf("=");
        if (eq <= 0) throw new Error(`--config expects key=value, got "${kv}"`);
        out.config[kv.slice(0, eq)] = kv.slice(eq + 1);
        break;
      }
      case "--requests-per-month":
        out.requestsPerMonth = positive(a, value());
        break;
      case "--duration-ms":
        out.durationMs = positive(a, value());
        if (out.durationMs === 0) throw new Error("--duration-ms must be > 0");
        break;
      case "--prices":
        out.priceFiles.push(value());
        break;
      case "--json":
        out.json = true;
        break;
      case "-h":
      case "--help":
        out.help = true;
        break;
      default:
        throw new Error(`unknown argument "${a}"`);
    }
  }
  return out;
}
