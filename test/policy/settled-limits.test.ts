/**
 * The AWS limits the program's preview-time checks and the policy pack once disagreed on, each written
 * once now (policy/lib/names.ts, policy/lib/dashboard.ts, policy/lib/limits.ts). For each: a value at the
 * limit passes and one past it fails, in the program's check and in the pack's rule.
 */
import * as aws from "@pulumi/aws";
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig, type RawConfig } from "../../infra/config";
import { validateDashboardBody } from "../../infra/dashboard";
import { checkName, type NameKind } from "../../infra/naming";
import { dashboardBodyProblems } from "../../policy/lib/dashboard";
import { check, details } from "./check";

/** The program's check: the name back, or the error's message. */
function programSays(kind: NameKind, name: string): string {
  try {
    return checkName(kind, name) === name ? "ok" : "changed";
  } catch (e) {
    return (e as Error).message;
  }
}

/** The pack's aws-name-limits findings for the resources `body` registers. */
async function packSays(body: () => void): Promise<string[]> {
  return details("aws-name-limits", await check(body));
}

describe("CloudFront policy names: 128 characters (cache, origin request, response headers policies)", () => {
  const at = "p".repeat(128);
  const past = "p".repeat(129);
  it("the program's check", () => {
    expect(programSays("cloudfrontPolicy", at)).toBe("ok");
    expect(programSays("cloudfrontPolicy", past)).toMatch(/is 129 characters; the limit is 128/);
  });
  it("the pack's rule", async () => {
    const d = await packSays(() => {
      new aws.cloudfront.ResponseHeadersPolicy("at", { name: at, securityHeadersConfig: {} });
      new aws.cloudfront.ResponseHeadersPolicy("past", { name: past, securityHeadersConfig: {} });
    });
    expect(d).toEqual([`aws.cloudfront.ResponseHeadersPolicy "past": name "${past}" is 129 characters; the limit is 128.`]);
  });
  it("origin access controls and CloudFront functions stay at 64, in both", async () => {
    expect(programSays("cloudfrontOriginAccessControl", "o".repeat(64))).toBe("ok");
    expect(programSays("cloudfrontOriginAccessControl", "o".repeat(65))).toMatch(/the limit is 64/);
    expect(programSays("cloudfrontFunction", "f".repeat(64))).toBe("ok");
    expect(programSays("cloudfrontFunction", "f".repeat(65))).toMatch(/the limit is 64/);
    expect(programSays("cloudfrontVpcOrigin", "v".repeat(64))).toBe("ok");
    expect(programSays("cloudfrontVpcOrigin", "v".repeat(65))).toMatch(/the limit is 64/);
    const oac = { description: "", originAccessControlOriginType: "s3", signingBehavior: "always", signingProtocol: "sigv4" };
    const d = await packSays(() => {
      new aws.cloudfront.OriginAccessControl("at", { name: "o".repeat(64), ...oac });
      new aws.cloudfront.OriginAccessControl("past", { name: "o".repeat(65), ...oac });
    });
    expect(d).toEqual([`aws.cloudfront.OriginAccessControl "past": name "${"o".repeat(65)}" is 65 characters; the limit is 64.`]);
  });
});

describe("alarm names: any characters but ASCII control characters, 255 at most", () => {
  const unicode = "Zahlungsfehler – API 5xx ≥ 5/min";
  it("the program's check", () => {
    expect(programSays("alarm", unicode)).toBe("ok");
    expect(programSays("alarm", "a".repeat(255))).toBe("ok");
    expect(programSays("alarm", "a".repeat(256))).toMatch(/the limit is 255/);
    expect(programSays("alarm", "api\t5xx")).toMatch(/any characters but ASCII control characters/);
    expect(programSays("alarm", "api\u007f5xx")).toMatch(/ASCII control characters/);
  });
  it("the pack's rule", async () => {
    const alarm = {
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      evaluationPeriods: 1,
      metricName: "Errors",
      namespace: "AWS/Lambda",
      period: 60,
      statistic: "Sum",
      threshold: 1,
    };
    const d = await packSays(() => {
      new aws.cloudwatch.MetricAlarm("unicode", { name: unicode, ...alarm });
      new aws.cloudwatch.MetricAlarm("control", { name: "api\t5xx", ...alarm });
    });
    expect(d).toEqual([
      'aws.cloudwatch.MetricAlarm "control": name "api\t5xx" has characters or a shape AWS rejects; allowed: any characters but ASCII control characters.',
    ]);
  });
});

