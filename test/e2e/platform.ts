/**
 * Starts the local platform (`scripts/local/start.ts`: the API over embedded PostgreSQL and
 * dynalite, serving web/dist at /) for a browser test, on the storefront's own ports, with
 * its data in a fresh temporary directory; stops its whole process group afterwards.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";

export const REPO_ROOT = path.resolve(__dirname, "../..");

/** Ports reserved for the storefront's tests (the API tests use others, so both suites can run at once). */
export const HTTP_PORTS = [3010, 3019] as const;
export const PG_PORTS = [54340, 54349] as const;

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

export async function freePort([first, last]: readonly [number, number]): Promise<number> {
  for (let port = first; port <= last; port++) if (await portIsFree(port)) return port;
  throw new Error(`no free port in ${first}-${last}`);
}

export interface LocalPlatform {
  baseUrl: string;
  adminToken: string;
  /** The platform's PostgreSQL (the source of truth for stock; the catalog API is cached for up to 30 s). */
  databaseUrl: string;
  /** Everything the platform printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

export async function startLocalPlatform(options: { readyTimeoutMs?: number } = {}): Promise<LocalPlatform> {
  const port = await freePort(HTTP_PORTS);
  const pgPort = await freePort(PG_PORTS);
  const dataDir = mkdtempSync(path.join(tmpdir(), "shop-e2e-"));
  // Embedded PostgreSQL runs as the `postgres` user when we are root: it must traverse this folder.
  chmodSync(dataDir, 0o755);
  const adminToken = `e2e-admin-${Math.random().toString(36).slice(2)}`;
  let output = "";

  const child: ChildProcess = spawn("npx", ["tsx", "scripts/local/start.ts"], {
    cwd: REPO_ROOT,
    detached: true, // its own process group, so stop() ends tsx, node and postgres together
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, PORT: String(port), PG_PORT: String(pgPort), LOCAL_DATA_DIR: dataDir, ADMIN_TOKEN: adminToken },
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {
        // already gone
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, "SIGKILL");
        } catch {
          // already gone
        }
      }, 20_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`local platform not ready after ${options.readyTimeoutMs ?? 150_000} ms:\n${output}`)),
      options.readyTimeoutMs ?? 150_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /ready: (http:\/\/\S+)/.exec(output);
      if (ready) {
        clearTimeout(timer);
        resolve(ready[1]!.replace(/\/$/, ""));
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`local platform exited (code ${code}) before it was ready:\n${output}`));
    });
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });

  const databaseUrl = /PostgreSQL\s+(postgres(?:ql)?:\/\/\S+)/.exec(output)?.[1];
  if (!databaseUrl) {
    await stop();
    throw new Error(`the local platform did not print its PostgreSQL URL:\n${output}`);
  }
  return { baseUrl, adminToken, databaseUrl, output: () => output, stop };
}
