/** The DynamoDB tables under Pulumi mocks. */
import { describe, expect, it } from "vitest";
import type { Tables, TablesArgs } from "../../infra/tables";
import { MOCK_ACCOUNT_ID, MOCK_REGION, installMocks, ofType, resolve, settle, testTags } from "./harness";

const TAGS = testTags("t1");

async function build(overrides: Partial<TablesArgs> = {}): Promise<Tables> {
  await installMocks({ environmentSuffix: "t1" });
  const { Tables } = await import("../../infra/tables");
  const tables = new Tables("tables", { environmentSuffix: "t1", tags: TAGS, isProd: false, ...overrides });
  await settle();
  return tables;
}

const table = (name: string) => ofType("aws:dynamodb/table:Table").find((t) => t.inputs.name === name)!;

describe("Tables (dev stack)", () => {
  it("creates the sessions and cache tables, named with the environment suffix", async () => {
    const tables = await build();
    expect(
      ofType("aws:dynamodb/table:Table")
        .map((t) => t.inputs.name)
        .sort(),
    ).toEqual(["ecommerce-cache-t1", "ecommerce-sessions-t1"]);
    expect(await resolve(tables.sessionsTableName)).toBe("ecommerce-sessions-t1");
    expect(await resolve(tables.cacheTableName)).toBe("ecommerce-cache-t1");
    expect(await resolve(tables.sessionsTableArn)).toBe(`arn:aws:dynamodb:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:table/ecommerce-sessions-t1`);
    expect(await resolve(tables.cacheTableArn)).toBe(`arn:aws:dynamodb:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:table/ecommerce-cache-t1`);
  });

  it.each([["ecommerce-sessions-t1"], ["ecommerce-cache-t1"]])(
    "%s: on-demand, string hash key pk, TTL on expiresAt which is NOT declared as an attribute",
    async (name) => {
      await build();
      const t = table(name);
      expect(t.inputs.billingMode).toBe("PAY_PER_REQUEST");
      expect(t.inputs.hashKey).toBe("pk");
      expect(t.inputs.rangeKey).toBeUndefined();
      expect(t.inputs.attributes).toEqual([{ name: "pk", type: "S" }]);
      expect(t.inputs.ttl).toEqual({ attributeName: "expiresAt", enabled: true });
      expect(t.inputs.readCapacity ?? 0).toBe(0);
    },
  );

  it("both tables have point-in-time recovery and server-side encryption; no deletion protection on dev", async () => {
    await build();
    for (const t of ofType("aws:dynamodb/table:Table")) {
      expect(t.inputs.pointInTimeRecovery).toEqual({ enabled: true });
      expect(t.inputs.serverSideEncryption.enabled).toBe(true);
      expect(t.inputs.deletionProtectionEnabled).toBe(false);
    }
  });
});

describe("Tables (prod stack)", () => {
  it("turns deletion protection on for both tables", async () => {
    await build({ isProd: true });
    const all = ofType("aws:dynamodb/table:Table");
    expect(all).toHaveLength(2);
    for (const t of all) expect(t.inputs.deletionProtectionEnabled).toBe(true);
  });
});
