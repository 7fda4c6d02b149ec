/**
 * The DynamoDB-backed stores on dynalite with a controllable clock: the catalog
 * cache's two layers and TTLs, and the session store's TTL filtering and
 * optimistic concurrency.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { CatalogCache } from "../../app/src/catalog/cache";
import { createDynamoClient, documentStoreOf } from "../../app/src/runtime/dynamo-client";
import { SessionStore } from "../../app/src/session/session-store";
import { createTables, startDynalite, type LocalDynamo } from "../../scripts/local/stores";
import { freePort } from "./support/ports";
import { tableClient } from "./support/stack";

const TABLES = { sessions: "sessions-unit", cache: "cache-unit" };
let dynamo: LocalDynamo;
let doc: ReturnType<typeof tableClient>;
let client: ReturnType<typeof createDynamoClient>;
/** The stores under test take the app's DocumentStore over the same client. */
let documents: ReturnType<typeof documentStoreOf>;
let now = 1_800_000_000_000;
const clock = () => now;

beforeAll(async () => {
  dynamo = await startDynalite({ port: await freePort(8000, 8009) });
  await createTables(dynamo.endpoint, TABLES);
  doc = tableClient(dynamo.endpoint);
  client = createDynamoClient({ region: "us-east-1", endpoint: dynamo.endpoint });
  documents = documentStoreOf(client);
});
afterAll(async () => {
  doc?.destroy();
  client?.destroy();
  await dynamo?.stop();
});

describe("CatalogCache", () => {
  it("loads once, serves from memory, then from the table, and reloads after the table TTL", async () => {
    const cache = new CatalogCache({ doc: documents, table: TABLES.cache, ttlSeconds: 30, localTtlSeconds: 5, now: clock });
    let loads = 0;
    const load = async () => ({ n: ++loads });
    expect(await cache.getOrLoad("k1", load)).toEqual({ n: 1 });
    expect(await cache.getOrLoad("k1", load)).toEqual({ n: 1 }); // memory
    await cache.settled();
    const stored = await doc.send(new GetCommand({ TableName: TABLES.cache, Key: { pk: "k1" } }));
    expect(stored.Item).toMatchObject({ pk: "k1", expiresAt: Math.floor(now / 1000) + 30 });

    now += 10_000; // memory expired, table still fresh
    const other = new CatalogCache({ doc: documents, table: TABLES.cache, ttlSeconds: 30, localTtlSeconds: 5, now: clock });
    expect(await other.getOrLoad("k1", load)).toEqual({ n: 1 });
    now += 25_000; // table entry past expiresAt: ignored even though dynalite still returns it
    expect(await other.getOrLoad("k1", load)).toEqual({ n: 2 });
    expect(loads).toBe(2);
  });

  it("does not cache a missing value", async () => {
    const cache = new CatalogCache({ doc: documents, table: TABLES.cache, ttlSeconds: 30, localTtlSeconds: 5, now: clock });
    let loads = 0;
    await cache.getOrLoad("absent", async () => (loads++, null));
    await cache.getOrLoad("absent", async () => (loads++, null));
    expect(loads).toBe(2);
  });

  it("invalidation clears memory and moves list pages to a new version, for every container", async () => {
    const a = new CatalogCache({ doc: documents, table: TABLES.cache, ttlSeconds: 30, localTtlSeconds: 5, now: clock });
    const b = new CatalogCache({ doc: documents, table: TABLES.cache, ttlSeconds: 30, localTtlSeconds: 0, now: clock });
    const v0 = await a.listVersion();
    await a.getOrLoad("mem-only", async () => ({ price: 1 }), { shared: false });
    await a.invalidateCatalog();
    expect(await a.listVersion()).toBe(v0 + 1);
    expect(await b.listVersion()).toBe(v0 + 1);
    expect(await a.getOrLoad("mem-only", async () => ({ price: 2 }), { shared: false })).toEqual({ price: 2 });
  });

  it("never stores a value whose load started before an invalidation, in memory or in the table", async () => {
    const cache = new CatalogCache({ doc: documents, table: TABLES.cache, ttlSeconds: 30, localTtlSeconds: 5, now: clock });
    let release!: () => void;
    const slowLoad = new Promise<void>((resolve) => (release = resolve));
    const stale = cache.getOrLoad("race-key", async () => (await slowLoad, { price: "old" }));
    await new Promise((resolve) => setTimeout(resolve, 50)); // the load has begun
    await cache.invalidateCatalog(); // a write lands while the read is in flight
    release();
    expect(await stale).toEqual({ price: "old" }); // the read itself answers what it read
    await cache.settled();
    expect((await doc.send(new GetCommand({ TableName: TABLES.cache, Key: { pk: "race-key" } }))).Item).toBeUndefined();
    expect(await cache.getOrLoad("race-key", async () => ({ price: "new" }))).toEqual({ price: "new" });
  });

  it("keeps a value too large for one DynamoDB item in memory only, without reporting an outage", async () => {
    const errors: unknown[] = [];
    const oversize: number[] = [];
    const cache = new CatalogCache({
      doc: documents,
      table: TABLES.cache,
      ttlSeconds: 30,
      localTtlSeconds: 5,
      now: clock,
      onCacheError: (err) => errors.push(err),
      onOversize: (_key, bytes) => oversize.push(bytes),
    });
    const big = "\u{1F600}".repeat(120_000); // 480 KB of UTF-8
    expect(await cache.getOrLoad("big-page", async () => big)).toBe(big);
    await cache.settled();
    expect(errors).toEqual([]);
    expect(oversize).toEqual([expect.any(Number)]);
    expect(oversize[0]).toBeGreaterThan(400 * 1024);
    expect((await doc.send(new GetCommand({ TableName: TABLES.cache, Key: { pk: "big-page" } }))).Item).toBeUndefined();
    let loads = 0;
    expect(await cache.getOrLoad("big-page", async () => (loads++, "reloaded"))).toBe(big); // served from memory
    expect(loads).toBe(0);
  });

  it("evicts the least recently used entries beyond its size", async () => {
    const cache = new CatalogCache({ doc: documents, table: TABLES.cache, ttlSeconds: 30, localTtlSeconds: 60, localMaxEntries: 2, now: clock });
    await cache.getOrLoad("lru-a", async () => "a");
    await cache.getOrLoad("lru-b", async () => "b");
    await cache.getOrLoad("lru-a", async () => "a2"); // touch a
    await cache.getOrLoad("lru-c", async () => "c"); // evicts b from memory
    await cache.settled();
    // b is gone from memory; the table still has it.
    await doc.send(
      new PutCommand({ TableName: TABLES.cache, Item: { pk: "lru-b", value: JSON.stringify("b-from-table"), expiresAt: Math.floor(now / 1000) + 30 } }),
    );
    expect(await cache.getOrLoad("lru-b", async () => "reloaded")).toBe("b-from-table");
    expect(await cache.getOrLoad("lru-a", async () => "reloaded")).toBe("a");
  });
});

