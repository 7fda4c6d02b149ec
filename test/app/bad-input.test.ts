/**
 * Hostile and malformed requests against every route, over real sockets
 * (@hono/node-server, node:http so that raw bytes, raw paths, chunked bodies and
 * odd methods reach the server unaltered) and through the Lambda handler, on
 * real PostgreSQL and dynalite. Every client mistake must be a 4xx with the
 * contract's error shape and code, as JSON - never a 500 - and must change
 * nothing: products, orders, order lines, idempotency records and sessions are
 * compared before and after each rejected request.
 *
 * Decisions where the contract is silent (also in docs/api.md, "Bad input"):
 * - a method a path does not serve is 404 not_found, like an unknown route
 *   (the contract lists only 404 for routes; no 405);
 * - a body is parsed as JSON when Content-Type is application/json (any case,
 *   charset utf-8 if given) or absent; any other media type or a
 *   Content-Encoding is 415 unsupported_media_type; bytes that are not UTF-8
 *   are 400 bad_request;
 * - Idempotency-Key is 1..128 printable ASCII characters, not blank;
 * - a query parameter given twice is 400; unknown parameters are ignored;
 * - a well-formed category nobody uses is an empty page (200); a cursor is
 *   only a position, so one that decodes to a valid SKU is accepted;
 * - a text field must be well-formed Unicode without NUL;
 * - DELETE of a SKU outside the SKU pattern is 404 (as PUT and GET).
 */
import http from "node:http";
import net from "node:net";
import type { ServerType } from "@hono/node-server";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import type { ALBResult, APIGatewayProxyResult } from "aws-lambda";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer } from "../../app/src/server";
import { createLambdaHandler, type LambdaHandler } from "../../app/src/lambda";
import { sidCookieValue } from "../../app/src/session/sid-cookie";
import { freePort } from "./support/ports";
import { ADMIN_TOKEN, SIGNING_KEY, startStack, TABLES, type TestStack } from "./support/stack";

let stack: TestStack;
let server: ServerType;
let port: number;

/** A shopper whose cart holds a line that checkout would accept: rejections must be what stops it. */
const SHOPPER_SESSION = "bad-input-shopper-000001";
const SHOPPER = `sid=${sidCookieValue(SHOPPER_SESSION, SIGNING_KEY)}`;
let shopperOrderId: string;

const BEARER = `Bearer ${ADMIN_TOKEN}`;
const JSON_TYPE = "application/json";

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  body: any;
}

interface Req {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Send the body with Transfer-Encoding: chunked (no Content-Length). */
  chunked?: boolean;
}

/** One request over a socket, path and bytes exactly as given. */
function send(req: Req): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...(req.headers ?? {}) };
    if (req.body !== undefined && !req.chunked) headers["content-length"] = Buffer.byteLength(req.body);
    if (req.chunked) headers["transfer-encoding"] = "chunked";
    const r = http.request({ host: "127.0.0.1", port, method: req.method, path: req.path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let body: unknown;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          body = undefined;
        }
        resolve({ status: res.statusCode!, headers: res.headers, text, body });
      });
      res.on("error", reject);
    });
    r.on("error", reject);
    if (req.body !== undefined && req.chunked) {
      const buf = Buffer.from(req.body);
      for (let i = 0; i < buf.length; i += 8192) r.write(buf.subarray(i, i + 8192));
    } else if (req.body !== undefined) r.write(req.body);
    r.end();
  });
}

/** Bytes written to a socket as they are, for requests no HTTP client would send; the reply read until close. */
function sendRaw(request: string): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.end(request));
    const chunks: Buffer[] = [];
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", reject);
    socket.on("close", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const [head = "", text = ""] = raw.split("\r\n\r\n", 2);
      const [statusLine = "", ...lines] = head.split("\r\n");
      const headers: http.IncomingHttpHeaders = {};
      for (const line of lines) headers[line.slice(0, line.indexOf(":")).toLowerCase()] = line.slice(line.indexOf(":") + 1).trim();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      resolve({ status: Number(statusLine.split(" ")[1]), headers, text, body });
    });
  });
}

function expectError(res: Raw, status: number, code: string, label = "") {
  const what = `${label} -> ${res.status} ${res.text.slice(0, 300)}`;
  expect(res.status, what).toBe(status);
  expect(res.body, what).toEqual({ error: { code, message: expect.any(String) } });
  expect(res.body.error.message.length, what).toBeGreaterThan(0);
  expect(res.headers["content-type"], what).toBe("application/json; charset=utf-8");
}

/** Everything a request could write: the catalog, orders, lines, idempotency records, sessions. */
async function snapshot(): Promise<string> {
  const q = (sql: string) => stack.database.writer.query(sql).then((r) => r.rows);
  const sessions = await stack.doc.send(new ScanCommand({ TableName: TABLES.sessions, ConsistentRead: true }));
  const items = (sessions.Items ?? []).map((i) => JSON.stringify(i)).sort();
  return JSON.stringify({
    products: await q("SELECT sku, name, description, category, price_cents, currency, stock, version, updated_at FROM products ORDER BY sku"),
    cartClaims: await q("SELECT session_id, cart_revision FROM cart_checkouts ORDER BY session_id, cart_revision"),
    orders: await q("SELECT id, email FROM orders ORDER BY id"),
    lines: await q("SELECT order_id, line_no, quantity FROM order_lines ORDER BY order_id, line_no"),
    keys: await q("SELECT scope, key, status_code FROM idempotency_records ORDER BY scope, key"),
    sessions: items,
  });
}

/** Sends a request that must be refused with `status`/`code` and change nothing. */
async function expectRefused(req: Req, status: number, code: string, label = `${req.method} ${req.path}`) {
  const before = await snapshot();
  const res = await send(req);
  expectError(res, status, code, label);
  expect(await snapshot(), `${label} changed state`).toBe(before);
  return res;
}

// ---- building blocks for the case tables --------------------------------------------------------

const b64url = (s: string) => Buffer.from(s, "utf8").toString("base64url");
const LONG = (n: number, ch = "a") => ch.repeat(n);
/** `{"<field>": <raw JSON text>}` - raw so that 1e309 and 2^53+1 reach the server as written. */
const rawField = (field: string, rawValue: string, rest = "") => `{${rest}"${field}":${rawValue}}`;
const productBody = (overrides: Record<string, unknown> = {}) => JSON.stringify({ name: "Widget", priceCents: 100, stock: 5, ...overrides });

