/**
 * `npm run bench [-- <name>]`: figures for the API, each against a baseline
 * measured in the same run, printed (never asserted). Benchmarks:
 *   bundle     Lambda bundle size, entry and chunks, minified and gzip, and the part loaded at start (aim: < 1 MiB minified)
 *   coldstart  process start -> first answered GET /api/products/{sku} (and GET /api/cart), vs a bare
 *              Hono app's first answered GET /health (aim: ratio < 1.6)
 *   reads      requests/s of a cached GET /api/products/{sku} vs bare Hono GET /health
 *              (aim: ratio > 0.5)
 *   roundtrips PostgreSQL and DynamoDB round trips per request type, counted at the clients
 *   dynamocpu  client CPU per DynamoDB call: the SDK as it comes, the app's (trimmed), low-level by hand, aws-lite
 *   checkout   checkouts/s (50 clients) on 5 hot and on 1,000 SKUs, with and without a
 *              latency proxy (BENCH_LATENCY_MS each way, default 0.5) in front of both stores,
 *              against the same transaction issued directly (aim: app/direct >= 0.7)
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
import { appCheckoutRate, CLIENTS, directCheckoutRate, openDirectPool, POOL_MAX, seedBenchProducts } from "./checkout";
import { measureDynamoCpu } from "./dynamo-cpu";
import { ownCpuMs, peakRssMiB, placeProcesses, postgresCpuMs, processCpuMs, splitCpus, type Placement } from "./processes";
import { load, loadUrls, request } from "./http-load";
import { formatRoundTrips, FULL_VCPU_MB, measureRoundTrips } from "./round-trips";
import { DEFAULT_LAMBDA_MEMORY_MB } from "../../infra/config";
import pg from "pg";

const ROOT = path.resolve(__dirname, "../..");
const TABLES = { sessions: "bench-sessions", cache: "bench-cache" };
const ADMIN_TOKEN = "bench-admin-token";

interface Context {
  work: string;
  /** The PostgreSQL data folder (its postmaster.pid names the server process). */
  pgDataDir: string;
  postgres: LocalPostgres;
  dynamo: LocalDynamo & { pid: number };
  shopScript: string;
  bareScript: string;
  proxyScript: string;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const fmt = (n: number, digits = 1) => n.toFixed(digits);
