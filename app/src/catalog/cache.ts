/**
 * Read-through catalog cache in two layers: a small in-process LRU map (no I/O
 * on a hit) in front of the DynamoDB cache table (shared by every container,
 * short TTL in `expiresAt`). Entries past `expiresAt` are ignored on read
 * because DynamoDB (and dynalite) delete expired items lazily or never.
 *
 * List pages are keyed under a catalog version stored in the cache table; an
 * admin write bumps the version (orphaning every cached page) and deletes the
 * product's entry. Other containers see the change once their in-process copy
 * expires (LOCAL_CACHE_TTL_SECONDS, a few seconds).
 *
 * If the cache table is unreachable, reads fall through to the database: the
 * cache is an optimisation, never a reason to fail a catalog read.
 */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { dynamoCall } from "../runtime/dynamo";

export interface CatalogCacheOptions {
  doc: DynamoDBDocumentClient;
  table: string;
  ttlSeconds: number;
  localTtlSeconds: number;
  localMaxEntries?: number;
  now?: () => number;
  onCacheError?: (err: unknown) => void;
}

interface LocalEntry {
  value: unknown;
  expiresAtMs: number;
}

const VERSION_KEY = "catalog#version";

export class CatalogCache {
  private readonly local = new Map<string, LocalEntry>();
  private readonly writes = new Set<Promise<void>>();
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(private readonly options: CatalogCacheOptions) {
    this.maxEntries = options.localMaxEntries ?? 500;
    this.now = options.now ?? Date.now;
  }

  static productKey(sku: string): string {
    return `product#${sku}`;
  }

  /** The value under `key`, from the nearest layer that has a live copy, else from `load` (not cached when null). */
  async getOrLoad<T>(key: string, load: () => Promise<T | null>): Promise<T | null> {
    const hit = this.localGet(key);
    if (hit !== undefined) return hit as T;
    const shared = await this.sharedGet(key);
    if (shared !== undefined) {
      this.localSet(key, shared);
      return shared as T;
    }
    const value = await load();
    if (value !== null) {
      this.localSet(key, value);
      // Not awaited: the answer does not depend on the shared copy being written.
      const write = this.sharedPut(key, value).finally(() => this.writes.delete(write));
      this.writes.add(write);
    }
    return value;
  }

  /** Resolves when background writes to the cache table have finished. */
  async settled(): Promise<void> {
    await Promise.all([...this.writes]);
  }

  /** The current catalog version (list pages are cached under it). */
  async listVersion(): Promise<number> {
    const hit = this.localGet(VERSION_KEY);
    if (typeof hit === "number") return hit;
    const item = await this.tolerant(() =>
      dynamoCall(() => this.options.doc.send(new GetCommand({ TableName: this.options.table, Key: { pk: VERSION_KEY } }))),
    );
    const version = typeof item?.Item?.version === "number" ? item.Item.version : 0;
    this.localSet(VERSION_KEY, version);
    return version;
  }

  /** After a product write: drop its entry and orphan every cached list page, locally and in the table. */
  async invalidateProduct(sku: string): Promise<void> {
    // A background write of the old value must not land after the delete.
    await this.settled();
    this.local.clear();
    const { doc, table } = this.options;
    await dynamoCall(() => doc.send(new DeleteCommand({ TableName: table, Key: { pk: CatalogCache.productKey(sku) } })));
    await dynamoCall(() =>
      doc.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk: VERSION_KEY },
          UpdateExpression: "ADD version :one",
          ExpressionAttributeValues: { ":one": 1 },
        }),
      ),
    );
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

  private localSet(key: string, value: unknown): void {
    if (this.options.localTtlSeconds <= 0) return;
    this.local.delete(key);
    this.local.set(key, { value, expiresAtMs: this.now() + this.options.localTtlSeconds * 1000 });
    while (this.local.size > this.maxEntries) {
      const oldest = this.local.keys().next().value as string;
      this.local.delete(oldest);
    }
  }

  private async sharedGet(key: string): Promise<unknown> {
    const result = await this.tolerant(() =>
      dynamoCall(() => this.options.doc.send(new GetCommand({ TableName: this.options.table, Key: { pk: key } }))),
    );
    const item = result?.Item;
    if (!item || typeof item.value !== "string") return undefined;
    if (typeof item.expiresAt !== "number" || item.expiresAt <= Math.floor(this.now() / 1000)) return undefined;
    return JSON.parse(item.value) as unknown;
  }

  private async sharedPut(key: string, value: unknown): Promise<void> {
    const expiresAt = Math.floor(this.now() / 1000) + this.options.ttlSeconds;
    await this.tolerant(() =>
      dynamoCall(() =>
        this.options.doc.send(new PutCommand({ TableName: this.options.table, Item: { pk: key, value: JSON.stringify(value), expiresAt } })),
      ),
    );
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