/** Bodies no JSON route accepts: malformed JSON (400 bad_request) and JSON of the wrong top-level type (400 validation_failed). */
const MALFORMED_JSON = [
  "{",
  "}",
  "{quantity:1}",
  "{'a':1}",
  "[",
  '{"a":1,}',
  '"unterminated',
  '{"a":01}',
  "NaN",
  "Infinity",
  "undefined",
  "nul",
  "\u0000",
  '{"a":1}{',
  "// x\n{}",
  " ",
  "",
  "\ufeff",
];
const WRONG_TOP_LEVEL = ["[]", "[1]", '"string"', "null", "1", "-0", "0", "true", "1e309", '[{"quantity":1}]'];
/** Not UTF-8: a lone continuation byte, an overlong slash, a truncated sequence, a UTF-16 surrogate in UTF-8, 0xFF. */
const INVALID_UTF8 = [Buffer.from([0x80]), Buffer.from([0xc0, 0xaf]), Buffer.from([0xe2, 0x82]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xff])];
const withBytes = (prefix: string, bytes: Buffer, suffix: string) => Buffer.concat([Buffer.from(prefix), bytes, Buffer.from(suffix)]);

/** Numbers that are not an integer in range, as raw JSON text. */
const BAD_NUMBERS = ["1.5", "-1", "1e309", "-1e309", "9007199254740993", '"-0"', '"1"', "null", "true", "[1]", "{}", "1e-7", "-0.5"];

/** SKUs outside `[A-Za-z0-9._-]{1,64}` as raw path segments: path tricks, encodings, NUL, unicode, 65 chars. */
const BAD_SKU_SEGMENTS = [
  "..%2F..%2Fhealth",
  "..%2f",
  "a%2Fb",
  "a%5Cb",
  "%2e%2e%2fx",
  "%00",
  "A%00B",
  "caf%C3%A9",
  "%F0%9F%9A%80",
  "%FF",
  "%",
  "%zz",
  "a%20b",
  "a+b",
  "'%3B--",
  LONG(65, "A"),
  LONG(2000, "A"),
];

const IDEMPOTENCY_KEY = "k-bad-input-0001";
const orderHeaders = (extra: Record<string, string> = {}) => ({ cookie: SHOPPER, "content-type": JSON_TYPE, "idempotency-key": IDEMPOTENCY_KEY, ...extra });
const adminPut = (body: string | Buffer, extra: Record<string, string> = {}, sku = "BAD-NEW"): Req => ({
  method: "PUT",
  path: `/api/admin/products/${sku}`,
  headers: { authorization: BEARER, "content-type": JSON_TYPE, ...extra },
  body,
});
const adminPatch = (body: string | Buffer, extra: Record<string, string> = {}, sku = "BAD-A"): Req => ({
  method: "PATCH",
  path: `/api/admin/products/${sku}`,
  headers: { authorization: BEARER, "content-type": JSON_TYPE, ...extra },
  body,
});
const cartPut = (body: string | Buffer, extra: Record<string, string> = {}, sku = "BAD-A"): Req => ({
  method: "PUT",
  path: `/api/cart/items/${sku}`,
  headers: { cookie: SHOPPER, "content-type": JSON_TYPE, ...extra },
  body,
});
const orderPost = (body: string | Buffer, extra: Record<string, string> = {}): Req => ({
  method: "POST",
  path: "/api/orders",
  headers: orderHeaders(extra),
  body,
});

/** The three JSON routes, each with a valid body, for the cases every JSON route shares. */
const JSON_ROUTES: { name: string; req: (body: string | Buffer, extra?: Record<string, string>) => Req; valid: string }[] = [
  { name: "PUT /api/cart/items/{sku}", req: (b, e) => cartPut(b, e), valid: '{"quantity":3}' },
  { name: "POST /api/orders", req: (b, e) => orderPost(b, e), valid: '{"email":"shopper@example.com"}' },
  { name: "PUT /api/admin/products/{sku}", req: (b, e) => adminPut(b, e), valid: productBody() },
];

beforeAll(async () => {
  stack = await startStack();
  for (let attempt = 0; ; attempt++) {
    try {
      port = await freePort(3000, 3009);
      server = await startServer(stack.deps, { port });
      break;
    } catch (err) {
      if (attempt >= 2) throw err;
    }
  }
  const seed = async (sku: string, stock: number) => expect((await send(adminPut(productBody({ name: sku, stock }), {}, sku))).status).toBe(200);
  await seed("BAD-A", 10);
  await seed("BAD-B", 10);
  await seed("BAD-ORD", 10);
  // The shopper places one order (for the order-read cases), then fills the cart again.
  expect((await send(cartPut('{"quantity":1}', {}, "BAD-ORD"))).status).toBe(200);
  const placed = await send(orderPost('{"email":"first@example.com"}', { "idempotency-key": "first-order" }));
  expect(placed.status, placed.text).toBe(201);
  shopperOrderId = placed.body.id;
  expect((await send(cartPut('{"quantity":2}', {}, "BAD-A"))).status).toBe(200);
});
afterAll(async () => {
  if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  await stack?.stop();
});