const spread = (values: number[], digits = 0) => `${fmt(Math.min(...values), digits)} / ${fmt(median(values), digits)} / ${fmt(Math.max(...values), digits)}`;

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
async function startDynaliteProcess(): Promise<LocalDynamo & { pid: number }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [path.join(ROOT, "node_modules/dynalite/cli.js"), "--port", String(port), "--host", "127.0.0.1", "--createTableMs", "0"],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once("data", () => resolve());
    child.once("exit", (code) => reject(new Error(`dynalite exited with ${code}`)));
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    pid: child.pid!,
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
  const child = spawn(process.execPath, [script], {
    env: { PATH: process.env.PATH ?? "", ...env, PORT: String(port) },
    stdio: ["ignore", "ignore", "inherit"],
  });
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
  const bare: number[] = [];
  // A catalog read, the aim's measure; and a cart read, whose first request also loads the DynamoDB client.
  const shop = { product: [] as number[], cart: [] as number[] };
  for (let i = 0; i < runs; i++) {
    // Alternate, so drift on a shared machine hits all alike.
    const b = await launch(ctx.bareScript, "/health", {});
    bare.push(b.coldStartMs);
    await stop(b);
    for (const [kind, probe] of [
      ["product", "/api/products/COF-001"],
      ["cart", "/api/cart"],
    ] as const) {
      const s = await launch(ctx.shopScript, probe, shopEnv(ctx));
      shop[kind].push(s.coldStartMs);
      await stop(s);
    }
  }
  const ratio = (values: number[]) => fmt(median(values) / median(bare), 2);
  console.log(
    `coldstart  ms to the first answer, min / median / max of ${runs} starts each, interleaved: bare Hono GET /health ${spread(bare)}; ` +
      `shop GET /api/products/{sku} ${spread(shop.product)}, ratio of medians ${ratio(shop.product)}x (aim < 1.6x); ` +
      `shop GET /api/cart (loads the DynamoDB client) ${spread(shop.cart)}, ${ratio(shop.cart)}x`,
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

/**
 * A latency proxy process in front of PostgreSQL and DynamoDB; resolves with the proxied URL and endpoint.
 * Started under SCHED_FIFO where the kernel allows it (see latency-proxy.ts), else as an ordinary process.
 */
async function startLatencyProxy(ctx: Context, delayMs: number): Promise<{ databaseUrl: string; dynamoEndpoint: string; stop(): Promise<string> }> {
  try {
    return await spawnLatencyProxy(ctx, delayMs, true);
  } catch {
    return spawnLatencyProxy(ctx, delayMs, false);
  }
}

async function spawnLatencyProxy(
  ctx: Context,
  delayMs: number,
  realtime: boolean,
): Promise<{ databaseUrl: string; dynamoEndpoint: string; stop(): Promise<string> }> {
  const pgUrl = new URL(ctx.postgres.url());
  const dynamoUrl = new URL(ctx.dynamo.endpoint);
  const env = { PATH: process.env.PATH ?? "", PROXY_DELAY_MS: String(delayMs), PROXY_TARGETS: `${pgUrl.host},${dynamoUrl.host}` };
  const child = realtime
    ? spawn("chrt", ["--fifo", "10", process.execPath, ctx.proxyScript], {
        env: { ...env, PROXY_SCHEDULING: "SCHED_FIFO 10" },
        stdio: ["ignore", "pipe", "ignore"],
      })
    : spawn(process.execPath, [ctx.proxyScript], { env, stdio: ["ignore", "pipe", "inherit"] });
  const lines: string[] = [];
  let buffered = "";
  child.stdout!.setEncoding("utf8");
  const firstLine = new Promise<string>((resolve, reject) => {
    child.once("error", reject);
    child.stdout!.on("data", (chunk: string) => {
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf("\n")) >= 0) {
        lines.push(buffered.slice(0, newline));
        buffered = buffered.slice(newline + 1);
        if (lines.length === 1) resolve(lines[0]!);
      }
    });
    child.once("exit", (code) => reject(new Error(`latency proxy exited with ${code}`)));
  });
  const { ports } = JSON.parse(await firstLine) as { ports: number[] };
  const proxiedPg = new URL(pgUrl);
  proxiedPg.port = String(ports[0]);
  const proxiedDynamo = new URL(dynamoUrl);
  proxiedDynamo.port = String(ports[1]);
  return {
    databaseUrl: proxiedPg.toString(),
    dynamoEndpoint: proxiedDynamo.origin,
    async stop() {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
      const stats = JSON.parse(lines[1] ?? "{}") as {
        delivered?: number;
        meanDelayMs?: number;
        p50DelayMs?: number;
        p95DelayMs?: number;
        cpuMs?: number;
        priority?: string;
      };
      return (
        `${stats.delivered ?? 0} chunks delayed one way by mean ${fmt(stats.meanDelayMs ?? 0, 3)} ms, p50 ${fmt(stats.p50DelayMs ?? 0, 3)}, ` +
        `p95 ${fmt(stats.p95DelayMs ?? 0, 3)} (asked ${delayMs}); ${stats.priority ?? "?"}; proxy CPU ${fmt((stats.cpuMs ?? 0) / 1000, 1)} s`
      );
    },
  };
}

/** Added round trip of the proxy, end to end: `SELECT 1` through it against directly, one at a time, median of 400 each. */
async function probeAddedRoundTrip(directUrl: string, proxiedUrl: string): Promise<string> {
  const timeOf = async (url: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const times: number[] = [];
      for (let i = 0; i < 450; i++) {
        const start = performance.now();
        await client.query("SELECT 1");
        if (i >= 50) times.push(performance.now() - start);
      }
      return median(times);
    } finally {
      await client.end();
    }
  };
  const direct = await timeOf(directUrl);
  const proxied = await timeOf(proxiedUrl);
  return `SELECT 1 round trip ${fmt(direct, 3)} ms direct, ${fmt(proxied, 3)} ms through the proxy (median of 400, idle): ${fmt(proxied - direct, 3)} ms added per round trip`;
}

