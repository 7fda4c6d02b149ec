/**
 * The session a request belongs to: the id in a valid signed `sid` cookie, or
 * a new id (and a Set-Cookie) when the cookie is absent or does not verify.
 * Issuing an id writes nothing: a session item is created on its first write.
 */
import type { Context } from "hono";
import { newSessionId, readSidCookie, SID_COOKIE_NAME, sidCookieValue, verifySidCookie } from "../session/sid-cookie";

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

export function sidSetCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return `${SID_COOKIE_NAME}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure ? "; Secure" : ""}`;
}

/** The request's session id; sets the cookie on the response when a new session starts. */
export function sessionOf(c: Context, signingKey: string, maxAgeSeconds: number): string {
  const presented = readSidCookie(c.req.header("cookie"));
  const verified = presented ? verifySidCookie(presented, signingKey) : null;
  if (verified) return verified;
  const sessionId = newSessionId();
  c.header("set-cookie", sidSetCookie(sidCookieValue(sessionId, signingKey), maxAgeSeconds, servedOverHttps(c)), { append: true });
  return sessionId;
}
