/**
 * Lambda@Edge viewer-request entry point for CloudFront's `/api/*` behaviour.
 * Lambda@Edge has no environment variables, so edge/build.ts injects the
 * session signing key at bundle time as `__SESSION_SIGNING_KEY__`.
 */
import type { CloudFrontRequestEvent, CloudFrontRequestResult } from "aws-lambda";
import { guardRequest } from "./guard";

declare const __SESSION_SIGNING_KEY__: string | undefined;

/** The key built into this bundle; empty when the source runs unbundled (tests use guardRequest). */
const SIGNING_KEY: string = typeof __SESSION_SIGNING_KEY__ === "string" ? __SESSION_SIGNING_KEY__ : "";

export async function handler(event: CloudFrontRequestEvent): Promise<CloudFrontRequestResult> {
  const record = event.Records[0];
  if (!record) throw new Error("edge guard: event has no CloudFront record");
  return guardRequest(record.cf.request, SIGNING_KEY);
}
