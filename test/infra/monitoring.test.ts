import { beforeAll, describe, expect, it, vi } from "vitest";
import { validateDashboardBody } from "../../infra/dashboard";
import { alarmTopicKeyPolicy } from "../../infra/kms-policies";
import { Monitoring } from "../../infra/monitoring";
import { REQUIRED_TAG_KEYS } from "../../infra/tags";
import { MOCK_ACCOUNT_ID, MOCK_REGION, installMocks, ofType, oneOfType, registered, resolve, settle, testTags } from "./harness";

const TAGS = testTags("mon1");
const RESOURCES = {
  apiFunction: { functionName: "ecommerce-api-mon1" },
  loadBalancer: { albArnSuffix: "app/ecommerce-alb-mon1/0123456789abcdef", targetGroupArnSuffix: "targetgroup/ecommerce-tg-mon1/0123456789abcdef" },
  restApi: { restApiName: "ecommerce-api-mon1", stageName: "prod" },
  database: { clusterIdentifier: "ecommerce-aurora-mon1" },
  proxy: { proxyName: "ecommerce-proxy-mon1" },
  tables: { tableNames: ["ecommerce-sessions-mon1", "ecommerce-cache-mon1"] },
};

let monitoring: Monitoring;

/** The stack region's one resource of a type (the us-east-1 topic's resources name their region). */
const home = (type: string) => {
  const found = ofType(type).filter((r) => r.inputs.region === undefined);
  expect(found, type).toHaveLength(1);
  return found[0]!;
};
const inUsEast1 = (type: string) => ofType(type).filter((r) => r.inputs.region === "us-east-1");

beforeAll(async () => {
  await installMocks({ environmentSuffix: "mon1" });
  monitoring = new Monitoring("monitoring", {
    environmentSuffix: "mon1",
    tags: TAGS,
    resources: RESOURCES,
    alarmEmail: "ops@example.com",
    dbMaxCapacityAcu: 16,
  });
  await settle();
});

