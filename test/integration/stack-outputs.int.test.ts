/** The outputs loader decides what the post-deploy suite checks; these tests run with or without a platform. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { classifyOutputs, findTarget } from "./stack-outputs";

const dir = mkdtempSync(path.join(tmpdir(), "stack-outputs-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: unknown): string {
  const p = path.join(dir, name);
  writeFileSync(p, JSON.stringify(content));
  return p;
}

const AWS_OUTPUTS = {
  albDnsName: "ecommerce-alb-dev1-123.eu-west-1.elb.amazonaws.com",
  cloudfrontDomainName: "d111111abcdef8.cloudfront.net",
  apiUrl: "https://abc123.execute-api.eu-west-1.amazonaws.com/prod",
  apiKeyValue: "k".repeat(40),
  vpcId: "vpc-123",
};
const NO_PULUMI = { PATH: "" };

describe("stack outputs loader", () => {
  it("reads `pulumi stack output --json --show-secrets` output from STACK_OUTPUTS_FILE as a deployed stack", () => {
    const target = findTarget({ ...NO_PULUMI, STACK_OUTPUTS_FILE: file("aws.json", AWS_OUTPUTS) }, path.join(dir, "absent.json"));
    expect(target.kind).toBe("aws");
    expect(target.kind === "aws" && target.outputs.apiUrl).toBe(AWS_OUTPUTS.apiUrl);
  });

  it("reads the local platform's file when nothing else is configured", () => {
    const local = file("local.json", { platform: "local", baseUrl: "http://127.0.0.1:3999", adminToken: "t" });
    const target = findTarget(NO_PULUMI, local);
    expect(target).toMatchObject({ kind: "local", source: local, outputs: { baseUrl: "http://127.0.0.1:3999" } });
  });

  it("reports 'none' with a reason when there are no outputs anywhere", () => {
    const target = findTarget(NO_PULUMI, path.join(dir, "absent.json"));
    expect(target.kind).toBe("none");
    expect(target.kind === "none" && target.reason).toMatch(/STACK_OUTPUTS_FILE.*npm start/);
  });

  it("fails loudly, naming what is missing, instead of skipping on incomplete outputs", () => {
    const { apiKeyValue: _omitted, ...withoutKey } = AWS_OUTPUTS;
    expect(() => classifyOutputs(withoutKey, "f.json")).toThrow(/lack apiKeyValue.*--show-secrets/);
    expect(() => classifyOutputs({ platform: "local", baseUrl: "http://x" }, "f.json")).toThrow(/adminToken/);
    expect(() => classifyOutputs([], "f.json")).toThrow(/JSON object/);
    expect(() => findTarget({ ...NO_PULUMI, STACK_OUTPUTS_FILE: path.join(dir, "nope.json") })).toThrow(/does not exist/);
  });
});
