/**
 * CPU per DynamoDB call on the client side (this process's user + system CPU,
 * dynalite runs in another process): the app's SDK document client, the same
 * client with the middleware the app does not need removed, and aws-lite (a
 * small client made for Lambda). Each does a session-sized GetItem and a
 * conditional PutItem, one call at a time; variants alternate per round.
 */
import awsLite from "@aws-lite/client";
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { createDocumentClient } from "../../app/src/runtime/dynamo";

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
  const sdk = createDocumentClient({ region: "us-east-1", endpoint });
  const trimmed = createDocumentClient({ region: "us-east-1", endpoint });
  for (const name of ["loggerMiddleware", "getUserAgentMiddleware", "recursionDetectionMiddleware"]) trimmed.middlewareStack.remove(name);
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
      await doc.send(new PutCommand({ TableName: table, Item: item(i, version), ConditionExpression: "attribute_not_exists(pk) OR version < :v", ExpressionAttributeValues: { ":v": version } }));
    };
  const liteCall: Call = async (i) => {
    await liteDynamo.GetItem({ TableName: table, Key: { pk: `session#cpu-${i % 50}` }, ConsistentRead: true });
    const version = ++sequence;
    await liteDynamo.PutItem({ TableName: table, Item: item(i, version), ConditionExpression: "attribute_not_exists(pk) OR version < :v", ExpressionAttributeValues: { ":v": version } });
  };
  const variants: [string, Call][] = [
    ["SDK v3 document client (the app's)", sdkCall(sdk)],
    ["SDK v3, logger/user-agent/recursion middleware removed", sdkCall(trimmed)],
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
  }
}
