/**
 * The viewer-request decision of the Lambda@Edge guard, as a pure function of
 * the CloudFront request and the session signing keys in hand:
 *   - `/api/admin/*` is refused (403): admin traffic goes through API Gateway;
 *   - a session cookie (`__Host-sid` or `sid`) that verifies under none of the
 *     keys (previous, current, next) is refused (401), and the response clears
 *     it so the browser starts a new session next time;
 *   - otherwise the request goes on with an `x-request-id` header.
 * With no keys at all (the key store unreachable since the container started)
 * cookies go unchecked to the origin, which verifies them again and treats a
 * bad one as absent: a forged cookie gains nothing there, and the shop stays up.
 * Error bodies follow the API contract: {"error":{"code","message"}}.
 */
import { randomUUID } from "node:crypto";
import type { CloudFrontHeaders, CloudFrontRequest, CloudFrontResultResponse } from "aws-lambda";
import type { SessionKeys } from "../../app/src/session/session-keys";
import { SECURE_SID_COOKIE_NAME, SID_COOKIE_NAME, readSidCookie, verifySidCookieUnder } from "../../app/src/session/sid-cookie";

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

const SESSION_COOKIE_NAMES = [SECURE_SID_COOKIE_NAME, SID_COOKIE_NAME] as const;

/** Every session cookie in the request: CloudFront may pass several Cookie headers, each with several cookies. */
export function sidCookieValues(headers: CloudFrontHeaders): { name: string; value: string }[] {
  const values: { name: string; value: string }[] = [];
  for (const { value } of headers.cookie ?? []) {
    for (const pair of value.split(";")) {
      for (const name of SESSION_COOKIE_NAMES) {
        const sid = readSidCookie(pair, name);
        if (sid !== undefined) values.push({ name, value: sid });
      }
    }
  }
  return values;
}

/** The client's request id if it is sane, else a new random UUID. */
export function requestIdFor(headers: CloudFrontHeaders, newId: () => string = randomUUID): string {
  const given = headers[REQUEST_ID_HEADER]?.[0]?.value;
  return given !== undefined && SANE_REQUEST_ID.test(given) ? given : newId();
}

function errorResponse(status: 401 | 403, code: string, message: string, requestId: string, extraHeaders: CloudFrontHeaders = {}): CloudFrontResultResponse {
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

/** Expires a session cookie, with the attributes the API sets it with. */
const clearCookie = (name: string) => ({ key: "Set-Cookie", value: `${name}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax` });

/**
 * Decides what happens to one viewer request: a response to send back, or the
 * request (with its `x-request-id`) to forward to the origin. `keys` undefined:
 * none could be read, so cookies are left to the origin to verify.
 */
export function guardRequest(
  request: CloudFrontRequest,
  keys: SessionKeys | undefined,
  newId: () => string = randomUUID,
): CloudFrontRequest | CloudFrontResultResponse {
  const requestId = requestIdFor(request.headers, newId);

  if (isAdminPath(request.uri)) {
    return errorResponse(403, "forbidden", "The admin API is not served through the CDN; use the API Gateway endpoint.", requestId);
  }

  const forged = keys ? sidCookieValues(request.headers).filter((sid) => verifySidCookieUnder(sid.value, keys) === null) : [];
  if (forged.length > 0) {
    return errorResponse(401, "unauthorized", "The session cookie is not valid; it has been cleared, retry to start a new session.", requestId, {
      "set-cookie": [...new Set(forged.map((sid) => sid.name))].map(clearCookie),
    });
  }

  request.headers[REQUEST_ID_HEADER] = [{ key: "X-Request-Id", value: requestId }];
  return request;
}
