/**
 * `npm run bench [-- <name>]`: figures for the API, each against a baseline
 * measured in the same run, printed (never asserted). Benchmarks:
 *   bundle     Lambda bundle size, entry and chunks, minified and gzip, and the part loaded at start (aim: < 1 MiB minified)
 *   coldstart  process start -> first answered GET /api/products/{sku}, vs a bare
 *              Hono app's first answered GET /health (aim: ratio < 2)
 *   reads      requests/s of a cached GET /api/products/{sku} vs bare Hono GET /health
 *              (aim: ratio > 0.5)
 *   checkout   checkouts/s with 50 concurrent clients on the local PostgreSQL
 *   search     catalog search (`q`) latency on 10,000 products vs an uncached keyset page of the same catalog
 *   web        the storefront page's built sizes against its 50 KB gzip JavaScript budget
 *   edge       the Lambda@Edge guard's bundle size and per-request cost
 * The shop and the baseline run as separate Node processes from esbuild bundles
 * built the same way, so both pay the same loader costs.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { build } from "esbuild";
import { runMigrations } from "../../app/src/db/migrations";
import { bundle, bundleOptions, formatBytes } from "../bundle";
import { seedDemoCatalog } from "../local/demo-catalog";
import { silenceSdkNodeVersionWarning } from "../local/platform";
import { createTables, startPostgres, type LocalDynamo, type LocalPostgres } from "../local/stores";
import { load, loadUrls, request } from "./http-load";
import pg from "pg";

const ROOT = path.resolve(__dirname, "../..");
const TABLES = { sessions: "bench-sessions", cache: "bench-cache" };
const ADMIN_TOKEN = "bench-admin-token";

interface Context {
  work: string;
  postgres: LocalPostgres;
  dynamo: LocalDynamo;
  shopScript: string;
  bareScript: string;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const fmt = (n: number, digits = 1) => n.toFixed(digits);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** dynalite in its own process, so it does not share an event loop with the load generator. */
async function startDynaliteProcess(): Promise<LocalDynamo> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(ROOT, "node_modules/dynalite/cli.js"), "--port", String(port), "--host", "127.0.0.1", "--createTableMs", "0"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once("data", () => resolve());
    child.once("exit", (code) => reject(new Error(`dynalite exited with ${code}`)));
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** A bench server bundled exactly like the Lambda bundle (same esbuild options). */
async function bundleServer(entry: string, outfile: string): Promise<string> {
  await build(bundleOptions(ROOT, entry, outfile));
  return outfile;
}

interface Server {
  child: ChildProcess;
  base: string;
  coldStartMs: number;
}

