/** Command line of `npm run preflight`. */
export interface CliArgs extends ProgramFlags {
  policyConfigFile?: string;
}

export const USAGE = `Usage: npm run preflight -- [--program <dir>] [--stack <name>] [--config key=value ...] [--policy-config <file>] [--json]

Runs a Pulumi TypeScript program under mocks (no Pulumi CLI, no AWS), evaluates the policy pack
on every resource and exits 1 on any mandatory violation (2 if the program or arguments fail).
  --program <dir>        Pulumi project directory (default: the current directory)
  --stack <name>         stack name; its Pulumi.<stack>.yaml config is read (default: dev)
  --config key=value     stack config override, repeatable (key without namespace = project's)
  --policy-config <file> policy pack config (waivers, enforcement levels); default policy/config/<project>.<stack>.json
  --json                 print the result as JSON`;

/** The flags every offline command over a program shares. */
export interface ProgramFlags {
  programDir: string;
  stack: string;
  config: Record<string, string>;
  json: boolean;
  help: boolean;
}

/**
 * Reads --program, --stack, --config (repeatable), --json and --help into `out`; any other flag
 * goes to `other` with a reader for its value, which returns false for a flag it does not know.
 */
export function parseProgramFlags<T extends ProgramFlags>(
  argv: readonly string[],
  out: T,
  other: (flag: string, value: () => string) => boolean = () => false,
): T {
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
      case "--json":
        out.json = true;
        break;
      case "-h":
      case "--help":
        out.help = true;
        break;
      default:
        if (!other(a, value)) throw new Error(`unknown argument "${a}"`);
    }
  }
  return out;
}

export function parseArgs(argv: readonly string[]): CliArgs {
  const out: CliArgs = { programDir: ".", stack: "dev", config: {}, json: false, help: false };
  return parseProgramFlags(argv, out, (flag, value) => {
    if (flag !== "--policy-config") return false;
    out.policyConfigFile = value();
    return true;
  });
}
