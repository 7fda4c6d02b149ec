/**
 * A small HTTP client for the post-deploy checks. Node's own http/https, so a
 * check can reach an ALB by its AWS DNS name over TLS (whose certificate names
 * the custom domain, not that DNS name) and never follows redirects silently.
 */
import * as http from "node:http";
import * as https from "node:https";
import { BlockList, isIPv4 } from "node:net";

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

/** RFC 1918 IPv4 ranges and IPv6 unique local addresses (RFC 4193): what a VPC hands out. */
const PRIVATE_RANGES = new BlockList();
PRIVATE_RANGES.addSubnet("10.0.0.0", 8, "ipv4");
PRIVATE_RANGES.addSubnet("172.16.0.0", 12, "ipv4");
PRIVATE_RANGES.addSubnet("192.168.0.0", 16, "ipv4");
PRIVATE_RANGES.addSubnet("fc00::", 7, "ipv6");

export function isPrivateAddress(address: string): boolean {
  return PRIVATE_RANGES.check(address, isIPv4(address) ? "ipv4" : "ipv6");
}
