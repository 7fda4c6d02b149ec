import type { CloudFrontRequest, CloudFrontResultResponse } from "aws-lambda";
import { describe, expect, it } from "vitest";
import type { SessionKeys } from "../../app/src/session/session-keys";
import { newSessionId, sidCookieValue } from "../../app/src/session/sid-cookie";
import { guardRequest, isAdminPath, normalizePath, requestIdFor } from "../../edge/src/guard";
import { createHandler, handler } from "../../edge/src/index";
import { secretRegion } from "../../edge/src/key-store";
import { RefreshingKeys } from "../../app/src/session/session-keys";
import { viewerRequest, type ViewerRequestOptions } from "./events";

const KEY = "edge-test-signing-key-0123456789abcdef";
const PREVIOUS_KEY = "edge-test-previous-key-0123456789abcdef";
const NEXT_KEY = "edge-test-next-key-0123456789abcdef0123";
const KEYS: SessionKeys = { current: KEY, previous: PREVIOUS_KEY, next: NEXT_KEY };

function run(options: ViewerRequestOptions, keys: SessionKeys = KEYS): CloudFrontRequest | CloudFrontResultResponse {
  return guardRequest(viewerRequest(options).Records[0]!.cf.request, keys);
}

function asResponse(result: CloudFrontRequest | CloudFrontResultResponse): CloudFrontResultResponse {
  expect(result).toHaveProperty("status");
  return result as CloudFrontResultResponse;
}

function asRequest(result: CloudFrontRequest | CloudFrontResultResponse): CloudFrontRequest {
  expect(result).not.toHaveProperty("status");
  return result as CloudFrontRequest;
}

