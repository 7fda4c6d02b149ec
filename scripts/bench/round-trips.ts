/**
 * Round trips per request type, counted at the clients: every pg
 * `Client.query` (one round trip each: node-postgres sends parse, bind,
 * execute and sync in one write) and every call of the app's DynamoDB store
 * (one send each). The app runs in
 * this process on warm pools; requests go one at a time, so each delta
 * belongs to one request (background cache writes it starts included).
 */
import pg from "pg";
import { createApp, type AppDeps } from "../../app/src/app";
import { createDatabase } from "../../app/src/db/pool";
import { createDocumentStore, type DocumentStore } from "../../app/src/runtime/dynamo";

export interface RoundTripRow {
  request: string;
  status: number;
  sql: number;
  dynamo: number;
  /** This process's CPU for the request (app and clients; the stores run elsewhere), median over the passes. */
  cpuMs: number;
}

export interface Counters {
  sql: number;
  dynamo: number;
}

const DOCUMENT_OPERATIONS = ["get", "put", "update"] as const;

/** Counts pg queries (all clients in this process) and calls of `doc`; returns the live counters and an undo. */
export function countRoundTrips(doc: DocumentStore): { counts: Counters; restore(): void } {
  const counts: Counters = { sql: 0, dynamo: 0 };
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    counts.sql++;
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query;
  const originals = DOCUMENT_OPERATIONS.map((name) => [name, doc[name]] as const);
  for (const [name, operation] of originals) {
    doc[name] = ((input: never) => {
      counts.dynamo++;
      return operation(input);
    }) as never;
  }
  return {
    counts,
    restore() {
      pg.Client.prototype.query = query;
      for (const [name, operation] of originals) doc[name] = operation as never;
    },
  };
}

