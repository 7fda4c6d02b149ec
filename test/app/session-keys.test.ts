/**
 * Session signing-key rotation in the API, on real PostgreSQL and dynalite: a cookie signed with the
 * previous (or next) key keeps its session and is re-signed with the current key; a cookie signed
 * with a key outside the set starts a new session. Plus the key set's format and its refresh.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { parseSessionKeys, RefreshingKeys, type SessionKeys } from "../../app/src/session/session-keys";
import { newSessionId, sidCookieValue, verifySidCookie } from "../../app/src/session/sid-cookie";
import { sessionKeysOf } from "../../app/src/runtime/runtime";
import type { AppConfig } from "../../app/src/config";
import { startLocalKeyStore } from "../../edge/local-key-store";
import { adminHeaders, ShopClient } from "./support/client";
import { ADMIN_TOKEN, startStack, type TestStack } from "./support/stack";

const KEY_A = "api-rotation-key-a-0123456789abcdef0123";
const KEY_B = "api-rotation-key-b-0123456789abcdef0123";
const KEY_C = "api-rotation-key-c-0123456789abcdef0123";
const KEY_D = "api-rotation-key-d-0123456789abcdef0123";

let stack: TestStack;
/** The key set the app sees; tests rotate it as the deployment's secret would change. */
let keys: SessionKeys = { previous: KEY_A, current: KEY_B, next: KEY_C };

beforeAll(async () => {
  stack = await startStack({ sessionKeys: async () => keys });
  const res = await new ShopClient(stack.app).put("/api/admin/products/ROT-1", { name: "Rotor", priceCents: 500, stock: 50 }, adminHeaders(ADMIN_TOKEN));
  expect(res.status, res.text).toBe(200);
});
afterAll(() => stack?.stop());

const signatureOf = (cookie: string) => cookie.split("=").slice(1).join("=").split(".")[1];

describe("API during a signing-key rotation", () => {
  it("keeps the session of a cookie signed with the previous key, and re-signs it with the current key", async () => {
    keys = { previous: KEY_A, current: KEY_B, next: KEY_C };
    const sessionId = newSessionId();
    const shopper = new ShopClient(stack.app);
    shopper.cookie = `sid=${sidCookieValue(sessionId, KEY_B)}`;
    await shopper.put("/api/cart/items/ROT-1", { quantity: 2 });

    keys = { previous: KEY_B, current: KEY_C, next: KEY_D }; // a rotation
    const res = await shopper.get("/api/cart");
    expect(res.body.items).toEqual([expect.objectContaining({ sku: "ROT-1", quantity: 2 })]);
    const reissued = res.headers.get("set-cookie")!;
    expect(reissued).toMatch(/^sid=/);
    expect(verifySidCookie(reissued.split(";")[0]!.slice(4), KEY_C)).toBe(sessionId);
    // Re-signed once: the next request carries the current key's cookie and gets no Set-Cookie.
    expect(signatureOf(shopper.cookie!)).toBe(sidCookieValue(sessionId, KEY_C).split(".")[1]);
    expect((await shopper.get("/api/cart")).headers.get("set-cookie")).toBeNull();
  });

  it("keeps the session of a cookie signed with the next key (issued by a container that already rotated)", async () => {
    keys = { previous: KEY_A, current: KEY_B, next: KEY_C };
    const sessionId = newSessionId();
    const ahead = new ShopClient(stack.app);
    ahead.cookie = `sid=${sidCookieValue(sessionId, KEY_B)}`;
    await ahead.put("/api/cart/items/ROT-1", { quantity: 1 });
    ahead.cookie = `sid=${sidCookieValue(sessionId, KEY_C)}`;
    expect((await ahead.get("/api/cart")).body.items).toHaveLength(1);
  });

  it("starts a new session for a cookie signed with a key outside the set (retired two rotations ago, or forged)", async () => {
    keys = { previous: KEY_A, current: KEY_B, next: KEY_C };
    const sessionId = newSessionId();
    const shopper = new ShopClient(stack.app);
    shopper.cookie = `sid=${sidCookieValue(sessionId, KEY_B)}`;
    await shopper.put("/api/cart/items/ROT-1", { quantity: 3 });

    for (const key of [KEY_D, "api-rotation-forged-0123456789abcdef012"]) {
      const stranger = new ShopClient(stack.app);
      stranger.cookie = `sid=${sidCookieValue(sessionId, key)}`;
      const res = await stranger.get("/api/cart");
      expect(res.body.items, key).toEqual([]);
      expect(stranger.cookie).not.toContain(sessionId);
    }
  });
});

describe("the session key set", () => {
  it("parses {previous, current, next} and names a missing or short key", () => {
    const set = { previous: KEY_A, current: KEY_B, next: KEY_C };
    expect(parseSessionKeys(JSON.stringify(set))).toEqual(set);
    expect(parseSessionKeys(JSON.stringify({ current: KEY_B }))).toEqual({ current: KEY_B, previous: undefined, next: undefined });
    expect(() => parseSessionKeys(JSON.stringify({ previous: KEY_A, next: KEY_C }))).toThrow(/"current" must be a string of at least 32/);
    expect(() => parseSessionKeys(JSON.stringify({ current: KEY_B, previous: "short" }))).toThrow(/"previous"/);
    expect(() => parseSessionKeys(KEY_B)).toThrow(/not JSON/);
  });

  it("is read again after the refresh interval, so a long-lived container learns a rotation", async () => {
    let now = 0;
    let stored: SessionKeys = { current: KEY_A };
    const refreshing = new RefreshingKeys(async () => stored, { now: () => now, refreshMs: 300_000 });
    expect((await refreshing.get())?.current).toBe(KEY_A);
    stored = { previous: KEY_A, current: KEY_B };
    now = 299_999;
    expect((await refreshing.get())?.current).toBe(KEY_A);
    now = 300_000;
    expect((await refreshing.get())?.current).toBe(KEY_B);
  });

  it("in AWS mode is read from the secret with the AWS SDK and parsed", async () => {
    const store = await startLocalKeyStore();
    try {
      const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ecommerce-session-key-t1-AbCdEf";
      store.put(arn, JSON.stringify({ previous: KEY_A, current: KEY_B, next: KEY_C }));
      const client = new SecretsManagerClient({ region: "eu-west-1", endpoint: store.endpoint, credentials: { accessKeyId: "t", secretAccessKey: "t" } });
      const config = { sessionKeys: { kind: "secretsManager", arn } } as Pick<AppConfig, "sessionKeys"> as AppConfig;
      expect(await sessionKeysOf(config, async () => client).get()).toEqual({ previous: KEY_A, current: KEY_B, next: KEY_C });
      client.destroy();
    } finally {
      await store.close();
    }
  });
});
