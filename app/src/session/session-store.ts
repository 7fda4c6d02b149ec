/**
 * Sessions (and the cart they carry) in the DynamoDB sessions table:
 * `pk = "session#<id>"`, TTL attribute `expiresAt` (epoch seconds, refreshed on
 * every write), and a `version` number for optimistic concurrency: every write
 * is conditional on the version it read, and a lost race re-reads and retries.
 * Expired items are treated as absent (DynamoDB deletes them lazily).
 */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { dynamoCall, DynamoUnavailable, isConditionalCheckFailure } from "../runtime/dynamo";

export interface CartLine {
  sku: string;
  quantity: number;
}

export interface SessionData {
  cart: CartLine[];
}

interface StoredSession {
  data: SessionData;
  /** Version of the item as stored, or null when no item exists physically. */
  version: number | null;
}

export class SessionConflictError extends Error {
  constructor(sessionId: string) {
    super(`session ${sessionId} kept changing; gave up after retries`);
    this.name = "SessionConflictError";
  }
}

export interface SessionStoreOptions {
  doc: DynamoDBDocumentClient;
  table: string;
  ttlSeconds: number;
  now?: () => number;
  maxAttempts?: number;
}

export class SessionStore {
  private readonly now: () => number;

  constructor(private readonly options: SessionStoreOptions) {
    this.now = options.now ?? Date.now;
  }

  async load(sessionId: string): Promise<SessionData> {
    return (await this.read(sessionId)).data;
  }

  /**
   * Applies `change` to the session's current data and writes the result if
   * nobody wrote in between; on a conflict re-reads and re-applies.
   * `change` must be a pure function of the data it is given.
   */
  async update(sessionId: string, change: (data: SessionData) => SessionData): Promise<SessionData> {
    const attempts = this.options.maxAttempts ?? 5;
    for (let attempt = 0; attempt < attempts; attempt++) {
      const current = await this.read(sessionId);
      const next = change(current.data);
      const nextVersion = (current.version ?? 0) + 1;
      try {
        await this.options.doc.send(
          new PutCommand({
            TableName: this.options.table,
            Item: {
              pk: key(sessionId),
              version: nextVersion,
              expiresAt: Math.floor(this.now() / 1000) + this.options.ttlSeconds,
              cart: next.cart,
            },
            ConditionExpression: current.version === null ? "attribute_not_exists(pk)" : "version = :read",
            ExpressionAttributeValues: current.version === null ? undefined : { ":read": current.version },
          }),
        );
        return next;
      } catch (err) {
        if (isConditionalCheckFailure(err)) continue;
        const name = (err as { name?: string })?.name ?? "";
        if (name === "ValidationException" || name === "ResourceNotFoundException") throw err;
        throw new DynamoUnavailable(err);
      }
    }
    throw new SessionConflictError(sessionId);
  }

  private async read(sessionId: string): Promise<StoredSession> {
    const result = await dynamoCall(() =>
      this.options.doc.send(new GetCommand({ TableName: this.options.table, Key: { pk: key(sessionId) }, ConsistentRead: true })),
    );
    const item = result.Item;
    if (!item) return { data: { cart: [] }, version: null };
    const version = typeof item.version === "number" ? item.version : 0;
    const expired = typeof item.expiresAt !== "number" || item.expiresAt <= Math.floor(this.now() / 1000);
    const cart = expired || !Array.isArray(item.cart) ? [] : (item.cart as CartLine[]);
    return { data: { cart }, version };
  }
}

function key(sessionId: string): string {
  return `session#${sessionId}`;
}
