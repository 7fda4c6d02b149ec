import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { CloudFrontRequest, CloudFrontRequestEvent, CloudFrontRequestResult, CloudFrontResultResponse } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newSessionId, sidCookieValue } from "../../app/src/session/sid-cookie";
import { EDGE_VIEWER_PACKAGE_LIMIT_BYTES, buildEdgeGuard } from "../../edge/build";
import { viewerRequest } from "./events";

const KEY = "bundle-test-signing-key-0123456789abcdef";

type Handler = (event: CloudFrontRequestEvent) => Promise<CloudFrontRequestResult>;

let dir: string;
let code: string;
let handler: Handler;

beforeAll(() => {
  code = buildEdgeGuard({ signingKey: KEY });
  // Load it the way Lambda does: a CommonJS index.js required by Node, outside the test's module graph.
  dir = mkdtempSync(path.join(tmpdir(), "edge-guard-"));
  writeFileSync(path.join(dir, "index.js"), code);
  handler = createRequire(path.join(dir, "loader.js"))("./index.js").handler;
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("edge guard bundle (what Lambda@Edge runs)", () => {
  it("is one self-contained CommonJS file far under the 1 MB viewer-trigger limit", () => {
    const bytes = Buffer.byteLength(code);
    expect(bytes).toBeLessThan(EDGE_VIEWER_PACKAGE_LIMIT_BYTES / 20);
    expect(code).not.toMatch(/require\("(?!node:)[^"]+"\)/); // only Node builtins are required at runtime
    expect(typeof handler).toBe("function");
  });

  it("refuses /api/admin/* with 403 forbidden JSON", async () => {
    const response = (await handler(viewerRequest({ uri: "/api/admin/products/SKU-1", method: "PUT" }))) as CloudFrontResultResponse;
    expect(response.status).toBe("403");
    expect(response.headers?.["content-type"]?.[0]?.value).toMatch(/^application\/json/);
    expect(JSON.parse(response.body!).error.code).toBe("forbidden");
  });

  it("refuses a forged sid cookie with 401 unauthorized", async () => {
    const forged = sidCookieValue(newSessionId(), "attacker-key-0123456789abcdef");
    const response = (await handler(viewerRequest({ uri: "/api/cart", cookies: [`sid=${forged}`] }))) as CloudFrontResultResponse;
    expect(response.status).toBe("401");
    expect(JSON.parse(response.body!).error.code).toBe("unauthorized");
  });

  it("verifies with the key injected at build time: a cookie signed with it passes, with an x-request-id", async () => {
    const good = sidCookieValue(newSessionId(), KEY);
    const request = (await handler(viewerRequest({ uri: "/api/cart", cookies: ["lang=en", `sid=${good}`] }))) as CloudFrontRequest;
    expect(request).not.toHaveProperty("status");
    expect(request.uri).toBe("/api/cart");
    expect(request.headers["x-request-id"]?.[0]?.value).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("passes a request without cookies and adds x-request-id", async () => {
    const request = (await handler(viewerRequest({ uri: "/api/products", querystring: "limit=5" }))) as CloudFrontRequest;
    expect(request).not.toHaveProperty("status");
    expect(request.querystring).toBe("limit=5");
    expect(request.headers["x-request-id"]).toHaveLength(1);
  });

  it("a bundle built with another key refuses this key's cookies (the key really is built in)", async () => {
    const other = createRequire(path.join(dir, "loader.js"));
    writeFileSync(path.join(dir, "other.js"), buildEdgeGuard({ signingKey: "a-different-key-0123456789abcdef" }));
    const otherHandler: Handler = other("./other.js").handler;
    const good = sidCookieValue(newSessionId(), KEY);
    const response = (await otherHandler(viewerRequest({ uri: "/api/cart", cookies: [`sid=${good}`] }))) as CloudFrontResultResponse;
    expect(response.status).toBe("401");
  });

  it("refuses to build without a usable key", () => {
    expect(() => buildEdgeGuard({ signingKey: "" })).toThrow(/signingKey/);
    expect(() => buildEdgeGuard({ signingKey: "short" })).toThrow(/at least 16/);
  });
});