describe("Monitoring component", () => {
  it("creates an alarm topic encrypted with a rotating customer-managed key CloudWatch may use (alias/aws/sns would silently drop alarms)", () => {
    const topic = home("aws:sns/topic:Topic");
    const key = home("aws:kms/key:Key");
    expect(topic.inputs.name).toBe("ecommerce-alarms-mon1");
    expect(topic.inputs.kmsMasterKeyId).toBe(key.state.arn);
    expect(topic.inputs.kmsMasterKeyId).not.toBe("alias/aws/sns");
    expect(key.inputs.enableKeyRotation).toBe(true);
    const policy = JSON.parse(key.inputs.policy);
    expect(policy).toEqual(alarmTopicKeyPolicy("aws", MOCK_ACCOUNT_ID));
    const cw = policy.Statement.find((s: any) => s.Principal.Service === "cloudwatch.amazonaws.com");
    expect(cw.Action).toEqual(["kms:Decrypt", "kms:GenerateDataKey*"]);
    expect(home("aws:kms/alias:Alias").inputs.name).toBe("alias/ecommerce-alarms-key-mon1");
  });

  it("lets only this account's CloudWatch alarms publish, over TLS", () => {
    const topicArn = home("aws:sns/topic:Topic").state.arn;
    const policy = JSON.parse(home("aws:sns/topicPolicy:TopicPolicy").inputs.policy);
    const publish = policy.Statement.find((s: any) => s.Sid === "CloudWatchAlarmsPublish");
    expect(publish).toMatchObject({ Effect: "Allow", Principal: { Service: "cloudwatch.amazonaws.com" }, Action: "sns:Publish", Resource: topicArn });
    expect(publish.Condition.StringEquals["aws:SourceAccount"]).toBe(MOCK_ACCOUNT_ID);
    expect(publish.Condition.ArnLike["aws:SourceArn"]).toBe(`arn:aws:cloudwatch:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:alarm:*`);
    const deny = policy.Statement.find((s: any) => s.Effect === "Deny");
    expect(deny.Condition).toEqual({ Bool: { "aws:SecureTransport": "false" } });
    expect(policy.Statement.every((s: any) => s.Resource === topicArn)).toBe(true);
  });

  it("subscribes the configured e-mail address to the topic", () => {
    const sub = home("aws:sns/topicSubscription:TopicSubscription").inputs;
    expect(sub).toMatchObject({ protocol: "email", endpoint: "ops@example.com", topic: home("aws:sns/topic:Topic").state.arn });
  });

  it("registers a dashboard whose body is valid CloudWatch JSON in the stack's region, covering every service", () => {
    const dashboard = oneOfType("aws:cloudwatch/dashboard:Dashboard").inputs;
    expect(dashboard.dashboardName).toBe("ecommerce-platform-mon1");
    const body = JSON.parse(dashboard.dashboardBody);
    expect(validateDashboardBody(body)).toEqual([]);
    const metricWidgets = body.widgets.filter((w: any) => w.type === "metric");
    expect(metricWidgets.every((w: any) => w.properties.region === MOCK_REGION)).toBe(true);
    const namespaces = new Set(metricWidgets.flatMap((w: any) => w.properties.metrics.map((row: any[]) => row[0])));
    expect([...namespaces].sort()).toEqual(["AWS/ApiGateway", "AWS/ApplicationELB", "AWS/DynamoDB", "AWS/Lambda", "AWS/RDS"]);
  });

  it("creates the five alarms, each notifying the topic on alarm and on recovery, missing data not breaching", () => {
    const topicArn = home("aws:sns/topic:Topic").state.arn;
    const alarms = ofType("aws:cloudwatch/metricAlarm:MetricAlarm");
    expect(alarms.map((a) => a.inputs.name).sort()).toEqual([
      "ecommerce-alb-unhealthy-hosts-mon1",
      "ecommerce-api-5xx-mon1",
      "ecommerce-db-connections-mon1",
      "ecommerce-lambda-errors-mon1",
      "ecommerce-lambda-throttles-mon1",
    ]);
    for (const { inputs } of alarms) {
      expect(inputs.alarmActions, inputs.name).toEqual([topicArn]);
      expect(inputs.okActions, inputs.name).toEqual([topicArn]);
      expect(inputs.treatMissingData).toBe("notBreaching");
      expect(inputs.period === 60 || [10, 20, 30].includes(inputs.period) || inputs.period % 60 === 0).toBe(true);
      expect(inputs.alarmDescription).toBeTruthy();
    }
  });

  it("points the alarms at the monitored resources with real dimensions", () => {
    const byName = Object.fromEntries(ofType("aws:cloudwatch/metricAlarm:MetricAlarm").map((a) => [a.inputs.name, a.inputs]));
    expect(byName["ecommerce-alb-unhealthy-hosts-mon1"]).toMatchObject({
      namespace: "AWS/ApplicationELB",
      metricName: "UnHealthyHostCount",
      dimensions: { TargetGroup: RESOURCES.loadBalancer.targetGroupArnSuffix, LoadBalancer: RESOURCES.loadBalancer.albArnSuffix },
    });
    expect(byName["ecommerce-lambda-errors-mon1"]).toMatchObject({ metricName: "Errors", dimensions: { FunctionName: "ecommerce-api-mon1" } });
    expect(byName["ecommerce-db-connections-mon1"]).toMatchObject({ metricName: "DatabaseConnections", threshold: 2883 });
    expect(byName["ecommerce-api-5xx-mon1"]).toMatchObject({ metricName: "5XXError", dimensions: { ApiName: "ecommerce-api-mon1", Stage: "prod" } });
  });

  it("tags the key, the topic and the alarms with the standard tags", () => {
    for (const r of registered.filter((r) => ["aws:kms/key:Key", "aws:sns/topic:Topic", "aws:cloudwatch/metricAlarm:MetricAlarm"].includes(r.type))) {
      for (const key of REQUIRED_TAG_KEYS) expect(r.inputs.tags?.[key], `${r.name} ${key}`).toBeTruthy();
    }
  });

  it("exports the dashboard name and the topic's ARN and name", async () => {
    expect(await resolve(monitoring.dashboardName)).toBe("ecommerce-platform-mon1");
    expect(await resolve(monitoring.alarmTopicArn)).toBe(`arn:aws:sns:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:ecommerce-alarms-mon1`);
    expect(await resolve(monitoring.alarmTopicName)).toBe("ecommerce-alarms-mon1");
  });
});