describe("S3 reserved prefixes and suffixes, ELB 'internal-', KMS 'alias/aws/': now in the program's check too", () => {
  it("the program's check", () => {
    expect(programSays("s3Bucket", "xn--shop")).toMatch(/reserved prefix 'xn--'/);
    expect(programSays("s3Bucket", "amzn-s3-demo-shop")).toMatch(/reserved prefix 'amzn-s3-demo-'/);
    expect(programSays("s3Bucket", "shop--x-s3")).toMatch(/reserved suffix '--x-s3'/);
    expect(programSays("s3Bucket", "shop-x-s3")).toBe("ok");
    expect(programSays("alb", "internal-shop")).toMatch(/must not start with 'internal-'/);
    expect(programSays("targetGroup", "internal-api")).toMatch(/must not start with 'internal-'/);
    expect(programSays("alb", "internal")).toBe("ok");
    expect(programSays("kmsAlias", "alias/aws/shop")).toMatch(/reserved 'alias\/aws\/'/);
    expect(programSays("kmsAlias", "alias/awsome-shop")).toBe("ok");
  });
  it("the pack's rule", async () => {
    const d = await packSays(() => {
      new aws.s3.Bucket("reserved", { bucket: "amzn-s3-demo-shop" });
      new aws.s3.Bucket("fine", { bucket: "shop-x-s3" });
      new aws.lb.LoadBalancer("internal", { name: "internal-shop" });
      new aws.lb.LoadBalancer("fine", { name: "internal" });
      new aws.kms.Alias("reserved", { name: "alias/aws/shop", targetKeyId: "k" });
      new aws.kms.Alias("fine", { name: "alias/awsome-shop", targetKeyId: "k" });
    });
    expect([...d].sort()).toEqual(
      [
        'aws.s3.Bucket "reserved": bucket "amzn-s3-demo-shop" must not start with the reserved prefix \'amzn-s3-demo-\'.',
        'aws.lb.LoadBalancer "internal": name "internal-shop" must not start with \'internal-\'.',
        'aws.kms.Alias "reserved": name "alias/aws/shop" must not start with the reserved \'alias/aws/\'.',
      ].sort(),
    );
  });
});

