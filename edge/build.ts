/**
 * Bundles the Lambda@Edge guard into one CommonJS file (the AWS SDK client
 * included, so the runtime's copy does not matter) with the ARN of the secret
 * holding the session keys built in: Lambda@Edge has no environment variables.
 * The keys are not in the bundle; the guard reads them at run time. Imports
 * only esbuild and Node builtins, so infra/ (CommonJS) and edge/ (bundler) both
 * type-check it.
 */
import { buildSync } from "esbuild";
import * as path from "node:path";

/** Lambda@Edge viewer triggers accept at most 1 MB of package. */
export const EDGE_VIEWER_PACKAGE_LIMIT_BYTES = 1024 * 1024;

export interface EdgeGuardBuildOptions {
  /** ARN of the Secrets Manager secret holding the session keys (`{"previous","current","next"}`). */
  sessionKeysSecretArn: string;
}

const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;

/** The bundled `index.js` of the guard, exporting `handler`. */
export function buildEdgeGuard({ sessionKeysSecretArn }: EdgeGuardBuildOptions): string {
  if (typeof sessionKeysSecretArn !== "string" || !SECRET_ARN.test(sessionKeysSecretArn)) {
    throw new Error(`buildEdgeGuard: sessionKeysSecretArn must be a Secrets Manager secret ARN, got ${JSON.stringify(sessionKeysSecretArn)}`);
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
    define: { __SESSION_KEYS_SECRET_ARN__: JSON.stringify(sessionKeysSecretArn) },
    logLevel: "silent",
  });
  const code = result.outputFiles[0]!.text;
  if (Buffer.byteLength(code) >= EDGE_VIEWER_PACKAGE_LIMIT_BYTES) {
    throw new Error(`edge guard bundle is ${Buffer.byteLength(code)} bytes; Lambda@Edge viewer triggers allow 1 MB`);
  }
  return code;
}
