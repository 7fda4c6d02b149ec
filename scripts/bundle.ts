/**
 * `npm run bundle`: the Lambda bundle, dist/app/index.mjs - one minified ESM
 * file for Node.js 22 with every dependency inside (the image carries no
 * node_modules). The createRequire banner lets CommonJS dependencies (the AWS
 * SDK, pg) call `require` for Node built-ins; pg-native is optional and left out.
 * The SDK's default credential chain is replaced by its environment link
 * (app/src/runtime/lambda-credentials.ts says why).
 * `npm run bench` builds its servers with the same options (bundleOptions).
 */
import { mkdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { build, type BuildOptions } from "esbuild";

export const BUNDLE_ENTRY = "app/src/index.ts";
export const BUNDLE_OUTFILE = "dist/app/index.mjs";

export interface BundleResult {
  outfile: string;
  bytes: number;
  gzipBytes: number;
}

/** The esbuild options of the Lambda bundle, for any entry (the bench bundles its servers with them). */
export function bundleOptions(root: string, entry: string, outfile: string): BuildOptions {
  return {
    absWorkingDir: root,
    entryPoints: [path.resolve(root, entry)],
    outfile,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node22",
    minify: true,
    sourcemap: false,
    legalComments: "none",
    external: ["pg-native"],
    // Prefer ESM entry points (smaller, tree-shakeable) where packages offer both.
    mainFields: ["module", "main"],
    alias: { "@aws-sdk/credential-provider-node": "./app/src/runtime/lambda-credentials.ts" },
    banner: { js: "import { createRequire as __shopCreateRequire } from 'node:module'; const require = __shopCreateRequire(import.meta.url);" },
    logLevel: "warning",
  };
}

export async function bundle(options: { outfile?: string; entry?: string; root?: string } = {}): Promise<BundleResult> {
  const root = options.root ?? process.cwd();
  const outfile = path.resolve(root, options.outfile ?? BUNDLE_OUTFILE);
  mkdirSync(path.dirname(outfile), { recursive: true });
  await build(bundleOptions(root, options.entry ?? BUNDLE_ENTRY, outfile));
  return { outfile, bytes: statSync(outfile).size, gzipBytes: gzipSync(readFileSync(outfile)).length };
}

export function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(2)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(__filename)) {
  bundle().then(
    (result) => {
      console.log(`${path.relative(process.cwd(), result.outfile)}: ${formatBytes(result.bytes)} minified, ${formatBytes(result.gzipBytes)} gzip`);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
