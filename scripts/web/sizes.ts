/**
 * Built sizes of the storefront page against its budget: builds web/ with Vite, then prints
 * every file's raw, gzip and brotli size and the JavaScript total as a ratio of the budget
 * (50 KB gzip). Exits 1 when the JavaScript is over budget.
 *
 *   npx tsx scripts/web/sizes.ts            # build, then print the table
 *   npx tsx scripts/web/sizes.ts --no-build # measure the existing web/dist
 *   npx tsx scripts/web/sizes.ts --json     # machine-readable figures
 */
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

export const JS_BUDGET_GZIP_BYTES = 50 * 1024;

const root = path.resolve(__dirname, "../..");
const dist = path.join(root, "web", "dist");

export interface FileSize {
  file: string;
  raw: number;
  gzip: number;
  brotli: number;
}

function files(dir: string, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

export function measure(dir: string): FileSize[] {
  return files(dir)
    .sort()
    .map((file) => {
      const body = readFileSync(path.join(dir, file));
      return {
        file,
        raw: body.length,
        gzip: gzipSync(body, { level: 9 }).length,
        brotli: brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
      };
    });
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KB`;

function main(): void {
  const args = new Set(process.argv.slice(2));
  if (!args.has("--no-build")) {
    // The same build users run (a separate process: Vite is ESM, this script runs as CommonJS).
    execFileSync("npm", ["run", "build:web", "--silent", "--", "--logLevel", "warn"], { cwd: root, stdio: ["ignore", 2, 2] });
  }
  const sizes = measure(dist);
  const js = sizes.filter((s) => s.file.endsWith(".js"));
  const jsGzip = js.reduce((sum, s) => sum + s.gzip, 0);
  const allGzip = sizes.reduce((sum, s) => sum + s.gzip, 0);
  const ratio = jsGzip / JS_BUDGET_GZIP_BYTES;
  const withinBudget = jsGzip <= JS_BUDGET_GZIP_BYTES;

  if (args.has("--json")) {
    console.log(
      JSON.stringify(
        { files: sizes, jsGzipBytes: jsGzip, totalGzipBytes: allGzip, budgetGzipBytes: JS_BUDGET_GZIP_BYTES, ratioOfBudget: ratio, withinBudget },
        null,
        2,
      ),
    );
  } else {
    console.log("storefront build sizes (web/dist)");
    console.log(`${"file".padEnd(40)} ${"raw".padStart(10)} ${"gzip".padStart(10)} ${"brotli".padStart(10)}`);
    for (const s of sizes) console.log(`${s.file.padEnd(40)} ${kb(s.raw).padStart(10)} ${kb(s.gzip).padStart(10)} ${kb(s.brotli).padStart(10)}`);
    console.log(
      `JavaScript: ${kb(jsGzip)} gzip of a ${kb(JS_BUDGET_GZIP_BYTES)} budget = ${(ratio * 100).toFixed(1)}% (${withinBudget ? "within budget" : "OVER BUDGET"})`,
    );
    console.log(`All files: ${kb(allGzip)} gzip`);
  }
  if (!withinBudget) process.exitCode = 1;
}

main();
