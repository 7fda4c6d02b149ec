/**
 * Read-through catalog cache in two layers: a small in-process LRU map (no I/O
 * on a hit) in front of the DynamoDB cache table (shared by every container,
 * short TTL in `expiresAt`). Entries past `expiresAt` are ignored on read
 * because DynamoDB (and dynalite) delete expired items lazily or never.
 *
 * What goes where (the catalog decides, per read):
 * - list pages: both layers, under a catalog version stored in the cache table;
 *   an admin write bumps the version (orphaning every cached page). Pages lag
 *   writes by up to the table TTL, as the contract allows.
 * - single products: in process only, for at most a fraction of a second, so
 *   stock is fresh within the contract's 1 s on every container.
 *
 * No read that started before a write can put the old value back: every
 * invalidation moves the cache to a new generation, and a load started in an
 * older generation is answered but never stored in memory; in the table, pages
 * live under the catalog version they were read for, and a put never replaces
 * a live item.
 *
 * If the cache table is unreachable, reads fall through to the database: the
 * cache is an optimisation, never a reason to fail a catalog read. A value too
 * large for one DynamoDB item is kept in memory only (by design, not an outage).
 */
import { dynamoCall, isConditionalCheckFailure, type DocumentStore } from "../runtime/dynamo";

export interface CatalogCacheOptions {
  doc: DocumentStore;
  table: string;
  ttlSeconds: number;
  localTtlSeconds: number;
  localMaxEntries?: number;
  now?: () => number;
  onCacheError?: (err: unknown) => void;
  /** A value was too large for one cache item and stays in memory only. */
  onOversize?: (key: string, bytes: number) => void;
}

export interface LoadOptions {
  /** Also keep the value in the cache table (default true). */
  shared?: boolean;
  /** Cap on the in-process lifetime, below the configured one. */
  localTtlMs?: number;
}

interface LocalEntry {
  value: unknown;
  expiresAtMs: number;
}

const VERSION_KEY = "catalog#version";

/**
 * DynamoDB's item limit is 400 KB, attribute names and values included
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-items);
 * the margin covers the key, `expiresAt` and the names.
 */
export const MAX_SHARED_VALUE_BYTES = 400 * 1024 - 1024;

export class CatalogCache {
  private readonly local = new Map<string, LocalEntry>();
  private readonly writes = new Set<Promise<void>>();
  private readonly loading = new Map<string, Promise<unknown>>();
  private readonly maxEntries: number;
  private readonly now: () => number;
  /** Moves on every invalidation: loads begun in an older generation are not stored. */
  private generation = 0;

  constructor(private readonly options: CatalogCacheOptions) {
    this.maxEntries = options.localMaxEntries ?? 500;
    this.now = options.now ?? Date.now;
  }

  /** The value under `key`, from the nearest layer that has a live copy, else from `load` (not cached when null). */
  async getOrLoad<T>(key: string, load: () => Promise<T | null>, options: LoadOptions = {}): Promise<T | null> {
    const hit = this.localGet(key);
    if (hit !== undefined) return hit as T;
    // Concurrent misses of one key in one generation share a single load.
    const flightKey = `${this.generation}\u0000${key}`;
    const inFlight = this.loading.get(flightKey);
    if (inFlight) return (await inFlight) as T | null;
    const loaded = this.readThrough(key, load, options).finally(() => this.loading.delete(flightKey));
    this.loading.set(flightKey, loaded);
    return loaded;
  }

  private async readThrough<T>(key: string, load: () => Promise<T | null>, options: LoadOptions): Promise<T | null> {
    const generation = this.generation;
    const shared = options.shared !== false;
    if (shared) {
      const stored = await this.sharedGet(key);
      if (stored !== undefined) {
        this.localSet(key, stored, generation, options.localTtlMs);
        return stored as T;
      }
    }
    const value = await load();
    if (value === null) return value;
    this.localSet(key, value, generation, options.localTtlMs);
    if (shared && generation === this.generation) {
      // Not awaited: the answer does not depend on the shared copy being written.
      const write = this.sharedPut(key, value).finally(() => this.writes.delete(write));
      this.writes.add(write);
    }
    return value;
  }

