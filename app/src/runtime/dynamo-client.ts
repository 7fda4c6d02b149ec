/**
 * The AWS SDK's DynamoDB client, and the app's three operations on it. The SDK
 * is the largest part of the bundle: this module is loaded on first use
 * (runtime/dynamo.ts), so a container whose first request needs no table does
 * not load and evaluate it on its cold start.
 */
import { DynamoDBClient, GetItemCommand, PutItemCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { marshall, unmarshall, type marshallOptions } from "@aws-sdk/util-dynamodb";
import type { DocumentStore, DynamoOptions, Item } from "./dynamo";

/**
 * Middleware that costs CPU on every call and does nothing for this client
 * (`npm run bench -- dynamocpu`):
 * - the logger middleware filters every input and output for a logger that is
 *   the SDK's no-op one;
 * - recursion detection copies Lambda's trace id into a header for Lambda's
 *   loop detection, which covers Lambda, SQS, SNS and S3, not DynamoDB; with
 *   tracing on, Powertools' X-Ray middleware sets that header itself.
 * The user-agent middleware stays: Powertools adds its own relative to it, and
 * a stack missing it fails every call.
 */
const UNNEEDED_MIDDLEWARE = ["loggerMiddleware", "recursionDetectionMiddleware"];

/**
 * The low-level client with its middleware stack resolved once per command
 * type (`cacheMiddleware`, released in SDK 3.649.0 for request-heavy clients:
 * https://github.com/aws/aws-sdk-js-v3/issues/6423). The cache requires that
 * nothing changes the stack after the first call: the middleware above is
 * removed here and tracing is added when the store creates the client, both
 * before any call. The document client (lib-dynamodb) refuses this option, so
 * items are converted with util-dynamodb, the converter it uses itself.
 */
export function createDynamoClient(options: DynamoOptions): DynamoDBClient {
  const client = new DynamoDBClient({
    region: options.region,
    ...(options.endpoint
      ? {
          endpoint: options.endpoint,
          // dynalite accepts any credentials; fixed ones keep the local platform independent of ~/.aws.
          credentials: { accessKeyId: "local", secretAccessKey: "local" },
        }
      : {}),
    // Fail fast: a request waits at most a few seconds before the API answers 503.
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 3_000 },
    cacheMiddleware: true,
  });
  for (const name of UNNEEDED_MIDDLEWARE) client.middlewareStack.remove(name);
  return client;
}

/** As the document client converted items for the app: attributes whose value is undefined are left out. */
const TO_ATTRIBUTES: marshallOptions = { removeUndefinedValues: true };

const attributes = (item: Item | undefined) => (item === undefined ? undefined : marshall(item, TO_ATTRIBUTES));

/** The app's operations as single sends of `client` (one round trip each), items as plain objects. */
export function documentStoreOf(client: DynamoDBClient): DocumentStore {
  return {
    async get({ TableName, Key, ConsistentRead }) {
      const { Item: found } = await client.send(new GetItemCommand({ TableName, Key: attributes(Key), ConsistentRead }));
      return { Item: found && unmarshall(found) };
    },
    async put({ TableName, Item: item, ConditionExpression, ExpressionAttributeValues }) {
      await client.send(
        new PutItemCommand({ TableName, Item: attributes(item), ConditionExpression, ExpressionAttributeValues: attributes(ExpressionAttributeValues) }),
      );
    },
    async update({ TableName, Key, UpdateExpression, ConditionExpression, ExpressionAttributeValues }) {
      await client.send(
        new UpdateItemCommand({
          TableName,
          Key: attributes(Key),
          UpdateExpression,
          ConditionExpression,
          ExpressionAttributeValues: attributes(ExpressionAttributeValues),
        }),
      );
    },
  };
}