describe("every JSON route", () => {
  it("refuses malformed JSON with 400 bad_request", async () => {
    for (const route of JSON_ROUTES) {
      for (const body of MALFORMED_JSON) await expectRefused(route.req(body), 400, "bad_request", `${route.name} ${JSON.stringify(body)}`);
    }
  });

  it("refuses JSON of the wrong type (array, string, null, number, boolean) with 400 validation_failed", async () => {
    for (const route of JSON_ROUTES) {
      for (const body of WRONG_TOP_LEVEL) await expectRefused(route.req(body), 400, "validation_failed", `${route.name} ${body}`);
    }
  });

  it("refuses bytes that are not UTF-8 with 400 bad_request, and NUL bytes inside strings with 400", async () => {
    for (const route of JSON_ROUTES) {
      const valid = route.valid;
      // Put the invalid bytes inside the first string value (or key) of the valid body.
      const at = valid.indexOf('"') + 1;
      for (const bytes of INVALID_UTF8) {
        await expectRefused(route.req(withBytes(valid.slice(0, at), bytes, valid.slice(at))), 400, "bad_request", `${route.name} ${bytes.toString("hex")}`);
      }
      // A raw NUL byte is a control character JSON does not allow unescaped.
      await expectRefused(route.req(withBytes(valid.slice(0, at), Buffer.from([0]), valid.slice(at))), 400, "bad_request", `${route.name} raw NUL`);
    }
  });

  it("refuses a body with a media type other than JSON, or content-encoded, with 415 unsupported_media_type", async () => {
    const types = [
      "text/plain",
      "text/plain;charset=UTF-8",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      "application/xml",
      "application/json; charset=utf-16",
      "application/jsonx",
      "json",
      "",
    ];
    for (const route of JSON_ROUTES) {
      for (const type of types) await expectRefused(route.req(route.valid, { "content-type": type }), 415, "unsupported_media_type", `${route.name} ${type}`);
      await expectRefused(route.req("quantity=3&email=a%40b.co", { "content-type": "application/x-www-form-urlencoded" }), 415, "unsupported_media_type");
      await expectRefused(route.req(route.valid, { "content-encoding": "gzip" }), 415, "unsupported_media_type", `${route.name} gzip`);
    }
  });

  it("accepts JSON without a Content-Type, and with any case and a utf-8 charset (the decision documented above)", async () => {
    const noType = cartPut('{"quantity":3}', { "content-type": "" }, "BAD-B");
    delete noType.headers!["content-type"];
    expect((await send(noType)).status).toBe(200);
    expect((await send(cartPut('{"quantity":2}', { "content-type": "Application/JSON; Charset=UTF-8" }, "BAD-B"))).status).toBe(200);
    expect((await send(cartPut('{"quantity":0}', {}, "BAD-B"))).status).toBe(200); // the shopper's cart is back to BAD-A x2
  });

  it("answers 413 payload_too_large over 64 KiB, with or without Content-Length, and never reads it as a request", async () => {
    for (const route of JSON_ROUTES) {
      const big = `{"pad":"${"x".repeat(64 * 1024)}"}`;
      await expectRefused(route.req(big), 413, "payload_too_large", `${route.name} content-length`);
      await expectRefused({ ...route.req(big), chunked: true }, 413, "payload_too_large", `${route.name} chunked`);
      await expectRefused({ ...route.req(Buffer.alloc(1024 * 1024, 0x20)), chunked: true }, 413, "payload_too_large", `${route.name} 1 MiB of spaces`);
      // Exactly 64 KiB is allowed through to validation.
      const exact = `{"pad":"${"x".repeat(64 * 1024 - 10)}"}`;
      expect(Buffer.byteLength(exact)).toBe(64 * 1024);
      await expectRefused(route.req(exact), 400, "validation_failed", `${route.name} exactly 64 KiB`);
    }
  });

  it("answers a body of thousands of junk keys, or one huge key, with a short message (no echo of the input)", async () => {
    const junk = JSON.stringify(Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`junk${i}`, i])));
    const hugeKey = `{"${"k".repeat(60000)}":1}`;
    for (const route of JSON_ROUTES) {
      for (const body of [junk, hugeKey]) {
        const res = await expectRefused(route.req(body), 400, "validation_failed", `${route.name} junk keys`);
        expect(res.body.error.message.length).toBeLessThan(2500);
      }
    }
    const long = await expectRefused({ method: "GET", path: `/api/products/${LONG(3000)}` }, 404, "not_found");
    expect(long.body.error.message.length).toBeLessThan(300);
    const route = await expectRefused({ method: "GET", path: `/${LONG(4000)}` }, 404, "not_found");
    expect(route.body.error.message.length).toBeLessThan(300);
  });

  it("refuses deeply nested and prototype-polluting JSON with 400", async () => {
    for (const route of JSON_ROUTES) {
      await expectRefused(route.req("[".repeat(30000) + "]".repeat(30000)), 400, "validation_failed", `${route.name} deep array`);
      await expectRefused(route.req('{"a":'.repeat(10000) + "1" + "}".repeat(10000)), 400, "validation_failed", `${route.name} deep object`);
      await expectRefused(route.req(route.valid.replace("{", '{"__proto__":{"admin":true},')), 400, "validation_failed", `${route.name} __proto__`);
      await expectRefused(route.req(route.valid.replace("{", '{"constructor":{"prototype":{}},')), 400, "validation_failed", `${route.name} constructor`);
    }
  });
});

describe("PUT /api/cart/items/{sku}", () => {
  it("refuses a quantity that is not an integer 0..99 with 400 validation_failed naming quantity", async () => {
    const values = [...BAD_NUMBERS, "100", "1e2", "-0.0001", "99.5", "2147483648", '"1"'];
    for (const value of values) {
      const res = await expectRefused(cartPut(rawField("quantity", value)), 400, "validation_failed", `quantity ${value}`);
      expect(res.body.error.message).toContain("quantity");
    }
  });

  it("refuses missing, extra and misspelled fields with 400 validation_failed", async () => {
    for (const body of ["{}", '{"quantity":1,"extra":1}', '{"Quantity":1}', '{"qty":1}', '{"quantity":1,"sku":"BAD-B"}', '{"quantity":1,"priceCents":0}']) {
      await expectRefused(cartPut(body), 400, "validation_failed", body);
    }
  });

  it("answers 404 not_found for a SKU outside the pattern (path tricks, NUL, unicode, 65+ chars) or unknown", async () => {
    for (const seg of [...BAD_SKU_SEGMENTS, "NO-SUCH-SKU"]) await expectRefused(cartPut('{"quantity":1}', {}, seg), 404, "not_found", seg);
  });

  it("treats -0 as 0 (JSON has one zero): the line is removed, not an error", async () => {
    expect((await send(cartPut('{"quantity":1}', {}, "BAD-B"))).status).toBe(200);
    const res = await send(cartPut('{"quantity":-0}', {}, "BAD-B"));
    expect(res.status).toBe(200);
    expect(res.body.items.map((i: { sku: string }) => i.sku)).toEqual(["BAD-A"]);
  });
});

describe("DELETE /api/cart/items/{sku}", () => {
  it("answers 404 not_found for a SKU outside the pattern and writes no session", async () => {
    for (const seg of BAD_SKU_SEGMENTS) {
      await expectRefused({ method: "DELETE", path: `/api/cart/items/${seg}`, headers: { cookie: SHOPPER } }, 404, "not_found", seg);
      await expectRefused({ method: "DELETE", path: `/api/cart/items/${seg}` }, 404, "not_found", `${seg} no cookie`);
    }
  });

  it("removes nothing and writes nothing for a well-formed SKU that is not in the cart (200, idempotent)", async () => {
    for (const headers of [{}, { cookie: SHOPPER }] as Record<string, string>[]) {
      const before = await snapshot();
      const res = await send({ method: "DELETE", path: "/api/cart/items/NOT-IN-CART", headers });
      expect(res.status).toBe(200);
      expect(await snapshot()).toBe(before);
    }
  });
});

