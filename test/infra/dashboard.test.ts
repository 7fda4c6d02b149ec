import { describe, expect, it } from "vitest";
import { dashboardBodyProblems } from "../../policy/lib/dashboard";
import { isValidAlarmPeriod } from "../../policy/lib/limits";
import {
  alarmDefinitions,
  auroraPostgresMaxConnections,
  dashboardBody,
  defaultAlarmThresholds,
  validateDashboardBody,
  type MetricRow,
  type MetricWidget,
  type MonitoredResources,
} from "../../infra/dashboard";

const ALL: MonitoredResources = {
  apiFunction: { functionName: "ecommerce-api-dev1" },
  loadBalancer: { albArnSuffix: "app/ecommerce-alb-dev1/0123456789abcdef", targetGroupArnSuffix: "targetgroup/ecommerce-tg-dev1/fedcba9876543210" },
  restApi: { restApiName: "ecommerce-api-dev1", stageName: "prod" },
  database: { clusterIdentifier: "ecommerce-aurora-dev1" },
  proxy: { proxyName: "ecommerce-proxy-dev1" },
  tables: { tableNames: ["ecommerce-sessions-dev1", "ecommerce-cache-dev1"] },
  cdn: { distributionId: "EDFDVBD6EXAMPLE" },
};

const body = dashboardBody(ALL, "eu-west-1");
const metricWidgets = body.widgets.filter((w): w is MetricWidget => w.type === "metric");
const rows: MetricRow[] = metricWidgets.flatMap((w) => w.properties.metrics);

/** Rows for a metric, as [dimensions as an object, options]. */
function find(namespace: string, name: string): { dims: Record<string, string>; options: Record<string, unknown> }[] {
  return rows
    .filter((r) => r[0] === namespace && r[1] === name)
    .map((r) => {
      const last = r[r.length - 1];
      const options = typeof last === "object" ? (last as Record<string, unknown>) : {};
      const strings = (typeof last === "object" ? r.slice(2, -1) : r.slice(2)) as string[];
      const dims: Record<string, string> = {};
      for (let i = 0; i < strings.length; i += 2) dims[strings[i]!] = strings[i + 1]!;
      return { dims, options };
    });
}

