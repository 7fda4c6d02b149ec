import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { CloudFrontRequest, CloudFrontRequestEvent, CloudFrontRequestResult, CloudFrontResultResponse } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newSessionId, sidCookieValue } from "../../app/src/session/sid-cookie";
import { EDGE_VIEWER_PACKAGE_LIMIT_BYTES, buildEdgeGuard } from "../../edge/build";
import { startLocalKeyStore, type LocalKeyStore } from "../../edge/local-key-store";
import { viewerRequest } from "./events";

const SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ecommerce-session-key-t1-AbCdEf";
const KEYS = {
  previous: "bundle-test-previous-key-0123456789abcdef",
  current: "bundle-test-current-key-0123456789abcdef",
  next: "bundle-test-next-key-0123456789abcdef0123",
};

type Handler = (event: CloudFrontRequestEvent) => Promise<CloudFrontRequestResult>;

let dir: string;
let code: string;
let store: LocalKeyStore;
const savedEnv = { ...process.env };

/** Loads a bundle the way Lambda does (a CommonJS file required by Node, outside the test's module graph), with the SDK pointed at `endpoint`. */
function load(file: string, source: string, endpoint: string): Handler {
  Object.assign(process.env, { AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint, AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" });
  writeFileSync(path.join(dir, file), source);
  return createRequire(path.join(dir, "loader.js"))(`./${file}`).handler;
}

const withCookie = (handler: Handler, key: string) =>
  handler(viewerRequest({ uri: "/api/cart", cookies: ["lang=en", `__Host-sid=${sidCookieValue(newSessionId(), key)}`] }));

beforeAll(async () => {
  code = buildEdgeGuard({ sessionKeysSecretArn: SECRET_ARN });
  dir = mkdtempSync(path.join(tmpdir(), "edge-guard-"));
  store = await startLocalKeyStore();
  store.put(SECRET_ARN, JSON.stringify(KEYS));
});

afterAll(async () => {
  process.env = savedEnv;
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("edge guard bundle (what Lambda@Edge runs)", () => {
  it("is one self-contained CommonJS file under half the 1 MB viewer-trigger limit, SDK included", () => {
    expect(Buffer.byteLength(code)).toBeLessThan(EDGE_VIEWER_PACKAGE_LIMIT_BYTES / 2);
    // Only Node builtins are required at runtime; the SDK's optional CRT signer (SigV4a, multi-region
    // access points only) is required inside a try block and never loaded for GetSecretValue.
    expect(code).not.toMatch(/require\("(?!node:|@aws-sdk\/signature-v4-crt")[^"]+"\)/);
  });

  it("carries the secret's ARN and no key: the package reveals nothing that signs a cookie", () => {
    expect(code).toContain(SECRET_ARN);
    for (const key of Object.values(KEYS)) expect(code).not.toContain(key);
  });

  it("refuses /api/admin/* with 403 forbidden JSON", async () => {
    const handler = load("admin.js", code, store.endpoint);
    const response = (await handler(viewerRequest({ uri: "/api/admin/products/SKU-1", method: "PUT" }))) as CloudFrontResultResponse;
    expect(response.status).toBe("403");
    expect(response.headers?.["content-type"]?.[0]?.value).toMatch(/^application\/json/);
    expect(JSON.parse(response.body!).error.code).toBe("forbidden");
  });

  it("reads the keys from the secret with its AWS SDK client: previous, current and next verify, an unknown key is refused", async () => {
    const readsBefore = store.reads();
    const handler = load("keys.js", code, store.endpoint);
    for (const key of [KEYS.previous, KEYS.current, KEYS.next]) {
      const request = (await withCookie(handler, key)) as CloudFrontRequest;
      expect(request, key).not.toHaveProperty("status");
      expect(request.headers["x-request-id"]?.[0]?.value).toMatch(/^[0-9a-f-]{36}$/);
    }
    const forged = (await withCookie(handler, "attacker-key-0123456789abcdef0123456789")) as CloudFrontResultResponse;
    expect(forged.status).toBe("401");
    expect(JSON.parse(forged.body!).error.code).toBe("unauthorized");
    // One read at cold start serves every request until the refresh interval.
    expect(store.reads() - readsBefore).toBe(1);
  });

  it("passes a request without cookies and adds x-request-id", async () => {
    const handler = load("plain.js", code, store.endpoint);
    const request = (await handler(viewerRequest({ uri: "/api/products", querystring: "limit=5" }))) as CloudFrontRequest;
    expect(request).not.toHaveProperty("status");
    expect(request.querystring).toBe("limit=5");
    expect(request.headers["x-request-id"]).toHaveLength(1);
  });

  it("with the key store unreachable from cold start, passes cookies on to the origin instead of refusing every shopper", async () => {
    const down = await startLocalKeyStore();
    const endpoint = down.endpoint;
    await down.close();
    const handler = load("down.js", code, endpoint);
    const request = (await withCookie(handler, "whatever-key-0123456789abcdef0123456789")) as CloudFrontRequest;
    expect(request).not.toHaveProperty("status");
    expect(((await handler(viewerRequest({ uri: "/api/admin/x" }))) as CloudFrontResultResponse).status).toBe("403");
  });

  it("refuses to build without a Secrets Manager secret ARN", () => {
    expect(() => buildEdgeGuard({ sessionKeysSecretArn: "" })).toThrow(/sessionKeysSecretArn/);
    expect(() => buildEdgeGuard({ sessionKeysSecretArn: "arn:aws:ssm:eu-west-1:123456789012:parameter/x" })).toThrow(/Secrets Manager secret ARN/);
  });
});