describe("POST /api/orders", () => {
  const stockOf = async (sku: string) =>
    (await stack.database.writer.query<{ stock: number }>("SELECT stock FROM products WHERE sku = $1", [sku])).rows[0]!.stock;

  it("requires an Idempotency-Key of 1..128 printable ASCII characters (400 validation_failed)", async () => {
    const body = '{"email":"shopper@example.com"}';
    const missing = orderPost(body);
    delete missing.headers!["idempotency-key"];
    let res = await expectRefused(missing, 400, "validation_failed", "missing key");
    // One reason, the one that applies: a missing key is not also "not printable" or "blank".
    expect(res.body.error.message).toBe("Idempotency-Key: is required (1..128 characters)");
    // Header values are bytes; node:http sends these code points as latin-1 bytes.
    for (const key of ["", LONG(129), LONG(5000), "caf\u00e9", "\u00ff\u00fe", "tab\tinside", "   "]) {
      res = await expectRefused(orderPost(body, { "idempotency-key": key }), 400, "validation_failed", `key ${JSON.stringify(key.slice(0, 20))}`);
      expect(res.body.error.message).toContain("Idempotency-Key");
    }
    // UTF-8 bytes of a non-ASCII key, as a client that sends UTF-8 headers would.
    await expectRefused(orderPost(body, { "idempotency-key": Buffer.from("clé-ü", "utf8").toString("latin1") }), 400, "validation_failed", "utf-8 key");
    expect(await stockOf("BAD-A")).toBe(10);
  });

  it("refuses a missing, wrong-typed, invalid or oversized email with 400 validation_failed naming email", async () => {
    const emails = [
      "{}",
      '{"email":null}',
      '{"email":1}',
      '{"email":true}',
      '{"email":["a@b.co"]}',
      '{"email":{"a":"b"}}',
      '{"email":""}',
      '{"email":"not-an-email"}',
      '{"email":"a@"}',
      '{"email":"@b.co"}',
      '{"email":"a b@c.co"}',
      '{"email":"a@b.co\\u0000"}',
      '{"email":"\\ud800@b.co"}',
      `{"email":"${LONG(250)}@b.co"}`,
      `{"email":"${LONG(60000)}@b.co"}`,
      '{"email":"a@b.co","extra":1}',
      '{"e-mail":"a@b.co"}',
    ];
    for (const body of emails) {
      const res = await expectRefused(orderPost(body), 400, "validation_failed", body.slice(0, 60));
      expect(res.body.error.message, body.slice(0, 60)).toMatch(/email|e-mail|extra|body/);
    }
    expect(await stockOf("BAD-A")).toBe(10);
  });

  it("still takes the order when everything is right (the cases above were refused for their own reason)", async () => {
    const before = await stockOf("BAD-A");
    const res = await send(orderPost('{"email":"shopper@example.com"}', { "idempotency-key": "good-key" }));
    expect(res.status, res.text).toBe(201);
    expect(await stockOf("BAD-A")).toBe(before - 2);
    // Refill the cart for the cases after this one.
    expect((await send(cartPut('{"quantity":2}', {}, "BAD-A"))).status).toBe(200);
  });
});

describe("PUT /api/admin/products/{sku}", () => {
  it("refuses every Authorization that is not `Bearer <the token>` with 401 unauthorized, before reading the body", async () => {
    const values = [
      undefined,
      "",
      "Bearer",
      "Bearer ",
      "Basic " + Buffer.from(`admin:${ADMIN_TOKEN}`).toString("base64"),
      `Token ${ADMIN_TOKEN}`,
      ADMIN_TOKEN,
      `Bearer${ADMIN_TOKEN}`,
      "Bearer wrong-token",
      `Bearer ${ADMIN_TOKEN}x`,
      `Bearer ${ADMIN_TOKEN.slice(0, -1)}`,
      `Bearer ${ADMIN_TOKEN} extra`,
      `Bearer ${ADMIN_TOKEN.toUpperCase()}`,
      `Bearer ${ADMIN_TOKEN.split("").join(" ")}`,
      `Bearer ${"a".repeat(8000)}`,
      `Bearer ${ADMIN_TOKEN}, Bearer ${ADMIN_TOKEN}`,
      `Bearer caf\u00e9`,
    ];
    for (const value of values) {
      const headers: Record<string, string> = { "content-type": JSON_TYPE };
      if (value !== undefined) headers.authorization = value;
      for (const body of [productBody(), "{not json", "[]"]) {
        const res = await expectRefused(
          { method: "PUT", path: "/api/admin/products/BAD-AUTH", headers, body },
          401,
          "unauthorized",
          `auth ${String(value).slice(0, 40)}`,
        );
        expect(res.headers["www-authenticate"]).toMatch(/^Bearer /);
      }
    }
  });

  it("accepts the scheme in any case and extra spaces before the token (RFC 7235 / 6750)", async () => {
    for (const auth of [`bearer ${ADMIN_TOKEN}`, `BEARER   ${ADMIN_TOKEN}`]) {
      expect((await send(adminPut(productBody({ name: "BAD-B", stock: 10 }), { authorization: auth }, "BAD-B"))).status).toBe(200);
    }
  });

  it("refuses wrong, missing and extra fields with 400 validation_failed naming the field", async () => {
    const cases: [string, string][] = [
      ...BAD_NUMBERS.map((v): [string, string] => [rawField("priceCents", v, '"name":"x","stock":1,'), "priceCents"]),
      ...BAD_NUMBERS.map((v): [string, string] => [rawField("stock", v, '"name":"x","priceCents":1,'), "stock"]),
      [productBody({ priceCents: 100_000_001 }), "priceCents"],
      [productBody({ stock: 1_000_001 }), "stock"],
      [productBody({ name: "" }), "name"],
      [productBody({ name: "   " }), "name"],
      [productBody({ name: LONG(201) }), "name"],
      [productBody({ name: LONG(60000) }), "name"],
      [productBody({ name: 5 }), "name"],
      [productBody({ name: null }), "name"],
      [productBody({ name: ["x"] }), "name"],
      [productBody({ name: "nul\u0000" }), "name"],
      [productBody({ name: "lone \ud800 surrogate" }), "name"],
      [productBody({ name: "lone \udfff" }), "name"],
      [productBody({ description: LONG(2001) }), "description"],
      [productBody({ description: "a\u0000b" }), "description"],
      [productBody({ description: "\ud83d" }), "description"],
      [productBody({ description: 1 }), "description"],
      [productBody({ currency: "usd" }), "currency"],
      [productBody({ currency: "US" }), "currency"],
      [productBody({ currency: "USDX" }), "currency"],
      [productBody({ currency: "" }), "currency"],
      [productBody({ currency: 840 }), "currency"],
      [productBody({ currency: null }), "currency"],
      [productBody({ category: "Bad Cat" }), "category"],
      [productBody({ category: "" }), "category"],
      [productBody({ category: LONG(41) }), "category"],
      [productBody({ category: "caf\u00e9" }), "category"],
      [productBody({ category: "../x" }), "category"],
      [productBody({ sku: "OTHER" }), "sku"],
      [productBody({ id: 1 }), "id"],
      [JSON.stringify({ priceCents: 1, stock: 1 }), "name"],
      [JSON.stringify({ name: "x", stock: 1 }), "priceCents"],
      [JSON.stringify({ name: "x", priceCents: 1 }), "stock"],
    ];
    for (const [body, field] of cases) {
      const res = await expectRefused(adminPut(body), 400, "validation_failed", body.slice(0, 80));
      expect(res.body.error.message, body.slice(0, 80)).toContain(field);
    }
    expect((await send({ method: "GET", path: "/api/products/BAD-NEW" })).status).toBe(404);
  });

  it("refuses a SKU outside the pattern with 400 validation_failed naming sku", async () => {
    for (const seg of BAD_SKU_SEGMENTS) {
      const res = await expectRefused(adminPut(productBody(), {}, seg), 400, "validation_failed", seg);
      expect(res.body.error.message).toContain("sku");
    }
  });

  it("accepts and returns well-formed unicode text unchanged", async () => {
    const name = "Caf\u00e9 \u2615 \u{1F680} \u0928\u092e\u0938\u094d\u0924\u0947";
    const res = await send(adminPut(productBody({ name, description: "line 1\nline 2\t\u00e9" }), {}, "BAD-UNI"));
    expect(res.status, res.text).toBe(200);
    expect((await send({ method: "GET", path: "/api/products/BAD-UNI" })).body).toMatchObject({ name, description: "line 1\nline 2\t\u00e9" });
  });
});

