/**
 * `npm run cost`: what a stack costs a month, before it is deployed.
 * Exit codes: 0 priced, 1 some registered resource is unpriced, 2 the program or the arguments failed.
 */
import { parseCostArgs, USAGE } from "./cost/args";
import { readPriceTable } from "./cost/prices-file";
import { formatCostReport } from "./cost/report";
import { cost } from "./cost/run";

async function main(): Promise<number> {
  let args;
  try {
    args = parseCostArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`cost: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  try {
    const report = await cost({
      programDir: args.programDir,
      stack: args.stack,
      config: args.config,
      requestsPerMonth: args.requestsPerMonth,
      assumptions: args.durationMs !== undefined ? { durationMs: args.durationMs } : undefined,
      priceTables: args.priceFiles.map(readPriceTable),
    });
    console.log(args.json ? JSON.stringify(report, null, 2) : formatCostReport(report));
    return report.unpriced.length === 0 ? 0 : 1;
  } catch (e) {
    console.error(`cost: ${(e as Error).message}`);
    return 2;
  }
}

// Exit once stdout is flushed: a pipe takes writes asynchronously, and exiting at once would cut a long --json report.
main().then(
  (code) => process.stdout.write("", () => process.exit(code)),
  (e) => {
    console.error(e);
    process.exit(2);
  },
);
