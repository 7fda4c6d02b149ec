import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import * as vm from "node:vm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  CLOUDFRONT_FUNCTION_MAX_BYTES,
  IMMUTABLE_CACHE_CONTROL,
  StaticSite,
  cacheControlFor,
  contentTypeFor,
  listSiteFiles,
  spaRewriteFunctionCode,
} from "../../infra/static-site";
import { ensureWebBuild, webBuildStaleness, withFileLock } from "../../scripts/web/build";
import { REQUIRED_TAG_KEYS } from "../../infra/tags";
import { MOCK_ACCOUNT_ID, dependsOn, installMocks, ofType, oneOfType, resolve, settle, testTags } from "./harness";

const TAGS = testTags("test1");

/** A build like Vite's: the page, hashed assets, files copied from public/. */
const FIXTURE: Record<string, string> = {
  "index.html": "<!doctype html><script type=module src=/assets/index-Dbv0_3c8.js></script>",
  "assets/index-Dbv0_3c8.js": "console.log('app')",
  "assets/index-DY-Pdbgp.css": "body{}",
  "assets/font-a1B2c3D4e5.woff2": "woff2",
  "favicon.svg": "<svg/>",
  "robots.txt": "User-agent: *",
  ".DS_Store": "junk",
};

function writeSite(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "static-site-"));
  for (const [key, body] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, key)), { recursive: true });
    writeFileSync(path.join(dir, key), body);
  }
  return dir;
}

/** What a viewer-request function returns: the request to forward, or a response of its own. */
interface FunctionResult {
  uri?: string;
  querystring?: unknown;
  statusCode?: number;
  headers?: Record<string, { value: string }>;
  body?: { encoding: string; data: string };
}

/** Runs the CloudFront Function source the way CloudFront does: handler(event) on a viewer request. */
function runViewerRequest(code: string, uri: string): FunctionResult {
  const event = {
    version: "1.0",
    context: { eventType: "viewer-request", distributionId: "EDFDVBD6EXAMPLE" },
    viewer: { ip: "198.51.100.7" },
    request: { method: "GET", uri, querystring: { ref: { value: "mail" } }, headers: { host: { value: "d111111abcdef8.cloudfront.net" } }, cookies: {} },
  };
  return vm.runInNewContext(`${code}\nhandler(event);`, { event }, { timeout: 1000 });
}

