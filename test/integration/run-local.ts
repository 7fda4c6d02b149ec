/**
 * CI entry for the integration suite against the local platform:
 *   npx tsx test/integration/run-local.ts
 * starts `npm start` (embedded PostgreSQL + dynalite + the API + the page), waits
 * until it has written .local/stack-outputs.json and /health answers, runs
 * `npm run test:integration` against it, then stops the platform (SIGINT, so it
 * shuts its databases down and removes the outputs file). Exits with the suite's code.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { request } from "./http";
import { LOCAL_OUTPUTS_FILE, REPO_ROOT } from "./stack-outputs";

const STARTUP_TIMEOUT_MS = 240_000;
const PORT = process.env.PORT ?? "3310";

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function waitForPlatform(platform: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (platform.exitCode !== null) throw new Error(`the local platform exited with code ${platform.exitCode}:\n${log()}`);
    if (existsSync(LOCAL_OUTPUTS_FILE)) {
      const { baseUrl } = JSON.parse(readFileSync(LOCAL_OUTPUTS_FILE, "utf8")) as { baseUrl: string };
      const health = await request(`${baseUrl}/health`, { timeoutMs: 5_000 }).catch(() => undefined);
      if (health?.status === 200) return;
    }
    await sleep(500);
  }
  throw new Error(`the local platform did not become healthy within ${STARTUP_TIMEOUT_MS / 1000} s:\n${log()}`);
}

async function stop(platform: ChildProcess): Promise<void> {
  if (platform.exitCode !== null || platform.pid === undefined) return;
  const exited = new Promise<void>((r) => platform.once("exit", () => r()));
  process.kill(-platform.pid, "SIGINT"); // its own process group: npm, tsx and the server
  const timedOut = await Promise.race([exited.then(() => false), sleep(30_000).then(() => true)]);
  if (timedOut) process.kill(-platform.pid, "SIGKILL");
}

async function main(): Promise<number> {
  if (existsSync(LOCAL_OUTPUTS_FILE)) {
    console.error(`${LOCAL_OUTPUTS_FILE} exists: another local platform is running (or crashed without cleaning up); stop it or delete the file`);
    return 2;
  }
  let output = "";
  const platform = spawn("npm", ["start"], { cwd: REPO_ROOT, env: { ...process.env, PORT }, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  platform.stdout!.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  platform.stderr!.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  try {
    await waitForPlatform(platform, () => output);
    const suite = spawn("npm", ["run", "test:integration"], {
      cwd: REPO_ROOT,
      env: { ...process.env, STACK_OUTPUTS_FILE: LOCAL_OUTPUTS_FILE },
      stdio: "inherit",
    });
    return await new Promise<number>((r) => suite.on("exit", (code) => r(code ?? 1)));
  } catch (error) {
    console.error((error as Error).message);
    return 1;
  } finally {
    await stop(platform);
  }
}

main().then((code) => process.exit(code));
