/** Generated secrets (session signing key, admin token, origin-verify header) under Pulumi mocks. */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { recoveryWindowDays, type Secrets, type SecretsArgs } from "../../infra/secrets";
import { MOCK_ACCOUNT_ID, MOCK_REGION, installMocks, isSecret, ofType, resolve, settle, unsecret, testTags } from "./harness";

const TAGS = testTags("t1");

async function build(overrides: Partial<SecretsArgs> = {}): Promise<Secrets> {
  await installMocks({ environmentSuffix: "t1" });
  const { Secrets } = await import("../../infra/secrets");
  const secrets = new Secrets("secrets", { environmentSuffix: "t1", tags: TAGS, isProd: false, ...overrides });
  await settle();
  return secrets;
}

const secretNamed = (name: string) => ofType("aws:secretsmanager/secret:Secret").find((s) => s.inputs.name === name)!;
const versionOf = (secretId: string) => ofType("aws:secretsmanager/secretVersion:SecretVersion").find((v) => v.inputs.secretId === secretId)!;

describe("Secrets", () => {
  it("generates the session signing key (>= 32 chars), admin token and origin-verify value without special characters", async () => {
    await build();
    const passwords = ofType("random:index/randomPassword:RandomPassword");
    expect(passwords).toHaveLength(3);
    for (const p of passwords) {
      expect(p.inputs.length).toBeGreaterThanOrEqual(32);
      expect(p.inputs.special).toBe(false);
    }
    expect(passwords.find((p) => p.name.endsWith("session-key"))!.inputs.length).toBeGreaterThanOrEqual(64);
  });

  it.each([["ecommerce-session-key-t1"], ["ecommerce-admin-token-t1"], ["ecommerce-origin-verify-t1"]])(
    "%s is stored in Secrets Manager as a secret value, deleted without recovery window on dev",
    async (name) => {
      await build();
      const secret = secretNamed(name);
      expect(secret.inputs.recoveryWindowInDays).toBe(0);
      const version = versionOf(secret.id);
      expect(isSecret(version.inputs.secretString)).toBe(true);
      expect(unsecret<string>(version.inputs.secretString)).toMatch(/^[A-Za-z0-9]{32,}$/);
    },
  );

  it("outputs the ARNs and the values only as Pulumi secrets", async () => {
    const secrets = await build();
    // Secrets Manager appends six random characters to the name.
    expect(await resolve(secrets.sessionKeySecretArn)).toMatch(
      new RegExp(`^arn:aws:secretsmanager:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:secret:ecommerce-session-key-t1-[A-Za-z0-9]{6}$`),
    );
    expect(await resolve(secrets.sessionKeySecretArn)).toBe(ofType("aws:secretsmanager/secret:Secret").find((r) => r.inputs.name === "ecommerce-session-key-t1")?.state.arn);
    expect(await resolve(secrets.adminTokenSecretArn)).toContain(":secret:ecommerce-admin-token-t1-");
    for (const value of [secrets.sessionSigningKey, secrets.adminToken, secrets.originVerifySecret]) {
      expect(await pulumi.isSecret(value)).toBe(true);
      expect((await resolve(value)).length).toBeGreaterThanOrEqual(32);
    }
  });

  it("prod stacks keep a 30-day recovery window", async () => {
    expect(recoveryWindowDays(true)).toBe(30);
    expect(recoveryWindowDays(false)).toBe(0);
    await build({ isProd: true });
    for (const s of ofType("aws:secretsmanager/secret:Secret")) expect(s.inputs.recoveryWindowInDays).toBe(30);
  });
});