describe("GET /api/products", () => {
  it("refuses a limit that is not an integer 1..100, repeated parameters, and bad cursors and categories with 400 validation_failed", async () => {
    const queries = [
      "limit=0",
      "limit=101",
      "limit=1.5",
      "limit=-1",
      "limit=abc",
      "limit=",
      "limit=1e2",
      "limit=0x10",
      "limit=%205",
      "limit=5%00",
      "limit=%FF",
      "limit=99999999999999999999",
      "limit=NaN",
      "limit=Infinity",
      "limit=5&limit=6",
      "limit=5&limit=500",
      "cursor=",
      "cursor=%21%21",
      "cursor=Zm9v",
      `cursor=${b64url("s:")}`,
      `cursor=${b64url("s:../etc")}`,
      `cursor=${b64url("s:" + LONG(65))}`,
      `cursor=${b64url("s:A\u0000")}`,
      `cursor=${b64url("x:BAD-A")}`,
      `cursor=${Buffer.from("s:BAD-A").toString("base64")}==`,
      `cursor=${LONG(201)}`,
      `cursor=${LONG(5000)}`,
      `cursor=${b64url("s:BAD-A")}&cursor=${b64url("s:BAD-B")}`,
      "cursor=%00",
      "category=",
      "category=Bad%20Cat",
      "category=UPPER",
      `category=${LONG(41)}`,
      "category=caf%C3%A9",
      "category=a%2Fb",
      "category=general&category=other",
      "category=%00",
    ];
    for (const query of queries) await expectRefused({ method: "GET", path: `/api/products?${query}` }, 400, "validation_failed", query.slice(0, 60));
  });

  it("answers an unknown category with an empty page and a forged but well-formed cursor as a position (200)", async () => {
    const empty = await send({ method: "GET", path: "/api/products?category=no-such-category" });
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({ items: [], nextCursor: null });
    const after = await send({ method: "GET", path: `/api/products?cursor=${b64url("s:BAD-A")}&limit=100` });
    expect(after.status).toBe(200);
    expect(after.body.items.every((p: { sku: string }) => p.sku > "BAD-A")).toBe(true);
    // Unknown parameters are ignored (cache busters, tracking tags).
    expect((await send({ method: "GET", path: "/api/products?_=123&utm_source=x" })).status).toBe(200);
  });
});

describe("GET /api/products/{sku} and GET /api/orders/{id}", () => {
  it("answer 404 not_found for impossible SKUs", async () => {
    for (const seg of BAD_SKU_SEGMENTS) await expectRefused({ method: "GET", path: `/api/products/${seg}` }, 404, "not_found", seg);
  });

  it("answer 404 not_found for order ids that are not UUIDs or not this session's, whatever the cookie", async () => {
    const ids = [
      "not-a-uuid",
      "%00",
      LONG(5000),
      "00000000-0000-0000-0000-000000000000",
      `${shopperOrderId}x`,
      `${shopperOrderId}%00`,
      "..%2F..%2Fhealth",
      "'%20OR%201=1--",
    ];
    for (const id of ids) await expectRefused({ method: "GET", path: `/api/orders/${id}`, headers: { cookie: SHOPPER } }, 404, "not_found", id.slice(0, 40));
    // The shopper's own order, presented with forged, truncated, oversized or missing cookies.
    const [, signature] = SHOPPER.slice(4).split(".");
    const forged = [
      undefined,
      "sid=",
      `sid=${SHOPPER_SESSION}`,
      `sid=${SHOPPER_SESSION}.`,
      `sid=${SHOPPER_SESSION}.${signature!.slice(0, -1)}`,
      `sid=${SHOPPER_SESSION}.${signature!.slice(0, -1)}A`,
      `sid=${SHOPPER_SESSION}x.${signature}`,
      `sid=.${signature}`,
      `sid=${SHOPPER_SESSION}.${signature}.${signature}`,
      `sid=${LONG(8000)}.${signature}`,
      `sid="${SHOPPER.slice(4)}"`,
      `sid=${SHOPPER_SESSION}.${Buffer.from(signature!, "base64url").toString("base64")}`,
      `SID=${SHOPPER.slice(4)}`,
    ];
    for (const cookie of forged) {
      const res = await expectRefused(
        { method: "GET", path: `/api/orders/${shopperOrderId}`, headers: cookie ? { cookie } : {} },
        404,
        "not_found",
        String(cookie).slice(0, 40),
      );
      expect(String(res.headers["set-cookie"] ?? "")).toMatch(/^sid=/); // treated as absent: a new session
    }
    expect((await send({ method: "GET", path: `/api/orders/${shopperOrderId}`, headers: { cookie: SHOPPER } })).status).toBe(200);
  });

  it("never shows the shopper's cart to a forged cookie", async () => {
    const [, signature] = SHOPPER.slice(4).split(".");
    const res = await send({ method: "GET", path: "/api/cart", headers: { cookie: `sid=${SHOPPER_SESSION}.${signature!.slice(0, -2)}xx` } });
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([]);
  });
});

