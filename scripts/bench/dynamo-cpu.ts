/**
 * CPU per DynamoDB call on the client side (this process's user + system CPU,
 * dynalite runs in another process): the SDK's document client as it comes,
 * the same with the two middlewares the app removes, the app's store
 * (runtime/dynamo-client.ts: the low-level client, those middlewares removed,
 * its middleware stack resolved once, items converted by util-dynamodb), the
 * low-level client with attribute values written by hand, and aws-lite (a
 * small client made for Lambda). Each does a session-sized GetItem and a
 * conditional PutItem, one call at a time; variants alternate per round.
 */
import awsLite from "@aws-lite/client";
import { DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { createDynamoClient, documentStoreOf } from "../../app/src/runtime/dynamo-client";

export interface DynamoCpuRow {
  variant: string;
  microsPerCall: number[];
}

const CART = Array.from({ length: 3 }, (_, i) => ({ sku: `SKU-${i}`, quantity: i + 1 }));

type Call = (i: number) => Promise<unknown>;

/** Strictly increasing across every call of every variant, so each conditional put succeeds. */
let sequence = 0;

async function cpuPerCall(call: Call, calls: number): Promise<number> {
  for (let i = 0; i < 200; i++) await call(i); // warm-up: JIT, sockets, credentials
  const start = process.cpuUsage();
  for (let i = 0; i < calls; i++) await call(i);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / calls;
}

export async function measureDynamoCpu(endpoint: string, table: string, rounds: number, calls = 2_000): Promise<DynamoCpuRow[]> {
  // The SDK's document client with its default middleware stack: the baseline.
  const sdk = DynamoDBDocumentClient.from(
    new DynamoDBClient({ region: "us-east-1", endpoint, credentials: { accessKeyId: "local", secretAccessKey: "local" }, maxAttempts: 2 }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  const trimmed = DynamoDBDocumentClient.from(
    new DynamoDBClient({ region: "us-east-1", endpoint, credentials: { accessKeyId: "local", secretAccessKey: "local" }, maxAttempts: 2 }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  for (const name of ["loggerMiddleware", "recursionDetectionMiddleware"]) trimmed.middlewareStack.remove(name);
  const appClient = createDynamoClient({ region: "us-east-1", endpoint });
  const app = documentStoreOf(appClient);
  const lite = await awsLite({
    region: "us-east-1",
    endpoint,
    accessKeyId: "local",
    secretAccessKey: "local",
    plugins: [import("@aws-lite/dynamodb")],
    retries: 1,
    keepAlive: true,
  });
  // The plugin adds DynamoDB's operations to the client (typed only by @aws-lite/dynamodb-types).
  const liteDynamo = (lite as unknown as { DynamoDB: Record<"GetItem" | "PutItem", (params: object) => Promise<unknown>> }).DynamoDB;
  const item = (i: number, version: number) => ({ pk: `session#cpu-${i % 50}`, version, expiresAt: 4_000_000_000, cart: CART, revision: `rev-${version}` });
  const sdkCall =
    (doc: typeof sdk): Call =>
    async (i) => {
      await doc.send(new GetCommand({ TableName: table, Key: { pk: `session#cpu-${i % 50}` }, ConsistentRead: true }));
      const version = ++sequence;
      await doc.send(
        new PutCommand({
          TableName: table,
          Item: item(i, version),
          ConditionExpression: "attribute_not_exists(pk) OR version < :v",
          ExpressionAttributeValues: { ":v": version },
        }),
      );
    };
  // The low-level client with attribute values written by hand: no document-client marshalling pass.
  const low = new DynamoDBClient({ region: "us-east-1", endpoint, credentials: { accessKeyId: "local", secretAccessKey: "local" }, maxAttempts: 2 });
  const lowTrimmed = new DynamoDBClient({ region: "us-east-1", endpoint, credentials: { accessKeyId: "local", secretAccessKey: "local" }, maxAttempts: 2 });
  for (const name of ["loggerMiddleware", "recursionDetectionMiddleware"]) lowTrimmed.middlewareStack.remove(name);
  const lowItem = (i: number, version: number) => ({
    pk: { S: `session#cpu-${i % 50}` },
    version: { N: String(version) },
    expiresAt: { N: "4000000000" },
    cart: { L: CART.map((line) => ({ M: { sku: { S: line.sku }, quantity: { N: String(line.quantity) } } })) },
    revision: { S: `rev-${version}` },
  });
  const lowCall =
    (client: DynamoDBClient): Call =>
    async (i) => {
      await client.send(new GetItemCommand({ TableName: table, Key: { pk: { S: `session#cpu-${i % 50}` } }, ConsistentRead: true }));
      const version = ++sequence;
      await client.send(
        new PutItemCommand({
          TableName: table,
          Item: lowItem(i, version),
          ConditionExpression: "attribute_not_exists(pk) OR version < :v",
          ExpressionAttributeValues: { ":v": { N: String(version) } },
        }),
      );
    };
  const appCall: Call = async (i) => {
    await app.get({ TableName: table, Key: { pk: `session#cpu-${i % 50}` }, ConsistentRead: true });
    const version = ++sequence;
    await app.put({
      TableName: table,
      Item: item(i, version),
      ConditionExpression: "attribute_not_exists(pk) OR version < :v",
      ExpressionAttributeValues: { ":v": version },
    });
  };
  const liteCall: Call = async (i) => {
    await liteDynamo.GetItem({ TableName: table, Key: { pk: `session#cpu-${i % 50}` }, ConsistentRead: true });
    const version = ++sequence;
    await liteDynamo.PutItem({
      TableName: table,
      Item: item(i, version),
      ConditionExpression: "attribute_not_exists(pk) OR version < :v",
      ExpressionAttributeValues: { ":v": version },
    });
  };
  const variants: [string, Call][] = [
    ["SDK v3 document client, default middleware", sdkCall(sdk)],
    ["document client, logger and recursion-detection middleware removed", sdkCall(trimmed)],
    ["the app's store: low-level, trimmed, stack resolved once, util-dynamodb", appCall],
    ["SDK v3 low-level client, attribute values by hand", lowCall(low)],
    ["low-level, by hand, the app's middleware removed", lowCall(lowTrimmed)],
    ["aws-lite client + dynamodb plugin", liteCall],
  ];
  const rows = variants.map(([variant]) => ({ variant, microsPerCall: [] as number[] }));
  try {
    for (let round = 0; round < rounds; round++) {
      for (const [i, [, call]] of variants.entries()) {
        // Each iteration is two calls (Get + conditional Put).
        rows[i]!.microsPerCall.push((await cpuPerCall(call, calls / 2)) / 2);
      }
    }
    return rows;
  } finally {
    sdk.destroy();
    trimmed.destroy();
    appClient.destroy();
    low.destroy();
    lowTrimmed.destroy();
  }
}
