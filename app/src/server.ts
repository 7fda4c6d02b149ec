/**
 * The local HTTP entry: the same app on @hono/node-server, optionally serving
 * the built storefront (web/dist) at `/` with an SPA fallback to index.html.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { createServer, STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import { getRequestListener, RequestError, type ServerType } from "@hono/node-server";
import { serveStatic } from "@hono/node-server/serve-static";
import { Hono } from "hono";
import { createApp, type AppDeps } from "./app";
import { errorBody } from "./http/errors";

export interface ServerOptions {
  port: number;
  hostname?: string;
  /** A folder of static files (the storefront build) to serve for non-API GETs. */
  staticDir?: string;
  /** Which paths are the storefront's pages; any other path gets the page with status 404. */
  isPageRoute?: (pathname: string) => boolean;
}

export function createServerApp(deps: AppDeps, staticDir?: string, isPageRoute: (pathname: string) => boolean = () => true): Hono {
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
  // SPA fallback: client-side routes that accept HTML get index.html (404 for paths that are no page).
  root.get("*", (c) => {
    if (!(c.req.header("accept") ?? "").includes("text/html")) return api.fetch(c.req.raw);
    return c.html(indexHtml(), isPageRoute(new URL(c.req.url).pathname) ? 200 : 404);
  });
  return root;
}

/**
 * A request the adapter cannot turn into a URL (`OPTIONS *`, a backslash in the
 * path, a bad Host) never reaches the app; without this it would get an empty
 * 400 (or 500), not the contract's error shape.
 */
function adapterError(err: unknown): Response {
  const clientFault = err instanceof RequestError;
  const body = clientFault
    ? errorBody("bad_request", `the request line or Host header is not usable: ${err.message}`)
    : errorBody("internal", "internal error");
  return new Response(JSON.stringify(body), { status: clientFault ? 400 : 500, headers: { "content-type": "application/json; charset=utf-8" } });
}

/**
 * A request Node's HTTP parser refuses (an unknown method, a bad Content-Length,
 * headers over Node's 16 KiB limit) gets the contract's error shape too, instead
 * of Node's bare status line. The connection is closed: its framing is unknown.
 */
function answerUnparsableRequest(err: Error & { code?: string }, socket: Duplex): void {
  if (err.code === "ECONNRESET" || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, message] =
    err.code === "HPE_HEADER_OVERFLOW"
      ? [431, "request headers are too large"]
      : err.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? [408, "the request took too long to arrive"]
        : [400, "the request could not be parsed as HTTP/1.1"];
  const body = JSON.stringify(errorBody("bad_request", message));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

export function startServer(deps: AppDeps, options: ServerOptions): Promise<ServerType> {
  const app = createServerApp(deps, options.staticDir, options.isPageRoute);
  const hostname = options.hostname ?? "127.0.0.1";
  // serve() does not pass an errorHandler through to the listener; build the same server by hand.
  const server = createServer(getRequestListener(app.fetch, { hostname, errorHandler: adapterError }));
  server.on("clientError", answerUnparsableRequest);
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, hostname, () => {
      server.off("error", reject);
      resolve(server);
    });
  });
}
