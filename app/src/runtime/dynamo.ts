/**
 * The DynamoDB document client and the one place its failures are classified:
 * a conditional-check failure is a normal outcome (optimistic concurrency), a
 * network error, throttling or 5xx means the store is unavailable (503), and
 * anything else (validation, missing table) is a bug or misconfiguration.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

export interface DynamoOptions {
  region: string;
  /** A local endpoint (dynalite); absent in AWS. */
  endpoint?: string;
}

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
