/**
 * A data store stopped mid-run: requests that need it get 503 `unavailable`
 * with retry-after (never a 500, never a hang), /health says 503, and
 * everything recovers once the store is back - without restarting the app.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runMigrations } from "../../app/src/db/migrations";
import { retryWhileDatabaseUnreachable } from "../../app/src/db/retry";
import { outageOf } from "../../app/src/runtime/outage";
import { createTables, startDynalite } from "../../scripts/local/stores";
import { adminHeaders, ShopClient } from "./support/client";
import { ADMIN_TOKEN, startStack, TABLES, type TestStack } from "./support/stack";

let stack: TestStack;

function expectUnavailable(res: { status: number; body: any; headers: Headers }) {
  expect(res.status).toBe(503);
  expect(res.body).toEqual({ error: { code: "unavailable", message: expect.any(String) } });
  expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
}

beforeAll(async () => {
  stack = await startStack({ localCacheTtlSeconds: 0 }, { restartable: true });
  const res = await new ShopClient(stack.app).put("/api/admin/products/OUT-1", { name: "O", priceCents: 100, stock: 50 }, adminHeaders(ADMIN_TOKEN));
  expect(res.status).toBe(200);
});
afterAll(() => stack?.stop());

describe("DynamoDB stopped", () => {
  it("gives 503 for session routes and /health, still serves the catalog, and recovers", async () => {
    const shopper = new ShopClient(stack.app);
    expect((await shopper.put("/api/cart/items/OUT-1", { quantity: 1 })).status).toBe(200);
    const port = Number(new URL(stack.dynamo.endpoint).port);

    await stack.dynamo.stop();
    expectUnavailable(await shopper.get("/api/cart"));
    expectUnavailable(await shopper.put("/api/cart/items/OUT-1", { quantity: 2 }));
    expectUnavailable(await shopper.post("/api/orders", { email: "o@example.com" }, { "idempotency-key": "out" }));
    expectUnavailable(await shopper.get("/health"));
    // The cache is an optimisation: catalog reads fall through to PostgreSQL.
    expect((await shopper.get("/api/products/OUT-1")).status).toBe(200);

    const restarted = await startDynalite({ port, dataPath: undefined });
    stack.dynamo = restarted;
    await createTables(restarted.endpoint, TABLES); // in-memory dynalite: the tables come back empty
    expect((await shopper.get("/health")).status).toBe(200);
    const put = await shopper.put("/api/cart/items/OUT-1", { quantity: 2 });
    expect(put.status).toBe(200);
    expect(put.body.items).toEqual([expect.objectContaining({ sku: "OUT-1", quantity: 2 })]);
  });
});

describe("PostgreSQL stopped", () => {
  it("gives 503 for database routes and /health, and recovers when it is back", async () => {
    const shopper = new ShopClient(stack.app);
    await shopper.put("/api/cart/items/OUT-1", { quantity: 1 });

    await stack.postgres.stop();
    expectUnavailable(await shopper.get("/api/products?limit=3"));
    expectUnavailable(await shopper.post("/api/orders", { email: "o@example.com" }, { "idempotency-key": "pg-out" }));
    expectUnavailable(await shopper.get("/health"));
    // The load balancer's liveness probe makes no database round trip: it stays 200 (the process is alive).
    const live = await shopper.get("/health/live");
    expect(live.status).toBe(200);
    expect(live.body).toEqual({ status: "ok" });
    expectUnavailable(await shopper.put("/api/admin/products/OUT-2", { name: "O2", priceCents: 1, stock: 1 }, adminHeaders(ADMIN_TOKEN)));

    await stack.postgres.start();
    expect((await shopper.get("/health")).status).toBe(200);
    expect((await shopper.get("/api/products?limit=3")).status).toBe(200);
    const order = await shopper.post("/api/orders", { email: "o@example.com" }, { "idempotency-key": "pg-out" });
    expect(order.status).toBe(201);
  });
});

describe("deploy-time migration while PostgreSQL is unreachable", () => {
  // Migrations run as the schema owner (the app's pools connect as the application role).
  let owner: pg.Pool;
  beforeAll(() => {
    owner = new pg.Pool({ connectionString: stack.postgres.url(), max: 1 });
    owner.on("error", () => {}); // idle clients see the server stop
  });
  afterAll(() => owner.end());

  it("retries until the database is back, then migrates", async () => {
    await stack.postgres.stop();
    const retriedAt: number[] = [];
    const migrating = retryWhileDatabaseUnreachable(() => runMigrations(owner), {
      budgetMs: 60_000,
      delayMs: 200,
      onRetry: (_err, elapsedMs) => retriedAt.push(elapsedMs),
    });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await stack.postgres.start();
    await expect(migrating).resolves.toEqual({ applied: [] }); // the stack was migrated at start
    expect(retriedAt.length).toBeGreaterThan(0);
  });

  it("gives up with the database's error once its budget is spent", async () => {
    await stack.postgres.stop();
    try {
      const failed = await retryWhileDatabaseUnreachable(() => runMigrations(owner), { budgetMs: 1_000, delayMs: 200 }).catch((err: unknown) => err);
      expect(outageOf(failed)).toBe("database");
    } finally {
      await stack.postgres.start();
    }
  });

  it("does not retry an error that is not an outage", async () => {
    let attempts = 0;
    const failing = retryWhileDatabaseUnreachable(
      async () => {
        attempts++;
        throw Object.assign(new Error('relation "nope" does not exist'), { code: "42P01" });
      },
      { budgetMs: 10_000, delayMs: 100 },
    );
    await expect(failing).rejects.toThrow("nope");
    expect(attempts).toBe(1);
  });
});
