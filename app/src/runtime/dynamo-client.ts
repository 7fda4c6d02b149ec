/**
 * The AWS SDK's DynamoDB document client, and the app's three operations on
 * it. The SDK is the largest part of the bundle: this module is loaded on first
 * use (runtime/dynamo.ts), so a container whose first request needs no table
 * does not load and evaluate it on its cold start.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { DocumentStore, DynamoOptions } from "./dynamo";

/**
 * Middleware that costs CPU on every call and does nothing for this client
 * (together about 15% of the client's CPU per call: `npm run bench -- dynamocpu`):
 * - the logger middleware filters every input and output for a logger that is
 *   the SDK's no-op one;
 * - recursion detection copies Lambda's trace id into a header for Lambda's
 *   loop detection, which covers Lambda, SQS, SNS and S3, not DynamoDB; with
 *   tracing on, Powertools' X-Ray middleware sets that header itself.
 * The user-agent middleware stays: Powertools adds its own relative to it, and
 * a stack missing it fails every call.
 */
const UNNEEDED_MIDDLEWARE = ["loggerMiddleware", "recursionDetectionMiddleware"];

export function createDocumentClient(options: DynamoOptions): DynamoDBDocumentClient {
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
  });
  for (const name of UNNEEDED_MIDDLEWARE) client.middlewareStack.remove(name);
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/** The app's operations as single sends of `client` (one round trip each). */
export function documentStoreOf(client: DynamoDBDocumentClient): DocumentStore {
  return {
    get: (input) => client.send(new GetCommand(input)),
    put: (input) => client.send(new PutCommand(input)),
    update: (input) => client.send(new UpdateCommand(input)),
  };
}
