/**
 * The Lambda entry on the committed sample events: ALB (single- and
 * multi-value headers, a GET carrying a body, statusDescription), API Gateway
 * REST proxy, and the deploy-time migration event - against real stores.
 */
import { readFileSync } from "node:fs";
import type { ALBResult, APIGatewayProxyResult } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLambdaHandler, type LambdaHandler } from "../../app/src/lambda";
import { MIGRATIONS } from "../../app/src/db/migrations";
import { seedDemoCatalog } from "../../scripts/local/demo-catalog";
import { SIGNING_KEY, startStack, TABLES, type TestStack } from "./support/stack";

let stack: TestStack;
let handler: LambdaHandler;
const opened: LambdaHandler[] = [];

const event = (name: string) => JSON.parse(readFileSync(new URL(`../../events/${name}`, import.meta.url), "utf8"));

function handlerFor(databaseUrl: string): LambdaHandler {
  const h = createLambdaHandler({
    DATABASE_URL: databaseUrl,
    DYNAMODB_ENDPOINT: stack.dynamo.endpoint,
    SESSIONS_TABLE: TABLES.sessions,
    CACHE_TABLE: TABLES.cache,
    SESSION_SIGNING_KEY: SIGNING_KEY,
    ADMIN_TOKEN: "local-admin-token", // the token the sample events carry
    LOG_LEVEL: "SILENT",
  });
  opened.push(h);
  return h;
}

beforeAll(async () => {
  // Powertools reads this from process.env: keep EMF lines out of the test output.
  process.env.POWERTOOLS_METRICS_DISABLED = "true";
  stack = await startStack();
  await seedDemoCatalog(stack.database.writer);
  handler = handlerFor(stack.postgres.url());
});
afterAll(async () => {
  for (const h of opened) await h.close();
  await stack?.stop();
});

describe("ALB events", () => {
  it("answers a single-value-header event with statusDescription and plain headers", async () => {
    const result = (await handler(event("alb-list-products.json"))) as ALBResult;
    expect(result.statusCode).toBe(200);
    expect(result.statusDescription).toBe("200 OK");
    expect(result.headers?.["content-type"]).toMatch(/^application\/json/);
    expect(result.multiValueHeaders).toBeUndefined();
    const body = JSON.parse(result.body!);
    expect(body.items).toHaveLength(5);
    expect(body.items.every((p: { category: string }) => p.category === "coffee")).toBe(true);
  });

  it("answers a multi-value-header GET that carries a body (as AWS's sample does) with multi-value headers", async () => {
    const e = event("alb-get-product-multivalue.json");
    expect(e.body).not.toBe("");
    const result = (await handler(e)) as ALBResult;
    expect(result.statusCode).toBe(200);
    expect(result.statusDescription).toBe("200 OK");
    expect(result.multiValueHeaders?.["content-type"]?.[0]).toMatch(/^application\/json/);
    expect(JSON.parse(result.body!)).toMatchObject({ sku: "COF-001", currency: "USD" });
  });

  it("answers HEAD with a body too", async () => {
    const e = { ...event("alb-get-product-multivalue.json"), httpMethod: "HEAD" };
    const result = (await handler(e)) as ALBResult;
    expect(result.statusCode).toBe(200);
    expect(result.body ?? "").toBe("");
  });

  it("keeps the session across multi-value requests: Set-Cookie (Secure behind HTTPS) then Cookie", async () => {
    const put = event("alb-put-cart-item.json");
    const mv = {
      ...put,
      headers: undefined,
      multiValueHeaders: Object.fromEntries(Object.entries(put.headers as Record<string, string>).map(([k, v]) => [k, [v]])),
      queryStringParameters: undefined,
      multiValueQueryStringParameters: {},
    };
    const first = (await handler(mv)) as ALBResult;
    expect(first.statusCode).toBe(200);
    const cookies = first.multiValueHeaders?.["set-cookie"] as string[];
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatch(/^__Host-sid=.+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+; Secure$/);
    const sid = cookies[0]!.split(";")[0]!;

    const get = event("alb-get-cart.json");
    const second = (await handler({
      ...get,
      headers: undefined,
      multiValueHeaders: { ...Object.fromEntries(Object.entries(get.headers as Record<string, string>).map(([k, v]) => [k, [v]])), cookie: [sid] },
      queryStringParameters: undefined,
      multiValueQueryStringParameters: {},
    })) as ALBResult;
    expect(second.multiValueHeaders?.["set-cookie"]).toBeUndefined();
    expect(JSON.parse(second.body!).items).toEqual([expect.objectContaining({ sku: "COF-001", quantity: 2 })]);
  });

  it("maps an unknown route to 404 in the contract shape with its statusDescription", async () => {
    const result = (await handler({ ...event("alb-health.json"), path: "/api/missing" })) as ALBResult;
    expect(result.statusCode).toBe(404);
    expect(result.statusDescription).toBe("404 Not Found");
    expect(JSON.parse(result.body!)).toEqual({ error: { code: "not_found", message: expect.any(String) } });
  });

  it("answers the health check", async () => {
    const result = (await handler(event("alb-health.json"))) as ALBResult;
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body!)).toEqual({ status: "ok" });
  });
});

describe("API Gateway REST proxy events", () => {
  it("answers GET with query parameters and without statusDescription", async () => {
    const result = (await handler(event("rest-list-products.json"))) as APIGatewayProxyResult & { statusDescription?: string };
    expect(result.statusCode).toBe(200);
    expect(result.statusDescription).toBeUndefined();
    expect(JSON.parse(result.body).items).toHaveLength(3);
  });

  it("answers GET /api/products/{sku} and a cart PUT with a Set-Cookie", async () => {
    const product = (await handler(event("rest-get-product.json"))) as APIGatewayProxyResult;
    expect(JSON.parse(product.body)).toMatchObject({ sku: "TEA-001" });
    const put = (await handler(event("rest-put-cart-item.json"))) as APIGatewayProxyResult;
    expect(put.statusCode).toBe(200);
    expect(put.multiValueHeaders?.["set-cookie"]?.[0]).toMatch(/^__Host-sid=/); // API Gateway is HTTPS
    expect(JSON.parse(put.body).items).toEqual([expect.objectContaining({ sku: "TEA-002", quantity: 1 })]);
  });
});

describe("order and admin sample events", () => {
  it("answers the order event for a fresh session with 409 cart_empty", async () => {
    const result = (await handler(event("alb-post-order.json"))) as ALBResult;
    expect(result.statusCode).toBe(409);
    expect(result.statusDescription).toBe("409 Conflict");
    expect(JSON.parse(result.body!).error.code).toBe("cart_empty");
  });

  it("applies the admin product event with the local admin token", async () => {
    const result = (await handler(event("rest-admin-put-product.json"))) as APIGatewayProxyResult;
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toMatchObject({ sku: "DEMO-100", priceCents: 8999, category: "brewing" });
  });
});

describe("the migration event", () => {
  it("applies pending migrations on a fresh database, then nothing on a re-run", async () => {
    await stack.postgres.createDatabase("fresh_lambda");
    const fresh = handlerFor(stack.postgres.url("fresh_lambda"));
    expect(await fresh(event("migrate.json"))).toEqual({ ok: true, applied: MIGRATIONS.map((m) => m.id) });
    expect(await fresh(event("migrate.json"))).toEqual({ ok: true, applied: [] });
  });

  it("rejects an event it does not understand", async () => {
    await expect(handler({ hello: "world" })).rejects.toThrow(/unsupported event/);
  });
});