const tempDirs: string[] = [];
afterAll(() => tempDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("StaticSite component (the storefront page in the static bucket)", () => {
  let site: StaticSite;
  let distDir: string;

  beforeAll(async () => {
    distDir = writeSite(FIXTURE);
    tempDirs.push(distDir);
    await installMocks({ environmentSuffix: "test1" });
    site = new StaticSite("site", { environmentSuffix: "test1", tags: TAGS, bucketName: "ecommerce-static-test1-123456789012", distDir });
    await settle();
  });

  it("uploads every file of the build to the static bucket (dotfiles left out)", async () => {
    const objects = ofType("aws:s3/bucketObjectv2:BucketObjectv2");
    expect(objects.map((o) => o.inputs.key).sort()).toEqual(
      Object.keys(FIXTURE)
        .filter((k) => !k.startsWith("."))
        .sort(),
    );
    for (const o of objects) {
      expect(o.inputs.bucket).toBe("ecommerce-static-test1-123456789012");
      expect(await o.inputs.source.path).toBe(path.join(distDir, ...o.inputs.key.split("/")));
    }
    expect(site.objectKeys).toContain("index.html");
  });

  it("gives each object the content type its extension calls for", () => {
    const typeOf = (key: string) => ofType("aws:s3/bucketObjectv2:BucketObjectv2").find((o) => o.inputs.key === key)!.inputs.contentType;
    expect(typeOf("index.html")).toBe("text/html; charset=utf-8");
    expect(typeOf("assets/index-Dbv0_3c8.js")).toBe("text/javascript; charset=utf-8");
    expect(typeOf("assets/index-DY-Pdbgp.css")).toBe("text/css; charset=utf-8");
    expect(typeOf("assets/font-a1B2c3D4e5.woff2")).toBe("font/woff2");
    expect(typeOf("favicon.svg")).toBe("image/svg+xml");
    expect(typeOf("robots.txt")).toBe("text/plain; charset=utf-8");
  });

  it("caches hashed assets for a year as immutable and never caches index.html without revalidating", () => {
    const cacheOf = (key: string) => ofType("aws:s3/bucketObjectv2:BucketObjectv2").find((o) => o.inputs.key === key)!.inputs.cacheControl;
    expect(cacheOf("assets/index-Dbv0_3c8.js")).toBe("public, max-age=31536000, immutable");
    expect(cacheOf("assets/index-DY-Pdbgp.css")).toBe(IMMUTABLE_CACHE_CONTROL);
    expect(cacheOf("assets/font-a1B2c3D4e5.woff2")).toBe(IMMUTABLE_CACHE_CONTROL);
    expect(cacheOf("index.html")).toBe("no-cache");
    expect(cacheOf("favicon.svg")).toBe("public, max-age=3600");
  });

  it("uploads index.html only after every asset it may reference", () => {
    const objects = ofType("aws:s3/bucketObjectv2:BucketObjectv2");
    const index = objects.find((o) => o.inputs.key === "index.html")!;
    for (const other of objects.filter((o) => o !== index)) {
      expect(dependsOn(index, other), other.inputs.key).toBe(true);
      expect(dependsOn(other, index)).toBe(false);
    }
  });

  it("tags every object and the function with the standard tags", () => {
    for (const r of [...ofType("aws:s3/bucketObjectv2:BucketObjectv2"), oneOfType("aws:cloudfront/function:Function")]) {
      for (const key of REQUIRED_TAG_KEYS) expect(r.inputs.tags?.[key], `${r.name} ${key}`).toBeTruthy();
    }
  });

  it("publishes a cloudfront-js-2.0 SPA rewrite function and outputs its ARN for the Cdn", async () => {
    const fn = oneOfType("aws:cloudfront/function:Function").inputs;
    expect(fn.runtime).toBe("cloudfront-js-2.0");
    expect(fn.publish).toBe(true);
    expect(fn.name).toBe("ecommerce-spa-rewrite-test1");
    expect(Buffer.byteLength(fn.code)).toBeLessThan(CLOUDFRONT_FUNCTION_MAX_BYTES);
    expect(await resolve(site.spaRewriteFunctionArn)).toBe(`arn:aws:cloudfront::${MOCK_ACCOUNT_ID}:function/ecommerce-spa-rewrite-test1`);
    expect(site.indexDocument).toBe("index.html");
  });

  it("the deployed function sends client-side routes to /index.html and lets files through", () => {
    const code: string = oneOfType("aws:cloudfront/function:Function").inputs.code;
    for (const route of ["/", "/cart", "/checkout/", "/search", "/products/MUG-1", "/products/shirt.blue", "/orders/0b7c1e9a", "/?category=books"]) {
      expect(runViewerRequest(code, route.split("?")[0]!).uri, route).toBe("/index.html");
    }
    for (const file of ["/index.html", "/favicon.svg", "/robots.txt", "/assets/index-Dbv0_3c8.js", "/assets/missing-12345678.js", "/api/products"]) {
      expect(runViewerRequest(code, file).uri, file).toBe(file);
    }
    // The query string travels on untouched.
    expect(runViewerRequest(code, "/products/MUG-1").querystring).toEqual({ ref: { value: "mail" } });
  });

  it("the deployed function answers any other path with the page and 404", () => {
    const code: string = oneOfType("aws:cloudfront/function:Function").inputs.code;
    for (const unknown of ["/no/such/page", "/products", "/products/a/b", "/products/has%20space", "/cart/extra", "/wp-login.php"]) {
      const result = runViewerRequest(code, unknown);
      expect(result.statusCode, unknown).toBe(404);
      expect(result.headers?.["content-type"]?.value).toBe("text/html; charset=utf-8");
      expect(result.headers?.["cache-control"]?.value).toBe("no-cache");
      expect(result.body).toEqual({ encoding: "text", data: FIXTURE["index.html"] });
    }
  });
});

describe("static site helpers", () => {
  it("falls back to a download type for unknown extensions", () => {
    expect(contentTypeFor("data.bin")).toBe("application/octet-stream");
    expect(contentTypeFor("ASSETS/LOGO.PNG")).toBe("image/png");
  });

  it("treats only hashed files under assets/ as immutable", () => {
    expect(cacheControlFor("assets/logo.png")).toBe("public, max-age=3600");
    expect(cacheControlFor("logo-Dbv0_3c8.js")).toBe("public, max-age=3600");
    expect(cacheControlFor("assets/chunk-Dbv0_3c8.js")).toBe(IMMUTABLE_CACHE_CONTROL);
  });

  it("lists files recursively with posix keys", () => {
    const dir = writeSite({ "index.html": "x", "a/b/c.txt": "y", ".hidden": "z" });
    tempDirs.push(dir);
    expect(listSiteFiles(dir)).toEqual(["a/b/c.txt", "index.html"]);
    expect(spaRewriteFunctionCode(listSiteFiles(dir), "x")).toContain('var PREFIXES = ["/a/"]');
  });

  it("refuses to deploy without a build, saying how to make one", async () => {
    const empty = mkdtempSync(path.join(tmpdir(), "static-site-empty-"));
    tempDirs.push(empty);
    await installMocks({ environmentSuffix: "test1" });
    expect(() => new StaticSite("nosite", { environmentSuffix: "test1", tags: TAGS, bucketName: "b", distDir: empty })).toThrow(/npm run build:web/);
  });

  it("notices a missing or stale build", () => {
    const web = writeSite({ "src/main.ts": "x", "index.html": "<html>", "dist/index.html": "<html>" });
    tempDirs.push(web);
    const dist = path.join(web, "dist");
    const past = new Date(Date.now() - 60_000);
    utimesSync(path.join(web, "src/main.ts"), past, past);
    utimesSync(path.join(web, "index.html"), past, past);
    expect(webBuildStaleness(web, dist)).toBeNull();
    utimesSync(path.join(web, "src/main.ts"), new Date(), new Date(Date.now() + 1000));
    expect(webBuildStaleness(web, dist)).toMatch(/src.main\.ts changed after the last build/);
    expect(webBuildStaleness(web, path.join(web, "nodist"))).toMatch(/does not exist/);
  });
});

describe("one build at a time (parallel test files, concurrent previews)", () => {
  it("serialises holders of the build lock across processes", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "static-site-lock-"));
    tempDirs.push(dir);
    const log = path.join(dir, "log");
    const lock = path.join(dir, "build.lock");
    const holder = (id: string) => `
      const fs = require("node:fs");
      const { withFileLock } = require(${JSON.stringify(path.resolve(__dirname, "../../scripts/web/build.ts"))});
      withFileLock(${JSON.stringify(lock)}, () => {
        fs.appendFileSync(${JSON.stringify(log)}, "start ${id}\\n");
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
        fs.appendFileSync(${JSON.stringify(log)}, "end ${id}\\n");
      });`;
    const run = (id: string) =>
      new Promise<number | null>((resolve) => spawn(process.execPath, ["--require", "tsx/cjs", "-e", holder(id)], { stdio: "inherit" }).on("exit", resolve));
    expect(await Promise.all([run("a"), run("b"), run("c")])).toEqual([0, 0, 0]);
    const lines = readFileSync(log, "utf8").trim().split("\n");
    expect(lines).toHaveLength(6);
    for (let i = 0; i < 6; i += 2) expect(lines[i + 1]).toBe(lines[i]!.replace("start", "end"));
    expect(existsSync(lock)).toBe(false);
  });

  it("takes over a lock left by a process that died, and releases it when the build throws", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "static-site-lock-"));
    tempDirs.push(dir);
    const lock = path.join(dir, "build.lock");
    writeFileSync(lock, "");
    const old = new Date(Date.now() - 10 * 60_000);
    utimesSync(lock, old, old);
    expect(withFileLock(lock, () => "built")).toBe("built");
    expect(() =>
      withFileLock(lock, () => {
        throw new Error("vite failed");
      }),
    ).toThrow("vite failed");
    expect(existsSync(lock)).toBe(false);
  });
});

