/**
 * Sessions (and the cart they carry) in the DynamoDB sessions table:
 * `pk = "session#<id>"`, TTL attribute `expiresAt` (epoch seconds, refreshed on
 * every write), a `version` number for optimistic concurrency (every write is
 * conditional on the version it read, and a lost race re-reads and retries) and
 * a `revision`, a random id per write that names the cart's state for checkout.
 * Expired items are treated as absent (DynamoDB deletes them lazily).
 */
import { randomUUID } from "node:crypto";
import { dynamoCall, DynamoUnavailable, isConditionalCheckFailure, type DocumentStore } from "../runtime/dynamo";

export interface CartLine {
  sku: string;
  quantity: number;
}

export interface SessionData {
  cart: CartLine[];
}

export interface StoredSession {
  data: SessionData;
  /** Version of the item as stored, or null when no item exists physically. */
  version: number | null;
  /**
   * A random id every write gives the item: names this state of the cart for
   * good (a version number starts again at 1 if DynamoDB's TTL deletes the item).
   */
  revision: string | null;
}

export class SessionConflictError extends Error {
  constructor(sessionId: string) {
    super(`session ${sessionId} kept changing; gave up after retries`);
    this.name = "SessionConflictError";
  }
}

export interface SessionStoreOptions {
  doc: DocumentStore;
  table: string;
  ttlSeconds: number;
  now?: () => number;
  /** How long a write keeps retrying against writers in other containers before giving up (503). */
  retryBudgetMs?: number;
}

/** Runs tasks with the same key one after another, in arrival order. */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.catch(() => {});
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}

export class SessionStore {
  private readonly now: () => number;
  private readonly queue = new KeyedQueue();

  constructor(private readonly options: SessionStoreOptions) {
    this.now = options.now ?? Date.now;
  }

  async load(sessionId: string): Promise<SessionData> {
    return (await this.read(sessionId)).data;
  }

  /** The session's data with the version and revision it was read at (null: no item yet). */
  snapshot(sessionId: string): Promise<StoredSession> {
    return this.read(sessionId);
  }

  /**
   * Applies `change` to the session's current data and writes the result if
   * nobody wrote in between; on a conflict re-reads and re-applies, so every
   * concurrent write of a session is applied, one after another. Writes of one
   * session in this process queue behind each other (no conflicts among them);
   * writes from other containers are retried with a jittered backoff for up to
   * `retryBudgetMs`. `change` may read other data, and must decide from what it
   * is given (it runs again on a conflict). `from`: a state the caller read
   * already, tried first instead of reading the item again.
   */
  update(sessionId: string, change: (data: SessionData) => SessionData | Promise<SessionData>, from?: StoredSession): Promise<SessionData> {
    return this.queue.run(sessionId, () => this.applyWithRetries(sessionId, change, from));
  }

  /** Writes `data` only if the session is still at `version`; false when it changed since. */
  async replaceIfVersion(sessionId: string, version: number, data: SessionData): Promise<boolean> {
    return this.queue.run(sessionId, () => this.conditionalPut(sessionId, version, data));
  }

  private async applyWithRetries(
    sessionId: string,
    change: (data: SessionData) => SessionData | Promise<SessionData>,
    from?: StoredSession,
  ): Promise<SessionData> {
    const started = performance.now();
    for (let attempt = 0; ; attempt++) {
      const current = attempt === 0 && from ? from : await this.read(sessionId);
      const next = await change(current.data);
      if (await this.conditionalPut(sessionId, current.version, next)) return next;
      if (performance.now() - started >= (this.options.retryBudgetMs ?? 5_000)) throw new SessionConflictError(sessionId);
      // Full jitter (0 .. 2^(attempt+1) ms, at most 100): writers in several containers spread out instead of colliding again.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(100, 2 * 2 ** attempt)));
    }
  }

  /** A put conditional on the version read (null: no item yet); false on a lost race. */
  private async conditionalPut(sessionId: string, version: number | null, next: SessionData): Promise<boolean> {
    try {
      await this.options.doc.put({
        TableName: this.options.table,
        Item: {
          pk: key(sessionId),
          version: (version ?? 0) + 1,
          expiresAt: Math.floor(this.now() / 1000) + this.options.ttlSeconds,
          cart: next.cart,
          revision: randomUUID(),
        },
        ConditionExpression: version === null ? "attribute_not_exists(pk)" : "version = :read",
        ExpressionAttributeValues: version === null ? undefined : { ":read": version },
      });
      return true;
    } catch (err) {
      if (isConditionalCheckFailure(err)) return false;
      const name = (err as { name?: string })?.name ?? "";
      if (name === "ValidationException" || name === "ResourceNotFoundException") throw err;
      throw new DynamoUnavailable(err);
    }
  }

  private async read(sessionId: string): Promise<StoredSession> {
    const result = await dynamoCall(() => this.options.doc.get({ TableName: this.options.table, Key: { pk: key(sessionId) }, ConsistentRead: true }));
    const item = result.Item;
    if (!item) return { data: { cart: [] }, version: null, revision: null };
    const version = typeof item.version === "number" ? item.version : 0;
    const revision = typeof item.revision === "string" ? item.revision : `v${version}`;
    const expired = typeof item.expiresAt !== "number" || item.expiresAt <= Math.floor(this.now() / 1000);
    const cart = expired || !Array.isArray(item.cart) ? [] : (item.cart as CartLine[]);
    return { data: { cart }, version, revision };
  }
}

function key(sessionId: string): string {
  return `session#${sessionId}`;
}
