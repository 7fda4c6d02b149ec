/**
 * Builds the storefront page (web/dist) only when it is missing or older than its sources,
 * one process at a time. The Pulumi program calls ensureWebBuild() before uploading the
 * page (so `pulumi up` never ships a stale build); tests and scripts can too.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const REPO_ROOT = path.resolve(__dirname, "../..");
export const WEB_DIR = path.join(REPO_ROOT, "web");
export const WEB_DIST_DIR = path.join(WEB_DIR, "dist");
const INDEX_DOCUMENT = "index.html";

/** The most recently modified file under `target` (a file or folder), or null when there is none. */
function newestFile(target: string): { file: string; mtimeMs: number } | null {
  if (!fs.existsSync(target)) return null;
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return { file: target, mtimeMs: stat.mtimeMs };
  let newest: { file: string; mtimeMs: number } | null = null;
  for (const entry of fs.readdirSync(target)) {
    const candidate = newestFile(path.join(target, entry));
    if (candidate && (!newest || candidate.mtimeMs > newest.mtimeMs)) newest = candidate;
  }
  return newest;
}

/**
 * Why web/dist must be (re)built before it is uploaded, or null when it is current:
 * missing, or older than a source file (web/src, web/public, index.html, vite config).
 */
export function webBuildStaleness(webDir: string, distDir: string): string | null {
  const shown = (file: string) => path.relative(path.dirname(webDir), file);
  const index = path.join(distDir, INDEX_DOCUMENT);
  if (!fs.existsSync(index)) return `${shown(index)} does not exist`;
  const built = fs.statSync(index).mtimeMs;
  for (const source of ["src", "public", "index.html", "vite.config.mts"]) {
    const newest = newestFile(path.join(webDir, source));
    if (newest && newest.mtimeMs > built) return `${shown(newest.file)} changed after the last build`;
  }
  return null;
}

/** Blocks the thread for `ms` (ensureWebBuild is synchronous: it runs while the program is declared). */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Runs `fn` holding an exclusive lock file, so concurrent processes (parallel test files, two
 * previews) never build into web/dist at the same time. A lock older than `staleMs` is from a
 * process that died and is taken over.
 */
export function withFileLock<T>(lockPath: string, fn: () => T, staleMs = 180_000): T {
  for (;;) {
    try {
      fs.closeSync(fs.openSync(lockPath, "wx"));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      try {
        if (Date.now() - fs.statSync(lockPath).mtimeMs > staleMs) fs.rmSync(lockPath, { force: true });
      } catch {
        // released meanwhile
      }
      sleepSync(100);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lockPath, { force: true });
  }
}

/**
 * Makes sure web/dist holds a build of the current sources, running `npm run build:web`
 * when it is missing or stale (so `pulumi up` never uploads an old page), and returns it.
 */
export function ensureWebBuild(webDir = WEB_DIR, distDir = WEB_DIST_DIR): string {
  const lockPath = path.join(os.tmpdir(), `shop-web-build-${createHash("sha256").update(webDir).digest("hex").slice(0, 12)}.lock`);
  withFileLock(lockPath, () => {
    const reason = webBuildStaleness(webDir, distDir);
    if (!reason) return;
    console.error(`Building the storefront page (${reason}): npm run build:web`);
    try {
      // Build output goes to stderr so it never mixes with the program's stdout.
      execFileSync("npm", ["run", "build:web", "--silent"], { cwd: REPO_ROOT, stdio: ["ignore", 2, 2] });
    } catch (error) {
      throw new Error(`The storefront page could not be built (npm run build:web failed): ${(error as Error).message}`, { cause: error });
    }
  });
  if (!fs.existsSync(path.join(distDir, INDEX_DOCUMENT))) {
    throw new Error(`The storefront build is missing ${path.join(distDir, INDEX_DOCUMENT)}; run \`npm run build:web\` and check its output.`);
  }
  return distDir;
}
