/**
 * `npm start` and `npm run invoke` as a user runs them: the platform starts on
 * embedded PostgreSQL + dynalite, loads the demo catalog, prints `ready:`,
 * writes the outputs file, answers over HTTP, lets `invoke` use its stores,
 * and on SIGTERM stops everything (no PostgreSQL left, files removed). A second
 * start keeps the first one's data on a durable server and stops quietly on Ctrl-C.
 * `invoke` without a running platform starts and stops the stores itself.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../app/src/config";
import { toApiEnv } from "../../scripts/local/platform";
import { freePort } from "./support/ports";

const ROOT = path.resolve(__dirname, "../..");
const TSX = path.join(ROOT, "node_modules/.bin/tsx");
let dataDir: string;
let child: ChildProcess | undefined;
let env: NodeJS.ProcessEnv;
let baseUrl: string;

function postgresRunningFor(dir: string): boolean {
  const ps = spawnSync("ps", ["-eo", "args"], { encoding: "utf8" });
  return ps.stdout.split("\n").some((line) => line.includes("bin/postgres") && line.includes(dir));
}

function invoke(eventFile: string) {
  return spawnSync(TSX, ["scripts/local/invoke.ts", eventFile], { cwd: ROOT, env, encoding: "utf8", timeout: 90_000 });
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), "shop-local-platform-test-"));
  chmodSync(dataDir, 0o755);
  const port = await freePort(3000, 3009);
  env = {
    ...process.env,
    PORT: String(port),
    PG_PORT: String(await freePort(54320, 54339)),
    LOCAL_DATA_DIR: dataDir,
    ADMIN_TOKEN: "platform-test-token",
    LOG_LEVEL: "WARN",
  };
  baseUrl = `http://127.0.0.1:${port}`;
});

afterAll(() => {
  if (child && child.exitCode === null) {
    try {
      process.kill(-child.pid!, "SIGKILL"); // the detached run leads its own process group
    } catch {
      child.kill("SIGKILL");
    }
  }
  rmSync(dataDir, { recursive: true, force: true });
});

/** Runs `npm start`'s script until it prints its ready line; what it printed stays readable. */
async function startPlatform(options: { detached?: boolean } = {}): Promise<{ stdout: string; stderr: string }> {
  const output = { stdout: "", stderr: "" };
  child = spawn(TSX, ["scripts/local/start.ts"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"], detached: options.detached ?? false });
  child.stderr!.on("data", (chunk) => (output.stderr += chunk));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line; stderr:\n${output.stderr}`)), 90_000);
    child!.stdout!.on("data", (chunk) => {
      output.stdout += chunk;
      if (output.stdout.includes(`ready: ${baseUrl}`)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child!.once("exit", (code) => reject(new Error(`exited early (${code}); stderr:\n${output.stderr}`)));
  });
  return output;
}

describe("npm start", () => {
  it("serves the demo shop, shares its stores with invoke, and stops cleanly on SIGTERM", async () => {
    const output = await startPlatform();
    expect(output.stdout).toContain("platform-test-token");
    // The AWS SDK's "Node.js < 22" notice is switched off for the local platform (the SDK warns at its first client).
    expect(output.stderr).not.toContain("NodeVersionSupportWarning");

    const outputs = JSON.parse(readFileSync(path.join(dataDir, "stack-outputs.json"), "utf8"));
    expect(outputs).toEqual({ platform: "local", baseUrl, adminToken: "platform-test-token" });

    expect(await (await fetch(`${baseUrl}/health`)).json()).toEqual({ status: "ok" });
    const catalog = (await (await fetch(`${baseUrl}/api/products?limit=100`)).json()) as { items: { category: string }[] };
    expect(catalog.items.length).toBeGreaterThanOrEqual(50);
    expect(new Set(catalog.items.map((p) => p.category)).size).toBeGreaterThanOrEqual(5);

    // An admin write through HTTP is visible to invoke: same stores.
    const put = await fetch(`${baseUrl}/api/admin/products/COF-001`, {
      method: "PUT",
      headers: { authorization: "Bearer platform-test-token", "content-type": "application/json" },
      body: JSON.stringify({ name: "Changed by the test", priceCents: 4242, stock: 3, category: "coffee" }),
    });
    expect(put.status).toBe(200);
    const invoked = invoke("events/alb-get-product-multivalue.json");
    expect(invoked.status, invoked.stderr).toBe(0);
    const result = JSON.parse(invoked.stdout);
    expect(result).toMatchObject({ statusCode: 200, statusDescription: "200 OK" });
    expect(JSON.parse(result.body)).toMatchObject({ sku: "COF-001", name: "Changed by the test", priceCents: 4242 });

    const exited = new Promise<number | null>((resolve) => child!.once("exit", (code) => resolve(code)));
    child!.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(existsSync(path.join(dataDir, "stack-outputs.json"))).toBe(false);
    expect(existsSync(path.join(dataDir, "platform.json"))).toBe(false);
    expect(postgresRunningFor(dataDir)).toBe(false);
  });
});

describe("npm start, a second time", () => {
  it("keeps the data of the first run, flushes commits to disk, and stops quietly on Ctrl-C", async () => {
    // A terminal's Ctrl-C signals the whole process group, PostgreSQL included.
    const output = await startPlatform({ detached: true });
    const product = (await (await fetch(`${baseUrl}/api/products/COF-001`)).json()) as { name: string };
    expect(product.name).toBe("Changed by the test");

    const ownerUrl = /DB owner\s+(\S+)/.exec(output.stdout)?.[1];
    expect(ownerUrl).toBeDefined();
    const client = new pg.Client({ connectionString: ownerUrl });
    await client.connect();
    try {
      const settings = await client.query<{ name: string; setting: string }>(
        "SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes') ORDER BY name",
      );
      expect(settings.rows).toEqual([
        { name: "fsync", setting: "on" },
        { name: "full_page_writes", setting: "on" },
        { name: "synchronous_commit", setting: "on" },
      ]);
    } finally {
      await client.end();
    }

    const exited = new Promise<number | null>((resolve) => child!.once("exit", (code) => resolve(code)));
    process.kill(-child!.pid!, "SIGINT");
    expect(await exited).toBe(0);
    expect(output.stderr).not.toContain("database connection failed");
    expect(postgresRunningFor(dataDir)).toBe(false);
  });
});

describe("the local API's environment", () => {
  const info = {
    pid: 1,
    databaseUrl: "postgres://app:pw@127.0.0.1:5433/shop",
    databaseOwnerUrl: "postgres://owner:pw@127.0.0.1:5433/shop",
    dynamodbEndpoint: "http://127.0.0.1:8000",
    sessionsTable: "s",
    cacheTable: "c",
    sessionSigningKey: "k".repeat(43),
    adminToken: "t",
  };

  it("takes the API's tuning variables from the shell, and nothing else from it", () => {
    const env = toApiEnv(
      info,
      {},
      { SESSION_TTL_SECONDS: "120", CACHE_TTL_SECONDS: "5", DB_POOL_MAX: "3", AWS_SECRET_ACCESS_KEY: "shell", DATABASE_URL: "postgres://elsewhere/x" },
    );
    expect(env).toMatchObject({ SESSION_TTL_SECONDS: "120", CACHE_TTL_SECONDS: "5", DB_POOL_MAX: "3", DATABASE_URL: info.databaseUrl });
    expect(env).not.toHaveProperty("AWS_SECRET_ACCESS_KEY");
    const config = loadConfig(env);
    expect({ session: config.sessionTtlSeconds, cache: config.cacheTtlSeconds, pool: config.db.poolMax }).toEqual({ session: 120, cache: 5, pool: 3 });
  });

  it("lets a bad tuning value fail the start with the variable's name", () => {
    expect(() => loadConfig(toApiEnv(info, {}, { SESSION_TTL_SECONDS: "soon" }))).toThrow(/SESSION_TTL_SECONDS/);
  });
});

describe("npm run invoke without a running platform", () => {
  it("starts the stores, prints the response JSON only on stdout, and stops them", () => {
    const invoked = invoke("events/rest-get-product.json");
    expect(invoked.status, invoked.stderr).toBe(0);
    const result = JSON.parse(invoked.stdout);
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toMatchObject({ sku: "TEA-001" });
    expect(invoked.stderr).not.toContain("NodeVersionSupportWarning");
    expect(postgresRunningFor(dataDir)).toBe(false);

    const migrate = invoke("events/migrate.json");
    expect(JSON.parse(migrate.stdout)).toEqual({ ok: true, applied: [] });
  });

  it("fails with a usage message when no event file is given", () => {
    const res = spawnSync(TSX, ["scripts/local/invoke.ts"], { cwd: ROOT, env, encoding: "utf8" });
    expect(res.status).toBe(2);
    expect(res.stderr).toContain("usage: npm run invoke -- <event.json>");
  });
});
