/**
 * Tracing of the app's DynamoDB calls, as the Lambda entry sets it up
 * (Powertools' captureAWSv3Client on the store's client): every call gets its
 * own X-Ray subsegment under the segment current at that call, also after the
 * client's middleware stack is cached (cacheMiddleware) by the first call.
 */
import AWSXRay from "aws-xray-sdk-core";
import { Tracer } from "@aws-lambda-powertools/tracer";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createDocumentStore, type LazyDocumentStore } from "../../app/src/runtime/dynamo";
import { createTables, startDynalite, type LocalDynamo } from "../../scripts/local/stores";
import { freePort } from "./support/ports";

const TABLES = { sessions: "sessions-traced", cache: "cache-traced" };
let dynamo: LocalDynamo;
let store: LazyDocumentStore;

beforeAll(async () => {
  dynamo = await startDynalite({ port: await freePort(8000, 8009) });
  await createTables(dynamo.endpoint, TABLES);
  AWSXRay.setContextMissingStrategy("IGNORE_ERROR");
  AWSXRay.setLogger({ error() {}, warn() {}, info() {}, debug() {} });
  // Powertools traces only inside Lambda, which it tells by this variable.
  vi.stubEnv("AWS_EXECUTION_ENV", "AWS_Lambda_nodejs22.x");
  const tracer = new Tracer({ serviceName: "shop-api-test", enabled: true });
  expect(tracer.isTracingEnabled()).toBe(true);
  store = createDocumentStore({ region: "us-east-1", endpoint: dynamo.endpoint }, (client) => tracer.captureAWSv3Client(client) ?? client);
});
afterAll(async () => {
  vi.unstubAllEnvs();
  store?.destroy();
  await dynamo?.stop();
});

/** Runs `work` with a fresh segment current, as Lambda's invocation segment would be; returns the segment. */
async function inSegment(name: string, work: () => Promise<unknown>): Promise<AWSXRay.Segment> {
  const segment = new AWSXRay.Segment(name);
  await AWSXRay.getNamespace().runAndReturn(async () => {
    AWSXRay.setSegment(segment);
    await work();
  });
  return segment;
}

const dynamoSubsegments = (segment: AWSXRay.Segment) =>
  (segment.subsegments ?? []).filter((s) => s.name === "DynamoDB").map((s) => (s as unknown as { aws?: { operation?: string } }).aws?.operation);

describe("tracing the DynamoDB store", () => {
  it("records each call under the segment of the request that made it", async () => {
    const first = await inSegment("first", () => store.put({ TableName: TABLES.sessions, Item: { pk: "traced", version: 1 } }));
    const second = await inSegment("second", () => store.get({ TableName: TABLES.sessions, Key: { pk: "traced" }, ConsistentRead: true }));
    const third = await inSegment("third", async () => {
      await store.get({ TableName: TABLES.sessions, Key: { pk: "traced" } });
      await store.update({ TableName: TABLES.cache, Key: { pk: "counter" }, UpdateExpression: "ADD version :one", ExpressionAttributeValues: { ":one": 1 } });
    });
    expect(dynamoSubsegments(first)).toEqual(["PutItem"]);
    expect(dynamoSubsegments(second)).toEqual(["GetItem"]);
    expect(dynamoSubsegments(third)).toEqual(["GetItem", "UpdateItem"]);
    expect((await store.get({ TableName: TABLES.sessions, Key: { pk: "traced" } })).Item).toEqual({ pk: "traced", version: 1 });
  });
});
