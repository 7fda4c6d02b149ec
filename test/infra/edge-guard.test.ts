import * as pulumi from "@pulumi/pulumi";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { newSessionId, sidCookieValue } from "../../app/src/session/sid-cookie";
import { EdgeGuard, edgeGuardCode, edgeGuardLogsPolicy } from "../../infra/edge-guard";
import { REQUIRED_TAG_KEYS } from "../../infra/tags";
import { viewerRequest } from "../edge/events";
import { MOCK_ACCOUNT_ID, dependsOn, installMocks, ofType, oneOfType, registered, resolve, settle, unsecret, testTags } from "./harness";

const SIGNING_KEY = "infra-test-signing-key-0123456789abcdef";
const TAGS = testTags("test1");

let guard: EdgeGuard;
/** The function's physical name; its middle part is the random suffix the mocks drew. */
let functionName: string;

beforeAll(async () => {
  await installMocks({ environmentSuffix: "test1" });
  guard = new EdgeGuard("edge", { environmentSuffix: "test1", tags: TAGS, sessionSigningKey: pulumi.secret(SIGNING_KEY), stackRegion: "eu-west-1" });
  await settle();
  functionName = `ecommerce-edge-guard-${oneOfType("random:index/randomId:RandomId").state.hex}-test1`;
});

describe("EdgeGuard component (Lambda@Edge viewer-request guard)", () => {
  it("creates a zip function in us-east-1: nodejs22.x, x86_64, 128 MB, 5 s, published, index.handler", () => {
    const fn = oneOfType("aws:lambda/function:Function").inputs;
    expect(fn.region).toBe("us-east-1");
    expect(fn.runtime).toBe("nodejs22.x");
    expect(fn.handler).toBe("index.handler");
    expect(fn.packageType ?? "Zip").toBe("Zip");
    expect(fn.architectures).toEqual(["x86_64"]);
    expect(fn.memorySize).toBe(128);
    expect(fn.timeout).toBe(5);
    expect(fn.publish).toBe(true);
    expect(fn.name).toBe(functionName);
  });

  it("is kept on destroy and on replacement (replicas block DeleteFunction for hours), under a name with a random suffix so the next one never collides", () => {
    const fn = oneOfType("aws:lambda/function:Function");
    // skipDestroy: the provider's Delete returns without calling DeleteFunction.
    expect(fn.inputs.skipDestroy).toBe(true);
    expect(oneOfType("random:index/randomId:RandomId").inputs.byteLength).toBe(3);
    expect(fn.inputs.name).toMatch(/^ecommerce-edge-guard-[0-9a-f]{6}-test1$/);
    // The role and everything else go on destroy as usual.
    expect(registered.filter((r) => r.retainOnDelete)).toEqual([]);
  });

  it("creates the replicas' log groups (us-east-1 and the stack's region) before the function: 30 days, a key per region", () => {
    const groups = ofType("aws:cloudwatch/logGroup:LogGroup");
    expect(groups.map((g) => g.inputs.region).sort()).toEqual(["eu-west-1", "us-east-1"]);
    for (const g of groups) {
      expect(g.inputs.name).toBe(`/aws/lambda/us-east-1.${functionName}`);
      expect(g.inputs.retentionInDays).toBe(30);
      const key = ofType("aws:kms/key:Key").find((k) => k.state.arn === g.inputs.kmsKeyId && k.inputs.region === g.inputs.region)!;
      const logs = JSON.parse(key.inputs.policy).Statement.find((s: any) => s.Principal.Service === `logs.${g.inputs.region}.amazonaws.com`);
      expect(logs.Condition.ArnEquals["kms:EncryptionContext:aws:logs:arn"]).toBe(
        `arn:aws:logs:${g.inputs.region}:${MOCK_ACCOUNT_ID}:log-group:/aws/lambda/us-east-1.${functionName}`,
      );
      expect(dependsOn(oneOfType("aws:lambda/function:Function"), g)).toBe(true);
    }
  });

  it("uses nothing Lambda@Edge rejects: no environment, VPC, layers, reserved or provisioned concurrency, image", () => {
    const fn = oneOfType("aws:lambda/function:Function").inputs;
    for (const key of ["environment", "vpcConfig", "layers", "reservedConcurrentExecutions", "imageUri", "deadLetterConfig", "fileSystemConfig"]) {
      expect(fn[key], key).toBeUndefined();
    }
    expect(registered.some((r) => r.type === "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig")).toBe(false);
  });

  it("ships the bundled guard as index.js with the signing key built in: it verifies that key's cookies", async () => {
    const code = oneOfType("aws:lambda/function:Function").inputs.code;
    // Registered as a secret (the wire form of pulumi.secret), holding an archive with exactly index.js.
    expect(code[pulumi.runtime.specialSigKey]).toBe(pulumi.runtime.specialSecretSig);
    const assets = await code.value.assets;
    expect(Object.keys(assets)).toEqual(["index.js"]);
    const source: string = await assets["index.js"].text;
    expect(Buffer.byteLength(source)).toBeLessThan(1024 * 1024);
    const dir = mkdtempSync(path.join(tmpdir(), "edge-infra-"));
    try {
      writeFileSync(path.join(dir, "index.js"), source);
      const { handler } = createRequire(path.join(dir, "x.js"))("./index.js");
      const good = await handler(viewerRequest({ uri: "/api/cart", cookies: [`sid=${sidCookieValue(newSessionId(), SIGNING_KEY)}`] }));
      expect(good.status).toBeUndefined();
      const forged = await handler(viewerRequest({ uri: "/api/cart", cookies: [`sid=${sidCookieValue(newSessionId(), "other-key-0123456789abcdef")}`] }));
      expect(forged.status).toBe("401");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keeps the code secret in state even when handed a plain key, since the bundle contains the key", async () => {
    const code = edgeGuardCode("plain-but-still-a-key-0123456789");
    expect(await pulumi.isSecret(code)).toBe(true);
    const archive = await resolve(code);
    expect(Object.keys((archive as any).assets)).toEqual(["index.js"]);
  });

  it("exports the qualified (versioned) ARN in us-east-1 and the function name", async () => {
    expect(await resolve(guard.qualifiedArn)).toBe(`arn:aws:lambda:us-east-1:${MOCK_ACCOUNT_ID}:function:${functionName}:1`);
    expect(await resolve(guard.functionName)).toBe(functionName);
  });

  it("gives the function a role trusting both lambda.amazonaws.com and edgelambda.amazonaws.com", () => {
    const role = oneOfType("aws:iam/role:Role").inputs;
    expect(role.name).toBe("ecommerce-edge-guard-role-test1");
    const trust = JSON.parse(role.assumeRolePolicy);
    expect(trust.Statement).toHaveLength(1);
    expect(trust.Statement[0].Action).toBe("sts:AssumeRole");
    expect([...trust.Statement[0].Principal.Service].sort()).toEqual(["edgelambda.amazonaws.com", "lambda.amazonaws.com"]);
    expect(oneOfType("aws:lambda/function:Function").inputs.role).toBe(oneOfType("aws:iam/role:Role").state.arn);
  });

  it("lets the role write logs only to its own log groups, in every region replicas run", () => {
    const policy = JSON.parse(oneOfType("aws:iam/rolePolicy:RolePolicy").inputs.policy);
    expect(policy).toEqual(edgeGuardLogsPolicy("aws", MOCK_ACCOUNT_ID, functionName));
    const resources: string[] = policy.Statement[0].Resource;
    expect(resources).toContain(`arn:aws:logs:*:${MOCK_ACCOUNT_ID}:log-group:/aws/lambda/us-east-1.${functionName}:*`);
    expect(resources.every((r) => r.includes(functionName))).toBe(true);
    expect(policy.Statement[0].Action).toEqual(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]);
  });

  it("tags the function and the role with the standard tags", () => {
    for (const type of ["aws:lambda/function:Function", "aws:iam/role:Role"]) {
      const tags = oneOfType(type).inputs.tags;
      for (const key of REQUIRED_TAG_KEYS) expect(tags[key], `${type} ${key}`).toBeTruthy();
    }
  });
});

