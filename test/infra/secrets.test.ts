/** Generated secrets (session signing keys, admin token, origin-verify header) under Pulumi mocks. */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { slotGeneration } from "../../infra/rotating-values";
import { recoveryWindowDays, type Secrets, type SecretsArgs } from "../../infra/secrets";
import { MOCK_ACCOUNT_ID, MOCK_REGION, installMocks, isSecret, ofType, registered, resolve, settle, unsecret, testTags } from "./harness";

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
const storedKeys = () => JSON.parse(unsecret<string>(versionOf(secretNamed("ecommerce-session-key-t1").id).inputs.secretString));
const passwords = (base: string) => ofType("random:index/randomPassword:RandomPassword").filter((p) => p.name.startsWith(`secrets-${base}-slot-`));

describe("Secrets", () => {
  it("generates three session keys (64 chars), the admin token and three origin-verify values, without special characters", async () => {
    await build();
    const all = ofType("random:index/randomPassword:RandomPassword");
    expect(all).toHaveLength(7);
    for (const p of all) {
      expect(p.inputs.length).toBeGreaterThanOrEqual(32);
      expect(p.inputs.special).toBe(false);
    }
    expect(passwords("session-key").map((p) => p.inputs.length)).toEqual([64, 64, 64]);
    expect(passwords("origin-verify")).toHaveLength(3);
  });

  it.each([["ecommerce-session-key-t1"], ["ecommerce-admin-token-t1"], ["ecommerce-origin-verify-t1"]])(
    "%s is stored in Secrets Manager as a secret value, deleted without recovery window on dev",
    async (name) => {
      await build();
      const secret = secretNamed(name);
      expect(secret.inputs.recoveryWindowInDays).toBe(0);
      expect(isSecret(versionOf(secret.id).inputs.secretString)).toBe(true);
    },
  );

  it("stores the session keys as JSON {previous, current, next}: three distinct keys of 64 letters and digits", async () => {
    await build();
    const keys = storedKeys();
    expect(Object.keys(keys).sort()).toEqual(["current", "next", "previous"]);
    for (const key of Object.values(keys)) expect(key).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(new Set(Object.values(keys)).size).toBe(3);
    expect(unsecret<string>(versionOf(secretNamed("ecommerce-origin-verify-t1").id).inputs.secretString)).toMatch(/^[A-Za-z0-9]{48}$/);
  });

  it("a rotation (generation + 1) promotes next to current, keeps current as previous, and draws exactly one new key", async () => {
    await build({ sessionKeyGeneration: 1 });
    const before = storedKeys();
    const keepersBefore = passwords("session-key").map((p) => JSON.stringify(p.inputs.keepers ?? null));
    await build({ sessionKeyGeneration: 2 });
    const after = storedKeys();
    expect(after.previous).toBe(before.current);
    expect(after.current).toBe(before.next);
    expect([before.previous, before.current, before.next]).not.toContain(after.next);
    const keepersAfter = passwords("session-key").map((p) => JSON.stringify(p.inputs.keepers ?? null));
    expect(keepersAfter.filter((k, i) => k !== keepersBefore[i])).toHaveLength(1);
  });

  it("the same generation on a second run draws nothing new (no diff)", async () => {
    await build({ sessionKeyGeneration: 5, originVerifyGeneration: 3 });
    const first = ofType("random:index/randomPassword:RandomPassword").map((p) => [p.name, p.inputs]);
    await build({ sessionKeyGeneration: 5, originVerifyGeneration: 3 });
    expect(ofType("random:index/randomPassword:RandomPassword").map((p) => [p.name, p.inputs])).toEqual(first);
  });

  it("each slot holds the one of generations g-1, g, g+1 it is congruent to (mod 3)", () => {
    for (const g of [1, 2, 3, 4, 10]) {
      expect([0, 1, 2].map((slot) => slotGeneration(slot, g)).sort((a, b) => a - b)).toEqual([g - 1, g, g + 1]);
    }
  });

  it("generation 1's slot keeps the inputs of the single key stacks had before rotation (no keepers), so the upgrade keeps sessions", async () => {
    await build();
    const slot1 = passwords("session-key").find((p) => p.name === "secrets-session-key-slot-1")!;
    expect(slot1.inputs).toMatchObject({ length: 64, special: false, minLower: 4, minUpper: 4, minNumeric: 4 });
    expect(slot1.inputs.keepers).toBeUndefined();
  });

  it("generation 1's slot takes over the URN of the single value stacks had before rotation (an alias), and only that slot does", async () => {
    await build();
    // Before rotation each value was one RandomPassword named `secrets-<base>` under the same component.
    const component = registered.find((r) => r.type === "shop:secrets:Secrets")!;
    const before = (base: string) =>
      `${component.urn.substring(0, component.urn.lastIndexOf("::"))}$random:index/randomPassword:RandomPassword::secrets-${base}`;
    for (const base of ["session-key", "origin-verify"]) {
      const slots = passwords(base);
      expect(slots.map((p) => p.name).sort()).toEqual([0, 1, 2].map((slot) => `secrets-${base}-slot-${slot}`));
      for (const slot of slots) expect(slot.aliases, slot.name).toEqual(slot.name.endsWith("-slot-1") ? [before(base)] : []);
    }
  });

  it("outputs the ARNs and the values only as Pulumi secrets", async () => {
    const secrets = await build();
    // Secrets Manager appends six random characters to the name.
    expect(await resolve(secrets.sessionKeySecretArn)).toMatch(
      new RegExp(`^arn:aws:secretsmanager:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:secret:ecommerce-session-key-t1-[A-Za-z0-9]{6}$`),
    );
    expect(await resolve(secrets.sessionKeySecretArn)).toBe(
      ofType("aws:secretsmanager/secret:Secret").find((r) => r.inputs.name === "ecommerce-session-key-t1")?.state.arn,
    );
    expect(await resolve(secrets.adminTokenSecretArn)).toContain(":secret:ecommerce-admin-token-t1-");
    for (const value of [
      secrets.sessionKeys.current,
      secrets.sessionKeys.previous,
      secrets.adminToken,
      secrets.originVerify.current,
      secrets.originVerify.next,
    ]) {
      expect(await pulumi.isSecret(value)).toBe(true);
      expect((await resolve(value)).length).toBeGreaterThanOrEqual(32);
    }
  });

  it("prod stacks keep a 30-day recovery window and protect the secrets, but not their versions (a rotation replaces the version)", async () => {
    expect(recoveryWindowDays(true)).toBe(30);
    expect(recoveryWindowDays(false)).toBe(0);
    await build({ isProd: true });
    for (const s of ofType("aws:secretsmanager/secret:Secret")) {
      expect(s.inputs.recoveryWindowInDays).toBe(30);
      expect(s.protect).toBe(true);
    }
    const versions = registered.filter((r) => r.type === "aws:secretsmanager/secretVersion:SecretVersion");
    expect(versions).toHaveLength(3);
    for (const v of versions) expect(v.protect).toBe(false);
  });
});