/** Spawns a server and polls `probe` until it answers 200: the cold start. */
async function launch(script: string, probe: string, env: Record<string, string>): Promise<Server> {
  const port = await freePort();
  const agent = new http.Agent({ keepAlive: false });
  const start = performance.now();
  const child = spawn(process.execPath, [script], { env: { PATH: process.env.PATH ?? "", ...env, PORT: String(port) }, stdio: ["ignore", "ignore", "inherit"] });
  const base = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}`);
    try {
      const res = await request(agent, base + probe);
      if (res.status === 200) break;
      throw new Error(`${probe} answered ${res.status}: ${res.body}`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ECONNREFUSED") throw err;
      await new Promise((r) => setTimeout(r, 2));
    }
  }
  return { child, base, coldStartMs: performance.now() - start };
}

async function stop(server: Server): Promise<void> {
  const exited = new Promise((resolve) => server.child.once("exit", resolve));
  server.child.kill("SIGTERM");
  await exited;
}

function shopEnv(ctx: Context): Record<string, string> {
  return {
    DATABASE_URL: ctx.postgres.url(),
    DYNAMODB_ENDPOINT: ctx.dynamo.endpoint,
    SESSIONS_TABLE: TABLES.sessions,
    CACHE_TABLE: TABLES.cache,
    SESSION_SIGNING_KEY: "bench-signing-key",
    ADMIN_TOKEN,
    LOG_LEVEL: "ERROR",
    DB_POOL_MAX: "20",
    // Node 20 only: Lambda runs Node 22, where the SDK prints no such warning (a stderr write at the first client).
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  };
}

async function benchBundle(): Promise<void> {
  const out = mkdtempSync(path.join(os.tmpdir(), "shop-bench-bundle-"));
  try {
    const result = await bundle({ outfile: path.join(out, "index.mjs"), root: ROOT });
    console.log(
      `bundle     ${formatBytes(result.bytes)} minified, ${formatBytes(result.gzipBytes)} gzip; ${fmt((result.bytes / (1024 * 1024)) * 100, 0)}% of the 1 MiB aim` +
        `; ${formatBytes(result.startBytes)} of it loaded at start (entry and its static chunks), the rest on demand (${result.files.length} files in all)`,
    );
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

async function benchColdStart(ctx: Context): Promise<void> {
  const runs = 11; // a median of 11 keeps one noisy start on a shared machine from moving the ratio
  const shop: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < runs; i++) {
    // Alternate, so drift on a shared machine hits both alike.
    const b = await launch(ctx.bareScript, "/health", {});
    bare.push(b.coldStartMs);
    await stop(b);
    const s = await launch(ctx.shopScript, "/api/products/COF-001", shopEnv(ctx));
    shop.push(s.coldStartMs);
    await stop(s);
  }
  const ratio = median(shop) / median(bare);
  console.log(
    `coldstart  shop ${fmt(median(shop), 0)} ms vs bare Hono ${fmt(median(bare), 0)} ms (median of ${runs}): ratio ${fmt(ratio, 2)}x (aim < 2x)`,
  );
}

async function benchReads(ctx: Context): Promise<void> {
  const total = 20_000;
  const concurrency = 16;
  const shop = await launch(ctx.shopScript, "/api/products/COF-001", shopEnv(ctx));
  const bare = await launch(ctx.bareScript, "/health", {});
  try {
    await load(shop.base + "/api/products/COF-001", 2_000, concurrency); // warm-up (JIT, cache)
    await load(bare.base + "/health", 2_000, concurrency);
    const bareResult = await load(bare.base + "/health", total, concurrency);
    const shopResult = await load(shop.base + "/api/products/COF-001", total, concurrency);
    const ratio = shopResult.perSecond / bareResult.perSecond;
    console.log(
      `reads      cached GET /api/products/{sku} ${fmt(shopResult.perSecond, 0)} req/s vs bare Hono GET /health ${fmt(bareResult.perSecond, 0)} req/s ` +
        `(${total} requests, ${concurrency} in flight, loopback): ratio ${fmt(ratio, 2)} (aim > 0.5)` +
        (shopResult.failures + bareResult.failures ? `; ${shopResult.failures + bareResult.failures} non-200` : ""),
    );
  } finally {
    await stop(shop);
    await stop(bare);
  }
}

async function benchCheckout(ctx: Context): Promise<void> {
  const clients = 50;
  const orders = 1000;
  const shop = await launch(ctx.shopScript, "/health", shopEnv(ctx));
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const json = { "content-type": "application/json" };
  const inParallel = async (count: number, work: (i: number) => Promise<void>) => {
    let next = 0;
    await Promise.all(Array.from({ length: clients }, async () => { while (next < count) await work(next++); }));
  };
  try {
    // Every order competes for the same few product rows: the contended case.
    const skus = ["BENCH-1", "BENCH-2", "BENCH-3", "BENCH-4", "BENCH-5"];
    for (const sku of skus) {
      const res = await request(agent, `${shop.base}/api/admin/products/${sku}`, {
        method: "PUT",
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...json },
        body: JSON.stringify({ name: sku, priceCents: 1000, stock: 1_000_000 }),
      });
      if (res.status !== 200) throw new Error(`admin PUT ${sku}: ${res.status} ${res.body}`);
    }
    // Untimed: one session per order, each with a two-line cart.
    const cookies: string[] = [];
    await inParallel(orders, async (i) => {
      const first = await request(agent, `${shop.base}/api/cart/items/${skus[i % skus.length]}`, { method: "PUT", headers: json, body: '{"quantity":1}' });
      const cookie = first.headers["set-cookie"]![0]!.split(";")[0]!;
      await request(agent, `${shop.base}/api/cart/items/${skus[(i + 2) % skus.length]}`, { method: "PUT", headers: { ...json, cookie }, body: '{"quantity":2}' });
      cookies[i] = cookie;
    });
    // Timed: the checkouts, 50 in flight.
    const latencies: number[] = [];
    let failures = 0;
    const failed = new Map<string, number>();
    const start = performance.now();
    await inParallel(orders, async (i) => {
      const t = performance.now();
      const res = await request(agent, `${shop.base}/api/orders`, {
        method: "POST",
        headers: { ...json, cookie: cookies[i]!, "idempotency-key": `bench-${i}` },
        body: JSON.stringify({ email: `bench${i}@example.com` }),
      });
      latencies.push(performance.now() - t);
      if (res.status !== 201) {
        failures++;
        const error = (JSON.parse(res.body || "{}") as { error?: { code?: string; message?: string } }).error;
        const answer = `${res.status} ${error?.code ?? ""} "${error?.message ?? ""}"`;
        failed.set(answer, (failed.get(answer) ?? 0) + 1);
      }
    });
    const seconds = (performance.now() - start) / 1000;
    latencies.sort((a, b) => a - b);
    const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]!;
    console.log(
      `checkout   ${fmt((orders - failures) / seconds, 0)} checkouts/s with ${clients} concurrent clients (${orders - failures} two-line orders on 5 shared products in ${fmt(seconds, 1)} s; ` +
        `latency p50 ${fmt(pct(0.5), 0)} ms, p95 ${fmt(pct(0.95), 0)} ms)` +
        (failures ? `; ${failures} failed (${[...failed].map(([answer, n]) => `${answer}: ${n}`).join(", ")})` : ""),
    );
  } finally {
    agent.destroy();
    await stop(shop);
  }
}

/** 10,000 products: names and descriptions drawn from small word lists, so common and rare words both occur. */
async function seedSearchCatalog(ctx: Context, count: number): Promise<void> {
  const pool = new pg.Pool({ connectionString: ctx.postgres.url(), max: 1 });
  try {
    await pool.query(
      `INSERT INTO products (sku, name, description, category, price_cents, currency, stock)
       SELECT 'SRCH-' || lpad(n::text, 5, '0'),
              (ARRAY['Classic','Compact','Deluxe','Rugged','Vintage','Modern','Organic','Smart'])[1 + n % 8] || ' ' ||
              (ARRAY['ceramic','steel','oak','linen','glass','wool','bamboo','leather','copper','cotton'])[1 + (n / 8) % 10] || ' ' ||
              (ARRAY['mug','kettle','lamp','chair','blanket','grinder','backpack','table','vase','speaker','jacket','notebook'])[1 + (n / 80) % 12],
              'Made for everyday use. ' ||
              (ARRAY['Dishwasher safe','Hand finished','Water resistant','Fair trade','Limited edition','Recycled materials'])[1 + n % 6] || '. Batch ' || n,
              (ARRAY['kitchen','home','outdoor','office','apparel'])[1 + n % 5],
              100 + n % 9000, 'USD', 100
         FROM generate_series(1, $1) AS n`,
      [count],
    );
    await pool.query("ANALYZE products");
  } finally {
    await pool.end();
  }
}

async function benchSearch(ctx: Context): Promise<void> {
  const products = 10_000;
  const total = 3_000;
  const concurrency = 8;
  await seedSearchCatalog(ctx, products);
  const shop = await launch(ctx.shopScript, "/health", shopEnv(ctx));
  try {
    const queries = ["mug", "steel kettle", "vintage oak table", "water resistant", "leather", "smart speaker&category=home", "batch 4242", "cotton jacket&limit=50"];
    const searchUrls = queries.map((q) => `${shop.base}/api/products?q=${q.replace(/ /g, "%20")}`);
    // Baseline: keyset pages of the same catalog from the reader (a cursor makes a page uncacheable).
    const cursors = ["SRCH-01000", "SRCH-04000", "SRCH-07000", "SRCH-09000"].map((sku) => Buffer.from(`s:${sku}`).toString("base64url"));
    const pageUrls = cursors.map((cursor) => `${shop.base}/api/products?cursor=${cursor}`);
    await loadUrls(searchUrls, 400, concurrency); // warm-up (JIT, connections, index pages)
    await loadUrls(pageUrls, 400, concurrency);
    const page = await loadUrls(pageUrls, total, concurrency);
    const search = await loadUrls(searchUrls, total, concurrency);
    console.log(
      `search     GET /api/products?q= on ${products.toLocaleString("en")} products: p50 ${fmt(search.p50Ms)} ms, p95 ${fmt(search.p95Ms)} ms, ${fmt(search.perSecond, 0)} req/s ` +
        `vs uncached keyset page p50 ${fmt(page.p50Ms)} ms, p95 ${fmt(page.p95Ms)} ms, ${fmt(page.perSecond, 0)} req/s ` +
        `(${total} requests each, ${concurrency} in flight, ${queries.length} queries): p50 ratio ${fmt(search.p50Ms / page.p50Ms, 2)}x` +
        (search.failures + page.failures ? `; ${search.failures + page.failures} non-200` : ""),
    );
  } finally {
    await stop(shop);
  }
}

const BENCHES = ["bundle", "coldstart", "reads", "checkout", "search", "web", "edge"] as const;

/** Benchmarks that live with their own code and run as their own scripts. */
const SCRIPT_BENCHES: Partial<Record<BenchName, string>> = { web: "scripts/web/sizes.ts", edge: "edge/bench.ts" };

function runScriptBench(name: BenchName, script: string): void {
  console.log(`\n${name} (${script})`);
  const result = spawnSync(process.execPath, [require.resolve("tsx/cli"), path.join(ROOT, script)], { stdio: "inherit", cwd: ROOT });
  if (result.status !== 0) throw new Error(`${script} exited with ${result.status}`);
}
type BenchName = (typeof BENCHES)[number];

async function main(): Promise<void> {
  silenceSdkNodeVersionWarning();
  const wanted = process.argv.slice(2).filter((a) => a !== "--");
  for (const name of wanted) {
    if (!BENCHES.includes(name as BenchName)) {
      console.error(`unknown benchmark "${name}"; choose from: ${BENCHES.join(", ")}`);
      process.exit(2);
    }
  }
  const selected = (wanted.length ? wanted : BENCHES) as BenchName[];
  console.log(`node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "unknown"}); figures vary with machine load`);
  if (selected.includes("bundle")) await benchBundle();
  for (const name of selected) {
    const script = SCRIPT_BENCHES[name];
    if (script) runScriptBench(name, script);
  }
  const needsStores = selected.some((n) => n !== "bundle" && !SCRIPT_BENCHES[n]);
  if (!needsStores) return;

  const work = mkdtempSync(path.join(os.tmpdir(), "shop-bench-"));
  chmodSync(work, 0o755);
  const postgres = await startPostgres({ dataDir: path.join(work, "pg"), port: await freePort(), persistent: false });
  const dynamo = await startDynaliteProcess();
  try {
    await createTables(dynamo.endpoint, TABLES);
    const pool = new pg.Pool({ connectionString: postgres.url(), max: 2 });
    await runMigrations(pool);
    await seedDemoCatalog(pool);
    await pool.end();
    const [shopScript, bareScript] = await Promise.all([
      bundleServer("scripts/bench/shop-server.ts", path.join(work, "shop-server.mjs")),
      bundleServer("scripts/bench/bare-server.ts", path.join(work, "bare-server.mjs")),
    ]);
    const ctx: Context = { work, postgres, dynamo, shopScript, bareScript };
    if (selected.includes("coldstart")) await benchColdStart(ctx);
    if (selected.includes("reads")) await benchReads(ctx);
    if (selected.includes("checkout")) await benchCheckout(ctx);
    if (selected.includes("search")) await benchSearch(ctx);
  } finally {
    await dynamo.stop();
    await postgres.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
