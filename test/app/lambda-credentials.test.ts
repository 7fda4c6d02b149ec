/**
 * The Lambda bundle's credential provider (app/src/runtime/lambda-credentials.ts,
 * aliased for @aws-sdk/credential-provider-node and @aws-sdk/credential-providers): the function role's
 * credentials as Lambda passes them in the environment, and a clear error
 * naming the environment when they are missing.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { credentialsTreatedAsExpired, credentialsWillNeedRefresh, defaultProvider, fromNodeProviderChain } from "../../app/src/runtime/lambda-credentials";

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("the bundle's default credential provider", () => {
  it("reads the access key, secret and session token Lambda sets", async () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "secret-example");
    vi.stubEnv("AWS_SESSION_TOKEN", "session-example");
    await expect(defaultProvider()()).resolves.toMatchObject({
      accessKeyId: "AKIDEXAMPLE",
      secretAccessKey: "secret-example",
      sessionToken: "session-example",
    });
  });

  it("gives the RDS signer (fromNodeProviderChain) the same environment credentials", async () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIDSIGNER");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "secret-signer");
    vi.stubEnv("AWS_SESSION_TOKEN", "session-signer");
    await expect(fromNodeProviderChain()()).resolves.toMatchObject({
      accessKeyId: "AKIDSIGNER",
      secretAccessKey: "secret-signer",
      sessionToken: "session-signer",
    });
  });

  it("fails naming environment credentials when they are absent", async () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", "");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "");
    await expect(defaultProvider()()).rejects.toMatchObject({
      name: "CredentialsProviderError",
      message: expect.stringContaining("environment variable credentials"),
    });
  });

  it("treats credentials as expired within 5 minutes of their expiry, like the SDK's chain", () => {
    const credentials = (msFromNow: number) => ({ accessKeyId: "a", secretAccessKey: "s", expiration: new Date(Date.now() + msFromNow) });
    expect(credentialsWillNeedRefresh({ accessKeyId: "a", secretAccessKey: "s" })).toBe(false);
    expect(credentialsWillNeedRefresh(credentials(3_600_000))).toBe(true);
    expect(credentialsTreatedAsExpired(credentials(3_600_000))).toBe(false);
    expect(credentialsTreatedAsExpired(credentials(60_000))).toBe(true);
  });
});
