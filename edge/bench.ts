/**
 * Benchmark of the bundled edge guard, as Lambda@Edge runs it:
 *   npx tsx edge/bench.ts [iterations]
 * Prints the bundle size and the guard's cost per request for a request with
 * a valid `sid` cookie (HMAC verification) and a forged one, as ratios to a
 * baseline measured in the same run: a request without cookies (x-request-id only).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { CloudFrontRequestEvent, CloudFrontRequestResult } from "aws-lambda";
import { newSessionId, sidCookieValue } from "../app/src/session/sid-cookie";
import { EDGE_VIEWER_PACKAGE_LIMIT_BYTES, buildEdgeGuard } from "./build";

type Handler = (event: CloudFrontRequestEvent) => Promise<CloudFrontRequestResult>;

const KEY = "bench-signing-key-".padEnd(64, "x");
const ITERATIONS = Number(process.argv[2] ?? 100_000);

function event(cookies: string[]): CloudFrontRequestEvent {
  return {
    Records: [
      {
        cf: {
          config: { distributionDomainName: "d111111abcdef8.cloudfront.net", distributionId: "EDFDVBD6EXAMPLE", eventType: "viewer-request", requestId: "bench" },
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
  const code = buildEdgeGuard({ signingKey: KEY });
  const buildMs = Number(process.hrtime.bigint() - buildStart) / 1e6;
  const dir = mkdtempSync(path.join(tmpdir(), "edge-bench-"));
  try {
    writeFileSync(path.join(dir, "index.js"), code);
    const handler: Handler = createRequire(path.join(dir, "loader.js"))("./index.js").handler;
    const good = sidCookieValue(newSessionId(), KEY);
    const forged = sidCookieValue(newSessionId(), "forged-key-0123456789abcdef");

    const baseline = await microsPerRequest(handler, () => event([]));
    const valid = await microsPerRequest(handler, () => event(["lang=en; theme=dark", `sid=${good}`]));
    const refused = await microsPerRequest(handler, () => event([`sid=${forged}`]));

    const bytes = Buffer.byteLength(code);
    console.log(`edge guard bundle: ${bytes} bytes (${((bytes / EDGE_VIEWER_PACKAGE_LIMIT_BYTES) * 100).toFixed(2)}% of the 1 MB viewer limit), built in ${buildMs.toFixed(0)} ms`);
    console.log(`iterations per case: ${ITERATIONS}`);
    console.log(`baseline, no cookie:     ${baseline.toFixed(2)} µs/request  (1.00x)`);
    console.log(`valid sid cookie:        ${valid.toFixed(2)} µs/request  (${(valid / baseline).toFixed(2)}x baseline)`);
    console.log(`forged sid cookie (401): ${refused.toFixed(2)} µs/request  (${(refused / baseline).toFixed(2)}x baseline)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
