/** Command line of `npm run preflight`. */
export interface CliArgs {
  programDir: string;
  stack: string;
  config: Record<string, string>;
  json: boolean;
  policyConfigFile?: string;
  help: boolean;
}

export const USAGE = `Usage: npm run preflight -- [--program <dir>] [--stack <name>] [--config key=value ...] [--policy-config <file>] [--json]

Runs a Pulumi TypeScript program under mocks (no Pulumi CLI, no AWS), evaluates the policy pack
on every resource and exits 1 on any mandatory violation (2 if the program or arguments fail).
  --program <dir>        Pulumi project directory (default: the current directory)
  --stack <name>         stack name; its Pulumi.<stack>.yaml config is read (default: dev)
  --config key=value     stack config override, repeatable (key without namespace = project's)
  --policy-config <file> policy pack config (waivers, enforcement levels); default policy/config/<project>.<stack>.json
  --json                 print the result as JSON`;

export function parseArgs(argv: readonly string[]): CliArgs {
  const out: CliArgs = { programDir: ".", stack: "dev", config: {}, json: false, help: false };
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
      case "--policy-config":
        out.policyConfigFile = value();
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
