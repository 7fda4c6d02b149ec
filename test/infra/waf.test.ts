/** WAF on both doors, under mocks: managed groups, rate rules, modes, logging, the stage association, the alarm. */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { webAclRules, type Waf } from "../../infra/waf";
import { MOCK_REGION, installMocks, ofType, resolve, settle, testTags } from "./harness";

describe("webAclRules (pure)", () => {
  const rules = (mode: "block" | "count") => webAclRules({ mode, perIpLimit: 2000, sensitivePerIpLimit: 100, apiRateLimitPer5Min: 15_000, metricPrefix: "m" });

  it("carries the four AWS managed groups, keeping their own actions in block mode", () => {
    const managed = rules("block").filter((r: any) => r.statement.managedRuleGroupStatement);
    expect(managed.map((r: any) => r.statement.managedRuleGroupStatement.name).sort()).toEqual([
      "AWSManagedRulesAmazonIpReputationList",
      "AWSManagedRulesCommonRuleSet",
      "AWSManagedRulesKnownBadInputsRuleSet",
      "AWSManagedRulesSQLiRuleSet",
    ]);
    for (const r of managed) expect(r.overrideAction).toEqual({ none: {} });
  });

  it("limits per IP (2,000 / 5 min), stricter on POST /api/orders and /api/admin/*, and all /api/* together at the peak", () => {
    const byName = Object.fromEntries(rules("block").map((r: any) => [r.name, r]));
    expect(byName["per-ip"].statement.rateBasedStatement).toMatchObject({ limit: 2000, aggregateKeyType: "IP", evaluationWindowSec: 300 });
    const orders = byName["per-ip-orders"].statement.rateBasedStatement;
    expect(orders).toMatchObject({ limit: 100, aggregateKeyType: "IP" });
    expect(orders.scopeDownStatement.andStatement.statements.map((s: any) => s.byteMatchStatement.searchString)).toEqual(["POST", "/api/orders"]);
    expect(byName["per-ip-admin"].statement.rateBasedStatement.scopeDownStatement.byteMatchStatement).toMatchObject({
      positionalConstraint: "STARTS_WITH",
      searchString: "/api/admin/",
    });
    expect(byName["api-peak"].statement.rateBasedStatement).toMatchObject({ limit: 15_000, aggregateKeyType: "CONSTANT" });
    for (const r of Object.values(byName) as any[]) if (r.action) expect(r.action).toEqual({ block: {} });
  });

  it("count mode counts everything and blocks nothing", () => {
    for (const r of rules("count") as any[]) {
      if (r.action) expect(r.action).toEqual({ count: {} });
      if (r.overrideAction) expect(r.overrideAction).toEqual({ count: {} });
    }
  });

  it("gives every rule a unique priority and metric", () => {
    const all = rules("block") as any[];
    expect(new Set(all.map((r) => r.priority)).size).toBe(all.length);
    expect(new Set(all.map((r) => r.visibilityConfig.metricName)).size).toBe(all.length);
  });
});

describe("Waf (component under mocks)", () => {
  let waf: Waf;
  beforeAll(async () => {
    await installMocks({ environmentSuffix: "t1" });
    const { Waf } = await import("../../infra/waf");
    waf = new Waf("waf", {
      environmentSuffix: "t1",
      tags: testTags("t1"),
      mode: "block",
      perIpLimit: 2000,
      apiRateLimitPer5Min: 15_000,
      restApiId: "abc123",
      stageName: "prod",
    });
    waf.alarmOnBlockedSurge(pulumi.output("arn:aws:sns:eu-west-1:123456789012:alarms"), pulumi.output("arn:aws:sns:us-east-1:123456789012:alarms-us-east-1"));
    await settle();
  });

  it("a CLOUDFRONT web ACL in us-east-1 and a REGIONAL one in the stack region", async () => {
    const acls = ofType("aws:wafv2/webAcl:WebAcl");
    expect(acls.map((a) => [a.inputs.scope, a.inputs.region])).toEqual([
      ["CLOUDFRONT", "us-east-1"],
      ["REGIONAL", MOCK_REGION],
    ]);
    expect(await resolve(waf.cloudfrontWebAclArn)).toMatch(/:global\/webacl\//);
  });

  it("logs each to an aws-waf-logs-* group in its region, with retention, redacting cookies and authorization", () => {
    const groups = ofType("aws:cloudwatch/logGroup:LogGroup");
    expect(groups).toHaveLength(2);
    const keys = ofType("aws:kms/key:Key");
    for (const g of groups) {
      expect(g.inputs.name).toMatch(/^aws-waf-logs-/);
      expect(g.inputs.retentionInDays).toBe(30);
      // Encrypted with a key of its own, in the group's region.
      const key = keys.find((k) => k.state.arn === g.inputs.kmsKeyId)!;
      expect(key.inputs.region).toBe(g.inputs.region);
    }
    const logging = ofType("aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration");
    expect(logging.map((l) => l.inputs.logDestinationConfigs[0])).toEqual(groups.map((g) => g.state.arn));
    expect(logging.map((l) => l.inputs.region ?? MOCK_REGION)).toEqual(groups.map((g) => g.inputs.region ?? MOCK_REGION));
    for (const l of logging) expect(l.inputs.redactedFields).toEqual([{ singleHeader: { name: "cookie" } }, { singleHeader: { name: "authorization" } }]);
  });

  it("associates the REGIONAL ACL with the API Gateway stage and alarms on a blocked surge", () => {
    const [association] = ofType("aws:wafv2/webAclAssociation:WebAclAssociation");
    expect(association!.inputs.resourceArn).toBe(`arn:aws:apigateway:${MOCK_REGION}::/restapis/abc123/stages/prod`);
    const alarm = ofType("aws:cloudwatch/metricAlarm:MetricAlarm").find((a) => a.inputs.name === "ecommerce-api-waf-blocked-surge-t1")!;
    expect(alarm.inputs.region).toBeUndefined();
    expect(alarm.inputs).toMatchObject({ namespace: "AWS/WAFV2", metricName: "BlockedRequests", dimensions: { Region: MOCK_REGION, Rule: "ALL" } });
    expect(alarm.inputs.alarmActions).toEqual(["arn:aws:sns:eu-west-1:123456789012:alarms"]);
  });

  it("alarms on the CLOUDFRONT ACL's blocked surge in us-east-1 (its metrics' only region), notifying the us-east-1 topic", () => {
    const alarm = ofType("aws:cloudwatch/metricAlarm:MetricAlarm").find((a) => a.inputs.name === "ecommerce-edge-waf-blocked-surge-t1")!;
    const acl = ofType("aws:wafv2/webAcl:WebAcl").find((a) => a.inputs.scope === "CLOUDFRONT")!;
    expect(alarm.inputs.region).toBe("us-east-1");
    expect(alarm.inputs).toMatchObject({
      namespace: "AWS/WAFV2",
      metricName: "BlockedRequests",
      dimensions: { WebACL: acl.inputs.name, Rule: "ALL" },
      threshold: 500,
    });
    expect(alarm.inputs.alarmActions).toEqual(["arn:aws:sns:us-east-1:123456789012:alarms-us-east-1"]);
    expect(alarm.inputs.okActions).toEqual(alarm.inputs.alarmActions);
  });
});
