/**
 * The viewer-request decision of the Lambda@Edge guard, as a pure function of
 * the CloudFront request and the session signing key:
 *   - `/api/admin/*` is refused (403): admin traffic goes through API Gateway;
 *   - a `sid` cookie whose signature does not verify is refused (401), and the
 *     response clears it so the browser starts a new session next time;
 *   - otherwise the request goes on with an `x-request-id` header.
 * Error bodies follow the API contract: {"error":{"code","message"}}.
 */
import { randomUUID } from "node:crypto";
import type { CloudFrontHeaders, CloudFrontRequest, CloudFrontResultResponse } from "aws-lambda";
import { SID_COOKIE_NAME, readSidCookie, verifySidCookie } from "../../app/src/session/sid-cookie";

export const REQUEST_ID_HEADER = "x-request-id";

/** A client-supplied request id is kept only if it is short and made of safe characters. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * The path as the API's router will see it: percent-escapes decoded (Hono
 * decodes them before matching), lowercased, repeated slashes and `.` segments
 * removed, so `/api/%61dmin`, `/API/Admin` or `/api//admin` cannot slip past.
 */
export function normalizePath(uri: string): string {
  const decoded = uri.replace(/%([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  const segments: string[] = [];
  for (const segment of decoded.toLowerCase().split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") segments.pop();
    else segments.push(segment);
  }
  return "/" + segments.join("/");
}

export function isAdminPath(uri: string): boolean {
  return /^\/api\/admin(?:\/|$)/.test(normalizePath(uri));
}

/** Every `sid` cookie value in the request: CloudFront may pass several Cookie headers, each with several cookies. */
export function sidCookieValues(headers: CloudFrontHeaders): string[] {
  const values: string[] = [];
  for (const { value } of headers.cookie ?? []) {
    for (const pair of value.split(";")) {
      const sid = readSidCookie(pair);
      if (sid !== undefined) values.push(sid);
    }
  }
  return values;
}

/** The client's request id if it is sane, else a new random UUID. */
export function requestIdFor(headers: CloudFrontHeaders, newId: () => string = randomUUID): string {
  const given = headers[REQUEST_ID_HEADER]?.[0]?.value;
  return given !== undefined && SANE_REQUEST_ID.test(given) ? given : newId();
}

function errorResponse(
  status: 401 | 403,
  code: string,
  message: string,
  requestId: string,
  extraHeaders: CloudFrontHeaders = {},
): CloudFrontResultResponse {
  return {
    status: String(status),
    statusDescription: status === 401 ? "Unauthorized" : "Forbidden",
    headers: {
      "content-type": [{ key: "Content-Type", value: "application/json; charset=utf-8" }],
      "cache-control": [{ key: "Cache-Control", value: "no-store" }],
      [REQUEST_ID_HEADER]: [{ key: "X-Request-Id", value: requestId }],
      ...extraHeaders,
    },
    body: JSON.stringify({ error: { code, message } }),
  };
}

/** Expires the browser's `sid` cookie, with the attributes the API sets it with. */
const CLEAR_SID_COOKIE = `${SID_COOKIE_NAME}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax`;

/**
 * Decides what happens to one viewer request: a response to send back, or the
 * request (with its `x-request-id`) to forward to the origin.
 */
export function guardRequest(
  request: CloudFrontRequest,
  signingKey: string,
  newId: () => string = randomUUID,
): CloudFrontRequest | CloudFrontResultResponse {
  if (!signingKey) throw new Error("edge guard: no session signing key was built into this bundle");
  const requestId = requestIdFor(request.headers, newId);

  if (isAdminPath(request.uri)) {
    return errorResponse(403, "forbidden", "The admin API is not served through the CDN; use the API Gateway endpoint.", requestId);
  }

  const sids = sidCookieValues(request.headers);
  if (sids.some((sid) => verifySidCookie(sid, signingKey) === null)) {
    return errorResponse(401, "unauthorized", "The session cookie is not valid; it has been cleared, retry to start a new session.", requestId, {
      "set-cookie": [{ key: "Set-Cookie", value: CLEAR_SID_COOKIE }],
    });
  }

  request.headers[REQUEST_ID_HEADER] = [{ key: "X-Request-Id", value: requestId }];
  return request;
}