describe("dashboard body (pure)", () => {
  it("is valid CloudWatch dashboard JSON: region on every metric widget, name/value dimensions, allowed options, 24-column grid", () => {
    expect(validateDashboardBody(JSON.parse(JSON.stringify(body)))).toEqual([]);
    for (const widget of metricWidgets) {
      const cloudfront = widget.properties.metrics.every((row) => row[0] === "AWS/CloudFront");
      expect(widget.properties.region).toBe(cloudfront ? "us-east-1" : "eu-west-1");
    }
  });

  it("passes the policy pack's independent dashboard check too (what `pulumi preview --policy-pack policy` enforces)", () => {
    expect(dashboardBodyProblems(JSON.stringify(body))).toEqual([]);
  });

  it("never puts dimensions inside the render options (the seed's defect)", () => {
    for (const row of rows) {
      const last = row[row.length - 1];
      if (typeof last === "object") expect(Object.keys(last)).not.toContain("dimensions");
    }
  });

  it("covers Lambda: avg and p99 Duration, Errors, Throttles, ConcurrentExecutions by FunctionName", () => {
    const fn = { FunctionName: "ecommerce-api-dev1" };
    const durations = find("AWS/Lambda", "Duration");
    expect(durations.map((d) => d.options.stat).sort()).toEqual(["Average", "p99"]);
    for (const name of ["Duration", "Errors", "Throttles", "ConcurrentExecutions"]) {
      const found = find("AWS/Lambda", name);
      expect(found.length, name).toBeGreaterThan(0);
      for (const f of found) expect(f.dims).toEqual(fn);
    }
  });

  it("covers the ALB: requests, target and ELB 5xx, response time, unhealthy hosts by TargetGroup + LoadBalancer", () => {
    const lb = { LoadBalancer: ALL.loadBalancer!.albArnSuffix };
    for (const name of ["RequestCount", "HTTPCode_Target_5XX_Count", "HTTPCode_ELB_5XX_Count", "TargetResponseTime"]) {
      expect(
        find("AWS/ApplicationELB", name).map((f) => f.dims),
        name,
      ).toContainEqual(lb);
    }
    expect(find("AWS/ApplicationELB", "UnHealthyHostCount").map((f) => f.dims)).toEqual([
      { TargetGroup: ALL.loadBalancer!.targetGroupArnSuffix, LoadBalancer: ALL.loadBalancer!.albArnSuffix },
    ]);
  });

  it("covers API Gateway: Count, 4XXError, 5XXError, Latency by ApiName + Stage", () => {
    for (const name of ["Count", "4XXError", "5XXError", "Latency"]) {
      const found = find("AWS/ApiGateway", name);
      expect(found.length, name).toBeGreaterThan(0);
      for (const f of found) expect(f.dims).toEqual({ ApiName: "ecommerce-api-dev1", Stage: "prod" });
    }
  });

  it("covers Aurora (ACU, connections, CPU by cluster) and RDS Proxy (client/database connections, latency by proxy)", () => {
    for (const name of ["ServerlessDatabaseCapacity", "CPUUtilization"]) {
      expect(
        find("AWS/RDS", name).map((f) => f.dims),
        name,
      ).toEqual([{ DBClusterIdentifier: "ecommerce-aurora-dev1" }]);
    }
    expect(find("AWS/RDS", "DatabaseConnections").map((f) => f.dims)).toEqual([
      { DBClusterIdentifier: "ecommerce-aurora-dev1" },
      { ProxyName: "ecommerce-proxy-dev1" },
    ]);
    for (const name of ["ClientConnections", "QueryDatabaseResponseLatency"]) {
      for (const f of find("AWS/RDS", name)) expect(f.dims, name).toEqual({ ProxyName: "ecommerce-proxy-dev1" });
    }
  });

  it("covers DynamoDB per table: consumed read/write capacity, throttled requests and latency per operation", () => {
    for (const table of ALL.tables!.tableNames) {
      for (const name of ["ConsumedReadCapacityUnits", "ConsumedWriteCapacityUnits"]) {
        expect(
          find("AWS/DynamoDB", name).map((f) => f.dims),
          name,
        ).toContainEqual({ TableName: table });
      }
      for (const name of ["ThrottledRequests", "SuccessfulRequestLatency"]) {
        const ops = find("AWS/DynamoDB", name)
          .filter((f) => f.dims.TableName === table)
          .map((f) => f.dims.Operation);
        // The operations the API sends (its IAM grant), none it never calls.
        expect(ops, `${table} ${name}`).toEqual(["GetItem", "PutItem", "UpdateItem"]);
      }
    }
  });

  it("covers CloudFront (requests, 4xx and 5xx rates by DistributionId + Region=Global) in us-east-1, where its metrics live", () => {
    for (const name of ["Requests", "4xxErrorRate", "5xxErrorRate"]) {
      expect(
        find("AWS/CloudFront", name).map((f) => f.dims),
        name,
      ).toEqual([{ DistributionId: "EDFDVBD6EXAMPLE", Region: "Global" }]);
    }
    const cloudfrontWidgets = metricWidgets.filter((w) => w.properties.metrics.some((row) => row[0] === "AWS/CloudFront"));
    expect(cloudfrontWidgets.length).toBeGreaterThan(0);
    for (const w of cloudfrontWidgets) expect(w.properties.region).toBe("us-east-1");
  });

  it("leaves off the services it was not given, and refuses an empty dashboard", () => {
    const partial = dashboardBody({ apiFunction: ALL.apiFunction }, "us-east-1");
    expect(validateDashboardBody(partial)).toEqual([]);
    const namespaces = new Set(partial.widgets.flatMap((w) => (w.type === "metric" ? w.properties.metrics.map((r) => r[0]) : [])));
    expect([...namespaces]).toEqual(["AWS/Lambda"]);
    expect(() => dashboardBody({}, "us-east-1")).toThrow(/no monitored resources/);
  });
});

