/**
 * Bundles the Lambda@Edge guard into one CommonJS file with the session
 * signing key built in (Lambda@Edge has no environment variables). Imports only
 * esbuild and Node builtins, so infra/ (CommonJS) and edge/ (bundler) both
 * type-check it.
 */
import { buildSync } from "esbuild";
import * as path from "node:path";

/** Lambda@Edge viewer triggers accept at most 1 MB of package. */
export const EDGE_VIEWER_PACKAGE_LIMIT_BYTES = 1024 * 1024;

export interface EdgeGuardBuildOptions {
  /** The session signing key the API signs `sid` cookies with. */
  signingKey: string;
}

/** The bundled `index.js` of the guard, exporting `handler`. */
export function buildEdgeGuard({ signingKey }: EdgeGuardBuildOptions): string {
  if (typeof signingKey !== "string" || signingKey.length < 16) {
    throw new Error("buildEdgeGuard: signingKey must be a string of at least 16 characters");
  }
  const result = buildSync({
    entryPoints: [path.join(__dirname, "src", "index.ts")],
    bundle: true,
    write: false,
    format: "cjs",
    platform: "node",
    target: "node22",
    minify: true,
    legalComments: "none",
    define: { __SESSION_SIGNING_KEY__: JSON.stringify(signingKey) },
    logLevel: "silent",
  });
  const code = result.outputFiles[0]!.text;
  if (Buffer.byteLength(code) >= EDGE_VIEWER_PACKAGE_LIMIT_BYTES) {
    throw new Error(`edge guard bundle is ${Buffer.byteLength(code)} bytes; Lambda@Edge viewer triggers allow 1 MB`);
  }
  return code;
}
