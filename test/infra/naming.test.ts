/** The one naming helper that knows AWS's limits (the policy pack's rules), and the standard tags. */
import { describe, expect, it } from "vitest";
import { checkName, physicalName } from "../../infra/naming";
import { NAME_LIMITS } from "../../policy/lib/names";
import { REQUIRED_TAG_KEYS, standardTags } from "../../infra/tags";

describe("physicalName", () => {
  it("is ecommerce-<base>-<suffix>, lowercased for services that only accept lowercase", () => {
    expect(physicalName("lambda", "api", "dev")).toBe("ecommerce-api-dev");
    expect(physicalName("s3Bucket", "Static", "dev")).toBe("ecommerce-static-dev");
    expect(physicalName("rdsCluster", "Aurora", "dev")).toBe("ecommerce-aurora-dev");
  });

  it("refuses names over the service's limit at preview time, naming the limit", () => {
    // ALB and target group names: 32 characters.
    expect(() => physicalName("alb", "storefront-load-balancer", "abcdefghijkl")).toThrow(
      /alb name "ecommerce-storefront-load-balancer-abcdefghijkl" is \d+ characters; the limit is 32/,
    );
    expect(physicalName("alb", "alb", "abcdefghijkl")).toHaveLength(26);
    expect(() => checkName("iamRole", "r".repeat(65))).toThrow(/the limit is 64/);
    expect(() => checkName("rdsCluster", "c".repeat(64))).toThrow(/the limit is 63/);
  });

  it("refuses characters or shapes the service rejects", () => {
    expect(() => checkName("alb", "ecommerce-alb-")).toThrow(
      /alb name "ecommerce-alb-" has characters or a shape AWS rejects; allowed: letters, digits and '-', not starting or ending with '-'/,
    );
    expect(() => checkName("rdsCluster", "1aurora")).toThrow(/starting with a letter/);
    expect(() => checkName("rdsCluster", "aurora--x")).toThrow(/single hyphens/);
    expect(() => checkName("lambda", "api.v1")).toThrow(/has characters or a shape AWS rejects/);
    expect(() => checkName("kmsAlias", "aurora-key")).toThrow(/'alias\/'/);
  });

  it("applies S3's extra rules: 3+ characters, no '..', not an IP address", () => {
    expect(() => checkName("s3Bucket", "ab")).toThrow(/is 2 characters; the minimum is 3/);
    expect(() => checkName("s3Bucket", "a..b")).toThrow(/must not contain '\.\.'/);
    expect(() => checkName("s3Bucket", "192.168.1.1")).toThrow(/must not be formatted as an IP address/);
    expect(checkName("s3Bucket", "ecommerce-logs-123456789012-dev")).toBe("ecommerce-logs-123456789012-dev");
  });

  it("every rule has a limit and a description for its error message", () => {
    for (const [kind, rule] of Object.entries(NAME_LIMITS)) {
      expect(rule.max, kind).toBeGreaterThan(0);
      expect(rule.allowed.length, kind).toBeGreaterThan(0);
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