describe("Monitoring component: the us-east-1 topic for CloudFront's alarms", () => {
  it("outside us-east-1 creates a second encrypted topic there that only us-east-1 alarms of this account may publish to", async () => {
    const topic = inUsEast1("aws:sns/topic:Topic");
    expect(topic).toHaveLength(1);
    expect(topic[0]!.inputs.name).toBe("ecommerce-alarms-us-east-1-mon1");
    const key = inUsEast1("aws:kms/key:Key");
    expect(key).toHaveLength(1);
    expect(topic[0]!.inputs.kmsMasterKeyId).toBe(key[0]!.state.arn);
    expect(JSON.parse(key[0]!.inputs.policy)).toEqual(alarmTopicKeyPolicy("aws", MOCK_ACCOUNT_ID));
    expect(inUsEast1("aws:kms/alias:Alias").map((a) => a.inputs.name)).toEqual(["alias/ecommerce-alarms-us-east-1-key-mon1"]);
    const policy = JSON.parse(inUsEast1("aws:sns/topicPolicy:TopicPolicy")[0]!.inputs.policy);
    const publish = policy.Statement.find((s: any) => s.Sid === "CloudWatchAlarmsPublish");
    expect(publish.Condition.ArnLike["aws:SourceArn"]).toBe(`arn:aws:cloudwatch:us-east-1:${MOCK_ACCOUNT_ID}:alarm:*`);
    expect(inUsEast1("aws:sns/topicSubscription:TopicSubscription")[0]!.inputs).toMatchObject({
      protocol: "email",
      endpoint: "ops@example.com",
      topic: topic[0]!.state.arn,
    });
    expect(await resolve(monitoring.cloudfrontAlarmTopicArn)).toBe(topic[0]!.state.arn);
  });

  it("in us-east-1 uses the stack's own topic", async () => {
    await installMocks({ environmentSuffix: "mon3" });
    const inVirginia = new Monitoring("mon3", {
      environmentSuffix: "mon3",
      tags: TAGS,
      resources: { apiFunction: RESOURCES.apiFunction },
      stackRegion: "us-east-1",
      region: "us-east-1",
    });
    await settle();
    expect(ofType("aws:sns/topic:Topic")).toHaveLength(1);
    expect(await resolve(inVirginia.cloudfrontAlarmTopicArn)).toBe(await resolve(inVirginia.alarmTopicArn));
  });
});

describe("Monitoring component, partial stack without e-mail", () => {
  it("monitors only what it is given and subscribes nobody", async () => {
    await installMocks({ environmentSuffix: "mon2" });
    new Monitoring("mon2", { environmentSuffix: "mon2", tags: TAGS, resources: { apiFunction: RESOURCES.apiFunction }, region: "us-west-2" });
    await settle();
    expect(ofType("aws:sns/topicSubscription:TopicSubscription")).toHaveLength(0);
    expect(
      ofType("aws:cloudwatch/metricAlarm:MetricAlarm")
        .map((a) => a.inputs.name)
        .sort(),
    ).toEqual(["ecommerce-lambda-errors-mon2", "ecommerce-lambda-throttles-mon2"]);
    const body = JSON.parse(oneOfType("aws:cloudwatch/dashboard:Dashboard").inputs.dashboardBody);
    expect(body.widgets.filter((w: any) => w.type === "metric").every((w: any) => w.properties.region === "us-west-2")).toBe(true);
  });
});