describe("the real storefront build", () => {
  it("is built by ensureWebBuild and every JS/CSS file of it is served as an immutable hashed asset", () => {
    const dist = ensureWebBuild();
    const keys = listSiteFiles(dist);
    expect(keys).toContain("index.html");
    const code = keys.filter((k) => /\.(js|css)$/.test(k));
    expect(code.length).toBeGreaterThan(0);
    for (const key of code) {
      expect(key.startsWith("assets/"), key).toBe(true);
      expect(cacheControlFor(key), key).toBe(IMMUTABLE_CACHE_CONTROL);
    }
    const page = readFileSync(path.join(dist, "index.html"), "utf8");
    const fn = spaRewriteFunctionCode(keys, page);
    expect(Buffer.byteLength(fn)).toBeLessThan(CLOUDFRONT_FUNCTION_MAX_BYTES);
    expect(runViewerRequest(fn, `/${code[0]}`).uri).toBe(`/${code[0]}`);
    expect(runViewerRequest(fn, "/robots.txt").uri).toBe("/robots.txt");
    expect(runViewerRequest(fn, "/no/such/page")).toMatchObject({ statusCode: 404, body: { encoding: "text", data: page } });
  });
});

describe("the page in the whole program (infra/index.ts under mocks)", () => {
  it("uploads the build to the static bucket and CloudFront serves index.html for / and for client-side routes", async () => {
    vi.resetModules();
    await installMocks({ environmentSuffix: "web1" });
    const program = await import("../../infra/index");
    await settle();

    const staticBucket = ofType("aws:s3/bucket:Bucket").find((b) => b.inputs.bucket.includes("static"))!;
    const objects = ofType("aws:s3/bucketObjectv2:BucketObjectv2");
    expect(objects.map((o) => o.inputs.key)).toContain("index.html");
    for (const o of objects) expect(o.inputs.bucket).toBe(staticBucket.inputs.bucket);

    const spaFunction = oneOfType("aws:cloudfront/function:Function");
    const distribution = oneOfType("aws:cloudfront/distribution:Distribution").inputs;
    expect(distribution.defaultRootObject).toBe("index.html");
    expect(distribution.defaultCacheBehavior.functionAssociations).toEqual([{ eventType: "viewer-request", functionArn: spaFunction.state.arn }]);
    expect(await resolve((program as Record<string, any>).spaRewriteFunctionArn)).toBe(spaFunction.state.arn);
  });
});
