/**
 * Post-deploy checks of a running platform (`npm run test:integration`).
 * Against a deployed stack: the ALB is internal (private addresses only), CloudFront serves
 * the page and the API and refuses admin traffic and forged sessions at the
 * edge, API Gateway requires its key. Against the local platform: the same API
 * contract on 127.0.0.1. With neither, it says so and skips.
 * See test/integration/stack-outputs.ts for where outputs come from.
 */
import { randomBytes } from "node:crypto";
import { lookup } from "node:dns/promises";
import { describe, expect, it } from "vitest";
import { newSessionId, sidCookieValue } from "../../app/src/session/sid-cookie";
import { isPrivateAddress, joinUrl, request, type HttpResponse } from "./http";
import { findTarget, type AwsStackOutputs, type LocalStackOutputs } from "./stack-outputs";

const target = findTarget();

function expectContractError(response: HttpResponse, status: number, code: string): void {
  expect(response.status, response.body).toBe(status);
  expect(response.headers["content-type"] ?? "").toMatch(/^application\/json/);
  const error = (response.json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  expect(error?.code, response.body).toBe(code);
  expect(typeof error?.message).toBe("string");
}

function expectProductPage(response: HttpResponse): void {
  expect(response.status, response.body).toBe(200);
  const page = response.json as { items?: unknown; nextCursor?: unknown };
  expect(Array.isArray(page.items), response.body).toBe(true);
  expect(page.nextCursor === null || typeof page.nextCursor === "string").toBe(true);
}

function expectHtml(response: HttpResponse): void {
  expect(response.status, response.body.slice(0, 200)).toBe(200);
  expect(response.headers["content-type"] ?? "").toMatch(/^text\/html/);
  expect(response.body).toMatch(/<html/i);
}

function awsSuite(outputs: AwsStackOutputs, source: string): void {
  const cdn = `https://${outputs.cloudfrontDomainName}`;

  describe(`deployed stack (outputs from ${source})`, () => {
    it("the ALB is internal: its name resolves only to private addresses, so the internet cannot reach it", async () => {
      // An internal ALB's DNS name is public but answers with its private addresses (Elastic Load
      // Balancing User Guide, "Internal Application Load Balancers"). CloudFront reaches it through
      // the VPC origin; inside the VPC, a request without the origin-verify header still gets 403.
      const addresses = await lookup(outputs.albDnsName, { all: true });
      expect(addresses.length).toBeGreaterThan(0);
      for (const { address } of addresses) expect(isPrivateAddress(address), address).toBe(true);
    });

    it("CloudFront serves the storefront page at / (200, HTML)", async () => {
      expectHtml(await request(cdn + "/", { headers: { accept: "text/html" } }));
    });

    it("CloudFront redirects plain HTTP to HTTPS", async () => {
      const response = await request(`http://${outputs.cloudfrontDomainName}/`);
      expect([301, 302, 307, 308]).toContain(response.status);
      expect(response.headers.location ?? "").toMatch(/^https:\/\//);
    });

    it("CloudFront forwards /api/products to the API (200 product page)", async () => {
      expectProductPage(await request(joinUrl(cdn, "/api/products?limit=5"), { headers: { accept: "application/json" } }));
    });

    it("CloudFront refuses /api/admin/* at the edge (403 forbidden)", async () => {
      const response = await request(joinUrl(cdn, "/api/admin/products/INT-TEST"), {
        method: "PUT",
        headers: { "content-type": "application/json", authorization: "Bearer not-needed-to-be-refused" },
        body: JSON.stringify({ name: "x", priceCents: 1, stock: 1 }),
      });
      expectContractError(response, 403, "forbidden");
    });

    it("CloudFront refuses a forged __Host-sid cookie at the edge (401 unauthorized)", async () => {
      const forged = sidCookieValue(newSessionId(), randomBytes(32).toString("base64url"));
      expectContractError(await request(joinUrl(cdn, "/api/cart"), { headers: { cookie: `__Host-sid=${forged}` } }), 401, "unauthorized");
    });

    it("API Gateway serves /health with the API key (200 ok)", async () => {
      const response = await request(joinUrl(outputs.apiUrl, "/health"), { headers: { "x-api-key": outputs.apiKeyValue } });
      expect(response.status, response.body).toBe(200);
      expect(response.json).toEqual({ status: "ok" });
    });

    it("API Gateway refuses a request without the API key (403)", async () => {
      const response = await request(joinUrl(outputs.apiUrl, "/health"));
      expect(response.status, response.body).toBe(403);
    });

    it("API Gateway reaches the admin API, which still requires its bearer token (401 without it)", async () => {
      const response = await request(joinUrl(outputs.apiUrl, "/api/admin/products/INT-TEST"), {
        method: "PUT",
        headers: { "x-api-key": outputs.apiKeyValue, "content-type": "application/json" },
        body: JSON.stringify({ name: "x", priceCents: 1, stock: 1 }),
      });
      expectContractError(response, 401, "unauthorized");
    });

    it("API Gateway serves the catalog with the API key", async () => {
      expectProductPage(await request(joinUrl(outputs.apiUrl, "/api/products?limit=5"), { headers: { "x-api-key": outputs.apiKeyValue } }));
    });
  });
}

function localSuite(outputs: LocalStackOutputs, source: string): void {
  const base = outputs.baseUrl;

  describe(`local platform at ${base} (outputs from ${source})`, () => {
    it("/health is 200 ok (database and both tables answer)", async () => {
      const response = await request(joinUrl(base, "/health"));
      expect(response.status, response.body).toBe(200);
      expect(response.json).toEqual({ status: "ok" });
    });

    it("serves the storefront page at / (200, HTML)", async () => {
      expectHtml(await request(base + "/", { headers: { accept: "text/html" } }));
    });

    it("/api/products serves a product page", async () => {
      expectProductPage(await request(joinUrl(base, "/api/products?limit=5")));
    });

    it("refuses the admin API without a token (401 unauthorized)", async () => {
      const response = await request(joinUrl(base, "/api/admin/products/INT-TEST"), {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "Integration test", priceCents: 100, stock: 1 }),
      });
      expectContractError(response, 401, "unauthorized");
    });

    it("accepts the admin token: a product put through the admin API is then served by the catalog", async () => {
      const sku = `INT-${randomBytes(4).toString("hex").toUpperCase()}`;
      const product = {
        name: "Integration test product",
        priceCents: 1234,
        currency: "USD",
        category: "test",
        stock: 3,
        description: "created by infrastructure.int.test.ts",
      };
      const put = await request(joinUrl(base, `/api/admin/products/${sku}`), {
        method: "PUT",
        headers: { "content-type": "application/json", authorization: `Bearer ${outputs.adminToken}` },
        body: JSON.stringify(product),
      });
      expect(put.status, put.body).toBe(200);
      const got = await request(joinUrl(base, `/api/products/${sku}`));
      expect(got.status, got.body).toBe(200);
      expect(got.json).toMatchObject({ sku, name: product.name, priceCents: 1234, stock: 3 });
    });

    it("answers an unknown route with the contract's 404", async () => {
      expectContractError(await request(joinUrl(base, "/api/no-such-route"), { headers: { accept: "application/json" } }), 404, "not_found");
    });
  });
}

if (target.kind === "aws") awsSuite(target.outputs, target.source);
else if (target.kind === "local") localSuite(target.outputs, target.source);
else {
  console.warn(`[integration] skipped: ${target.reason}`);
  describe.skip(`post-deploy integration (${target.reason})`, () => {
    it("needs stack outputs", () => undefined);
  });
}
