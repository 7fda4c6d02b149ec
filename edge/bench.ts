/**
 * Benchmark of the bundled edge guard, as Lambda@Edge runs it:
 *   npx tsx edge/bench.ts [iterations]
 * Prints the bundle size and the guard's cost per request for a request with
 * a valid `__Host-sid` cookie (HMAC verification; one signed with the previous
 * key, which costs a second HMAC) and a forged one (three HMACs), as ratios to a
 * baseline measured in the same run: a request without cookies (x-request-id only).
 * The keys come from a local stand-in for Secrets Manager, read once and cached
 * as in Lambda@Edge.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { CloudFrontRequestEvent, CloudFrontRequestResult } from "aws-lambda";
import { newSessionId, sidCookieValue } from "../app/src/session/sid-cookie";
import { EDGE_VIEWER_PACKAGE_LIMIT_BYTES, buildEdgeGuard } from "./build";
import { startLocalKeyStore } from "./local-key-store";

type Handler = (event: CloudFrontRequestEvent) => Promise<CloudFrontRequestResult>;

const KEYS = { previous: "bench-previous-key-".padEnd(64, "p"), current: "bench-signing-key-".padEnd(64, "x"), next: "bench-next-key-".padEnd(64, "n") };
const SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:bench-session-keys-AbCdEf";
const ITERATIONS = Number(process.argv[2] ?? 100_000);

function event(cookies: string[]): CloudFrontRequestEvent {
  return {
    Records: [
      {
        cf: {
          config: {
            distributionDomainName: "d111111abcdef8.cloudfront.net",
            distributionId: "EDFDVBD6EXAMPLE",
            eventType: "viewer-request",
            requestId: "bench",
          },
          request: {
            clientIp: "203.0.113.178",
            method: "GET",
            querystring: "",
            uri: "/api/cart",
            headers: cookies.length > 0 ? { cookie: cookies.map((value) => ({ key: "Cookie", value })) } : {},
          },
        },
      },
    ],
  };
}

async function microsPerRequest(handler: Handler, make: () => CloudFrontRequestEvent): Promise<number> {
  for (let i = 0; i < Math.min(ITERATIONS, 5_000); i++) await handler(make()); // warm up the JIT
  const start = process.hrtime.bigint();
  for (let i = 0; i < ITERATIONS; i++) await handler(make());
  return Number(process.hrtime.bigint() - start) / ITERATIONS / 1000;
}

async function main(): Promise<void> {
  const buildStart = process.hrtime.bigint();
  const code = buildEdgeGuard({ sessionKeysSecretArn: SECRET_ARN });
  const buildMs = Number(process.hrtime.bigint() - buildStart) / 1e6;
  const dir = mkdtempSync(path.join(tmpdir(), "edge-bench-"));
  const store = await startLocalKeyStore();
  store.put(SECRET_ARN, JSON.stringify(KEYS));
  Object.assign(process.env, { AWS_ENDPOINT_URL_SECRETS_MANAGER: store.endpoint, AWS_ACCESS_KEY_ID: "bench", AWS_SECRET_ACCESS_KEY: "bench" });
  try {
    writeFileSync(path.join(dir, "index.js"), code);
    const handler: Handler = createRequire(path.join(dir, "loader.js"))("./index.js").handler;
    const good = sidCookieValue(newSessionId(), KEYS.current);
    const previous = sidCookieValue(newSessionId(), KEYS.previous);
    const forged = sidCookieValue(newSessionId(), "forged-key-0123456789abcdef");

    const baseline = await microsPerRequest(handler, () => event([]));
    const valid = await microsPerRequest(handler, () => event(["lang=en; theme=dark", `__Host-sid=${good}`]));
    const rotated = await microsPerRequest(handler, () => event([`__Host-sid=${previous}`]));
    const refused = await microsPerRequest(handler, () => event([`__Host-sid=${forged}`]));

    const bytes = Buffer.byteLength(code);
    console.log(
      `edge guard bundle: ${bytes} bytes (${((bytes / EDGE_VIEWER_PACKAGE_LIMIT_BYTES) * 100).toFixed(2)}% of the 1 MB viewer limit), built in ${buildMs.toFixed(0)} ms`,
    );
    console.log(`iterations per case: ${ITERATIONS}`);
    console.log(`baseline, no cookie:     ${baseline.toFixed(2)} µs/request  (1.00x)`);
    console.log(`valid sid cookie:        ${valid.toFixed(2)} µs/request  (${(valid / baseline).toFixed(2)}x baseline)`);
    console.log(`previous-key sid cookie: ${rotated.toFixed(2)} µs/request  (${(rotated / baseline).toFixed(2)}x baseline)`);
    console.log(`key store reads:         ${store.reads()}`);
    console.log(`forged sid cookie (401): ${refused.toFixed(2)} µs/request  (${(refused / baseline).toFixed(2)}x baseline)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await store.close();
  }
}

void main();
