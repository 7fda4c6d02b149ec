/**
 * DynamoDB for the app: the operations it uses (`DocumentStore`), a store that
 * loads the SDK on first use, and the one place its failures are classified:
 * a conditional-check failure is a normal outcome (optimistic concurrency), a
 * network error, throttling or 5xx means the store is unavailable (503), and
 * anything else (validation, missing table) is a bug or misconfiguration.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";

export interface DynamoOptions {
  region: string;
  /** A local endpoint (dynalite); absent in AWS. */
  endpoint?: string;
}

/** An item, a key or expression values as plain JavaScript values (strings, numbers, lists, maps...). */
export type Item = Record<string, unknown>;

/**
 * The DynamoDB operations the app uses, with the request fields it uses; each
 * call is one round trip. Items go in and come out as plain objects.
 */
export interface DocumentStore {
  get(input: { TableName: string; Key: Item; ConsistentRead?: boolean }): Promise<{ Item?: Item }>;
  put(input: { TableName: string; Item: Item; ConditionExpression?: string; ExpressionAttributeValues?: Item }): Promise<void>;
  update(input: { TableName: string; Key: Item; UpdateExpression: string; ConditionExpression?: string; ExpressionAttributeValues?: Item }): Promise<void>;
}

export interface LazyDocumentStore extends DocumentStore {
  /**
   * Loads the SDK and opens a connection now (a read of a key that never
   * exists); resolves when done, also when that failed (requests report outages).
   */
  warm(table: string): Promise<void>;
  /** Destroys the client, also one still being created. */
  destroy(): void;
}

/**
 * A document store whose SDK client is created at its first call (or `warm`):
 * the SDK is about half of the code a cold start would otherwise load and
 * evaluate (`npm run bench -- bundle`), and a catalog read never needs it.
 * `instrument` wraps the client when it is created (tracing).
 */
export function createDocumentStore(options: DynamoOptions, instrument: <T>(client: T) => T = (client) => client): LazyDocumentStore {
  let client: DynamoDBClient | undefined;
  let store: DocumentStore | undefined;
  let loading: Promise<DocumentStore> | undefined;
  let destroyed = false;
  const load = () =>
    (loading ??= import("./dynamo-client").then(
      (sdk) => {
        client = instrument(sdk.createDynamoClient(options));
        // Destroyed while loading (a shutdown during the warm-up): close the new client's sockets too.
        if (destroyed) client.destroy();
        return (store = sdk.documentStoreOf(client));
      },
      (err: unknown) => {
        loading = undefined;
        throw err;
      },
    ));
  return {
    get: async (input) => (store ?? (await load())).get(input),
    put: async (input) => (store ?? (await load())).put(input),
    update: async (input) => (store ?? (await load())).update(input),
    warm: (table) =>
      load()
        .then((ready) => ready.get({ TableName: table, Key: { pk: "warmup#probe" } }))
        .then(
          () => {},
          () => {},
        ),
    destroy() {
      destroyed = true;
      client?.destroy();
    },
  };
}

export class DynamoUnavailable extends Error {
  constructor(cause: unknown) {
    super(`DynamoDB unavailable: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = "DynamoUnavailable";
  }
}

const CLIENT_FAULTS = new Set([
  "ConditionalCheckFailedException",
  "ValidationException",
  "ResourceNotFoundException",
  "AccessDeniedException",
  "UnrecognizedClientException",
  "ItemCollectionSizeLimitExceededException",
]);

export function isConditionalCheckFailure(err: unknown): boolean {
  return (err as { name?: string })?.name === "ConditionalCheckFailedException";
}

/** Runs a DynamoDB call, turning outages into DynamoUnavailable and passing other errors through. */
export async function dynamoCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    const name = (err as { name?: string })?.name ?? "";
    if (CLIENT_FAULTS.has(name)) throw err;
    throw new DynamoUnavailable(err);
  }
}
