/**
 * The `sid` cookie: `<sessionId>.<signature>`, the signature being the unpadded
 * base64url HMAC-SHA256 of the session id under the session signing key
 * (docs/api.md, sessions). Shared by the API and the Lambda@Edge guard,
 * so both accept exactly the same cookies. Depends on node:crypto only, so the
 * edge bundle stays small.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { verifyingKeys, type SessionKeys } from "./session-keys";

/** The cookie's name over plain HTTP (the local platform). */
export const SID_COOKIE_NAME = "sid";
/**
 * Its name over HTTPS (docs/api.md): browsers accept a `__Host-` cookie only with Secure,
 * Path=/ and no Domain, so a sibling subdomain cannot plant a session cookie (RFC 6265bis, cookie prefixes).
 */
export const SECURE_SID_COOKIE_NAME = "__Host-sid";

export function sidCookieName(overHttps: boolean): string {
  return overHttps ? SECURE_SID_COOKIE_NAME : SID_COOKIE_NAME;
}

/** Session ids are 24 base64url characters (144 random bits): no `.`, safe in a cookie. */
const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;

export function newSessionId(): string {
  return randomBytes(18).toString("base64url");
}

export function signSessionId(sessionId: string, signingKey: string): string {
  return createHmac("sha256", signingKey).update(sessionId).digest("base64url");
}

/** The cookie value to set for a session id. */
export function sidCookieValue(sessionId: string, signingKey: string): string {
  return `${sessionId}.${signSessionId(sessionId, signingKey)}`;
}

/**
 * The session id carried by a cookie value, or null when the value is malformed
 * or its signature does not verify under the key (compared in constant time).
 */
export function verifySidCookie(value: string, signingKey: string): string | null {
  const dot = value.lastIndexOf(".");
  if (dot <= 0) return null;
  const sessionId = value.slice(0, dot);
  if (!SESSION_ID_PATTERN.test(sessionId)) return null;
  const given = Buffer.from(value.slice(dot + 1), "utf8");
  const expected = Buffer.from(signSessionId(sessionId, signingKey), "utf8");
  if (given.length !== expected.length) return null;
  return timingSafeEqual(given, expected) ? sessionId : null;
}

/**
 * The session id a cookie value carries if it verifies under any key of the set, and whether it was
 * signed with the current key (a cookie signed with another one is worth re-signing).
 */
export function verifySidCookieUnder(value: string, keys: SessionKeys): { sessionId: string; current: boolean } | null {
  for (const key of verifyingKeys(keys)) {
    const sessionId = verifySidCookie(value, key);
    if (sessionId !== null) return { sessionId, current: key === keys.current };
  }
  return null;
}

/** The value of the cookie `name` (default `sid`) in a Cookie header (or several joined), if present. */
export function readSidCookie(cookieHeader: string | undefined, name: string = SID_COOKIE_NAME): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