describe("SessionStore", () => {
  it("treats an expired session as empty and refreshes expiresAt on write", async () => {
    const store = new SessionStore({ doc: documents, table: TABLES.sessions, ttlSeconds: 60, now: clock });
    await store.update("sess-ttl", () => ({ cart: [{ sku: "A", quantity: 1 }] }));
    expect((await store.load("sess-ttl")).cart).toHaveLength(1);
    now += 61_000;
    expect((await store.load("sess-ttl")).cart).toEqual([]);
    await store.update("sess-ttl", (d) => ({ cart: [...d.cart, { sku: "B", quantity: 1 }] }));
    const item = await doc.send(new GetCommand({ TableName: TABLES.sessions, Key: { pk: "session#sess-ttl" } }));
    expect(item.Item).toMatchObject({ cart: [{ sku: "B", quantity: 1 }], expiresAt: Math.floor(now / 1000) + 60, version: 2 });
  });

  it("loses no update when writers in many containers race (optimistic concurrency with retries)", async () => {
    // One store per writer: each is a container of its own, so only the conditional write and the retries keep them apart.
    const stores = Array.from({ length: 12 }, () => new SessionStore({ doc: documents, table: TABLES.sessions, ttlSeconds: 600, now: clock }));
    await Promise.all(stores.map((store, i) => store.update("sess-race", (d) => ({ cart: [...d.cart, { sku: `S${i}`, quantity: 1 }] }))));
    const store = stores[0]!;
    const { cart } = await store.load("sess-race");
    expect(cart.map((l) => l.sku).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `S${i}`).sort());
  });
});