describe("dashboard widgets: type custom (a Lambda-rendered widget) is valid, at most 500 widgets", () => {
  const custom = {
    type: "custom",
    x: 0,
    y: 0,
    width: 12,
    height: 6,
    properties: { endpoint: "arn:aws:lambda:eu-west-1:123456789012:function:widget", title: "Orders" },
  };
  const unknown = { ...custom, type: "graph" };
  const grid = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ type: "text", x: i % 24, y: Math.floor(i / 24), width: 1, height: 1, properties: { markdown: String(i) } }));
  it("the program's check", () => {
    expect(validateDashboardBody({ widgets: [custom] })).toEqual([]);
    expect(validateDashboardBody({ widgets: [unknown] }).join()).toMatch(/type "graph" is not one of metric, text, log, alarm, explorer, custom/);
    expect(validateDashboardBody({ widgets: [{ ...custom, properties: {} }] }).join()).toMatch(/\(custom\) needs properties\.endpoint/);
    expect(validateDashboardBody({ widgets: grid(500) })).toEqual([]);
    expect(validateDashboardBody({ widgets: grid(501) })).toEqual(["body has 501 widgets; a dashboard holds at most 500"]);
  });
  it("the pack's rule", async () => {
    const e = await check(() => {
      new aws.cloudwatch.Dashboard("custom", { dashboardName: "custom", dashboardBody: JSON.stringify({ widgets: [custom] }) });
      new aws.cloudwatch.Dashboard("unknown", { dashboardName: "unknown", dashboardBody: JSON.stringify({ widgets: [unknown] }) });
    });
    expect(details("cloudwatch-dashboard-body", e)).toEqual([
      'aws.cloudwatch.Dashboard "unknown": widgets[0] type "graph" is not one of metric, text, log, alarm, explorer, custom.',
    ]);
    expect(dashboardBodyProblems({ widgets: grid(500) })).toEqual([]);
    expect(dashboardBodyProblems({ widgets: grid(501) })).toEqual(["body has 501 widgets; a dashboard holds at most 500"]);
  });
  it("statistics: CloudWatch's forms pass, an invented one fails, in both", () => {
    const row = (stat: string) => ({
      widgets: [{ type: "metric", x: 0, y: 0, width: 6, height: 6, properties: { region: "eu-west-1", metrics: [["AWS/Lambda", "Duration", { stat }]] } }],
    });
    for (const stat of ["p99", "p99.9", "p100", "tm90", "TM(10%:90%)", "PR(:300)", "IQM", "SampleCount"]) {
      expect(validateDashboardBody(row(stat)), stat).toEqual([]);
      expect(dashboardBodyProblems(row(stat)), stat).toEqual([]);
    }
    expect(validateDashboardBody(row("Median")).join()).toMatch(/stat "Median", which is not a CloudWatch statistic/);
    expect(dashboardBodyProblems(row("p101")).join()).toMatch(/stat "p101", which is not a CloudWatch statistic/);
  });
});

describe("Aurora Serverless v2 ACUs: AWS accepts 0 (auto-pause) to 256; the program's config keeps 0.5 behind RDS Proxy", () => {
  const parse = (extra: RawConfig) => parseConfig({ environmentSuffix: "dev", ...extra });
  const rejection = (extra: RawConfig): string => {
    try {
      parse(extra);
      return "accepted";
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return (e as Error).message;
    }
  };
  it("the program's config: 0.5 to 256, and 0 names auto-pause and the proxy", () => {
    expect(parse({ dbMinCapacity: "0.5" }).dbMinCapacity).toBe(0.5);
    expect(rejection({ dbMinCapacity: "0" })).toMatch(
      /ecommerce-platform:dbMinCapacity is "0" \(0 means auto-pause, which RDS Proxy in front of the cluster prevents\); allowed: .* from 0\.5 to 256/,
    );
    expect(parse({ dbMaxCapacity: "256" }).dbMaxCapacity).toBe(256);
    expect(rejection({ dbMaxCapacity: "256.5" })).toMatch(/ecommerce-platform:dbMaxCapacity is "256\.5"; allowed: .* from 0\.5 to 256 in steps of 0\.5/);
  });
  it("the pack's rule: 0 to 256 for any program", async () => {
    const cluster = (name: string, minCapacity: number, maxCapacity: number) =>
      new aws.rds.Cluster(name, {
        clusterIdentifier: name,
        engine: "aurora-postgresql",
        engineMode: "provisioned",
        engineVersion: "17.4",
        serverlessv2ScalingConfiguration: { minCapacity, maxCapacity },
      });
    const e = await check(() => {
      cluster("paused", 0, 256);
      cluster("below", -0.5, 4);
      cluster("above", 0.5, 256.5);
    });
    expect(details("aurora-serverless-v2", e)).toEqual([
      'aws.rds.Cluster "below": serverlessv2ScalingConfiguration.minCapacity -0.5 ACU must be in 0..256 in steps of 0.5.',
      'aws.rds.Cluster "above": serverlessv2ScalingConfiguration.maxCapacity 256.5 ACU must be in 0..256 in steps of 0.5.',
    ]);
  });
});
