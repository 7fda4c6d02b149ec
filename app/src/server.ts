/**
 * The local HTTP entry: the same app on @hono/node-server, optionally serving
 * the built storefront (web/dist) at `/` with an SPA fallback to index.html.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { serve, type ServerType } from "@hono/node-server";
import { serveStatic } from "@hono/node-server/serve-static";
import { Hono } from "hono";
import { createApp, type AppDeps } from "./app";

export interface ServerOptions {
  port: number;
  hostname?: string;
  /** A folder of static files (the storefront build) to serve for non-API GETs. */
  staticDir?: string;
}

export function createServerApp(deps: AppDeps, staticDir?: string): Hono {
  const api = createApp(deps);
  if (!staticDir || !existsSync(path.join(staticDir, "index.html"))) return api;
  const root = new Hono();
  const isApi = (p: string) => p === "/health" || p === "/api" || p.startsWith("/api/");
  const indexHtml = () => readFileSync(path.join(staticDir, "index.html"), "utf8");
  root.use("*", async (c, next) => {
    const p = new URL(c.req.url).pathname;
    if (isApi(p) || (c.req.method !== "GET" && c.req.method !== "HEAD")) return api.fetch(c.req.raw);
    return next();
  });
  root.use("*", serveStatic({ root: path.relative(process.cwd(), staticDir) || "." }));
  // SPA fallback: client-side routes that accept HTML get index.html.
  root.get("*", (c) => {
    if (!(c.req.header("accept") ?? "").includes("text/html")) return api.fetch(c.req.raw);
    return c.html(indexHtml());
  });
  return root;
}

export function startServer(deps: AppDeps, options: ServerOptions): Promise<ServerType> {
  const app = createServerApp(deps, options.staticDir);
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: options.port, hostname: options.hostname ?? "127.0.0.1" }, () => resolve(server));
  });
}