describe("edge guard (TypeScript handler logic)", () => {
  it("refuses /api/admin/* with 403 in the contract's error shape, as JSON", () => {
    const response = asResponse(run({ uri: "/api/admin/products/SKU-1", method: "PUT" }));
    expect(response.status).toBe("403");
    expect(response.headers?.["content-type"]?.[0]?.value).toMatch(/^application\/json/);
    expect(response.headers?.["cache-control"]?.[0]?.value).toBe("no-store");
    const body = JSON.parse(response.body!);
    expect(body.error.code).toBe("forbidden");
    expect(typeof body.error.message).toBe("string");
    expect(Object.keys(body)).toEqual(["error"]);
  });

  it("refuses admin paths disguised by case, percent-escapes, doubled slashes and dot segments", () => {
    for (const uri of [
      "/api/admin",
      "/api/admin/",
      "/API/Admin/products/x",
      "/api/%61dmin/products/x",
      "/api//admin/products/x",
      "/api/./admin/x",
      "/api/catalog/../admin/x",
      "/api%2Fadmin/x",
    ]) {
      expect(isAdminPath(uri), uri).toBe(true);
      expect(asResponse(run({ uri })).status, uri).toBe("403");
    }
  });

  it("does not treat look-alike public paths as admin", () => {
    for (const uri of ["/api/products", "/api/administrator", "/api/products/admin", "/health"]) {
      expect(isAdminPath(uri), uri).toBe(false);
    }
    expect(normalizePath("/api//products/./x/")).toBe("/api/products/x");
  });

  it("refuses a forged sid cookie with 401 unauthorized and clears the cookie", () => {
    const forged = sidCookieValue(newSessionId(), "not-the-real-key-0123456789");
    const response = asResponse(run({ uri: "/api/cart", cookies: [`theme=dark; sid=${forged}`] }));
    expect(response.status).toBe("401");
    expect(JSON.parse(response.body!).error.code).toBe("unauthorized");
    expect(response.headers?.["set-cookie"]?.[0]?.value).toMatch(/^sid=; .*Max-Age=0/);
  });

  it("refuses malformed sid values (empty, unsigned, tampered)", () => {
    const good = sidCookieValue(newSessionId(), KEY);
    for (const sid of ["", "abc", good.replace(/.$/, (c) => (c === "A" ? "B" : "A")), `${newSessionId()}.${good.split(".")[1]}`]) {
      expect(asResponse(run({ uri: "/api/cart", cookies: [`sid=${sid}`] })).status, sid).toBe("401");
    }
  });

  it("checks every sid cookie across several Cookie headers: one forged among good ones is refused", () => {
    const good = sidCookieValue(newSessionId(), KEY);
    const forged = sidCookieValue(newSessionId(), "another-key-0123456789abcdef");
    expect(asResponse(run({ uri: "/api/cart", cookies: [`sid=${good}`, `lang=en; sid=${forged}`] })).status).toBe("401");
    expect(asResponse(run({ uri: "/api/cart", cookies: ["lang=en", `a=1; sid=${forged}`] })).status).toBe("401");
  });

  it("lets a request with a good sid cookie through, cookies untouched, with an x-request-id", () => {
    const good = sidCookieValue(newSessionId(), KEY);
    const request = asRequest(run({ uri: "/api/cart", cookies: ["lang=en", `sid=${good}; theme=dark`] }));
    expect(request.uri).toBe("/api/cart");
    expect(request.headers.cookie?.map((h) => h.value)).toEqual(["lang=en", `sid=${good}; theme=dark`]);
    expect(request.headers["x-request-id"]?.[0]?.value).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("lets a request without cookies through and adds a random UUID x-request-id", () => {
    const first = asRequest(run({ uri: "/api/products" }));
    const second = asRequest(run({ uri: "/api/products" }));
    const id1 = first.headers["x-request-id"]![0]!.value;
    expect(id1).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(second.headers["x-request-id"]![0]!.value).not.toBe(id1);
  });

  it("keeps a sane client x-request-id and replaces an unsafe one", () => {
    expect(requestIdFor({ "x-request-id": [{ key: "X-Request-Id", value: "client-req-12345678" }] })).toBe("client-req-12345678");
    for (const bad of ["short", "has space in it", "x".repeat(129), "inject\r\nheader: 1", "<script>alert(1)</script>"]) {
      expect(
        requestIdFor({ "x-request-id": [{ key: "X-Request-Id", value: bad }] }, () => "fresh-id"),
        bad,
      ).toBe("fresh-id");
    }
    const request = asRequest(run({ uri: "/api/products", requestId: "trace:abc.DEF_123-x" }));
    expect(request.headers["x-request-id"]).toEqual([{ key: "X-Request-Id", value: "trace:abc.DEF_123-x" }]);
  });

  it("puts the request id on its error responses too", () => {
    const response = asResponse(run({ uri: "/api/admin/x", requestId: "client-req-12345678" }));
    expect(response.headers?.["x-request-id"]?.[0]?.value).toBe("client-req-12345678");
  });

  it("throws when no key secret was built in, rather than pass cookies unchecked", async () => {
    // The unbundled entry point has no secret ARN defined: a build error, never silently open.
    await expect(handler(viewerRequest({ uri: "/api/products" }))).rejects.toThrow(/no session keys secret/);
  });
});

describe("edge guard during a key rotation", () => {
  it("accepts a cookie signed with the previous key and one signed with the next key, untouched", () => {
    for (const key of [PREVIOUS_KEY, NEXT_KEY]) {
      const cookie = `__Host-sid=${sidCookieValue(newSessionId(), key)}`;
      const request = asRequest(run({ uri: "/api/cart", cookies: [cookie] }));
      expect(request.headers.cookie?.map((h) => h.value)).toEqual([cookie]);
    }
  });

  it("refuses a cookie signed with a key outside the set (one retired by two rotations), and clears that cookie name", () => {
    const retired = sidCookieValue(newSessionId(), "edge-test-retired-key-0123456789abcdef");
    const response = asResponse(run({ uri: "/api/cart", cookies: [`__Host-sid=${retired}`] }));
    expect(response.status).toBe("401");
    expect(response.headers?.["set-cookie"]?.map((h) => h.value)).toEqual(["__Host-sid=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax"]);
  });

  it("after a rotation (the next key current, the current key previous) still accepts cookies of both, and no longer the old previous", () => {
    const rotated: SessionKeys = { previous: KEY, current: NEXT_KEY, next: "edge-test-newest-key-0123456789abcdef" };
    for (const key of [KEY, NEXT_KEY]) {
      expect(run({ uri: "/api/cart", cookies: [`__Host-sid=${sidCookieValue(newSessionId(), key)}`] }, rotated)).not.toHaveProperty("status");
    }
    expect(asResponse(run({ uri: "/api/cart", cookies: [`__Host-sid=${sidCookieValue(newSessionId(), PREVIOUS_KEY)}`] }, rotated)).status).toBe("401");
  });

  it("checks both cookie names: a forged __Host-sid next to a good sid is refused", () => {
    const good = sidCookieValue(newSessionId(), KEY);
    const forged = sidCookieValue(newSessionId(), "another-key-0123456789abcdef0123456789");
    const response = asResponse(run({ uri: "/api/cart", cookies: [`sid=${good}; __Host-sid=${forged}`] }));
    expect(response.status).toBe("401");
    expect(response.headers?.["set-cookie"]?.map((h) => h.value.split("=")[0])).toEqual(["__Host-sid"]);
  });
});

describe("edge guard when the key store cannot be read", () => {
  it("with no keys in hand passes requests to the origin (which verifies again) but still refuses /api/admin/*", () => {
    const forged = sidCookieValue(newSessionId(), "attacker-key-0123456789abcdef0123456789");
    const noKeys = (options: ViewerRequestOptions) => guardRequest(viewerRequest(options).Records[0]!.cf.request, undefined);
    const request = asRequest(noKeys({ uri: "/api/cart", cookies: [`__Host-sid=${forged}`] }));
    expect(request.headers["x-request-id"]).toHaveLength(1);
    expect(asResponse(noKeys({ uri: "/api/admin/products/x" })).status).toBe("403");
  });

  it("keeps the keys it read when a later read fails, and reads again after the retry delay", async () => {
    let now = 0;
    let reads = 0;
    let storeUp = true;
    const errors: unknown[] = [];
    const keys = new RefreshingKeys(
      async () => {
        reads++;
        if (!storeUp) throw new Error("connect ETIMEDOUT");
        return KEYS;
      },
      { now: () => now, refreshMs: 300_000, retryMs: 30_000, onError: (err) => errors.push(err) },
    );
    const guard = createHandler(keys);
    const forged = (await guard(
      viewerRequest({ uri: "/api/cart", cookies: [`__Host-sid=${sidCookieValue(newSessionId(), "forged-key-0123456789abcdef0123456789")}`] }),
    )) as CloudFrontResultResponse;
    expect(forged.status).toBe("401");
    expect(reads).toBe(1);

    storeUp = false;
    now = 300_000; // keys due for a refresh; the read fails
    expect(
      (
        (await guard(
          viewerRequest({ uri: "/api/cart", cookies: [`__Host-sid=${sidCookieValue(newSessionId(), "forged-key-0123456789abcdef0123456789")}`] }),
        )) as CloudFrontResultResponse
      ).status,
    ).toBe("401");
    expect(reads).toBe(2);
    expect(errors).toHaveLength(1);
    now = 310_000; // within the retry delay: no new read, keys still in use
    await guard(viewerRequest({ uri: "/api/products" }));
    expect(reads).toBe(2);
    storeUp = true;
    now = 330_000;
    await guard(viewerRequest({ uri: "/api/products" }));
    expect(reads).toBe(3);
  });

  it("never having read keys, lets cookies through and tries the store again only after the retry delay", async () => {
    let now = 0;
    let reads = 0;
    const guard = createHandler(
      new RefreshingKeys(
        async () => {
          reads++;
          throw new Error("AccessDeniedException");
        },
        { now: () => now, retryMs: 30_000 },
      ),
    );
    const cookie = `__Host-sid=${sidCookieValue(newSessionId(), "anything-0123456789abcdef0123456789ab")}`;
    expect(await guard(viewerRequest({ uri: "/api/cart", cookies: [cookie] }))).not.toHaveProperty("status");
    now = 10_000;
    await guard(viewerRequest({ uri: "/api/cart", cookies: [cookie] }));
    expect(reads).toBe(1);
    now = 30_000;
    await guard(viewerRequest({ uri: "/api/cart" }));
    expect(reads).toBe(2);
  });
});

describe("edge key store", () => {
  it("reads the secret in the region its ARN names, wherever the replica runs, and refuses an ARN of another service", () => {
    expect(secretRegion("arn:aws:secretsmanager:eu-west-1:123456789012:secret:ecommerce-session-key-dev-AbCdEf")).toBe("eu-west-1");
    expect(() => secretRegion("arn:aws:ssm:eu-west-1:123456789012:parameter/x")).toThrow(/not a Secrets Manager ARN/);
  });
});