describe("routes and methods", () => {
  it("answers 404 not_found for a method a path does not serve (no 405 in the contract) and for unknown routes", async () => {
    const cases: [string, string][] = [
      ["POST", "/api/products"],
      ["PUT", "/api/products"],
      ["DELETE", "/api/products"],
      ["PATCH", "/api/products"],
      ["POST", "/api/products/BAD-A"],
      ["PUT", "/api/products/BAD-A"],
      ["DELETE", "/api/products/BAD-A"],
      ["PATCH", "/api/products/BAD-A"],
      ["POST", "/api/cart"],
      ["PUT", "/api/cart"],
      ["DELETE", "/api/cart"],
      ["GET", "/api/cart/items/BAD-A"],
      ["POST", "/api/cart/items/BAD-A"],
      ["PATCH", "/api/cart/items/BAD-A"],
      ["GET", "/api/orders"],
      ["PUT", "/api/orders"],
      ["DELETE", "/api/orders"],
      ["POST", `/api/orders/${"0".repeat(8)}-0000-4000-8000-${"0".repeat(12)}`],
      ["DELETE", "/api/orders/00000000-0000-4000-8000-000000000000"],
      ["GET", "/api/admin/products/BAD-A"],
      ["POST", "/api/admin/products/BAD-A"],
      ["DELETE", "/api/admin/products/BAD-A"],
      ["POST", "/health"],
      ["DELETE", "/health"],
      ["GET", "/"],
      ["GET", "/api"],
      ["GET", "/api/"],
      ["GET", "/api/products/"],
      ["GET", "/api/products/BAD-A/extra"],
      ["GET", "/api/cart/items/"],
      ["PUT", "/api/cart/items/"],
      ["PUT", "/api/admin/products/"],
      ["GET", "/API/PRODUCTS"],
      ["GET", "//api/products"],
      ["GET", "/api/products%2FBAD-A"],
      ["GET", "/api/admin"],
      ["GET", "/.env"],
      ["GET", `/${LONG(4000)}`],
      ["GET", "/api/%00"],
      ["GET", "/api/%"],
    ];
    for (const [method, path] of cases) {
      const auth: Record<string, string> = path.startsWith("/api/admin") ? { authorization: BEARER } : {};
      const hasBody = method !== "GET" && method !== "DELETE";
      await expectRefused(
        { method, path, headers: { cookie: SHOPPER, "content-type": JSON_TYPE, ...auth }, body: hasBody ? productBody() : undefined },
        404,
        "not_found",
        `${method} ${path.slice(0, 60)}`,
      );
    }
  });

  it("answers OPTIONS with 404 not_found like any method the API does not serve (no CORS: same origin), OPTIONS * with 400", async () => {
    for (const path of ["/api/products", "/api/cart", "/api/orders", "/api/admin/products/BAD-A", "/health", "/nope"]) {
      await expectRefused(
        { method: "OPTIONS", path, headers: { origin: "https://evil.example", "access-control-request-method": "PUT" } },
        404,
        "not_found",
        path,
      );
    }
    // Not a resource at all: the asterisk form, and a backslash in the path, are 400 bad_request.
    await expectRefused({ method: "OPTIONS", path: "*" }, 400, "bad_request", "OPTIONS *");
    await expectRefused({ method: "GET", path: "/api\\products" }, 400, "bad_request", "backslash");
  });

  it("answers requests Node's HTTP parser refuses in the contract's shape too (400, 431 for oversized headers)", async () => {
    const cases: [string, string, number][] = [
      ["unknown method", "FOO /api/products HTTP/1.1\r\nHost: x\r\n\r\n", 400],
      ["non-numeric Content-Length", "PUT /api/cart/items/BAD-A HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n{}", 400],
      [
        "Content-Length and chunked (smuggling)",
        "PUT /api/cart/items/BAD-A HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        400,
      ],
      ["two different Content-Lengths", "PUT /api/cart/items/BAD-A HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}", 400],
      ["a bare LF in a header", "GET /api/products HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n", 400],
      ["a header line without a colon", "GET /api/products HTTP/1.1\r\nHost: x\r\nnot a header\r\n\r\n", 400],
      ["an unsupported HTTP version", "GET /api/products HTTP/9.9\r\nHost: x\r\n\r\n", 400],
      ["a Host with a space", "GET /api/products HTTP/1.1\r\nHost: a b\r\n\r\n", 400],
      ["20 KiB of cookies", `GET /api/cart HTTP/1.1\r\nHost: x\r\nCookie: ${"c=".padEnd(20 * 1024, "x")}\r\n\r\n`, 431],
    ];
    for (const [label, request, status] of cases) {
      const before = await snapshot();
      expectError(await sendRaw(request), status, "bad_request", label);
      expect(await snapshot(), label).toBe(before);
    }
  });

  it("answers HEAD like GET without a body, and 404 (JSON content type, no body) where GET would", async () => {
    const ok = await send({ method: "HEAD", path: "/api/products/BAD-A" });
    expect(ok.status).toBe(200);
    expect(ok.text).toBe("");
    for (const path of ["/api/nope", "/api/products/NO-SUCH", "/api/products/..%2F", "/api/cart/items/BAD-A", "/api/admin/products/BAD-A"]) {
      const before = await snapshot();
      const res = await send({ method: "HEAD", path });
      expect(res.status, path).toBe(404);
      expect(res.text).toBe("");
      expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
      expect(await snapshot()).toBe(before);
    }
    const bad = await send({ method: "HEAD", path: "/api/products?limit=0" });
    expect(bad.status).toBe(400);
  });
});

