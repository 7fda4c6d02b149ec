import { describe, expect, it } from "vitest";
import { newSessionId, readSidCookie, sidCookieValue, verifySidCookie, verifySidCookieUnder } from "../../app/src/session/sid-cookie";

const KEY = "test-signing-key-0123456789abcdef";

describe("sid cookie", () => {
  it("verifies a cookie it signed and returns the session id", () => {
    const id = newSessionId();
    expect(verifySidCookie(sidCookieValue(id, KEY), KEY)).toBe(id);
  });

  it("signs with unpadded base64url HMAC-SHA256, as the contract states", () => {
    // Known answer computed with openssl: printf 'abcdefghijklmnopqrstuvwx' | openssl dgst -sha256 -hmac KEY -binary | base64 | tr '+/' '-_' | tr -d '='
    expect(sidCookieValue("abcdefghijklmnopqrstuvwx", KEY)).toBe("abcdefghijklmnopqrstuvwx.FgvMaV5oGu0Sqd9nKBw3I8oCtFrvVtbRPerh64T0Wss");
  });

  it("rejects a cookie signed with another key, a tampered id, and malformed values", () => {
    const id = newSessionId();
    const good = sidCookieValue(id, KEY);
    expect(verifySidCookie(sidCookieValue(id, "another-key"), KEY)).toBeNull();
    expect(verifySidCookie(`${newSessionId()}.${good.split(".")[1]}`, KEY)).toBeNull();
    for (const bad of ["", ".", id, `${id}.`, `.${good}`, `${good}x`, "a.b.c", `${id}!.${good.split(".")[1]}`]) {
      expect(verifySidCookie(bad, KEY), bad).toBeNull();
    }
  });

  it("reads the sid cookie among others", () => {
    expect(readSidCookie("a=1; sid=xyz.sig; b=2")).toBe("xyz.sig");
    expect(readSidCookie("a=1; sidx=2")).toBeUndefined();
    expect(readSidCookie(undefined)).toBeUndefined();
  });
});

describe("sid cookie under a key set", () => {
  const SET = { previous: "previous-key-0123456789abcdef0123456", current: KEY, next: "next-key-0123456789abcdef0123456789a" };

  it("verifies under the current, previous and next key, and says whether it was the current one", () => {
    const id = newSessionId();
    expect(verifySidCookieUnder(sidCookieValue(id, SET.current), SET)).toEqual({ sessionId: id, current: true });
    expect(verifySidCookieUnder(sidCookieValue(id, SET.previous), SET)).toEqual({ sessionId: id, current: false });
    expect(verifySidCookieUnder(sidCookieValue(id, SET.next), SET)).toEqual({ sessionId: id, current: false });
  });

  it("refuses a cookie signed with any other key, and reads the cookie by the name asked for", () => {
    expect(verifySidCookieUnder(sidCookieValue(newSessionId(), "unknown-key-0123456789abcdef01234567"), SET)).toBeNull();
    expect(readSidCookie("sid=a.b; __Host-sid=c.d", "__Host-sid")).toBe("c.d");
    expect(readSidCookie("__Host-sid=c.d")).toBeUndefined();
  });
});
