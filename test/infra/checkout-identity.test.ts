/**
 * A second `pulumi up` changes nothing: the same program and config register identical inputs from
 * any checkout path and run after run. The program runs (under the preflight mocks, in a fresh
 * process whose working directory is the checkout, as `pulumi up` runs it) from two copies of this
 * repository at different paths, and twice from one of them; every registered input and resource
 * option of every resource must be equal. An absolute path anywhere (docker-build's context or
 * Dockerfile, an uploaded file's asset path, a bundle embedding its source path) would differ, and
 * would rebuild, re-upload or redeploy from every other checkout.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureWebBuild } from "../../scripts/web/build";

const ROOT = path.resolve(__dirname, "../..");
const TSX = path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");
const FIXTURE = path.join("test", "infra", "fixtures", "registrations.ts");

interface Registration {
  urn: string;
  inputs: Record<string, unknown>;
  [option: string]: unknown;
}

/** The working tree's files (tracked and new, not ignored) plus the built page, copied with their timestamps. */
function copyCheckout(to: string): void {
  const files = execFileSync("git", ["ls-files", "-co", "--exclude-standard", "-z"], { cwd: ROOT, encoding: "utf8" }).split("\0").filter(Boolean);
  for (const file of files) {
    const from = path.join(ROOT, file);
    if (!fs.existsSync(from)) continue; // deleted in the working tree
    fs.mkdirSync(path.dirname(path.join(to, file)), { recursive: true });
    fs.cpSync(from, path.join(to, file), { preserveTimestamps: true });
  }
  fs.cpSync(path.join(ROOT, "web", "dist"), path.join(to, "web", "dist"), { recursive: true, preserveTimestamps: true });
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(to, "node_modules"), "dir");
}

function register(checkout: string, out: string): Registration[] {
  execFileSync(process.execPath, [TSX, FIXTURE, out], { cwd: checkout, stdio: ["ignore", "ignore", "pipe"], timeout: 180_000 });
  return JSON.parse(fs.readFileSync(out, "utf8")) as Registration[];
}

/** Registrations keyed by URN, so a difference names the resource. */
function byUrn(registrations: Registration[]): Map<string, Registration> {
  return new Map(registrations.map((r) => [r.urn, r]));
}

describe("a second `pulumi up` from any checkout path registers identical inputs", () => {
  let tmp: string;
  let firstA: Registration[];
  let secondA: Registration[];
  let fromB: Registration[];

  beforeAll(() => {
    ensureWebBuild();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "shop-checkouts-"));
    const a = path.join(tmp, "a", "ecommerce-platform");
    const b = path.join(tmp, "another", "deeper", "path", "shop");
    copyCheckout(a);
    copyCheckout(b);
    firstA = register(a, path.join(tmp, "a-1.json"));
    secondA = register(a, path.join(tmp, "a-2.json"));
    fromB = register(b, path.join(tmp, "b-1.json"));
  }, 600_000);

  afterAll(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("registers the whole stack (sanity: the image, the page upload and the edge bundle are in it)", () => {
    expect(firstA.length).toBeGreaterThan(100);
    const types = new Set(firstA.map((r) => r.urn.split("::")[2]!.split("$").pop()));
    for (const t of ["docker-build:index:Image", "aws:s3/bucketObjectv2:BucketObjectv2", "aws:lambda/function:Function"]) expect(types.has(t), t).toBe(true);
  });

  it("twice in one checkout: every input and option of every resource is the same", () => {
    expect(secondA.map((r) => r.urn).sort()).toEqual(firstA.map((r) => r.urn).sort()); // the engine keys resources by URN, not by registration order
    const again = byUrn(secondA);
    for (const r of firstA) expect(again.get(r.urn), r.urn).toEqual(r);
  });

  it("from a checkout at another path: every input and option of every resource is the same", () => {
    expect(fromB.map((r) => r.urn).sort()).toEqual(firstA.map((r) => r.urn).sort());
    const other = byUrn(fromB);
    for (const r of firstA) expect(other.get(r.urn), r.urn).toEqual(r);
  });

  it("no registered input holds either checkout's absolute path", () => {
    const text = JSON.stringify([firstA, fromB]);
    expect(text.includes(tmp)).toBe(false);
    expect(text.includes(ROOT)).toBe(false);
  });
});
