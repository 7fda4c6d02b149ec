/**
 * How `pulumi up` loads this program: Pulumi.yaml names the nodejs runtime with TypeScript and no
 * `main`, so the language host runs package.json's "main" (infra/index.ts) through ts-node with the
 * root tsconfig.json (CommonJS). The fixture repeats exactly that loading (cmd/run/run.js) against
 * the mocks, so a program that only loads under vitest's transpiler (an ESM-only import, a type
 * error ts-node's type check rejects, a compiler option the host's ts-node cannot take) fails here.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const ROOT = path.resolve(__dirname, "../..");

describe("the program as Pulumi's nodejs language host loads it", () => {
  it("Pulumi.yaml: nodejs with TypeScript, no `main` (the project root is the working directory), entry = package.json main", () => {
    const project = parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"));
    expect(project.name).toBe("ecommerce-platform");
    expect(project.runtime.name).toBe("nodejs");
    expect(project.runtime.options.typescript).toBe(true);
    expect(project.main).toBeUndefined();
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
    // run.js prefers package.json "exports" over "main": there must be none, and no "type": "module".
    expect(pkg.exports).toBeUndefined();
    expect(pkg.type).toBeUndefined();
    expect(pkg.main).toBe("infra/index.ts");
    const tsconfig = JSON.parse(fs.readFileSync(path.join(ROOT, "tsconfig.json"), "utf8"));
    expect(tsconfig.compilerOptions.module).toBe("commonjs");
  });

  it("compiles with type checking under the host's ts-node and registers the whole stack", () => {
    const out = execFileSync(process.execPath, [path.join(__dirname, "fixtures", "run-like-pulumi-host.cjs"), ROOT], {
      cwd: ROOT,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 240_000,
    });
    const summary = JSON.parse(out.trim().split("\n").pop()!);
    expect(summary.entry).toBe("infra/index.ts");
    expect(summary.typeChecked).toBe(true);
    expect(summary.resources).toBeGreaterThan(100);
    for (const name of ["cloudfrontUrl", "apiUrl", "albDnsName", "rdsProxyEndpoint", "lambdaFunctionName"]) expect(summary.exports).toContain(name);
  }, 300_000);
});
