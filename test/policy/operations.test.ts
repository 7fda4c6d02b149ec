import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { dashboardBodyProblems } from "../../policy/lib/dashboard";
import { check, details } from "./check";

const metricWidget = (props: Record<string, unknown>, grid: Record<string, unknown> = { x: 0, y: 0, width: 12, height: 6 }) => ({
  type: "metric",
  ...grid,
  properties: { region: "eu-west-1", title: "t", metrics: [["AWS/Lambda", "Errors", "FunctionName", "api", { stat: "Sum" }]], ...props },
});

describe("dashboard body rules (pure)", () => {
  it("reports invalid JSON with the parser's reason", () => {
    expect(dashboardBodyProblems("{widgets: []")[0]).toMatch(/^body is not valid JSON: /);
  });
  it("requires a region on every metric widget", () => {
    const w = metricWidget({});
    delete (w.properties as Record<string, unknown>).region;
    expect(dashboardBodyProblems({ widgets: [w] })).toEqual(["widgets[0] (metric) has no properties.region; every metric widget needs one"]);
  });
  it("rejects dimensions inside the render options and odd name/value pairs", () => {
    const body = {
      widgets: [
        metricWidget({
          metrics: [
            ["AWS/Lambda", "Errors", { dimensions: { FunctionName: "api" } }],
            ["AWS/Lambda", "Errors", "FunctionName"],
          ],
        }),
      ],
    };
    expect(dashboardBodyProblems(body)).toEqual([
      'widgets[0].properties.metrics[0] has render option "dimensions" (dimensions go in the row as name/value strings); allowed: color, label, period, stat, visible, yAxis, id, region, accountId',
      "widgets[0].properties.metrics[1] has 3 strings; after namespace and metric name, dimensions must come as name/value pairs (an even count of at least 2)",
    ]);
  });
  it("rejects widgets that overflow the 24-column grid", () => {
    expect(dashboardBodyProblems({ widgets: [metricWidget({}, { x: 18, y: 0, width: 12, height: 6 })] })).toEqual([
      "widgets[0] spans x=18 + width=12 = 30 columns; the grid is 24 wide",
    ]);
  });
  it("accepts expression rows, '...' shorthand, text widgets and alarm annotations", () => {
    const body = {
      widgets: [
        metricWidget({
          metrics: [
            [{ expression: "m1/m2", label: "ratio", id: "e1" }],
            ["AWS/Lambda", "Errors", "FunctionName", "api", { id: "m1", visible: false }],
            ["...", "other"],
          ],
        }),
        { type: "text", x: 12, y: 0, width: 12, height: 2, properties: { markdown: "# Shop" } },
        {
          type: "metric",
          x: 0,
          y: 6,
          width: 24,
          height: 6,
          properties: { region: "eu-west-1", annotations: { alarms: ["arn:aws:cloudwatch:eu-west-1:1:alarm:a"] } },
        },
      ],
    };
    expect(dashboardBodyProblems(body)).toEqual([]);
  });
});

describe("cloudwatch-dashboard-body (mandatory)", () => {
  it("names the dashboard and each problem", async () => {
    const e = await check(() => {
      new aws.cloudwatch.Dashboard("ops", {
        dashboardName: "ops",
        dashboardBody: JSON.stringify({ widgets: [{ type: "metric", properties: { metrics: [["AWS/Lambda", "Errors"]] } }] }),
      });
    });
    expect(details("cloudwatch-dashboard-body", e)).toEqual([
      'aws.cloudwatch.Dashboard "ops": widgets[0] (metric) has no properties.region; every metric widget needs one.',
    ]);
    expect(e.violations[0]!.level).toBe("mandatory");
  });
  it("accepts a valid body", async () => {
    const e = await check(
      () => void new aws.cloudwatch.Dashboard("ops", { dashboardName: "ops", dashboardBody: JSON.stringify({ widgets: [metricWidget({})] }) }),
    );
    expect(details("cloudwatch-dashboard-body", e)).toEqual([]);
  });
});

const alarm = (extra: Partial<aws.cloudwatch.MetricAlarmArgs>) => () =>
  void new aws.cloudwatch.MetricAlarm("errors", {
    comparisonOperator: "GreaterThanThreshold",
    metricName: "Errors",
    namespace: "AWS/Lambda",
    statistic: "Sum",
    threshold: 1,
    period: 60,
    evaluationPeriods: 5,
    ...extra,
  });

