/** A small keep-alive HTTP load generator: N requests with C in flight, over loopback. */
import http from "node:http";

export interface LoadResult {
  requests: number;
  seconds: number;
  perSecond: number;
  failures: number;
}

export function request(
  agent: http.Agent,
  url: string,
  options: { method?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { agent, method: options.method ?? "GET", headers: options.headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

export async function load(url: string, total: number, concurrency: number, expectStatus = 200): Promise<LoadResult> {
  return loadUrls([url], total, concurrency, expectStatus);
}

export interface LatencyResult extends LoadResult {
  p50Ms: number;
  p95Ms: number;
}

/** Like `load`, cycling through `urls`, with per-request latency percentiles. */
export async function loadUrls(urls: readonly string[], total: number, concurrency: number, expectStatus = 200): Promise<LatencyResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  let next = 0;
  let failures = 0;
  const latencies: number[] = [];
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const url = urls[next++ % urls.length]!;
        const t = performance.now();
        const res = await request(agent, url);
        latencies.push(performance.now() - t);
        if (res.status !== expectStatus) failures++;
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;
  return { requests: total, seconds, perSecond: total / seconds, failures, p50Ms: pct(0.5), p95Ms: pct(0.95) };
}
