/**
 * The DynamoDB-backed stores on dynalite with a controllable clock: the catalog
 * cache's two layers and TTLs, and the session store's TTL filtering and
 * optimistic concurrency.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { CatalogCache } from "../../app/src/catalog/cache";
import { createDocumentClient } from "../../app/src/runtime/dynamo";
import { SessionStore } from "../../app/src/session/session-store";
import { createTables, startDynalite, type LocalDynamo } from "../../scripts/local/stores";
import { freePort } from "./support/ports";

const TABLES = { sessions: "sessions-unit", cache: "cache-unit" };
let dynamo: LocalDynamo;
let doc: ReturnType<typeof createDocumentClient>;
let now = 1_800_000_000_000;
const clock = () => now;

beforeAll(async () => {
  dynamo = await startDynalite({ port: await freePort(8000, 8009) });
  await createTables(dynamo.endpoint, TABLES);
  doc = createDocumentClient({ region: "us-east-1", endpoint: dynamo.endpoint });
});
afterAll(async () => {
  doc?.destroy();
  await dynamo?.stop();
});

describe("CatalogCache", () => {
  it("loads once, serves from memory, then from the table, and reloads after the table TTL", async () => {
    const cache = new CatalogCache({ doc, table: TABLES.cache, ttlSeconds: 30, localTtlSeconds: 5, now: clock });
    let loads = 0;
    const load = async () => ({ n: ++loads });
    expect(await cache.getOrLoad("k1", load)).toEqual({ n: 1 });
    expect(await cache.getOrLoad("k1", load)).toEqual({ n: 1 }); // memory
    await cache.settled();
    const stored = await doc.send(new GetCommand({ TableName: TABLES.cache, Key: { pk: "k1" } }));
    expect(stored.Item).toMatchObject({ pk: "k1", expiresAt: Math.floor(now / 1000) + 30 });

    now += 10_000; // memory expired, table still fresh
    const other = new CatalogCache({ doc, table: TABLES.cache, ttlSeconds: 30, localTtlSeconds: 5, now: clock });
    expect(await other.getOrLoad("k1", load)).toEqual({ n: 1 });
    now += 25_000; // table entry past expiresAt: ignored even though dynalite still returns it
    expect(await other.getOrLoad("k1", load)).toEqual({ n: 2 });
    expect(loads).toBe(2);
  });

  it("does not cache a missing value", async () => {
    const cache = new CatalogCache({ doc, table: TABLES.cache, ttlSeconds: 30, localTtlSeconds: 5, now: clock });
    let loads = 0;
    await cache.getOrLoad("absent", async () => (loads++, null));
    await cache.getOrLoad("absent", async () => (loads++, null));
    expect(loads).toBe(2);
  });

  it("invalidation drops the product entry and moves list pages to a new version, for every container", async () => {
    const a = new CatalogCache({ doc, table: TABLES.cache, ttlSeconds: 30, localTtlSeconds: 0, now: clock });
    const v0 = await a.listVersion();
    await a.getOrLoad(CatalogCache.productKey("P1"), async () => ({ price: 1 }));
    await a.invalidateProduct("P1");
    expect(await a.listVersion()).toBe(v0 + 1);
    expect(await a.getOrLoad(CatalogCache.productKey("P1"), async () => ({ price: 2 }))).toEqual({ price: 2 });
  });

  it("evicts the least recently used entries beyond its size", async () => {
    const cache = new CatalogCache({ doc, table: TABLES.cache, ttlSeconds: 30, localTtlSeconds: 60, localMaxEntries: 2, now: clock });
    await cache.getOrLoad("lru-a", async () => "a");
    await cache.getOrLoad("lru-b", async () => "b");
    await cache.getOrLoad("lru-a", async () => "a2"); // touch a
    await cache.getOrLoad("lru-c", async () => "c"); // evicts b from memory
    await cache.settled();
    // b is gone from memory; the table still has it.
    await doc.send(new PutCommand({ TableName: TABLES.cache, Item: { pk: "lru-b", value: JSON.stringify("b-from-table"), expiresAt: Math.floor(now / 1000) + 30 } }));
    expect(await cache.getOrLoad("lru-b", async () => "reloaded")).toBe("b-from-table");
    expect(await cache.getOrLoad("lru-a", async () => "reloaded")).toBe("a");
  });
});

describe("SessionStore", () => {
  it("treats an expired session as empty and refreshes expiresAt on write", async () => {
    const store = new SessionStore({ doc, table: TABLES.sessions, ttlSeconds: 60, now: clock });
    await store.update("sess-ttl", () => ({ cart: [{ sku: "A", quantity: 1 }] }));
    expect((await store.load("sess-ttl")).cart).toHaveLength(1);
    now += 61_000;
    expect((await store.load("sess-ttl")).cart).toEqual([]);
    await store.update("sess-ttl", (d) => ({ cart: [...d.cart, { sku: "B", quantity: 1 }] }));
    const item = await doc.send(new GetCommand({ TableName: TABLES.sessions, Key: { pk: "session#sess-ttl" } }));
    expect(item.Item).toMatchObject({ cart: [{ sku: "B", quantity: 1 }], expiresAt: Math.floor(now / 1000) + 60, version: 2 });
  });

  it("loses no update when writers race (optimistic concurrency with retries)", async () => {
    const store = new SessionStore({ doc, table: TABLES.sessions, ttlSeconds: 600, now: clock, maxAttempts: 50 });
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => store.update("sess-race", (d) => ({ cart: [...d.cart, { sku: `S${i}`, quantity: 1 }] }))),
    );
    const { cart } = await store.load("sess-race");
    expect(cart.map((l) => l.sku).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `S${i}`).sort());
  });
});