describe("cloudwatch-alarm-limits (mandatory)", () => {
  it("rejects a 45 s period, a window over one day and more datapoints than periods", async () => {
    expect(details("cloudwatch-alarm-limits", await check(alarm({ period: 45 })))).toEqual([
      'aws.cloudwatch.MetricAlarm "errors": period 45 s is not allowed; use 10, 20, 30 or a multiple of 60.',
    ]);
    expect(details("cloudwatch-alarm-limits", await check(alarm({ period: 300, evaluationPeriods: 300, datapointsToAlarm: 400 })))).toEqual([
      'aws.cloudwatch.MetricAlarm "errors": period 300 s x evaluationPeriods 300 = 90000 s exceeds the 86400 s limit.',
      'aws.cloudwatch.MetricAlarm "errors": datapointsToAlarm 400 exceeds evaluationPeriods 300.',
    ]);
  });
  it("accepts 10 s high-resolution periods and hour periods over up to 7 days", async () => {
    expect(details("cloudwatch-alarm-limits", await check(alarm({ period: 10, evaluationPeriods: 6 })))).toEqual([]);
    expect(details("cloudwatch-alarm-limits", await check(alarm({ period: 3600, evaluationPeriods: 168 })))).toEqual([]);
  });
});

describe("log retention and encryption", () => {
  it("log-retention-allowed (mandatory) rejects 10 days and names the nearest allowed value", async () => {
    const e = await check(() => void new aws.cloudwatch.LogGroup("api", { name: "/aws/lambda/api", retentionInDays: 10 }));
    expect(details("log-retention-allowed", e)).toEqual([
      'aws.cloudwatch.LogGroup "api": retentionInDays 10 is not accepted by CloudWatch Logs (nearest longer: 14).',
    ]);
  });
  it("log-retention-set and log-group-kms (advisory) flag a group that keeps logs forever, unencrypted by a customer key", async () => {
    const e = await check(() => void new aws.cloudwatch.LogGroup("api", { name: "/aws/lambda/api" }));
    expect(details("log-retention-set", e)).toEqual(['aws.cloudwatch.LogGroup "api": retentionInDays is unset (never expire); set a retention period.']);
    expect(details("log-group-kms", e)).toHaveLength(1);
  });
  it("accepts 30 days retention with a KMS key", async () => {
    const e = await check(
      () => void new aws.cloudwatch.LogGroup("api", { name: "/aws/lambda/api", retentionInDays: 30, kmsKeyId: "arn:aws:kms:eu-west-1:1:key/k" }),
    );
    for (const p of ["log-retention-allowed", "log-retention-set", "log-group-kms"]) expect(details(p, e)).toEqual([]);
  });
});

interface ApiOpts {
  viaAlias?: number;
  triggers?: Record<string, string>;
  account?: "none" | "unordered" | "ordered";
  rateLimit?: number;
  burstLimit?: number;
  reserved?: number;
  xray?: boolean;
}

function restApi(o: ApiOpts = {}) {
  return () => {
    const fn = new aws.lambda.Function("api-fn", {
      role: "arn:aws:iam::123456789012:role/r",
      packageType: "Image",
      imageUri: `r@sha256:${"c".repeat(64)}`,
      architectures: ["arm64"],
      reservedConcurrentExecutions: o.reserved ?? 10,
      tracingConfig: { mode: "Active" },
    });
    const api = new aws.apigateway.RestApi("api", { name: "shop" });
    const proxy = new aws.apigateway.Resource("proxy", { restApi: api.id, parentId: api.rootResourceId, pathPart: "{proxy+}" });
    const method = new aws.apigateway.Method("any", { restApi: api.id, resourceId: proxy.id, httpMethod: "ANY", authorization: "NONE", apiKeyRequired: true });
    let target: pulumi.Output<string> = fn.invokeArn;
    if (o.viaAlias !== undefined) {
      const alias = new aws.lambda.Alias("live", { name: "live", functionName: fn.name, functionVersion: "1" });
      new aws.lambda.ProvisionedConcurrencyConfig("live-pc", { functionName: fn.name, qualifier: alias.name, provisionedConcurrentExecutions: o.viaAlias });
      target = alias.invokeArn;
    }
    const integration = new aws.apigateway.Integration("lambda", {
      restApi: api.id,
      resourceId: proxy.id,
      httpMethod: method.httpMethod,
      type: "AWS_PROXY",
      integrationHttpMethod: "POST",
      uri: target,
    });
    const deployment = new aws.apigateway.Deployment(
      "deploy",
      { restApi: api.id, triggers: o.triggers ?? { redeploy: "hash-of-methods" } },
      { dependsOn: [integration] },
    );
    const logs = new aws.cloudwatch.LogGroup("access", { name: "api-access", retentionInDays: 30 });
    let account: aws.apigateway.Account | undefined;
    if ((o.account ?? "ordered") !== "none")
      account = new aws.apigateway.Account("account", { cloudwatchRoleArn: "arn:aws:iam::123456789012:role/apigw-logs" });
    const stage = new aws.apigateway.Stage(
      "stage",
      {
        restApi: api.id,
        deployment: deployment.id,
        stageName: "prod",
        xrayTracingEnabled: o.xray ?? true,
        accessLogSettings: { destinationArn: logs.arn, format: "$context.requestId" },
      },
      { dependsOn: o.account === "unordered" || !account ? [] : [account] },
    );
    new aws.apigateway.UsagePlan("plan", {
      apiStages: [{ apiId: api.id, stage: stage.stageName }],
      throttleSettings: { rateLimit: o.rateLimit ?? 10_000, burstLimit: o.burstLimit ?? 5_000 },
    });
  };
}

