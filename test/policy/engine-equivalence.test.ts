/**
 * The runner's verdict is the verdict under `pulumi preview --policy-pack policy`: we start
 * the real pack (policy/index.ts constructs the PolicyPack, which serves the analyzer over
 * gRPC), drive it as the Pulumi engine does (GetAnalyzerInfo, Configure, Analyze per
 * resource, AnalyzeStack), and compare its diagnostics with the in-process runner's.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { policies } from "../../policy/policies";
import { engineRequests, resolveConfig, toViolations, type AnalyzeResponse, type PolicyPackConfig, type Violation } from "../../scripts/preflight/analyze";
import { runProgram } from "../../scripts/preflight/program";
import { defaultProviders, evaluatePack } from "../../scripts/preflight/run";

const ROOT = path.resolve(__dirname, "../..");
const policyRequire = createRequire(require.resolve("@pulumi/policy/server"));
const grpc = policyRequire("@grpc/grpc-js");
const proto = policyRequire("@pulumi/pulumi/proto/analyzer_pb");
const { AnalyzerClient } = policyRequire("@pulumi/pulumi/proto/analyzer_grpc_pb");
const { Struct } = createRequire(policyRequire.resolve("@pulumi/pulumi/proto/analyzer_pb"))("google-protobuf/google/protobuf/struct_pb");
const { Empty } = createRequire(policyRequire.resolve("@pulumi/pulumi/proto/analyzer_pb"))("google-protobuf/google/protobuf/empty_pb");

let server: ChildProcess;
let client: any;

beforeAll(async () => {
  server = spawn(process.execPath, [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), "index.ts"], {
    cwd: path.join(ROOT, "policy"),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  server.stderr!.on("data", (d) => (stderr += String(d)));
  const port = await new Promise<number>((resolve, reject) => {
    server.stdout!.on("data", (d) => {
      const n = Number(String(d).trim().split("\n")[0]);
      if (n > 0) resolve(n);
    });
    server.on("exit", (code) => reject(new Error(`policy pack exited ${code}: ${stderr}`)));
  });
  client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}, 120_000);

afterAll(() => {
  client?.close();
  if (server?.pid) process.kill(server.pid);
});

function rpc<T>(method: string, request: unknown): Promise<T> {
  return new Promise((resolve, reject) => client[method](request, (err: Error | null, resp: T) => (err ? reject(err) : resolve(resp))));
}

const key = (v: Violation) => `${v.urn ?? "(stack)"} | ${v.policy} | ${v.level} | ${v.message}`;

describe("the served policy pack (as the Pulumi engine sees it)", () => {
  it("announces every policy of the list with its level and config schema", async () => {
    const info: any = await rpc("getAnalyzerInfo", new Empty());
    expect(info.getName()).toBe("ecommerce-platform-preflight");
    const served = info.getPoliciesList().map((p: any) => p.getName());
    expect(served).toEqual(policies.map((p) => p.name));
    for (const p of info.getPoliciesList()) expect(p.getConfigschema().getProperties().toJavaScript().waivers).toBeDefined();
  });

  it("gives the same diagnostics as the offline runner on the planted-error program, with config applied", async () => {
    const run = await runProgram({ programDir: path.join(ROOT, "test/fixtures/bad-program") });
    const config: PolicyPackConfig = {
      "aws-name-limits": "advisory",
      "log-group-kms": { enforcementLevel: "disabled" },
      "api-capacity-littles-law": { expectedDurationMs: 50 },
      "lambda-memory-quota": { waivers: [{ resource: "api", reason: "quota raised to 10240 MB in this account" }] },
    };
    const offline = await evaluatePack({ resources: run.resources, project: run.project, stack: run.stack, region: run.environment.region, config });

    // Configure as the engine does: each policy's effective level and its properties (schema defaults filled).
    const configure = new proto.ConfigureAnalyzerRequest();
    for (const [name, c] of resolveConfig(policies, config)) {
      const pc = new proto.PolicyConfig();
      const level = c.level ?? policies.find((p) => p.name === name)!.enforcementLevel!;
      pc.setEnforcementlevel(proto.EnforcementLevel[level.toUpperCase()]);
      pc.setProperties(Struct.fromJavaScript(c.properties));
      configure.getPolicyconfigMap().set(name, pc);
    }
    await rpc("configure", configure);
    const requests = engineRequests(run.resources, defaultProviders(run.project, run.stack, run.environment.region));
    const served: Violation[] = [];
    for (const { urn, request } of requests.perResource) served.push(...toViolations(await rpc<AnalyzeResponse>("analyze", request), policies, urn));
    served.push(...toViolations(await rpc<AnalyzeResponse>("analyzeStack", requests.stack), policies));

    expect(offline.violations.length).toBeGreaterThan(15);
    expect(served.map(key).sort()).toEqual(offline.violations.map(key).sort());
    // The config took effect on both sides.
    expect(served.some((v) => v.policy === "aws-name-limits" && v.level === "advisory")).toBe(true);
    expect(served.some((v) => v.policy === "log-group-kms" || v.policy === "lambda-memory-quota")).toBe(false);
    expect(served.find((v) => v.policy === "api-capacity-littles-law")!.detail).toContain("at 50 ms per request serve at most 200 req/s");
  });
});