describe("dashboard validator (catches what CloudWatch rejects at deploy time)", () => {
  const widget = (overrides: Record<string, unknown> = {}, properties: Record<string, unknown> = {}) => ({
    type: "metric",
    x: 0,
    y: 0,
    width: 12,
    height: 6,
    ...overrides,
    properties: { region: "eu-west-1", metrics: [["AWS/Lambda", "Errors", "FunctionName", "f"]], ...properties },
  });

  it("accepts a minimal valid body", () => {
    expect(validateDashboardBody({ widgets: [widget()] })).toEqual([]);
  });

  it("rejects dimensions inside the options object (the seed's form)", () => {
    const problems = validateDashboardBody({
      widgets: [widget({}, { metrics: [["AWS/Lambda", "Duration", { stat: "Average", dimensions: { FunctionName: "f" } }]] })],
    });
    expect(problems.join("\n")).toMatch(/render option "dimensions" \(dimensions go in the row/);
  });

  it("rejects a metric widget without region, an odd dimension list, a bad stat or period", () => {
    expect(validateDashboardBody({ widgets: [widget({}, { region: undefined })] }).join()).toMatch(/region/);
    expect(validateDashboardBody({ widgets: [widget({}, { metrics: [["AWS/Lambda", "Errors", "FunctionName"]] })] }).join()).toMatch(/name\/value pairs/);
    expect(validateDashboardBody({ widgets: [widget({}, { metrics: [["AWS/Lambda", "Errors", { stat: "Median" }]] })] }).join()).toMatch(
      /not a CloudWatch statistic/,
    );
    expect(validateDashboardBody({ widgets: [widget({}, { period: 45 })] }).join()).toMatch(/period 45/);
  });

  it("rejects widgets off the 24-column grid or overlapping", () => {
    expect(validateDashboardBody({ widgets: [widget({ x: 16, width: 12 })] }).join()).toMatch(/the grid is 24 wide/);
    expect(validateDashboardBody({ widgets: [widget(), widget({ x: 6 })] }).join()).toMatch(/overlaps widget 0/);
    expect(validateDashboardBody({ widgets: [] })).toEqual(["dashboard body needs a non-empty widgets array"]);
  });
});

describe("alarm definitions (pure)", () => {
  const thresholds = defaultAlarmThresholds(16);
  const alarms = alarmDefinitions(ALL, thresholds);
  const byKey = Object.fromEntries(alarms.map((a) => [a.key, a]));

  it("defines the five alarms the issue asks for", () => {
    expect(alarms.map((a) => a.key).sort()).toEqual(["alb-unhealthy-hosts", "api-5xx", "db-connections", "lambda-errors", "lambda-throttles"]);
  });

  it("watches the right metric with the right dimensions", () => {
    expect(byKey["alb-unhealthy-hosts"]).toMatchObject({
      namespace: "AWS/ApplicationELB",
      metricName: "UnHealthyHostCount",
      dimensions: { TargetGroup: ALL.loadBalancer!.targetGroupArnSuffix, LoadBalancer: ALL.loadBalancer!.albArnSuffix },
      statistic: "Maximum",
      threshold: 1,
    });
    expect(byKey["lambda-errors"]).toMatchObject({
      namespace: "AWS/Lambda",
      metricName: "Errors",
      dimensions: { FunctionName: "ecommerce-api-dev1" },
      statistic: "Sum",
    });
    expect(byKey["lambda-throttles"]).toMatchObject({ namespace: "AWS/Lambda", metricName: "Throttles", statistic: "Sum", threshold: 1 });
    expect(byKey["db-connections"]).toMatchObject({
      namespace: "AWS/RDS",
      metricName: "DatabaseConnections",
      dimensions: { DBClusterIdentifier: "ecommerce-aurora-dev1" },
    });
    expect(byKey["api-5xx"]).toMatchObject({
      namespace: "AWS/ApiGateway",
      metricName: "5XXError",
      dimensions: { ApiName: "ecommerce-api-dev1", Stage: "prod" },
    });
  });

  it("uses valid periods and needs 2 bad minutes out of 3", () => {
    for (const alarm of alarms) {
      expect(isValidAlarmPeriod(alarm.period), alarm.key).toBe(true);
      expect(alarm.datapointsToAlarm).toBeLessThanOrEqual(alarm.evaluationPeriods);
      expect([alarm.evaluationPeriods, alarm.datapointsToAlarm]).toEqual([3, 2]);
    }
    expect([10, 20, 30, 60, 300].every(isValidAlarmPeriod)).toBe(true);
    expect([0, 15, 45, 90].some(isValidAlarmPeriod)).toBe(false);
  });

  it("sizes the connections alarm at 80% of Aurora's max_connections for the configured max ACU", () => {
    expect(auroraPostgresMaxConnections(16)).toBe(3604);
    expect(thresholds.databaseConnections).toBe(2883);
    expect(defaultAlarmThresholds(1).databaseConnections).toBe(180);
    expect(auroraPostgresMaxConnections(256)).toBe(5000);
    expect(() => auroraPostgresMaxConnections(0)).toThrow(/0.5..256/);
  });

  it("only alarms on what it was given", () => {
    expect(alarmDefinitions({ apiFunction: ALL.apiFunction }, thresholds).map((a) => a.key)).toEqual(["lambda-errors", "lambda-throttles"]);
  });
});
