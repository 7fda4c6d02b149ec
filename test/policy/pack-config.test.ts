/**
 * The pack's configuration as the engine applies it: waivers with reasons, enforcement-level
 * overrides, schema defaults, and loud errors for config that names nothing real.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import * as aws from "@pulumi/aws";
import { describe, expect, it } from "vitest";
import { policies } from "../../policy/policies";
import { findWaiver, parseWaivers } from "../../policy/lib/waivers";
import { resolveConfig } from "../../scripts/preflight/analyze";
import { check, details } from "./check";

const bigFunction = () =>
  void new aws.lambda.Function("api", {
    name: "shop-api",
    role: "arn:aws:iam::1:role/r",
    packageType: "Image",
    imageUri: `r@sha256:${"f".repeat(64)}`,
    architectures: ["arm64"],
    memorySize: 3072,
    tracingConfig: { mode: "Active" },
  });

describe("the pack", () => {
  it("gives every policy a unique name, a description, an explicit level and the waivers config", () => {
    const names = policies.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    for (const p of policies) {
      expect(p.description.length, p.name).toBeGreaterThan(20);
      expect(["mandatory", "advisory"], p.name).toContain(p.enforcementLevel);
      expect(p.configSchema?.properties.waivers, p.name).toBeDefined();
    }
  });
  it("is documented: docs/preflight.md lists every policy with its level", () => {
    const doc = readFileSync(path.resolve(__dirname, "../../docs/preflight.md"), "utf8");
    for (const p of policies) expect(doc, p.name).toContain(`| \`${p.name}\` | ${p.enforcementLevel} |`);
    expect(doc).toContain(`${policies.length} policies`);
  });
  it("reports through the analyzer: message = description, newline, finding", async () => {
    const e = await check(bigFunction);
    const v = e.violations.find((x) => x.policy === "lambda-memory-quota")!;
    const description = policies.find((p) => p.name === "lambda-memory-quota")!.description;
    expect(v.message).toBe(`${description}\n${v.detail}`);
    expect(v.urn).toBe("urn:pulumi:dev::test::pulumi:pulumi:Stack$aws:lambda/function:Function::api");
  });
});

describe("waivers", () => {
  it("a waiver with a reason suppresses the finding and records why", async () => {
    const reason = "Quota raised to 10240 MB in this account (case 1234).";
    const e = await check(bigFunction, { config: { "lambda-memory-quota": { waivers: [{ resource: "api", reason }] } } });
    expect(details("lambda-memory-quota", e)).toEqual([]);
    expect(e.waived).toHaveLength(1);
    expect(e.waived[0]).toMatchObject({ policy: "lambda-memory-quota", waiver: { resource: "api", reason } });
    expect(e.unusedWaivers).toEqual([]);
  });
  it("a waiver matching nothing is reported as unused", async () => {
    const e = await check(bigFunction, { config: { "lambda-memory-quota": { waivers: [{ resource: "other-fn", reason: "not this function at all" }] } } });
    expect(details("lambda-memory-quota", e)).toHaveLength(1);
    expect(e.unusedWaivers).toEqual([{ policy: "lambda-memory-quota", waiver: { resource: "other-fn", reason: "not this function at all" } }]);
  });
  it("a waiver without a real reason stops the run, naming the policy and the waiver", async () => {
    await expect(check(bigFunction, { config: { "lambda-memory-quota": { waivers: [{ resource: "api", reason: "ok" }] } } })).rejects.toThrow(
      /policy "lambda-memory-quota": waivers\[0\] for "api" needs a "reason" of at least 10 characters/,
    );
    expect(() => parseWaivers("p", { waivers: [{ reason: "a good long reason" }] })).toThrow('policy "p": waivers[0] needs "resource"');
  });
  it("matches logical names and URN patterns with '*', and 'stack' for stack-wide findings", () => {
    const urn = "urn:pulumi:dev::shop::pulumi:pulumi:Stack$shop:api:ApiFunction$aws:lambda/function:Function::api-fn";
    const w = (resource: string) => [{ resource, reason: "r".repeat(10) }];
    expect(findWaiver(w("api-fn"), urn)).toBeDefined();
    expect(findWaiver(w("api-*"), urn)).toBeDefined();
    expect(findWaiver(w("urn:*ApiFunction*"), urn)).toBeDefined();
    expect(findWaiver(w("api"), urn)).toBeUndefined();
    expect(findWaiver(w("stack"), undefined)).toBeDefined();
    expect(findWaiver(w("api-fn"), undefined)).toBeUndefined();
  });
});

describe("enforcement levels and config (as --policy-pack-config applies them)", () => {
  it("a policy's level can be raised to mandatory or the policy disabled", async () => {
    const raised = await check(bigFunction, { config: { "lambda-memory-quota": "mandatory" } });
    expect(raised.violations.find((v) => v.policy === "lambda-memory-quota")!.level).toBe("mandatory");
    const disabled = await check(bigFunction, { config: { "lambda-memory-quota": { enforcementLevel: "disabled" } } });
    expect(details("lambda-memory-quota", disabled)).toEqual([]);
    const all = await check(bigFunction, { config: { all: "disabled" } });
    expect(all.violations).toEqual([]);
  });
  it("unknown policies, unknown properties and bad levels are errors naming the key and the allowed values", () => {
    expect(() => resolveConfig(policies, { "no-such-policy": "advisory" })).toThrow(
      /unknown policy "no-such-policy"; the pack's policies are: aws-name-limits, /,
    );
    expect(() => resolveConfig(policies, { "lambda-memory-quota": { treshold: 1 } })).toThrow(
      'policy config: "lambda-memory-quota" has no property "treshold"; allowed: enforcementLevel, waivers',
    );
    expect(() => resolveConfig(policies, { all: "loud" as never })).toThrow('"all" must be one of advisory, mandatory, remediate, disabled');
  });
  it("fills schema defaults (the capacity policy's 100 ms expected duration)", () => {
    expect(resolveConfig(policies, {}).get("api-capacity-littles-law")!.properties).toEqual({ waivers: [], expectedDurationMs: 100, accountConcurrency: 1000 });
  });
});