describe("EdgeGuard in the whole program", () => {
  beforeAll(async () => {
    await installMocks({ environmentSuffix: "wire1", "aws:region": "eu-west-1" });
    vi.resetModules();
    await import("../../infra/index");
    await settle();
  });

  it("is the viewer-request function of CloudFront's /api/* behaviour, by qualified ARN", () => {
    const edgeFn = registered.find((r) => r.type === "aws:lambda/function:Function" && r.inputs.region === "us-east-1")!;
    const distribution = oneOfType("aws:cloudfront/distribution:Distribution").inputs;
    const api = distribution.orderedCacheBehaviors.find((b: any) => b.pathPattern === "/api/*");
    expect(api.lambdaFunctionAssociations).toEqual([expect.objectContaining({ eventType: "viewer-request", lambdaArn: edgeFn.state.qualifiedArn })]);
  });

  it("verifies cookies signed with the key the API reads from Secrets Manager, and no other key", async () => {
    const versions = ofType("aws:secretsmanager/secretVersion:SecretVersion");
    const secretValue = (base: string) => unsecret<string>(versions.find((v) => v.name.endsWith(base))!.inputs.secretString);
    const apiKey = secretValue("session-key");
    const otherKey = secretValue("admin-token");
    expect(apiKey).toBeTruthy();

    const edgeFn = registered.find((r) => r.type === "aws:lambda/function:Function" && r.inputs.region === "us-east-1")!;
    const source: string = await (await unsecret(edgeFn.inputs.code).assets)["index.js"].text;
    const dir = mkdtempSync(path.join(tmpdir(), "edge-wire-"));
    try {
      writeFileSync(path.join(dir, "index.js"), source);
      const { handler } = createRequire(path.join(dir, "x.js"))("./index.js");
      const withCookie = (key: string) => handler(viewerRequest({ uri: "/api/cart", cookies: [`sid=${sidCookieValue(newSessionId(), key)}`] }));
      expect((await withCookie(apiKey)).status).toBeUndefined();
      expect((await withCookie(otherKey)).status).toBe("401");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
