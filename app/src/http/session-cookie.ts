/**
 * The session a request belongs to: the id in a valid signed session cookie
 * (`__Host-sid` over HTTPS, `sid` over plain HTTP), or a new id (and a
 * Set-Cookie) when the cookie is absent or does not verify under any key of the
 * set. A cookie signed with the previous (or next) key keeps its session and is
 * re-signed with the current key, so active shoppers move to each new key long
 * before the one after it retires theirs. Issuing an id writes nothing: a
 * session item is created on its first write.
 */
import type { Context } from "hono";
import type { SessionKeys } from "../session/session-keys";
import { newSessionId, readSidCookie, sidCookieName, sidCookieValue, verifySidCookieUnder } from "../session/sid-cookie";

/**
 * True when the client reached us over HTTPS. CloudFront's header names the
 * viewer's protocol, so it wins over X-Forwarded-Proto, which names only the
 * last hop (CloudFront -> ALB may be plain HTTP when the ALB has no certificate).
 */
export function servedOverHttps(c: Context): boolean {
  const forwarded = c.req.header("cloudfront-forwarded-proto") ?? c.req.header("x-forwarded-proto");
  if (forwarded) return forwarded.split(",")[0]!.trim().toLowerCase() === "https";
  return new URL(c.req.url).protocol === "https:";
}

/** The Set-Cookie value; over HTTPS the `__Host-` name, which requires Secure and Path=/ and forbids Domain. */
export function sidSetCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return `${sidCookieName(secure)}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure ? "; Secure" : ""}`;
}

/**
 * The request's session id; sets the cookie on the response when a new session starts or when the
 * cookie was signed with a key other than the current one. Over HTTPS only `__Host-sid` is read: a
 * plain `sid` there could have been planted by a sibling subdomain.
 */
export function sessionOf(c: Context, keys: SessionKeys, maxAgeSeconds: number): string {
  const https = servedOverHttps(c);
  const presented = readSidCookie(c.req.header("cookie"), sidCookieName(https));
  const verified = presented ? verifySidCookieUnder(presented, keys) : null;
  if (verified?.current) return verified.sessionId;
  const sessionId = verified?.sessionId ?? newSessionId();
  c.header("set-cookie", sidSetCookie(sidCookieValue(sessionId, keys.current), maxAgeSeconds, https), { append: true });
  return sessionId;
}