describe("a seeded generator of random JSON bodies", () => {
  /** mulberry32: a small deterministic PRNG, so a failure reproduces with the printed seed. */
  function rng(seed: number) {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  function value(r: () => number, depth: number): unknown {
    const pick = Math.floor(r() * (depth > 2 ? 6 : 8));
    const strings = ["", "x", "\u0000", "\ud800", "a@b", "USD", "BAD-A", "1", "\u202e", LONG(300), "caf\u00e9"];
    const numbers = [0, -1, 1.5, 99, 100, 1e21, -1e-9, Number.MAX_SAFE_INTEGER + 2, 2 ** 31, Math.floor(r() * 1e6) - 5e5];
    switch (pick) {
      case 0:
        return null;
      case 1:
        return r() < 0.5;
      case 2:
      case 3:
        return numbers[Math.floor(r() * numbers.length)];
      case 4:
      case 5:
        return strings[Math.floor(r() * strings.length)];
      case 6:
        return Array.from({ length: Math.floor(r() * 4) }, () => value(r, depth + 1));
      default:
        return Object.fromEntries(Array.from({ length: Math.floor(r() * 4) }, () => [strings[Math.floor(r() * strings.length)]!, value(r, depth + 1)]));
    }
  }
  /** A body with the route's fields present but at least one of them wrong, or an arbitrary value. */
  function body(r: () => number, fields: string[]): unknown {
    if (r() < 0.25) return value(r, 0);
    const obj: Record<string, unknown> = {};
    for (const f of fields) if (r() < 0.8) obj[f] = value(r, 1);
    if (r() < 0.3) obj[["extra", "__proto__", "quantity", "email"][Math.floor(r() * 4)]!] = value(r, 1);
    return obj;
  }

  it("never answers 5xx or changes state on 150 random bodies per JSON route (seed 20261125)", async () => {
    const r = rng(20261125);
    const routes: [(b: string) => Req, string[], (b: unknown) => boolean][] = [
      [
        (b) => cartPut(b),
        ["quantity"],
        (b) => isObj(b, ["quantity"]) && Number.isInteger(b.quantity) && (b.quantity as number) >= 0 && (b.quantity as number) <= 99,
      ],
      [
        (b) => orderPost(b),
        ["email"],
        (b) => isObj(b, ["email"]) && typeof b.email === "string" && /^[^@\s]+@[^@\s]+\.[a-z]+$/i.test(b.email) && !b.email.includes("\u0000"),
      ],
      [(b) => adminPut(b), ["name", "priceCents", "stock", "currency", "category", "description"], () => false],
      [(b) => adminPatch(b), ["name", "priceCents", "currency", "category", "description", "stockDelta", "stock"], isValidPatch],
    ];
    for (const [req, fields, mayPass] of routes) {
      for (let i = 0; i < 150; i++) {
        const b = body(r, fields);
        if (mayPass(b) || isValidProduct(b)) continue; // a valid request is not this test's business
        const text = JSON.stringify(b) ?? "null";
        await expectRefused(req(text), 400, "validation_failed", `${fields[0]} #${i} ${text.slice(0, 80)}`);
      }
    }
  });
});

function isObj(b: unknown, keys: string[]): b is Record<string, unknown> {
  return typeof b === "object" && b !== null && !Array.isArray(b) && Object.keys(b).every((k) => keys.includes(k)) && keys.every((k) => k in b);
}

function isValidProduct(b: unknown): boolean {
  if (typeof b !== "object" || b === null || Array.isArray(b)) return false;
  const p = b as Record<string, unknown>;
  const allowed = ["name", "priceCents", "stock", "currency", "category", "description"];
  if (!Object.keys(p).every((k) => allowed.includes(k))) return false;
  const int = (v: unknown, max: number) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= max;
  const text = (v: unknown, max: number) => typeof v === "string" && v.length <= max && !v.includes("\u0000") && !/\p{Cs}/u.test(v);
  return (
    text(p.name, 200) &&
    (p.name as string).trim().length > 0 &&
    int(p.priceCents, 100_000_000) &&
    int(p.stock, 1_000_000) &&
    (p.currency === undefined || (typeof p.currency === "string" && /^[A-Z]{3}$/.test(p.currency))) &&
    (p.category === undefined || (typeof p.category === "string" && /^[a-z0-9-]{1,40}$/.test(p.category))) &&
    (p.description === undefined || text(p.description, 2000))
  );
}

/** A body PATCH accepts: a non-empty subset of the patchable fields, each valid (no `stock`). */
function isValidPatch(b: unknown): boolean {
  if (typeof b !== "object" || b === null || Array.isArray(b)) return false;
  const p = b as Record<string, unknown>;
  const allowed = ["name", "priceCents", "currency", "category", "description", "stockDelta"];
  const keys = Object.keys(p);
  if (keys.length === 0 || !keys.every((k) => allowed.includes(k))) return false;
  const text = (v: unknown, max: number) => typeof v === "string" && v.length <= max && !v.includes("\u0000") && !/\p{Cs}/u.test(v);
  const int = (v: unknown, min: number, max: number) => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;
  return (
    (p.name === undefined || (text(p.name, 200) && (p.name as string).trim().length > 0)) &&
    (p.priceCents === undefined || int(p.priceCents, 0, 100_000_000)) &&
    (p.currency === undefined || (typeof p.currency === "string" && Intl.supportedValuesOf("currency").includes(p.currency))) &&
    (p.category === undefined || (typeof p.category === "string" && /^[a-z0-9-]{1,40}$/.test(p.category))) &&
    (p.description === undefined || text(p.description, 2000)) &&
    (p.stockDelta === undefined || int(p.stockDelta, -1_000_000, 1_000_000))
  );
}

describe("through the Lambda handler (ALB and API Gateway REST events)", () => {
  let handler: LambdaHandler;
  const event = (name: string) => JSON.parse(readFileSync(new URL(`../../events/${name}`, import.meta.url), "utf8"));
  type Result = (ALBResult | APIGatewayProxyResult) & { statusDescription?: string };

  beforeAll(() => {
    process.env.POWERTOOLS_METRICS_DISABLED = "true";
    handler = createLambdaHandler({
      DATABASE_URL: stack.postgres.url(),
      DYNAMODB_ENDPOINT: stack.dynamo.endpoint,
      SESSIONS_TABLE: TABLES.sessions,
      CACHE_TABLE: TABLES.cache,
      SESSION_SIGNING_KEY: SIGNING_KEY,
      ADMIN_TOKEN,
      LOG_LEVEL: "SILENT",
    });
  });
  afterAll(() => handler?.close());

  function expectLambdaError(result: Result, status: number, code: string, label: string) {
    const headers = { ...(result.headers ?? {}) } as Record<string, unknown>;
    const mv = (result.multiValueHeaders ?? {}) as Record<string, unknown[]>;
    const type = headers["content-type"] ?? mv["content-type"]?.[0];
    expect(result.statusCode, `${label}: ${result.body}`).toBe(status);
    expect(JSON.parse(result.body ?? ""), label).toEqual({ error: { code, message: expect.any(String) } });
    expect(type, label).toBe("application/json; charset=utf-8");
  }

  async function refusedByLambda(e: unknown, status: number, code: string, label: string) {
    const before = await snapshot();
    const result = (await handler(e)) as Result;
    expectLambdaError(result, status, code, label);
    if ((e as { requestContext?: { elb?: unknown } }).requestContext?.elb) expect(result.statusDescription).toMatch(new RegExp(`^${status} `));
    expect(await snapshot(), `${label} changed state`).toBe(before);
  }

  const alb = (over: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const e = event("alb-put-cart-item.json");
    return { ...e, path: "/api/cart/items/BAD-A", headers: { ...e.headers, cookie: SHOPPER, ...headers }, ...over };
  };
  const rest = (over: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const e = event("rest-put-cart-item.json");
    return {
      ...e,
      path: "/api/cart/items/BAD-A",
      pathParameters: { proxy: "api/cart/items/BAD-A" },
      headers: { ...e.headers, cookie: SHOPPER, ...headers },
      multiValueHeaders: { ...Object.fromEntries(Object.entries({ ...e.headers, cookie: SHOPPER, ...headers }).map(([k, v]) => [k, [v]])) },
      ...over,
    };
  };

  it("gives the same 4xx answers as HTTP for the same bad inputs", async () => {
    for (const [name, make] of [
      ["ALB", alb],
      ["REST", rest],
    ] as const) {
      await refusedByLambda(make({ body: "{not json" }), 400, "bad_request", `${name} malformed`);
      await refusedByLambda(make({ body: "[]" }), 400, "validation_failed", `${name} array`);
      await refusedByLambda(make({ body: '{"quantity":100}' }), 400, "validation_failed", `${name} quantity 100`);
      await refusedByLambda(make({ body: '{"quantity":1e309}' }), 400, "validation_failed", `${name} 1e309`);
      await refusedByLambda(make({ body: '{"quantity":1}' }, { "content-type": "text/plain" }), 415, "unsupported_media_type", `${name} text/plain`);
      await refusedByLambda(make({ body: `{"pad":"${"x".repeat(70 * 1024)}"}` }), 413, "payload_too_large", `${name} 70 KiB`);
      await refusedByLambda(
        make({ body: Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]).toString("base64"), isBase64Encoded: true }),
        400,
        "bad_request",
        `${name} invalid UTF-8`,
      );
      await refusedByLambda(make({ path: "/api/cart/items/..%2F..%2Fhealth", pathParameters: null }), 404, "not_found", `${name} path trick`);
      await refusedByLambda(make({ path: "/api/nope", httpMethod: "GET", body: null }), 404, "not_found", `${name} unknown route`);
      await refusedByLambda(make({ httpMethod: "PATCH" }), 404, "not_found", `${name} PATCH`);
      await refusedByLambda(
        make({ path: "/api/orders", httpMethod: "POST", body: '{"email":"a@b.co"}' }, { "idempotency-key": "nul\u0000key" }),
        400,
        "bad_request", // no HTTP request can carry it: the event itself is malformed
        `${name} NUL in Idempotency-Key`,
      );
      await refusedByLambda(
        make({ path: "/api/orders", httpMethod: "POST", body: '{"email":"a@b.co"}' }, { "idempotency-key": "" }),
        400,
        "validation_failed",
        `${name} empty Idempotency-Key`,
      );
      await refusedByLambda(
        make({ path: "/api/cart/items/BAD-A", httpMethod: "DELETE", body: null }, { "x-bad\r\nheader": "1" }),
        400,
        "bad_request",
        `${name} CRLF in a header name`,
      );
      await refusedByLambda(
        make({ path: "/api/admin/products/BAD-L", body: productBody() }, { authorization: "Bearer wrong" }),
        401,
        "unauthorized",
        `${name} wrong token`,
      );
      await refusedByLambda(
        make({
          path: "/api/products",
          httpMethod: "GET",
          body: null,
          queryStringParameters: { limit: "0" },
          multiValueQueryStringParameters: { limit: ["0"] },
        }),
        400,
        "validation_failed",
        `${name} limit=0`,
      );
      await refusedByLambda(
        make({
          path: "/api/products",
          httpMethod: "GET",
          body: null,
          queryStringParameters: { limit: "6" },
          multiValueQueryStringParameters: { limit: ["5", "6"] },
        }),
        400,
        "validation_failed",
        `${name} limit twice`,
      );
    }
  });

  it("answers a proxy event with missing or wrong-typed fields with 400 bad_request, and keeps serving", async () => {
    const base = event("alb-put-cart-item.json");
    const restBase = event("rest-put-cart-item.json");
    const broken: [string, unknown][] = [
      ["ALB without httpMethod", { ...base, httpMethod: undefined }],
      ["ALB with a numeric httpMethod", { ...base, httpMethod: 7 }],
      ["ALB without path", { ...base, path: undefined }],
      ["ALB with a relative path", { ...base, path: "api/cart" }],
      ["ALB with an absolute URL as path", { ...base, path: "http://evil.example/api/cart" }],
      ["ALB without any headers", { ...base, headers: undefined, multiValueHeaders: undefined }],
      ["ALB with null headers", { ...base, headers: null }],
      ["ALB with a numeric body", { ...base, body: 42 }],
      ["ALB with an object body", { ...base, body: { quantity: 1 } }],
      ["ALB with a header value that is not a string", { ...base, headers: { ...base.headers, "content-type": 5 } }],
      ["REST without httpMethod and path", { ...restBase, httpMethod: undefined, path: undefined }],
      ["REST with a null requestContext body", { ...restBase, path: null }],
      ["REST with multiValueHeaders not arrays", { ...restBase, multiValueHeaders: { cookie: "x" } }],
      ["ALB with a body marked base64 that is not", { ...base, body: "!!not base64!!", isBase64Encoded: true }],
      ["REST with a body marked base64 that is not", { ...restBase, body: '{"quantity":1}', isBase64Encoded: true }],
      ["REST with isBase64Encoded a string", { ...restBase, isBase64Encoded: "yes" }],
      [
        "ALB with nothing but its request context",
        { requestContext: { elb: { targetGroupArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/x/1" } } },
      ],
      ["REST with nothing but its request context", { requestContext: { resourcePath: "/{proxy+}" } }],
    ];
    for (const [label, e] of broken) {
      const before = await snapshot();
      let result: Result | undefined;
      try {
        result = (await handler(e)) as Result;
      } catch (err) {
        throw new Error(`${label}: the handler threw ${String(err)}`, { cause: err });
      }
      expect(result.statusCode, `${label}: ${result.body}`).toBeGreaterThanOrEqual(400);
      expect(result.statusCode, `${label}: ${result.body}`).toBeLessThan(500);
      expect(JSON.parse(result.body ?? "").error.code, label).toMatch(/^(bad_request|not_found|validation_failed|unsupported_media_type)$/);
      expect(await snapshot(), `${label} changed state`).toBe(before);
    }
    const ok = (await handler(event("alb-health.json"))) as Result;
    expect(ok.statusCode).toBe(200);
  });

  it("rejects an event that is no request at all with an invocation error, and the container keeps serving", async () => {
    for (const e of [
      null,
      undefined,
      "GET /api/products",
      42,
      [],
      {},
      { requestContext: null },
      { httpMethod: "GET", path: "/health" },
      { shopAction: "drop" },
    ]) {
      await expect(handler(e), JSON.stringify(e)).rejects.toThrow(/unsupported event/);
    }
    const ok = (await handler({ ...event("rest-get-product.json"), path: "/api/products/BAD-A" })) as Result;
    expect(ok.statusCode).toBe(200);
  });
});
