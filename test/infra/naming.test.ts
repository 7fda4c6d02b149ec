/** Issue 2 item 10 (names, tags): the one naming helper that knows AWS's limits, and the standard tags. */
import { describe, expect, it } from "vitest";
import { NAME_RULES, checkName, physicalName } from "../../infra/naming";
import { REQUIRED_TAG_KEYS, standardTags } from "../../infra/tags";

describe("physicalName", () => {
  it("is ecommerce-<base>-<suffix>, lowercased for services that only accept lowercase", () => {
    expect(physicalName("lambda", "api", "dev")).toBe("ecommerce-api-dev");
    expect(physicalName("s3Bucket", "Static", "dev")).toBe("ecommerce-static-dev");
    expect(physicalName("rdsCluster", "Aurora", "dev")).toBe("ecommerce-aurora-dev");
  });

  it("refuses names over the service's limit at preview time, naming the limit", () => {
    // ALB and target group names: 32 characters.
    expect(() => physicalName("alb", "storefront-load-balancer", "abcdefghijkl")).toThrow(/alb name "ecommerce-storefront-load-balancer-abcdefghijkl" is \d+ characters; AWS allows at most 32/);
    expect(physicalName("alb", "alb", "abcdefghijkl")).toHaveLength(26);
    expect(() => checkName("iamRole", "r".repeat(65))).toThrow(/at most 64/);
    expect(() => checkName("rdsCluster", "c".repeat(64))).toThrow(/at most 63/);
  });

  it("refuses characters or shapes the service rejects", () => {
    expect(() => checkName("alb", "ecommerce-alb-")).toThrow(/alb name "ecommerce-alb-" is invalid: AWS allows letters, digits and '-', not starting or ending with '-'/);
    expect(() => checkName("rdsCluster", "1aurora")).toThrow(/starting with a letter/);
    expect(() => checkName("rdsCluster", "aurora--x")).toThrow(/single '-'/);
    expect(() => checkName("lambda", "api.v1")).toThrow(/invalid/);
    expect(() => checkName("kmsAlias", "aurora-key")).toThrow(/'alias\/'/);
  });

  it("applies S3's extra rules: 3+ characters, no '..', not an IP address", () => {
    expect(() => checkName("s3Bucket", "ab")).toThrow(/3-63 characters/);
    expect(() => checkName("s3Bucket", "a..b")).toThrow(/no '\.\.'/);
    expect(() => checkName("s3Bucket", "192.168.1.1")).toThrow(/not an IP address/);
    expect(checkName("s3Bucket", "ecommerce-logs-123456789012-dev")).toBe("ecommerce-logs-123456789012-dev");
  });

  it("every rule has a limit and a description for its error message", () => {
    for (const [kind, rule] of Object.entries(NAME_RULES)) {
      expect(rule.max, kind).toBeGreaterThan(0);
      expect(rule.description.length, kind).toBeGreaterThan(0);
    }
  });
});

describe("standardTags", () => {
  it("gives Name, Environment, Project, ManagedBy, CostCenter and Owner", () => {
    const tags = standardTags({ environmentSuffix: "dev", project: "shop", costCenter: "cc", owner: "team" }, "ecommerce-api-dev", { Tier: "private" });
    expect(tags).toEqual({
      Name: "ecommerce-api-dev",
      Environment: "dev",
      Project: "shop",
      ManagedBy: "Pulumi",
      CostCenter: "cc",
      Owner: "team",
      Tier: "private",
    });
    for (const key of REQUIRED_TAG_KEYS) expect(tags[key]).toBeTruthy();
  });
});