async function benchRoundTrips(ctx: Context): Promise<void> {
  const rows = await measureRoundTrips({ databaseUrl: ctx.postgres.url(), dynamoEndpoint: ctx.dynamo.endpoint, tables: TABLES });
  const roundTripMs = 1;
  const FUNCTION_MEMORY_MB = DEFAULT_LAMBDA_MEMORY_MB;
  console.log(
    "roundtrips per request, counted at the clients (pg Client.query; the DynamoDB store's calls, one send each); warm pools, one request at a time; " +
      `CPU: median of 8 passes in this process; est. ms = CPU x max(1, ${FULL_VCPU_MB} MB / memory) + round trips x ${roundTripMs} ms`,
  );
  console.log(formatRoundTrips(rows, [FUNCTION_MEMORY_MB, 3008], roundTripMs));
}

async function benchDynamoCpu(ctx: Context): Promise<void> {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const rows = await measureDynamoCpu(ctx.dynamo.endpoint, TABLES.sessions, rounds);
  const base = rows[0]!.microsPerCall;
  console.log(
    `dynamocpu  client CPU per DynamoDB call (GetItem + conditional PutItem, session-sized), µs min / median / max over ${rounds} rounds; ` +
      "ratios to the first row by median and by minimum (load on a shared machine only adds, so the minimum is the steadier)",
  );
  for (const row of rows) {
    const [med, min] = [median(row.microsPerCall) / median(base), Math.min(...row.microsPerCall) / Math.min(...base)];
    console.log(`  ${row.variant.padEnd(60)} ${spread(row.microsPerCall)} µs   ${fmt(med, 2)}x / ${fmt(min, 2)}x`);
  }
}

