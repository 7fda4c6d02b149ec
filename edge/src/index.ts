/**
 * Lambda@Edge viewer-request entry point for CloudFront's `/api/*` behaviour.
 * edge/build.ts builds in the ARN of the secret holding the session keys as
 * `__SESSION_KEYS_SECRET_ARN__`; the keys are read at cold start and every few
 * minutes after (src/key-store.ts), never built in.
 */
import type { CloudFrontRequestEvent, CloudFrontRequestResult } from "aws-lambda";
import { RefreshingKeys, type SessionKeys } from "../../app/src/session/session-keys";
import { guardRequest } from "./guard";
import { secretsManagerKeyReader } from "./key-store";

declare const __SESSION_KEYS_SECRET_ARN__: string | undefined;

/** The secret built into this bundle; empty when the source runs unbundled. */
const SECRET_ARN: string = typeof __SESSION_KEYS_SECRET_ARN__ === "string" ? __SESSION_KEYS_SECRET_ARN__ : "";

export type ViewerRequestHandler = (event: CloudFrontRequestEvent) => Promise<CloudFrontRequestResult>;

/** The handler over the keys in hand: undefined keys (none ever read) leave cookies to the origin (guard.ts). */
export function createHandler(keys: { get(): Promise<SessionKeys | undefined> }): ViewerRequestHandler {
  return async (event) => {
    const record = event.Records[0];
    if (!record) throw new Error("edge guard: event has no CloudFront record");
    return guardRequest(record.cf.request, await keys.get());
  };
}

/** A failed read keeps the keys in hand and is retried after 30 s; each failure is logged. */
function logReadFailure(err: unknown): void {
  console.error(JSON.stringify({ level: "ERROR", message: "edge guard: session keys could not be read; using the keys in hand, or none", error: String(err) }));
}

const keys = SECRET_ARN ? new RefreshingKeys(secretsManagerKeyReader(SECRET_ARN), { onError: logReadFailure }) : undefined;
// The first read starts while the container initialises, so the first request rarely waits for all of it.
void keys?.get();

export const handler: ViewerRequestHandler = keys
  ? createHandler(keys)
  : // A bundle without a secret is a build error: fail loudly rather than pass every cookie unchecked.
    () => Promise.reject(new Error("edge guard: no session keys secret was built into this bundle"));
