/**
 * `npm run preflight`: catch before `pulumi up` what AWS would reject, and what is insecure.
 * Exit codes: 0 pass, 1 mandatory violations, 2 the program or the arguments failed.
 */
import { parseArgs, USAGE } from "./preflight/args";
import { formatReport } from "./preflight/report";
import { preflight } from "./preflight/run";

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`preflight: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  try {
    const result = await preflight({ programDir: args.programDir, stack: args.stack, config: args.config, policyConfigFile: args.policyConfigFile });
    console.log(args.json ? JSON.stringify(result, null, 2) : formatReport(result));
    return result.passed ? 0 : 1;
  } catch (e) {
    console.error(`preflight: ${(e as Error).message}`);
    return 2;
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(2);
  },
);