describe("apigateway-deployment-triggers (mandatory)", () => {
  it("rejects a deployment without triggers and accepts one with them", async () => {
    expect(details("apigateway-deployment-triggers", await check(restApi({ triggers: {} })))).toEqual([
      'aws.apigateway.Deployment "deploy": triggers is empty; set triggers to a hash of the API\'s resources, methods and integrations so changes create a new deployment.',
    ]);
    expect(details("apigateway-deployment-triggers", await check(restApi()))).toEqual([]);
  });
});

describe("apigateway-account-logging-role (mandatory, stack)", () => {
  it("rejects access logging without an apigateway.Account, and a stage created before the Account", async () => {
    expect(details("apigateway-account-logging-role", await check(restApi({ account: "none" })))).toEqual([
      'aws.apigateway.Stage "stage": accessLogSettings sends logs to CloudWatch but the stack has no aws.apigateway.Account with cloudwatchRoleArn.',
    ]);
    expect(details("apigateway-account-logging-role", await check(restApi({ account: "unordered" })))).toEqual([
      'aws.apigateway.Stage "stage": accessLogSettings needs the account\'s CloudWatch role first; add dependsOn aws.apigateway.Account "account".',
    ]);
  });
  it("accepts a stage that depends on the Account", async () => {
    expect(details("apigateway-account-logging-role", await check(restApi()))).toEqual([]);
  });
});

describe("apigateway-throttle-within-account (advisory)", () => {
  it("flags a usage plan above the 10,000/5,000 account default and accepts one at it", async () => {
    expect(details("apigateway-throttle-within-account", await check(restApi({ rateLimit: 20_000, burstLimit: 6_000 })))).toEqual([
      'aws.apigateway.UsagePlan "plan": throttleSettings rateLimit 20000 req/s exceeds the account default 10000 req/s; request a quota increase or lower it.',
      'aws.apigateway.UsagePlan "plan": throttleSettings burstLimit 6000 exceeds the account default 5000; request a quota increase or lower it.',
    ]);
    expect(details("apigateway-throttle-within-account", await check(restApi()))).toEqual([]);
  });
});

describe("api-capacity-littles-law (advisory, stack)", () => {
  it("explains the seed: 10 reserved executions at 100 ms serve 100 req/s against a 10,000 req/s throttle", async () => {
    const e = await check(restApi());
    const v = e.violations.filter((x) => x.policy === "api-capacity-littles-law");
    expect(v).toHaveLength(1);
    expect(v[0]!.level).toBe("advisory");
    expect(v[0]!.detail).toBe(
      'aws.lambda.Function "api-fn": 10 reserved concurrent executions at 100 ms per request serve at most 100 req/s ' +
        '(Little\'s law: requests/s = concurrency / seconds per request), but aws.apigateway.UsagePlan "plan" throttle admits 10000 req/s. ' +
        "Serving 10000 req/s needs 1000 concurrent executions at 100 ms; raise the concurrency or lower the throttle to 100 req/s.",
    );
  });
  it("follows an integration through the function's alias and counts provisioned executions", async () => {
    const e = await check(restApi({ viaAlias: 5 }));
    expect(details("api-capacity-littles-law", e)[0]).toContain(
      'aws.lambda.Function "api-fn": 10 reserved concurrent executions (5 of them provisioned) at 100 ms per request serve at most 100 req/s',
    );
  });
  it("uses the configured expected duration", async () => {
    const e = await check(restApi({ reserved: 200 }), { config: { "api-capacity-littles-law": { expectedDurationMs: 20 } } });
    expect(details("api-capacity-littles-law", e)).toEqual([]);
    const slow = await check(restApi({ reserved: 200 }), { config: { "api-capacity-littles-law": { expectedDurationMs: 50 } } });
    expect(details("api-capacity-littles-law", slow)[0]).toContain("200 reserved concurrent executions at 50 ms per request serve at most 4000 req/s");
  });
  it("passes when concurrency covers the throttle (1000 reserved at 100 ms = 10,000 req/s)", async () => {
    expect(details("api-capacity-littles-law", await check(restApi({ reserved: 1000 })))).toEqual([]);
  });
});

