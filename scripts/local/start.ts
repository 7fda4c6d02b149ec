/**
 * `npm start`: the local platform. Embedded PostgreSQL + dynalite, the tables,
 * migrations, a demo catalog on first start, and the API on
 * http://127.0.0.1:$PORT (plus the storefront from web/dist when built).
 * Ctrl-C (SIGINT) or SIGTERM stops everything and removes the outputs file.
 */
import path from "node:path";
import type { ServerType } from "@hono/node-server";
import type { AppLogger } from "../../app/src/app";
import { loadConfig } from "../../app/src/config";
import { createRuntime, DROPPED_CONNECTION_WARNING, type Runtime } from "../../app/src/runtime/runtime";
import { startServer } from "../../app/src/server";
import { isPageRoute } from "../../web/src/page-routes";
import { removePlatformFiles, settingsFromEnv, silenceSdkNodeVersionWarning, startLocalStores, toApiEnv, writePlatformFiles } from "./platform";

/**
 * A terminal's Ctrl-C reaches PostgreSQL (same process group) as soon as it reaches this process,
 * and PostgreSQL may close the pool's connections before the handler below runs. So a dropped
 * connection's warning waits a moment, and is no news once a stop has begun.
 */
const DROPPED_CONNECTION_HOLD_MS = 1000;
let stopping = false;

const consoleLogger: AppLogger = {
  info: (message, ...extra) => console.error(`[info] ${message}`, ...extra),
  warn: (message, ...extra) => {
    const print = () => console.error(`[warn] ${message}`, ...extra);
    if (message !== DROPPED_CONNECTION_WARNING) return print();
    setTimeout(() => stopping || print(), DROPPED_CONNECTION_HOLD_MS).unref();
  },
  error: (message, ...extra) => console.error(`[error] ${message}`, ...extra),
};

async function main(): Promise<void> {
  silenceSdkNodeVersionWarning();
  const settings = settingsFromEnv();
  const port = Number(process.env.PORT || 3000);
  const stores = await startLocalStores(settings);
  let runtime: Runtime | undefined;
  let server: ServerType | undefined;

  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    settings.log(`\n${signal}: stopping the local platform`);
    removePlatformFiles(settings.dataDir);
    // The terminal's Ctrl-C has reached PostgreSQL too and it is already closing connections:
    // close the pool now, alongside the server.
    const closingRuntime = runtime?.close().catch(() => {});
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await closingRuntime;
    await stores.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));

  try {
    const config = loadConfig({ ...toApiEnv(stores.info), PORT: String(port), LOG_LEVEL: process.env.LOG_LEVEL ?? "INFO" });
    runtime = await createRuntime(config, { logger: consoleLogger });
    const staticDir = path.resolve("web/dist");
    server = await startServer(runtime.deps, { port, staticDir, isPageRoute });
    const baseUrl = `http://127.0.0.1:${port}`;
    writePlatformFiles(settings.dataDir, stores.info, baseUrl);
    console.log(`
Local platform running
  API          ${baseUrl}/api/products
  health       ${baseUrl}/health
  storefront   ${baseUrl}/
  admin token  ${stores.info.adminToken}   (Authorization: Bearer <token> on PUT and PATCH /api/admin/products/{sku})
  PostgreSQL   ${stores.info.databaseUrl}   (the API's application role)
  DB owner     ${stores.info.databaseOwnerUrl}   (migrations, seeding)
  DynamoDB     ${stores.info.dynamodbEndpoint}
Press Ctrl-C to stop.
ready: ${baseUrl}`);
  } catch (err) {
    settings.log(`failed to start: ${(err as Error).message}`);
    removePlatformFiles(settings.dataDir);
    await runtime?.close().catch(() => {});
    await stores.stop();
    process.exit(1);
  }
}

main().catch((err: unknown) => {
  console.error(`failed to start the local platform: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