async function benchCheckout(ctx: Context): Promise<void> {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const orders = Number(process.env.BENCH_ORDERS ?? 600);
  const delayMs = Number(process.env.BENCH_LATENCY_MS ?? 0.5);
  const hot = ["HOT-1", "HOT-2", "HOT-3", "HOT-4", "HOT-5"];
  const wide = Array.from({ length: 1000 }, (_, i) => `WIDE-${String(i).padStart(4, "0")}`);
  await seedBenchProducts(ctx.postgres.url(), [...hot, ...wide]);
  const proxy = await startLatencyProxy(ctx, delayMs);
  const probe = await probeAddedRoundTrip(ctx.postgres.url(), proxy.databaseUrl);
  const env = (databaseUrl: string, dynamoEndpoint: string) => ({
    ...shopEnv(ctx),
    DATABASE_URL: databaseUrl,
    DYNAMODB_ENDPOINT: dynamoEndpoint,
    DB_POOL_MAX: String(POOL_MAX),
  });
  const plain = await launch(ctx.shopScript, "/health", env(ctx.postgres.url(), ctx.dynamo.endpoint));
  const slow = await launch(ctx.shopScript, "/health", env(proxy.databaseUrl, proxy.dynamoEndpoint));
  const shops = {
    none: { base: plain.base, databaseUrl: ctx.postgres.url() },
    latency: { base: slow.base, databaseUrl: proxy.databaseUrl },
  };
  // Untimed: every connection of each shop's pool runs place_order once, as the direct pools' do below.
  for (const shop of [shops.none, shops.latency]) await appCheckoutRate(shop, hot, 2 * POOL_MAX);
  const directPools = new Map([
    [shops.none, await openDirectPool(shops.none.databaseUrl, hot)],
    [shops.latency, await openDirectPool(shops.latency.databaseUrl, hot)],
  ]);
  const split = splitCpus();
  // Both placements when the machine has CPUs to split (processes.ts): shared as it comes, split as in AWS.
  const placements: Placement[] = split ? ["shared", "split"] : ["shared"];
  const cases = placements.flatMap((placement) => [
    { placement, label: "5 hot SKUs, no added latency", skus: hot, shop: shops.none },
    { placement, label: "1,000 SKUs, no added latency", skus: wide, shop: shops.none },
    { placement, label: `5 hot SKUs, ${delayMs} ms each way`, skus: hot, shop: shops.latency },
    { placement, label: `1,000 SKUs, ${delayMs} ms each way`, skus: wide, shop: shops.latency },
  ]);
  const firstOfPlacement = (i: number) => i === 0 || cases[i - 1]!.placement !== cases[i]!.placement;
  /** Core-milliseconds per order of each process taking part, medians over rounds. */
  const results = cases.map(() => ({
    app: [] as number[],
    direct: [] as number[],
    ratio: [] as number[],
    cpu: {
      shop: [] as number[],
      dynalite: [] as number[],
      appPostgres: [] as number[],
      loadGenerator: [] as number[],
      directPostgres: [] as number[],
      directClient: [] as number[],
    },
    failures: new Map<string, number>(),
  }));
  const pids = { none: plain.child.pid!, latency: slow.child.pid! };
  try {
    for (let round = 0; round < rounds; round++) {
      for (const [i, c] of cases.entries()) {
        if (firstOfPlacement(i)) placeProcesses(c.placement, { pgDataDir: ctx.pgDataDir, dynalite: ctx.dynamo.pid, rest: [pids.none, pids.latency] });
        const shopPid = c.shop === shops.none ? pids.none : pids.latency;
        const r = results[i]!;
        const sample = () => ({ shop: processCpuMs(shopPid), dynalite: processCpuMs(ctx.dynamo.pid), postgres: postgresCpuMs(ctx.pgDataDir), own: ownCpuMs() });
        let before = sample();
        const app = await appCheckoutRate(c.shop, c.skus, orders, {
          start: () => (before = sample()),
          stop: () => {
            const after = sample();
            r.cpu.shop.push((after.shop - before.shop) / orders);
            r.cpu.dynalite.push((after.dynalite - before.dynalite) / orders);
            r.cpu.appPostgres.push((after.postgres - before.postgres) / orders);
            r.cpu.loadGenerator.push((after.own - before.own) / orders);
          },
        });
        const direct = await directCheckoutRate(directPools.get(c.shop)!, c.skus, orders, {
          start: () => (before = sample()),
          stop: () => {
            const after = sample();
            r.cpu.directPostgres.push((after.postgres - before.postgres) / orders);
            r.cpu.directClient.push((after.own - before.own) / orders);
          },
        });
        r.app.push(app.rate);
        r.direct.push(direct.rate);
        r.ratio.push(app.rate / direct.rate);
        for (const f of app.failures) r.failures.set(f, (r.failures.get(f) ?? 0) + 1);
        if (direct.failures) r.failures.set("direct transaction failed", (r.failures.get("direct transaction failed") ?? 0) + direct.failures);
      }
    }
    console.log(
      `checkout   ${orders} two-line orders per run, ${CLIENTS} concurrent clients, pool of ${POOL_MAX}; min / median / max over ${rounds} rounds (app and direct interleaved)`,
    );
    const placementHeader = (placement: Placement) =>
      placement === "shared"
        ? `  every process on all ${os.cpus().length} CPUs:`
        : `  split as in AWS: PostgreSQL and dynalite on CPU ${split!.stores}; the API, the load generator and the direct client on CPU ${split!.rest}:`;
    for (const [i, c] of cases.entries()) {
      const r = results[i]!;
      if (firstOfPlacement(i)) console.log(placementHeader(c.placement));
      console.log(
        `  ${c.label.padEnd(32)} app ${spread(r.app)} /s   direct ${spread(r.direct)} /s   app/direct ${spread(r.ratio, 2)}` +
          (r.failures.size ? `; failures: ${[...r.failures].map(([f, n]) => `${f} x${n}`).join(", ")}` : ""),
      );
    }
    console.log(
      "  CPU per order in the timed phase, ms (median over rounds; /proc, 10 ms ticks). On shared CPUs each rate is bound by its total " +
        "(the latency proxy's own CPU is shown below); split, by the busier side. dynalite is a JavaScript DynamoDB that costs the function nothing in AWS",
    );
    for (const [i, c] of cases.entries()) {
      const { cpu } = results[i]!;
      if (firstOfPlacement(i)) console.log(placementHeader(c.placement));
      const m = (values: number[]) => median(values);
      const appTotal = m(cpu.shop) + m(cpu.dynalite) + m(cpu.appPostgres) + m(cpu.loadGenerator);
      const directTotal = m(cpu.directPostgres) + m(cpu.directClient);
      // Split: the stores' side and the API's side each have their own CPUs; the busier one bounds the rate.
      const sides =
        c.placement === "split"
          ? `   stores' side app ${fmt(m(cpu.dynalite) + m(cpu.appPostgres), 2)} / direct ${fmt(m(cpu.directPostgres), 2)}, ` +
            `API's side app ${fmt(m(cpu.shop) + m(cpu.loadGenerator), 2)} / direct ${fmt(m(cpu.directClient), 2)}`
          : `   direct/app ${fmt(directTotal / appTotal, 2)}`;
      console.log(
        `  ${c.label.padEnd(32)} app: shop ${fmt(m(cpu.shop), 2)} + dynalite ${fmt(m(cpu.dynalite), 2)} + PostgreSQL ${fmt(m(cpu.appPostgres), 2)} + load generator ${fmt(m(cpu.loadGenerator), 2)} = ${fmt(appTotal, 2)}` +
          `   direct: PostgreSQL ${fmt(m(cpu.directPostgres), 2)} + client ${fmt(m(cpu.directClient), 2)} = ${fmt(directTotal, 2)}` +
          sides,
      );
    }
    console.log(
      `  peak RSS of the shop process after these runs: ${fmt(peakRssMiB(plain.child.pid!), 0)} MiB (no latency), ${fmt(peakRssMiB(slow.child.pid!), 0)} MiB (latency)`,
    );
  } finally {
    placeProcesses("shared", { pgDataDir: ctx.pgDataDir, dynalite: ctx.dynamo.pid, rest: [] });
    await Promise.all([...directPools.values()].map((pool) => pool.end()));
    await stop(plain);
    await stop(slow);
    console.log(`  latency proxy: ${probe}`);
    console.log(`  latency proxy, under the checkout load: ${await proxy.stop()}`);
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
    const queries = [
      "mug",
      "steel kettle",
      "vintage oak table",
      "water resistant",
      "leather",
      "smart speaker&category=home",
      "batch 4242",
      "cotton jacket&limit=50",
    ];
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

const BENCHES = ["bundle", "roundtrips", "dynamocpu", "coldstart", "reads", "checkout", "search", "web", "edge"] as const;

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
  const pgDataDir = path.join(work, "pg");
  const postgres = await startPostgres({ dataDir: pgDataDir, port: await freePort(), persistent: false });
  const dynamo = await startDynaliteProcess();
  try {
    await createTables(dynamo.endpoint, TABLES);
    const pool = new pg.Pool({ connectionString: postgres.url(), max: 2 });
    await runMigrations(pool);
    await seedDemoCatalog(pool);
    await pool.end();
    const [shopScript, bareScript, proxyScript] = await Promise.all([
      bundleServer("scripts/bench/shop-server.ts", path.join(work, "shop-server.mjs")),
      bundleServer("scripts/bench/bare-server.ts", path.join(work, "bare-server.mjs")),
      bundleServer("scripts/bench/latency-proxy.ts", path.join(work, "latency-proxy.mjs")),
    ]);
    const ctx: Context = { work, pgDataDir, postgres, dynamo, shopScript, bareScript, proxyScript };
    if (selected.includes("roundtrips")) await benchRoundTrips(ctx);
    if (selected.includes("dynamocpu")) await benchDynamoCpu(ctx);
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
