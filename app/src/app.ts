/**
 * The storefront API (docs/api.md) as a Hono app, built from typed
 * dependencies so that tests, the local server and the Lambda handler all run
 * exactly this code. Routes are thin: parse and validate, call a use case,
 * shape the response. Errors are mapped to the contract's shape in one place.
 */
import { timingSafeEqual, createHash } from "node:crypto";
import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type pg from "pg";
import { CartService } from "./cart/cart-service";
import { CatalogCache } from "./catalog/cache";
import { Catalog, ifMatchVersions, ifNoneMatchHas } from "./catalog/catalog";
import { etagOf, type VersionedProduct } from "./catalog/product";
import { ApiError, errorBody, notFound, unauthorized, unavailable } from "./http/errors";
import { sessionOf } from "./http/session-cookie";
import { existingSkuParam, jsonBody, parseWith, queryWith, excerpt } from "./http/validation";
import { checkout } from "./orders/checkout";
import { orderForSession } from "./orders/orders";
import type { DocumentStore } from "./runtime/dynamo";
import { outageOf } from "./runtime/outage";
import type { SessionKeys } from "./session/session-keys";
import { SessionConflictError, SessionStore } from "./session/session-store";

export const MAX_BODY_BYTES = 64 * 1024;

export interface AppLogger {
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

export interface AppMetrics {
  addMetric(name: string, unit: "Count", value: number): void;
}

export interface AppDeps {
  db: { writer: pg.Pool; reader: pg.Pool };
  doc: DocumentStore;
  tables: { sessions: string; cache: string };
  /** The session signing keys in force now (the runtime re-reads them every few minutes). */
  sessionKeys: () => Promise<SessionKeys>;
  adminToken: string;
  cacheTtlSeconds: number;
  localCacheTtlSeconds: number;
  sessionTtlSeconds: number;
  /** How long checkout waits for a row lock (default 10 s). */
  lockWaitMs?: number;
  now?: () => number;
  logger?: AppLogger;
  metrics?: AppMetrics;
}

const silentLogger: AppLogger = { info() {}, warn() {}, error() {} };

/** zod and the request schemas, evaluated by the first request that validates input (see request-schemas.ts). */
let schemas: Promise<typeof import("./http/request-schemas")> | undefined;
const requestSchemas = () => (schemas ??= import("./http/request-schemas"));

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

export function createApp(deps: AppDeps): Hono {
  const logger = deps.logger ?? silentLogger;
  const cache = new CatalogCache({
    doc: deps.doc,
    table: deps.tables.cache,
    ttlSeconds: deps.cacheTtlSeconds,
    localTtlSeconds: deps.localCacheTtlSeconds,
    now: deps.now,
    onCacheError: (err) => logger.warn("catalog cache unavailable; reading through to the database", { error: String(err) }),
  });
  const catalog = new Catalog(deps.db, cache);
  const sessions = new SessionStore({ doc: deps.doc, table: deps.tables.sessions, ttlSeconds: deps.sessionTtlSeconds, now: deps.now });
  const carts = new CartService(sessions, catalog, deps.db.reader);
  const adminTokenDigest = digest(deps.adminToken);
  const session = async (c: Context) => sessionOf(c, await deps.sessionKeys(), deps.sessionTtlSeconds);

  const app = new Hono();

  const tooLarge = (c: Context) => json(c, errorBody("payload_too_large", `request body exceeds ${MAX_BODY_BYTES} bytes`), 413);
  const limitStreamedBody = bodyLimit({ maxSize: MAX_BODY_BYTES, onError: tooLarge });
  // Touching a request's `body` makes the Node adapter build a full web Request around a
  // stream (a few percent of a cart write's CPU), so it is left alone where it can be:
  // GET and HEAD bodies are never read, and a declared Content-Length is the body's
  // length (Node's parser reads exactly that many bytes). Only a chunked body is
  // counted as it streams in.
  app.use("*", (c, next) => {
    if (c.req.method === "GET" || c.req.method === "HEAD") return next();
    const declared = c.req.header("content-length");
    if (declared === undefined || c.req.header("transfer-encoding") !== undefined) return limitStreamedBody(c, next);
    return Number(declared) > MAX_BODY_BYTES ? Promise.resolve(tooLarge(c)) : next();
  });
  // Session and admin responses are per-client: never let a shared cache keep them.
  app.use("/api/cart/*", noStore);
  app.use("/api/cart", noStore);
  app.use("/api/orders/*", noStore);
  app.use("/api/orders", noStore);
  app.use("/api/admin/*", noStore);

  // The load balancer's probe (every 5 s per ALB node): answers from the process alone, so probes cost
  // no database or table round trip; /health is the deep check for operators and monitors.
  app.get("/health/live", (c) => json(c, { status: "ok" }));

  app.get("/health", async (c) => {
    const probes: Record<string, Promise<unknown>> = {
      database: Promise.all([deps.db.writer.query("SELECT 1"), deps.db.reader.query("SELECT 1")]),
      sessionsTable: deps.doc.get({ TableName: deps.tables.sessions, Key: { pk: "health#probe" } }),
      cacheTable: deps.doc.get({ TableName: deps.tables.cache, Key: { pk: "health#probe" } }),
    };
    const names = Object.keys(probes);
    const settled = await Promise.allSettled(names.map((name) => withTimeout(probes[name]!, 2_000)));
    const failed = names.filter((_, i) => settled[i]!.status === "rejected");
    if (failed.length === 0) return json(c, { status: "ok" });
    logger.warn("health check failed", { failed });
    throw unavailable(failed.join(", "));
  });

  app.get("/api/products", async (c) => {
    const { listQuerySchema } = await requestSchemas();
    const query = queryWith(c, listQuerySchema);
    return json(c, await catalog.listProducts(query));
  });

  // Beyond the contract (docs/api.md): the storefront's category filter in one request.
  app.get("/api/categories", async (c) => json(c, { items: await catalog.listCategories() }));

  app.get("/api/products/:sku", async (c) => {
    const sku = existingSkuParam(c);
    const found = await catalog.getProduct(sku);
    if (!found) throw notFound(`no product with SKU ${sku}`);
    const cached = c.req.header("if-none-match");
    if (cached !== undefined && ifNoneMatchHas(cached, found.version)) {
      // A client (or CloudFront revalidating) that holds this version gets no body (RFC 9110 15.4.5).
      return c.body(null, 304, { etag: etagOf(found.version) });
    }
    return productReply(c, found);
  });

  app.get("/api/cart", async (c) => json(c, await carts.view(await session(c))));

  app.put("/api/cart/items/:sku", async (c) => {
    const { cartItemBodySchema } = await requestSchemas();
    const { quantity } = await jsonBody(c, cartItemBodySchema);
    const sku = existingSkuParam(c);
    return json(c, await carts.setItem(await session(c), sku, quantity));
  });

  app.delete("/api/cart/items/:sku", async (c) => {
    const sku = existingSkuParam(c);
    return json(c, await carts.removeItem(await session(c), sku));
  });

  app.post("/api/orders", async (c) => {
    const { idempotencyKeySchema, orderBodySchema } = await requestSchemas();
    const idempotencyKey = parseWith(idempotencyKeySchema, c.req.header("idempotency-key") ?? "", "Idempotency-Key");
    const { email, expectedTotalCents } = await jsonBody(c, orderBodySchema);
    const sessionId = await session(c);
    const result = await checkout(
      {
        writer: deps.db.writer,
        sessions,
        lockWaitMs: deps.lockWaitMs,
        onStockTaken: (skus) => catalog.stockChanged(skus),
        onCartClearFailed: (err) => logger.warn("order placed but cart not cleared", { error: String(err) }),
      },
      { sessionId, idempotencyKey, email, expectedTotalCents },
    );
    if (result.replayed) c.header("idempotent-replayed", "true");
    else deps.metrics?.addMetric("OrdersPlaced", "Count", 1);
    return json(c, result.body, result.status as ContentfulStatusCode);
  });

  app.get("/api/orders/:id", async (c) => {
    const order = await orderForSession(deps.db.writer, c.req.param("id"), await session(c));
    if (!order) throw notFound("no such order for this session");
    return json(c, order);
  });

  const requireAdmin = (c: Context) => {
    const header = c.req.header("authorization") ?? "";
    const token = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim() ?? "";
    if (!token || !timingSafeEqual(digest(token), adminTokenDigest)) throw unauthorized();
  };
  /** The If-Match precondition: undefined when absent, null for `*`. */
  const ifMatch = (c: Context) => {
    const header = c.req.header("if-match");
    return header === undefined ? undefined : ifMatchVersions(header);
  };

  app.put("/api/admin/products/:sku", async (c) => {
    requireAdmin(c);
    const { skuSchema, productInputSchema } = await requestSchemas();
    const sku = parseWith(skuSchema, c.req.param("sku"), "sku");
    const input = await jsonBody(c, productInputSchema);
    return productReply(c, await catalog.putProduct(sku, input, ifMatch(c)));
  });

  app.patch("/api/admin/products/:sku", async (c) => {
    requireAdmin(c);
    const { productPatchSchema } = await requestSchemas();
    const sku = existingSkuParam(c);
    const patch = await jsonBody(c, productPatchSchema);
    return productReply(c, await catalog.patchProduct(sku, patch, ifMatch(c)));
  });

  app.notFound((c) => json(c, errorBody("not_found", `no route ${c.req.method} ${excerpt(new URL(c.req.url).pathname, 200)}`), 404));

  app.onError((err, c) => {
    const apiError = toApiError(err);
    if (apiError.status >= 500) {
      const log = apiError.code === "unavailable" ? logger.warn : logger.error;
      log.call(logger, `${c.req.method} ${new URL(c.req.url).pathname} failed`, { code: apiError.code, error: describeError(err) });
    }
    for (const [name, value] of Object.entries(apiError.headers)) c.header(name, value);
    return json(c, errorBody(apiError.code, apiError.message), apiError.status as ContentfulStatusCode);
  });

  return app;
}

async function noStore(c: Context, next: () => Promise<void>): Promise<void> {
  c.header("cache-control", "no-store"); // before the response exists: no copy of it is made
  await next();
}

/** A product with its version as a strong ETag. */
function productReply(c: Context, found: VersionedProduct): Response {
  c.header("etag", etagOf(found.version));
  return json(c, found.product);
}

/** The contract's media type names the charset, which Hono's c.json() default does not. */
const JSON_HEADERS = { "Content-Type": "application/json; charset=utf-8" };

function json(c: Context, body: unknown, status: ContentfulStatusCode = 200): Response {
  return c.json(body as object, status, JSON_HEADERS);
}

function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof HTTPException) {
    return new ApiError(err.status, err.status === 413 ? "payload_too_large" : "bad_request", err.message || "bad request");
  }
  if (err instanceof SessionConflictError) return unavailable("the session store (too many concurrent updates)");
  const outage = outageOf(err);
  if (outage === "database") return unavailable("the database");
  if (outage === "dynamodb") return unavailable("the session and cache store");
  return new ApiError(500, "internal", "internal error");
}

function describeError(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