describe("lambda-reserved-concurrency-pool (advisory, stack)", () => {
  it("flags reservations that leave fewer than 100 unreserved executions under the configured quota", async () => {
    const e = await check(restApi({ reserved: 10 }), { config: { "lambda-reserved-concurrency-pool": { accountConcurrency: 100 } } });
    expect(details("lambda-reserved-concurrency-pool", e)).toEqual([
      'the stack reserves 10 concurrent executions (aws.lambda.Function "api-fn" 10); an account quota of 100 allows at most 0 (100 must stay unreserved). Request a quota increase or reserve less.',
    ]);
    expect(e.violations.find((v) => v.policy === "lambda-reserved-concurrency-pool")!.urn).toBeUndefined();
  });
  it("accepts them under the default 1,000 quota", async () => {
    expect(details("lambda-reserved-concurrency-pool", await check(restApi({ reserved: 900 })))).toEqual([]);
  });
});

function albLambda(o: { permission?: "none" | "unordered" | "ordered"; interval?: number; timeout?: number; multiValue?: boolean }) {
  return () => {
    const fn = new aws.lambda.Function("api-fn", {
      role: "arn:aws:iam::1:role/r",
      packageType: "Image",
      imageUri: `r@sha256:${"c".repeat(64)}`,
      architectures: ["arm64"],
    });
    const tg = new aws.lb.TargetGroup("api-tg", {
      name: "shop-api",
      targetType: "lambda",
      lambdaMultiValueHeadersEnabled: o.multiValue ?? true,
      healthCheck: { enabled: true, path: "/health", interval: o.interval ?? 5, timeout: o.timeout ?? 2 },
    });
    let permission: aws.lambda.Permission | undefined;
    if ((o.permission ?? "ordered") !== "none") {
      permission = new aws.lambda.Permission("alb-invoke", {
        action: "lambda:InvokeFunction",
        function: fn.name,
        principal: "elasticloadbalancing.amazonaws.com",
        sourceArn: tg.arn,
      });
    }
    new aws.lb.TargetGroupAttachment(
      "api-attach",
      { targetGroupArn: tg.arn, targetId: fn.arn },
      { dependsOn: o.permission === "unordered" || !permission ? [] : [permission] },
    );
  };
}

describe("alb-lambda-permission-before-attachment (mandatory, stack)", () => {
  it("rejects an attachment with no ELB permission, and one that does not depend on it", async () => {
    expect(details("alb-lambda-permission-before-attachment", await check(albLambda({ permission: "none" })))).toEqual([
      'aws.lb.TargetGroupAttachment "api-attach": no lambda.Permission grants elasticloadbalancing.amazonaws.com lambda:InvokeFunction with sourceArn = aws.lb.TargetGroup "api-tg"\'s ARN.',
    ]);
    expect(details("alb-lambda-permission-before-attachment", await check(albLambda({ permission: "unordered" })))).toEqual([
      'aws.lb.TargetGroupAttachment "api-attach": must depend on aws.lambda.Permission "alb-invoke" (add dependsOn); otherwise the registration can run first and fail with AccessDenied.',
    ]);
  });
  it("accepts an attachment that depends on the permission", async () => {
    expect(details("alb-lambda-permission-before-attachment", await check(albLambda({})))).toEqual([]);
  });
});

describe("lb-health-check-timing (mandatory) and alb-lambda-multi-value-headers (advisory)", () => {
  it("rejects interval <= timeout and flags missing multi-value headers", async () => {
    const e = await check(albLambda({ interval: 5, timeout: 5, multiValue: false }));
    expect(details("lb-health-check-timing", e)).toEqual([
      'aws.lb.TargetGroup "api-tg": healthCheck.interval 5 s must be greater than healthCheck.timeout 5 s.',
    ]);
    expect(details("alb-lambda-multi-value-headers", e)).toHaveLength(1);
  });
  it("accepts 5 s interval / 2 s timeout with multi-value headers", async () => {
    const e = await check(albLambda({}));
    expect(details("lb-health-check-timing", e)).toEqual([]);
    expect(details("alb-lambda-multi-value-headers", e)).toEqual([]);
  });
});
