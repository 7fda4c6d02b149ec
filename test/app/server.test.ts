/**
 * The local HTTP server (@hono/node-server) over real sockets: the API, the
 * 64 KiB limit on a streamed body without Content-Length, and the storefront
 * build served at `/` with an SPA fallback that never swallows API routes.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import type { ServerType } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer } from "../../app/src/server";
import { freePort } from "./support/ports";
import { startStack, type TestStack } from "./support/stack";

let stack: TestStack;
let server: ServerType;
let base: string;
let webDir: string;

beforeAll(async () => {
  stack = await startStack();
  webDir = mkdtempSync(path.join(os.tmpdir(), "shop-web-"));
  writeFileSync(path.join(webDir, "index.html"), "<!doctype html><title>Shop</title><div id=app></div>");
  mkdirSync(path.join(webDir, "assets"));
  writeFileSync(path.join(webDir, "assets", "app.js"), "console.log('shop')");
  const port = await freePort(3000, 3009);
  server = await startServer(stack.deps, { port, staticDir: webDir, isPageRoute: (p) => p === "/" || p.startsWith("/products/") });
  base = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await stack?.stop();
  rmSync(webDir, { recursive: true, force: true });
});

describe("local HTTP server", () => {
  it("serves the API and its JSON errors", async () => {
    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
    const missing = await fetch(`${base}/api/nope`, { headers: { accept: "text/html" } });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: "not_found", message: expect.any(String) } });
  });

  it("answers 413 to a chunked body over 64 KiB (no Content-Length to trust)", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        `${base}/api/cart/items/X`,
        { method: "PUT", headers: { "content-type": "application/json", "transfer-encoding": "chunked" } },
        (res) => {
          res.resume();
          resolve(res.statusCode!);
        },
      );
      req.on("error", reject);
      for (let i = 0; i < 80; i++) req.write("x".repeat(1024));
      req.end();
    });
    expect(status).toBe(413);
  });

  it("serves the storefront files and falls back to index.html for page routes", async () => {
    const index = await fetch(`${base}/`);
    expect(index.status).toBe(200);
    expect(await index.text()).toContain("<title>Shop</title>");
    const asset = await fetch(`${base}/assets/app.js`);
    expect(await asset.text()).toContain("console.log");
    const page = await fetch(`${base}/products/COF-001`, { headers: { accept: "text/html,application/xhtml+xml" } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<div id=app>");
    // A path that is no page of the storefront: the page, with status 404.
    const unknown = await fetch(`${base}/no/such/page`, { headers: { accept: "text/html" } });
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain("<div id=app>");
    // Not a page request: no HTML fallback.
    const json = await fetch(`${base}/products/COF-001`, { headers: { accept: "application/json" } });
    expect(json.status).toBe(404);
  });
});
