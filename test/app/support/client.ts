/** A cookie-keeping HTTP client over a Hono app (app.request) or any fetch function. */
import type { Hono } from "hono";

export interface Reply {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export class ShopClient {
  cookie: string | undefined;

  constructor(
    private readonly fetcher: Hono | ((url: string, init: RequestInit) => Promise<Response>),
    private readonly base = "http://shop.test",
  ) {}

  async request(method: string, path: string, options: { json?: unknown; body?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (this.cookie && !("cookie" in headers)) headers.cookie = this.cookie;
    let body: string | undefined = options.body;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers["content-type"] ??= "application/json";
    }
    const init: RequestInit = { method, headers, body };
    const res = typeof this.fetcher === "function" ? await this.fetcher(this.base + path, init) : await this.fetcher.request(this.base + path, init);
    const setCookie = res.headers.get("set-cookie");
    // `sid` over plain HTTP, `__Host-sid` over HTTPS: keep whichever the server set, as a browser would.
    const sid = setCookie ? /(?:^|,\s*)((?:__Host-)?sid)=([^;]+)/.exec(setCookie) : null;
    if (sid) this.cookie = `${sid[1]}=${sid[2]}`;
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: callers look at `text`
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  }

  get(path: string, headers?: Record<string, string>) {
    return this.request("GET", path, { headers });
  }
  put(path: string, json: unknown, headers?: Record<string, string>) {
    return this.request("PUT", path, { json, headers });
  }
  post(path: string, json: unknown, headers?: Record<string, string>) {
    return this.request("POST", path, { json, headers });
  }
  delete(path: string) {
    return this.request("DELETE", path);
  }
}

export const adminHeaders = (token: string) => ({ authorization: `Bearer ${token}` });