  /** The live in-process value under `key`, without loading it. */
  peek(key: string): unknown {
    return this.localGet(key);
  }

  /** Resolves when background writes to the cache table have finished. */
  async settled(): Promise<void> {
    await Promise.all([...this.writes]);
  }

  /** The current catalog version (list pages are cached under it). */
  async listVersion(): Promise<number> {
    const hit = this.localGet(VERSION_KEY);
    if (typeof hit === "number") return hit;
    const generation = this.generation;
    const item = await this.tolerant(() =>
      dynamoCall(() => this.options.doc.get({ TableName: this.options.table, Key: { pk: VERSION_KEY }, ConsistentRead: true })),
    );
    const version = typeof item?.Item?.version === "number" ? item.Item.version : 0;
    this.localSet(VERSION_KEY, version, generation);
    return version;
  }

  /** After stock changed (a checkout): this container's copies of those products go. */
  forget(keys: readonly string[]): void {
    this.generation++;
    for (const key of keys) this.local.delete(key);
  }

  /** After an admin write: forget everything in memory and orphan every cached list page, for every container. */
  async invalidateCatalog(): Promise<void> {
    this.generation++;
    this.local.clear();
    const { doc, table } = this.options;
    await dynamoCall(() =>
      doc.update({
        TableName: table,
        Key: { pk: VERSION_KEY },
        UpdateExpression: "ADD version :one",
        ExpressionAttributeValues: { ":one": 1 },
      }),
    );
    // A version read while the bump was in flight may have been stored meanwhile.
    this.generation++;
    this.local.delete(VERSION_KEY);
  }

  private localGet(key: string): unknown {
    const entry = this.local.get(key);
    if (!entry) return undefined;
    if (entry.expiresAtMs <= this.now()) {
      this.local.delete(key);
      return undefined;
    }
    // Refresh recency: Map iteration order is insertion order, so re-insert to mark as most recent.
    this.local.delete(key);
    this.local.set(key, entry);
    return entry.value;
  }

  private localSet(key: string, value: unknown, generation: number, ttlCapMs = Infinity): void {
    const ttlMs = Math.min(this.options.localTtlSeconds * 1000, ttlCapMs);
    if (ttlMs <= 0 || generation !== this.generation) return;
    this.local.delete(key);
    this.local.set(key, { value, expiresAtMs: this.now() + ttlMs });
    while (this.local.size > this.maxEntries) {
      const oldest = this.local.keys().next().value as string;
      this.local.delete(oldest);
    }
  }

  private async sharedGet(key: string): Promise<unknown> {
    const result = await this.tolerant(() => dynamoCall(() => this.options.doc.get({ TableName: this.options.table, Key: { pk: key } })));
    const item = result?.Item;
    if (!item || typeof item.value !== "string") return undefined;
    if (typeof item.expiresAt !== "number" || item.expiresAt <= this.nowSeconds()) return undefined;
    return JSON.parse(item.value) as unknown;
  }

  private async sharedPut(key: string, value: unknown): Promise<void> {
    const text = JSON.stringify(value);
    const bytes = Buffer.byteLength(text, "utf8");
    if (bytes > MAX_SHARED_VALUE_BYTES) {
      this.options.onOversize?.(key, bytes);
      return;
    }
    const now = this.nowSeconds();
    try {
      await dynamoCall(() =>
        this.options.doc.put({
          TableName: this.options.table,
          Item: { pk: key, value: text, expiresAt: now + this.options.ttlSeconds },
          // Never replace a live entry: pages are keyed by the catalog version they were read under.
          ConditionExpression: "attribute_not_exists(pk) OR expiresAt <= :now",
          ExpressionAttributeValues: { ":now": now },
        }),
      );
    } catch (err) {
      if (isConditionalCheckFailure(err)) return;
      this.options.onCacheError?.(err);
    }
  }

  private nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }

  private async tolerant<T>(call: () => Promise<T>): Promise<T | undefined> {
    try {
      return await call();
    } catch (err) {
      this.options.onCacheError?.(err);
      return undefined;
    }
  }
}
