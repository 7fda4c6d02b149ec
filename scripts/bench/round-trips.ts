/**
 * Round trips per request type, counted at the clients: every pg
 * `Client.query` (one round trip each: node-postgres sends parse, bind,
 * execute and sync in one write) and every DynamoDB `send`. The app runs in
 * this process on warm pools; requests go one at a time, so each delta
 * belongs to one request (background cache writes it starts included).
 */
import pg from "pg";
import { GetCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { createApp, type AppDeps } from "../../app/src/app";
import { createDatabase } from "../../app/src/db/pool";
import { createDocumentClient } from "../../app/src/runtime/dynamo";

export interface RoundTripRow {
  request: string;
  status: number;
  sql: number;
  dynamo: number;
}

export interface Counters {
  sql: number;
  dynamo: number;
}

/** Counts pg queries (all clients in this process) and sends of `doc`; returns the live counters and an undo. */
export function countRoundTrips(doc: DynamoDBDocumentClient): { counts: Counters; restore(): void } {
  const counts: Counters = { sql: 0, dynamo: 0 };
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    counts.sql++;
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query;
  const send = doc.send.bind(doc);
  doc.send = ((...args: Parameters<typeof send>) => {
    counts.dynamo++;
    return send(...args);
  }) as typeof doc.send;
  return {
    counts,
    restore() {
      pg.Client.prototype.query = query;
      doc.send = send as typeof doc.send;
    },
  };
}

export async function measureRoundTrips(stores: { databaseUrl: string; dynamoEndpoint: string; tables: { sessions: string; cache: string } }): Promise<RoundTripRow[]> {
  const database = createDatabase({ kind: "url", url: stores.databaseUrl }, { kind: "url", url: stores.databaseUrl }, { max: 4 });
  const doc = createDocumentClient({ region: "us-east-1", endpoint: stores.dynamoEndpoint });
  const deps: AppDeps = {
    db: database,
    doc,
    tables: stores.tables,
    sessionSigningKey: "bench-signing-key",
    adminToken: "bench-admin-token",
    cacheTtlSeconds: 30,
    localCacheTtlSeconds: 5,
    sessionTtlSeconds: 3600,
  };
  const app = createApp(deps);
  const { counts, restore } = countRoundTrips(doc);
  const rows: RoundTripRow[] = [];
  let cookie = "";
  const run = async (label: string, method: string, url: string, body?: unknown, headers: Record<string, string> = {}) => {
    await new Promise((resolve) => setTimeout(resolve, 30)); // let the previous request's background writes finish
    const before = { ...counts };
    const res = await app.request(url, {
      method,
      headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...(cookie ? { cookie } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    await new Promise((resolve) => setTimeout(resolve, 30));
    const setCookie = res.headers.get("set-cookie");
    if (setCookie) cookie = setCookie.split(";")[0]!;
    rows.push({ request: label, status: res.status, sql: counts.sql - before.sql, dynamo: counts.dynamo - before.dynamo });
    return text;
  };
  try {
    // Warm the pools and clients so connection set-up is not counted.
    await Promise.all([database.writer.query("SELECT 1"), doc.send(createProbe(stores.tables.cache))]);
    await run("GET /api/products/{sku} (first)", "GET", "/api/products/COF-001");
    await run("GET /api/products/{sku} (repeat)", "GET", "/api/products/COF-001");
    await run("GET /api/products/{sku} unknown (first)", "GET", "/api/products/NO-SUCH-1");
    await run("GET /api/products/{sku} unknown (repeat)", "GET", "/api/products/NO-SUCH-1");
    await run("GET /api/products (first page, first)", "GET", "/api/products");
    await run("GET /api/products (first page, repeat)", "GET", "/api/products");
    await run("PUT /api/cart/items/{sku} (new cart)", "PUT", "/api/cart/items/COF-002", { quantity: 1 });
    await run("PUT /api/cart/items/{sku} (existing cart)", "PUT", "/api/cart/items/COF-003", { quantity: 2 });
    await run("PUT /api/cart/items/{sku} unknown SKU", "PUT", "/api/cart/items/NO-SUCH-2", { quantity: 1 });
    await run("GET /api/cart", "GET", "/api/cart");
    await run("DELETE /api/cart/items/{sku}", "DELETE", "/api/cart/items/COF-003");
    await run("PUT /api/cart/items/{sku} (existing cart)", "PUT", "/api/cart/items/COF-004", { quantity: 2 });
    const order = await run("POST /api/orders (2 lines)", "POST", "/api/orders", { email: "rt@example.com" }, { "idempotency-key": "round-trips-1" });
    await run("POST /api/orders (replay)", "POST", "/api/orders", { email: "rt@example.com" }, { "idempotency-key": "round-trips-1" });
    const id = (JSON.parse(order) as { id?: string }).id ?? "missing";
    await run("GET /api/orders/{id}", "GET", `/api/orders/${id}`);
    return rows;
  } finally {
    restore();
    doc.destroy();
    await database.end();
  }
}

/** A Get of an absent key: opens the DynamoDB client's connection before counting starts. */
function createProbe(table: string): GetCommand {
  return new GetCommand({ TableName: table, Key: { pk: "bench#probe" } });
}

export function formatRoundTrips(rows: readonly RoundTripRow[]): string {
  const width = Math.max(...rows.map((r) => r.request.length));
  const lines = [`  ${"request".padEnd(width)}  status  SQL  DynamoDB  total`];
  for (const r of rows) {
    lines.push(`  ${r.request.padEnd(width)}  ${String(r.status).padStart(6)}  ${String(r.sql).padStart(3)}  ${String(r.dynamo).padStart(8)}  ${String(r.sql + r.dynamo).padStart(5)}`);
  }
  return lines.join("\n");
}
