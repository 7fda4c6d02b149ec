/**
 * `npm run bundle`: the Lambda bundle, dist/app/index.mjs - a minified ESM
 * entry for Node.js 22 with every dependency inside (the image carries no
 * node_modules), plus dist/app/chunks/: code reached only through dynamic
 * import() (zod and the request schemas, Secrets Manager, the RDS signer, the
 * SDK's rarely used paths) split out, so a cold start compiles only what the
 * first request runs (V8 parses a whole module file before running it).
 * The createRequire banner (in every file) lets CommonJS dependencies (the AWS
 * SDK, pg) call `require` for Node built-ins; pg-native is optional and left out.
 * The SDK's default credential chain is replaced by its environment link
 * (app/src/runtime/lambda-credentials.ts says why). With splitting this also
 * matters for size: every dynamic import() esbuild meets becomes a chunk, even
 * in code tree-shaking drops.
 * `npm run bench` builds its servers with the same options (bundleOptions).
 */
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { build, type BuildOptions } from "esbuild";

export const BUNDLE_ENTRY = "app/src/index.ts";
export const BUNDLE_OUTFILE = "dist/app/index.mjs";

export interface BundleResult {
  /** The entry file. */
  outfile: string;
  /** Every file written: the entry and its chunks. */
  files: string[];
  /** Minified and gzip sizes summed over every file. */
  bytes: number;
  gzipBytes: number;
  /** What a cold start loads: the entry and the chunks it imports statically. */
  startFiles: string[];
  /** Minified size of `startFiles`. */
  startBytes: number;
}

/** Where the chunks of a bundle whose entry is `outfile` go (next to it, a directory of their own). */
export function chunksDir(outfile: string): string {
  return path.join(path.dirname(outfile), "chunks");
}

/** The esbuild options of the Lambda bundle, for any entry (the bench bundles its servers with them). */
export function bundleOptions(root: string, entry: string, outfile: string): BuildOptions {
  return {
    absWorkingDir: root,
    entryPoints: { [path.basename(outfile, ".mjs")]: path.resolve(root, entry) },
    outdir: path.dirname(outfile),
    outExtension: { ".js": ".mjs" },
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
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
    alias: {
      "@aws-sdk/credential-provider-node": "./app/src/runtime/lambda-credentials.ts",
      "@aws-sdk/credential-providers": "./app/src/runtime/lambda-credentials.ts",
    },
    banner: { js: "import { createRequire as __shopCreateRequire } from 'node:module'; const require = __shopCreateRequire(import.meta.url);" },
    logLevel: "warning",
  };
}

export async function bundle(options: { outfile?: string; entry?: string; root?: string } = {}): Promise<BundleResult> {
  const root = options.root ?? process.cwd();
  const outfile = path.resolve(root, options.outfile ?? BUNDLE_OUTFILE);
  mkdirSync(path.dirname(outfile), { recursive: true });
  // Chunk names carry content hashes: drop the previous build's, or the image would ship them too.
  rmSync(chunksDir(outfile), { recursive: true, force: true });
  const { metafile } = await build({ ...bundleOptions(root, options.entry ?? BUNDLE_ENTRY, outfile), metafile: true });
  const files = Object.keys(metafile.outputs).map((file) => path.resolve(root, file));
  let bytes = 0;
  let gzipBytes = 0;
  for (const file of files) {
    const code = readFileSync(file);
    bytes += code.length;
    gzipBytes += gzipSync(code).length;
  }
  // Walk the static imports from the entry: those chunks load (and compile) with it.
  const atStart = new Set<string>();
  const visit = (file: string) => {
    if (atStart.has(file) || !metafile.outputs[file]) return;
    atStart.add(file);
    for (const imported of metafile.outputs[file].imports) if (imported.kind === "import-statement") visit(imported.path);
  };
  visit(Object.keys(metafile.outputs).find((file) => path.resolve(root, file) === outfile) ?? "");
  const startBytes = [...atStart].reduce((sum, file) => sum + metafile.outputs[file]!.bytes, 0);
  return { outfile, files, bytes, gzipBytes, startFiles: [...atStart].map((file) => path.resolve(root, file)), startBytes };
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
