/**
 * A small HTTP client for the post-deploy checks. Node's own http/https, so a
 * check can reach an ALB by its AWS DNS name over TLS (whose certificate names
 * the custom domain, not that DNS name) and never follows redirects silently.
 */
import * as http from "node:http";
import * as https from "node:https";

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Accept a certificate that does not match the host (only for reaching an ALB by its AWS DNS name). */
  allowHostMismatch?: boolean;
  timeoutMs?: number;
}

export function request(url: string, options: RequestOptions = {}): Promise<HttpResponse> {
  const target = new URL(url);
  const client = target.protocol === "https:" ? https : http;
  const body = options.body !== undefined ? Buffer.from(options.body) : undefined;
  return new Promise((resolve, reject) => {
    const req = client.request(
      target,
      {
        method: options.method ?? "GET",
        headers: { ...(body ? { "content-length": String(body.length) } : {}), ...options.headers },
        timeout: options.timeoutMs ?? 20_000,
        ...(options.allowHostMismatch ? { checkServerIdentity: () => undefined } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, json });
        });
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`${options.method ?? "GET"} ${url} timed out`)));
    req.on("error", (error) => reject(new Error(`${options.method ?? "GET"} ${url} failed: ${error.message}`)));
    req.end(body);
  });
}

/** Joins a base URL (with or without a trailing slash or a path such as a stage) and a path. */
export function joinUrl(base: string, pathname: string): string {
  return base.replace(/\/+$/, "") + "/" + pathname.replace(/^\/+/, "");
}