describe("Monitoring in the whole program", () => {
  let body: any;
  const rowsOf = (namespace: string, metric: string): string[][] =>
    body.widgets
      .filter((w: any) => w.type === "metric")
      .flatMap((w: any) => w.properties.metrics)
      .filter((row: any[]) => row[0] === namespace && row[1] === metric)
      .map((row: any[]) => row.filter((part) => typeof part === "string").slice(2));

  beforeAll(async () => {
    await installMocks({ environmentSuffix: "wire2", "aws:region": "eu-west-1", alarmEmail: "oncall@example.com", dbMaxCapacity: "8" });
    vi.resetModules();
    await import("../../infra/index");
    await settle();
    body = JSON.parse(oneOfType("aws:cloudwatch/dashboard:Dashboard").inputs.dashboardBody);
  });

  it("watches the resources the program actually creates (names and ARN suffixes as registered)", () => {
    const apiFn = registered.find((r) => r.type === "aws:lambda/function:Function" && r.inputs.packageType === "Image")!;
    const alb = oneOfType("aws:lb/loadBalancer:LoadBalancer").state;
    const tg = oneOfType("aws:lb/targetGroup:TargetGroup").state;
    const restApi = oneOfType("aws:apigateway/restApi:RestApi").inputs;
    const stage = oneOfType("aws:apigateway/stage:Stage").inputs;
    const cluster = oneOfType("aws:rds/cluster:Cluster").inputs;
    const proxy = oneOfType("aws:rds/proxy:Proxy").inputs;
    const tables = ofType("aws:dynamodb/table:Table")
      .map((t) => t.inputs.name)
      .sort();

    expect(rowsOf("AWS/Lambda", "Errors")).toEqual([["FunctionName", apiFn.inputs.name]]);
    expect(rowsOf("AWS/ApplicationELB", "UnHealthyHostCount")).toEqual([["TargetGroup", tg.arnSuffix, "LoadBalancer", alb.arnSuffix]]);
    expect(rowsOf("AWS/ApiGateway", "5XXError")).toEqual([["ApiName", restApi.name, "Stage", stage.stageName]]);
    expect(rowsOf("AWS/RDS", "CPUUtilization")).toEqual([["DBClusterIdentifier", cluster.clusterIdentifier]]);
    expect(rowsOf("AWS/RDS", "ClientConnections")).toEqual([["ProxyName", proxy.name]]);
    const dashboardTables = [...new Set(rowsOf("AWS/DynamoDB", "ConsumedReadCapacityUnits").map((dims) => dims[1]))].sort();
    expect(dashboardTables).toEqual(tables);
    expect(tables).toHaveLength(2);
    const distribution = oneOfType("aws:cloudfront/distribution:Distribution");
    expect(rowsOf("AWS/CloudFront", "5xxErrorRate")).toEqual([["DistributionId", distribution.id, "Region", "Global"]]);
    // WAF allowed/blocked counts of both web ACLs: CloudFront's without a Region dimension, the API's with it.
    const acls = ofType("aws:wafv2/webAcl:WebAcl");
    expect(rowsOf("AWS/WAFV2", "BlockedRequests")).toEqual([
      ["WebACL", acls.find((a) => a.inputs.scope === "CLOUDFRONT")!.inputs.name, "Rule", "ALL"],
      ["WebACL", acls.find((a) => a.inputs.scope === "REGIONAL")!.inputs.name, "Region", MOCK_REGION, "Rule", "ALL"],
    ]);
    expect(rowsOf("AWS/WAFV2", "AllowedRequests")).toHaveLength(2);
  });

  it("points the alarms at the same resources, sizes the connections alarm from dbMaxCapacity, and mails the configured address", () => {
    const byKey: Record<string, any> = Object.fromEntries(
      ofType("aws:cloudwatch/metricAlarm:MetricAlarm").map((a) => [a.inputs.name.replace(/^ecommerce-|-wire2$/g, ""), a.inputs]),
    );
    expect(Object.keys(byKey).sort()).toEqual([
      "alb-unhealthy-hosts",
      "api-5xx",
      "api-waf-blocked-surge",
      "db-connections",
      "edge-waf-blocked-surge",
      "lambda-errors",
      "lambda-throttles",
    ]);
    expect(byKey["db-connections"].dimensions).toEqual({ DBClusterIdentifier: oneOfType("aws:rds/cluster:Cluster").inputs.clusterIdentifier });
    expect(byKey["db-connections"].threshold).toBe(1441); // 80% of LEAST(8 ACU x 2 GiB / 9531392, 5000) = 1802
    const topic = registered.find((r) => r.type === "aws:sns/topic:Topic" && r.inputs.name === "ecommerce-alarms-wire2")!;
    const edgeTopic = registered.find((r) => r.type === "aws:sns/topic:Topic" && r.inputs.name === "ecommerce-alarms-us-east-1-wire2")!;
    for (const [key, alarm] of Object.entries(byKey)) {
      expect(alarm.alarmActions, key).toEqual([key === "edge-waf-blocked-surge" ? edgeTopic.state.arn : topic.state.arn]);
    }
    for (const sub of ofType("aws:sns/topicSubscription:TopicSubscription"))
      expect(sub.inputs).toMatchObject({ protocol: "email", endpoint: "oncall@example.com" });
    expect(
      ofType("aws:sns/topicSubscription:TopicSubscription")
        .map((s) => s.inputs.topic)
        .sort(),
    ).toEqual([topic.state.arn, edgeTopic.state.arn].sort());
  });

  it("alarms on the CloudFront web ACL's blocked surge in us-east-1, where its metrics are, notifying the us-east-1 topic", () => {
    const alarm = ofType("aws:cloudwatch/metricAlarm:MetricAlarm").find((a) => a.inputs.name === "ecommerce-edge-waf-blocked-surge-wire2")!.inputs;
    const acl = ofType("aws:wafv2/webAcl:WebAcl").find((a) => a.inputs.scope === "CLOUDFRONT")!;
    expect(alarm.region).toBe("us-east-1");
    expect(alarm).toMatchObject({
      namespace: "AWS/WAFV2",
      metricName: "BlockedRequests",
      statistic: "Sum",
      period: 60,
      evaluationPeriods: 3,
      comparisonOperator: "GreaterThanThreshold",
    });
    // CloudFront's WAF metrics have no Region dimension.
    expect(alarm.dimensions).toEqual({ WebACL: acl.inputs.name, Rule: "ALL" });
    const edgeTopic = ofType("aws:sns/topic:Topic").find((t) => t.state.arn === alarm.alarmActions[0])!;
    expect(edgeTopic.inputs.region).toBe("us-east-1");
    // An alarm can act only on a topic in its own region.
    expect(alarm.alarmActions[0]).toMatch(/^arn:aws:sns:us-east-1:/);
    for (const other of ofType("aws:cloudwatch/metricAlarm:MetricAlarm").filter((a) => a.inputs.region === undefined)) {
      expect(other.inputs.alarmActions[0]).toMatch(new RegExp(`^arn:aws:sns:${MOCK_REGION}:`));
    }
    expect(alarm.okActions).toEqual(alarm.alarmActions);
  });
});
