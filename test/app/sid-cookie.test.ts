import { describe, expect, it } from "vitest";
import { newSessionId, readSidCookie, sidCookieValue, verifySidCookie } from "../../app/src/session/sid-cookie";

const KEY = "test-signing-key-0123456789abcdef";

describe("sid cookie", () => {
  it("verifies a cookie it signed and returns the session id", () => {
    const id = newSessionId();
    expect(verifySidCookie(sidCookieValue(id, KEY), KEY)).toBe(id);
  });

  it("signs with unpadded base64url HMAC-SHA256, as the contract states", () => {
    // Known answer computed with openssl: printf 'abcdefghijklmnopqrstuvwx' | openssl dgst -sha256 -hmac KEY -binary | base64 | tr '+/' '-_' | tr -d '='
    expect(sidCookieValue("abcdefghijklmnopqrstuvwx", KEY)).toBe(
      "abcdefghijklmnopqrstuvwx.FgvMaV5oGu0Sqd9nKBw3I8oCtFrvVtbRPerh64T0Wss",
    );
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