export async function measureRoundTrips(
  stores: { databaseUrl: string; dynamoEndpoint: string; tables: { sessions: string; cache: string } },
  passes = 9,
): Promise<RoundTripRow[]> {
  const database = createDatabase({ kind: "url", url: stores.databaseUrl }, { kind: "url", url: stores.databaseUrl }, { max: 4 });
  const doc = createDocumentStore({ region: "us-east-1", endpoint: stores.dynamoEndpoint });
  const deps: AppDeps = {
    db: database,
    doc,
    tables: stores.tables,
    sessionKeys: async () => ({ current: "bench-signing-key" }),
    adminToken: "bench-admin-token",
    cacheTtlSeconds: 30,
    localCacheTtlSeconds: 5,
    sessionTtlSeconds: 3600,
  };
  const app = createApp(deps);
  const { counts, restore } = countRoundTrips(doc);
  const rows: RoundTripRow[] = [];
  const cpu: number[][] = [];
  let cookie = "";
  let row = 0;
  const run = async (label: string, method: string, url: string, body?: unknown, headers: Record<string, string> = {}) => {
    await new Promise((resolve) => setTimeout(resolve, 30)); // let the previous request's background writes finish
    const before = { ...counts };
    const cpuBefore = process.cpuUsage();
    const res = await app.request(url, {
      method,
      headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...(cookie ? { cookie } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const used = process.cpuUsage(cpuBefore);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const setCookie = res.headers.get("set-cookie");
    if (setCookie) cookie = setCookie.split(";")[0]!;
    // Round trips from the first pass; CPU from every pass (the first pays for JIT compilation).
    rows[row] ??= { request: label, status: res.status, sql: counts.sql - before.sql, dynamo: counts.dynamo - before.dynamo, cpuMs: 0 };
    (cpu[row] ??= []).push((used.user + used.system) / 1000);
    row++;
    return text;
  };
  try {
    // Warm the pools and clients so connection set-up is not counted.
    await Promise.all([database.writer.query("SELECT 1"), doc.get({ TableName: stores.tables.cache, Key: { pk: "bench#probe" } })]);
    for (let pass = 0; pass < passes; pass++) {
      // Each pass: a new visitor, SKUs and keys of its own, so "first" reads miss every cache.
      cookie = "";
      row = 0;
      const sku = (n: number) => `COF-${String(((pass * 4 + n) % 10) + 1).padStart(3, "0")}`;
      await run("GET /api/products/{sku} (first)", "GET", `/api/products/${sku(0)}`);
      await run("GET /api/products/{sku} (repeat)", "GET", `/api/products/${sku(0)}`);
      await run("GET /api/products/{sku} unknown (first)", "GET", `/api/products/NO-SUCH-${pass}`);
      await run("GET /api/products/{sku} unknown (repeat)", "GET", `/api/products/NO-SUCH-${pass}`);
      await run("GET /api/products (first page, first)", "GET", `/api/products?limit=${pass + 1}`);
      await run("GET /api/products (first page, repeat)", "GET", `/api/products?limit=${pass + 1}`);
      // Cached under the catalog version: an admin write (not counted) starts a new one, so "first" misses every layer.
      await app.request(`/api/admin/products/${sku(0)}`, {
        method: "PATCH",
        headers: { "content-type": "application/json", authorization: `Bearer ${deps.adminToken}` },
        body: JSON.stringify({ stockDelta: 0 }),
      });
      await run("GET /api/categories (first)", "GET", "/api/categories");
      await run("GET /api/categories (repeat)", "GET", "/api/categories");
      await run("PUT /api/cart/items/{sku} (new cart)", "PUT", `/api/cart/items/${sku(1)}`, { quantity: 1 });
      await run("PUT /api/cart/items/{sku} (existing cart)", "PUT", `/api/cart/items/${sku(2)}`, { quantity: 2 });
      await run("PUT /api/cart/items/{sku} unknown SKU", "PUT", `/api/cart/items/NO-CART-${pass}`, { quantity: 1 });
      await run("GET /api/cart", "GET", "/api/cart");
      await run("DELETE /api/cart/items/{sku}", "DELETE", `/api/cart/items/${sku(2)}`);
      await run("PUT /api/cart/items/{sku} (existing cart)", "PUT", `/api/cart/items/${sku(3)}`, { quantity: 2 });
      const key = `round-trips-${pass}-${Date.now()}`;
      const order = await run("POST /api/orders (2 lines)", "POST", "/api/orders", { email: "rt@example.com" }, { "idempotency-key": key });
      await run("POST /api/orders (replay)", "POST", "/api/orders", { email: "rt@example.com" }, { "idempotency-key": key });
      const id = (JSON.parse(order) as { id?: string }).id ?? "missing";
      await run("GET /api/orders/{id}", "GET", `/api/orders/${id}`);
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    return rows.map((r, i) => ({ ...r, cpuMs: median(cpu[i]!.slice(passes > 1 ? 1 : 0)) }));
  } finally {
    restore();
    doc.destroy();
    await database.end();
  }
}

/**
 * Lambda gives a function CPU in proportion to its memory, one full vCPU at
 * 1,769 MB (https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html);
 * a single-threaded handler gains nothing above it.
 */
export const FULL_VCPU_MB = 1769;

/** Estimated billed duration: CPU stretched by the CPU share, plus one network round trip per call. */
export function estimatedMs(row: RoundTripRow, memoryMb: number, roundTripMs: number): number {
  return row.cpuMs * Math.max(1, FULL_VCPU_MB / memoryMb) + (row.sql + row.dynamo) * roundTripMs;
}

export function formatRoundTrips(rows: readonly RoundTripRow[], memories: readonly number[], roundTripMs: number): string {
  const width = Math.max(...rows.map((r) => r.request.length));
  const gbs = (row: RoundTripRow, mb: number) => ((mb / 1024) * estimatedMs(row, mb, roundTripMs)) / 1000;
  const lines = [
    `  ${"request".padEnd(width)}  status  SQL  DynamoDB  total  CPU ms  ` + memories.map((mb) => `est. ms / GB-s @${mb} MB`.padStart(28)).join(""),
  ];
  for (const r of rows) {
    lines.push(
      `  ${r.request.padEnd(width)}  ${String(r.status).padStart(6)}  ${String(r.sql).padStart(3)}  ${String(r.dynamo).padStart(8)}  ${String(r.sql + r.dynamo).padStart(5)}  ${r.cpuMs.toFixed(2).padStart(6)}  ` +
        memories.map((mb) => `${estimatedMs(r, mb, roundTripMs).toFixed(1)} / ${gbs(r, mb).toExponential(2)}`.padStart(28)).join(""),
    );
  }
  return lines.join("\n");
}
