/**
 * What the platform's CloudWatch dashboard shows and what its alarms watch, as
 * pure functions over plain names. infra/monitoring.ts only wires them.
 *
 * The dashboard body follows CloudWatch's dashboard body structure: a metric
 * row is `[namespace, metricName, dimName, dimValue, ..., {renderOptions}]`,
 * every metric widget names its region, widgets sit on a 24-column grid.
 * `validateDashboardBody` checks those rules with the policy pack's own
 * validator, so a body that CloudWatch would reject (PutDashboard validates it
 * only at deploy time) fails at preview.
 */
import { dashboardBodyProblems, GRID_WIDTH } from "../policy/lib/dashboard";
import { AURORA_ACU } from "../policy/lib/limits";
import { API_TABLE_ACTIONS } from "./iam-policies";

/** The names and ids the metrics need; a group that is absent is left off the dashboard and the alarms. */
export interface MonitoredResources<T = string> {
  apiFunction?: { functionName: T };
  loadBalancer?: { albArnSuffix: T; targetGroupArnSuffix: T };
  restApi?: { restApiName: T; stageName: T };
  database?: { clusterIdentifier: T };
  proxy?: { proxyName: T };
  tables?: { tableNames: T[] };
  /** CloudFront publishes its metrics in us-east-1 only (dimension Region=Global), whatever the stack's region. */
  cdn?: { distributionId: T };
  /** The web ACLs: CloudFront's (metrics in us-east-1, no Region dimension) and the API stage's (stack region). */
  waf?: { cloudfrontWebAclName: T; apiWebAclName: T };
}

/** The only region CloudFront's metrics live in. */
export const CLOUDFRONT_METRICS_REGION = "us-east-1";

// ---------------------------------------------------------------------------
// Dashboard body

/** Render options CloudWatch accepts in a metric row's trailing object (METRIC_RENDER_OPTIONS). */
export type MetricRenderOptions = Partial<{
  color: string;
  label: string;
  period: number;
  stat: string;
  visible: boolean;
  yAxis: "left" | "right";
  id: string;
  region: string;
  accountId: string;
}>;

/** `[namespace, metric, dimName, dimValue, ..., options?]`. */
export type MetricRow = (string | MetricRenderOptions)[];

export interface MetricWidget {
  type: "metric";
  x: number;
  y: number;
  width: number;
  height: number;
  properties: {
    title: string;
    region: string;
    view: "timeSeries" | "singleValue";
    stacked: boolean;
    period: number;
    stat: string;
    metrics: MetricRow[];
  };
}

export interface TextWidget {
  type: "text";
  x: number;
  y: number;
  width: number;
  height: number;
  properties: { markdown: string };
}

export type Widget = MetricWidget | TextWidget;

export interface DashboardBody {
  widgets: Widget[];
}

const GRID_COLUMNS = GRID_WIDTH;
const METRIC_WIDTH = 8;
const METRIC_HEIGHT = 6;
const DEFAULT_PERIOD = 60;

/** DynamoDB reports latency and throttles per operation: a series for each one the API is allowed to call. */
export const DYNAMODB_OPERATIONS = API_TABLE_ACTIONS.map((action) => action.replace(/^dynamodb:/, ""));

type Dimensions = [name: string, value: string][];

function metric(namespace: string, name: string, dimensions: Dimensions, options?: MetricRenderOptions): MetricRow {
  const row: MetricRow = [namespace, name, ...dimensions.flat()];
  if (options && Object.keys(options).length > 0) row.push(options);
  return row;
}

interface WidgetSpec {
  title: string;
  stat: string;
  metrics: MetricRow[];
  /** Overrides the dashboard's region (CloudFront). */
  region?: string;
}

interface Section {
  heading: string;
  widgets: WidgetSpec[];
}

function sections(r: MonitoredResources, region: string): Section[] {
  const out: Section[] = [];

  if (r.apiFunction) {
    const fn: Dimensions = [["FunctionName", r.apiFunction.functionName]];
    out.push({
      heading: `API function \`${r.apiFunction.functionName}\``,
      widgets: [
        {
          title: "Duration (avg, p99)",
          stat: "Average",
          metrics: [
            metric("AWS/Lambda", "Duration", fn, { stat: "Average", label: "avg" }),
            metric("AWS/Lambda", "Duration", fn, { stat: "p99", label: "p99" }),
          ],
        },
        {
          title: "Invocations, errors, throttles",
          stat: "Sum",
          metrics: [
            metric("AWS/Lambda", "Invocations", fn, { label: "invocations" }),
            metric("AWS/Lambda", "Errors", fn, { label: "errors", color: "#d62728" }),
            metric("AWS/Lambda", "Throttles", fn, { label: "throttles", color: "#ff7f0e" }),
          ],
        },
        {
          title: "Concurrent executions (max)",
          stat: "Maximum",
          metrics: [metric("AWS/Lambda", "ConcurrentExecutions", fn, { label: "concurrent" })],
        },
      ],
    });
  }

  if (r.cdn) {
    const cf: Dimensions = [
      ["DistributionId", r.cdn.distributionId],
      ["Region", "Global"],
    ];
    out.push({
      heading: `CloudFront \`${r.cdn.distributionId}\` (metrics in ${CLOUDFRONT_METRICS_REGION})`,
      widgets: [
        { title: "Requests", stat: "Sum", region: CLOUDFRONT_METRICS_REGION, metrics: [metric("AWS/CloudFront", "Requests", cf, { label: "requests" })] },
        {
          title: "Error rates (%)",
          stat: "Average",
          region: CLOUDFRONT_METRICS_REGION,
          metrics: [
            metric("AWS/CloudFront", "4xxErrorRate", cf, { label: "4xx (incl. edge guard 401/403)", color: "#ff7f0e" }),
            metric("AWS/CloudFront", "5xxErrorRate", cf, { label: "5xx", color: "#d62728" }),
          ],
        },
      ],
    });
  }

  if (r.waf) {
    // AWS/WAFV2 dimensions: WebACL, Rule (ALL = every rule), and Region for every resource type but CloudFront.
    const counts = (acl: string, extra: Dimensions) => {
      const d: Dimensions = [["WebACL", acl], ...extra, ["Rule", "ALL"]];
      return [
        metric("AWS/WAFV2", "AllowedRequests", d, { label: "allowed", color: "#2ca02c" }),
        metric("AWS/WAFV2", "BlockedRequests", d, { label: "blocked", color: "#d62728" }),
        metric("AWS/WAFV2", "CountedRequests", d, { label: "counted (count mode)", color: "#ff7f0e" }),
      ];
    };
    out.push({
      heading: "WAF",
      widgets: [
        {
          title: `Storefront web ACL \`${r.waf.cloudfrontWebAclName}\` (${CLOUDFRONT_METRICS_REGION})`,
          stat: "Sum",
          region: CLOUDFRONT_METRICS_REGION,
          metrics: counts(r.waf.cloudfrontWebAclName, []),
        },
        { title: `API web ACL \`${r.waf.apiWebAclName}\``, stat: "Sum", metrics: counts(r.waf.apiWebAclName, [["Region", region]]) },
      ],
    });
  }

  if (r.loadBalancer) {
    const lb: Dimensions = [["LoadBalancer", r.loadBalancer.albArnSuffix]];
    const tg: Dimensions = [["TargetGroup", r.loadBalancer.targetGroupArnSuffix], ...lb];
    out.push({
      heading: "Application Load Balancer",
      widgets: [
        {
          title: "Requests and 5xx",
          stat: "Sum",
          metrics: [
            metric("AWS/ApplicationELB", "RequestCount", lb, { label: "requests" }),
            metric("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", lb, { label: "target 5xx", color: "#d62728", yAxis: "right" }),
            metric("AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", lb, { label: "ALB 5xx", color: "#9467bd", yAxis: "right" }),
          ],
        },
        {
          title: "Target response time (avg, p99)",
          stat: "Average",
          metrics: [
            metric("AWS/ApplicationELB", "TargetResponseTime", lb, { stat: "Average", label: "avg" }),
            metric("AWS/ApplicationELB", "TargetResponseTime", lb, { stat: "p99", label: "p99" }),
          ],
        },
        {
          title: "Target health",
          stat: "Maximum",
          metrics: [
            metric("AWS/ApplicationELB", "HealthyHostCount", tg, { label: "healthy" }),
            metric("AWS/ApplicationELB", "UnHealthyHostCount", tg, { label: "unhealthy", color: "#d62728" }),
          ],
        },
      ],
    });
  }

  if (r.restApi) {
    const api: Dimensions = [
      ["ApiName", r.restApi.restApiName],
      ["Stage", r.restApi.stageName],
    ];
    out.push({
      heading: `API Gateway \`${r.restApi.restApiName}\` (stage \`${r.restApi.stageName}\`)`,
      widgets: [
        { title: "Requests", stat: "Sum", metrics: [metric("AWS/ApiGateway", "Count", api, { label: "requests" })] },
        {
          title: "4xx and 5xx",
          stat: "Sum",
          metrics: [
            metric("AWS/ApiGateway", "4XXError", api, { label: "4xx", color: "#ff7f0e" }),
            metric("AWS/ApiGateway", "5XXError", api, { label: "5xx", color: "#d62728" }),
          ],
        },
        {
          title: "Latency (avg, p99)",
          stat: "Average",
          metrics: [
            metric("AWS/ApiGateway", "Latency", api, { stat: "Average", label: "avg" }),
            metric("AWS/ApiGateway", "Latency", api, { stat: "p99", label: "p99" }),
          ],
        },
      ],
    });
  }

  if (r.database) {
    const cluster: Dimensions = [["DBClusterIdentifier", r.database.clusterIdentifier]];
    out.push({
      heading: `Aurora PostgreSQL \`${r.database.clusterIdentifier}\``,
      widgets: [
        { title: "Capacity (ACU)", stat: "Maximum", metrics: [metric("AWS/RDS", "ServerlessDatabaseCapacity", cluster, { label: "ACU" })] },
        { title: "Database connections", stat: "Maximum", metrics: [metric("AWS/RDS", "DatabaseConnections", cluster, { label: "connections" })] },
        { title: "CPU utilization (%)", stat: "Average", metrics: [metric("AWS/RDS", "CPUUtilization", cluster, { label: "CPU" })] },
      ],
    });
  }

  if (r.proxy) {
    const proxy: Dimensions = [["ProxyName", r.proxy.proxyName]];
    out.push({
      heading: `RDS Proxy \`${r.proxy.proxyName}\``,
      widgets: [
        {
          title: "Connections (client vs database)",
          stat: "Maximum",
          metrics: [metric("AWS/RDS", "ClientConnections", proxy, { label: "client" }), metric("AWS/RDS", "DatabaseConnections", proxy, { label: "database" })],
        },
        {
          title: "Query response latency (avg, p99, µs)",
          stat: "Average",
          metrics: [
            metric("AWS/RDS", "QueryDatabaseResponseLatency", proxy, { stat: "Average", label: "avg" }),
            metric("AWS/RDS", "QueryDatabaseResponseLatency", proxy, { stat: "p99", label: "p99" }),
          ],
        },
      ],
    });
  }

  if (r.tables) {
    for (const table of r.tables.tableNames) {
      const t: Dimensions = [["TableName", table]];
      const perOperation = (name: string, options: MetricRenderOptions = {}) =>
        DYNAMODB_OPERATIONS.map((op) => metric("AWS/DynamoDB", name, [...t, ["Operation", op]], { label: op, ...options }));
      out.push({
        heading: `DynamoDB \`${table}\``,
        widgets: [
          {
            title: "Consumed capacity (on-demand units)",
            stat: "Sum",
            metrics: [
              metric("AWS/DynamoDB", "ConsumedReadCapacityUnits", t, { label: "read" }),
              metric("AWS/DynamoDB", "ConsumedWriteCapacityUnits", t, { label: "write" }),
            ],
          },
          { title: "Throttled requests by operation", stat: "Sum", metrics: perOperation("ThrottledRequests") },
          { title: "Successful request latency by operation (avg, ms)", stat: "Average", metrics: perOperation("SuccessfulRequestLatency") },
        ],
      });
    }
  }
  return out;
}

/**
 * The dashboard body for the given resources, in `region`: one heading row per
 * service, then its metric widgets three to a row on the 24-column grid.
 */
export function dashboardBody(resources: MonitoredResources, region: string): DashboardBody {
  const widgets: Widget[] = [];
  let y = 0;
  for (const section of sections(resources, region)) {
    widgets.push({ type: "text", x: 0, y, width: GRID_COLUMNS, height: 1, properties: { markdown: `## ${section.heading}` } });
    y += 1;
    section.widgets.forEach((spec, i) => {
      const column = i % (GRID_COLUMNS / METRIC_WIDTH);
      if (i > 0 && column === 0) y += METRIC_HEIGHT;
      widgets.push({
        type: "metric",
        x: column * METRIC_WIDTH,
        y,
        width: METRIC_WIDTH,
        height: METRIC_HEIGHT,
        properties: {
          title: spec.title,
          region: spec.region ?? region,
          view: "timeSeries",
          stacked: false,
          period: DEFAULT_PERIOD,
          stat: spec.stat,
          metrics: spec.metrics,
        },
      });
    });
    y += METRIC_HEIGHT;
  }
  if (widgets.length === 0) throw new Error("dashboardBody: no monitored resources were given");
  return { widgets };
}

// ---------------------------------------------------------------------------
// Validation: CloudWatch's rules (policy/lib/dashboard.ts, shared with the policy pack) plus the
// platform's own layout rule, that its widgets never overlap

/** Every way `body` breaks CloudWatch's dashboard rules or the platform's layout (empty when valid). */
export function validateDashboardBody(body: unknown): string[] {
  const widgets = (body as { widgets?: unknown })?.widgets;
  // CloudWatch accepts an empty dashboard; the platform never means to deploy one.
  if (!Array.isArray(widgets) || widgets.length === 0) return ["dashboard body needs a non-empty widgets array"];
  return [...dashboardBodyProblems(body), ...overlaps(widgets)];
}

function overlaps(widgets: unknown[]): string[] {
  const problems: string[] = [];
  const placed: { x: number; y: number; width: number; height: number; index: number }[] = [];
  widgets.forEach((widget, index) => {
    const { x, y, width, height } = (widget ?? {}) as Record<string, unknown>;
    if (![x, y, width, height].every((n) => Number.isInteger(n))) return;
    const box = { x: x as number, y: y as number, width: width as number, height: height as number, index };
    for (const other of placed) {
      if (box.x < other.x + other.width && other.x < box.x + box.width && box.y < other.y + other.height && other.y < box.y + box.height) {
        problems.push(`widget ${index} overlaps widget ${other.index}`);
      }
    }
    placed.push(box);
  });
  return problems;
}

// ---------------------------------------------------------------------------
// Alarms

export type ComparisonOperator = "GreaterThanOrEqualToThreshold" | "GreaterThanThreshold" | "LessThanThreshold" | "LessThanOrEqualToThreshold";

export interface AlarmDefinition<T = string> {
  /** Short id, used in the resource and physical names. */
  key: string;
  description: string;
  namespace: string;
  metricName: string;
  dimensions: Record<string, T>;
  statistic: "Sum" | "Maximum" | "Average";
  /** Seconds: 10, 20, 30 or a multiple of 60. */
  period: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  threshold: number;
  comparisonOperator: ComparisonOperator;
}

export interface AlarmThresholds {
  /** Lambda errors per minute that count as a bad minute. */
  lambdaErrorsPerMinute: number;
  /** Lambda throttles per minute that count as a bad minute. */
  lambdaThrottlesPerMinute: number;
  /** API Gateway 5xx responses per minute that count as a bad minute. */
  api5xxPerMinute: number;
  /** Aurora connections (max over a minute) that count as a bad minute. */
  databaseConnections: number;
}

/** Bytes of memory per ACU, as AWS sizes Aurora Serverless v2. */
const BYTES_PER_ACU = 2 * 1024 ** 3;

/**
 * Approximate `max_connections` Aurora PostgreSQL Serverless v2 sets from the
 * cluster's maximum capacity: LEAST(DBInstanceClassMemory / 9531392, 5000),
 * memory being 2 GiB per ACU.
 */
export function auroraPostgresMaxConnections(maxCapacityAcu: number): number {
  const { minWithoutAutoPause: min, max } = AURORA_ACU;
  if (!(maxCapacityAcu >= min && maxCapacityAcu <= max)) throw new Error(`maxCapacityAcu must be ${min}..${max}, got ${maxCapacityAcu}`);
  return Math.min(Math.floor((maxCapacityAcu * BYTES_PER_ACU) / 9531392), 5000);
}

/** Thresholds for a cluster of `dbMaxCapacityAcu`: connections alarm at 80% of max_connections. */
export function defaultAlarmThresholds(dbMaxCapacityAcu: number): AlarmThresholds {
  return {
    lambdaErrorsPerMinute: 5,
    lambdaThrottlesPerMinute: 1,
    api5xxPerMinute: 5,
    databaseConnections: Math.floor(auroraPostgresMaxConnections(dbMaxCapacityAcu) * 0.8),
  };
}

/**
 * The platform's alarms. Each fires on 2 bad one-minute datapoints out of the
 * last 3 (a single blip does not page anyone) and treats missing data as fine
 * (no traffic is not an outage). Generic over the dimension values so the
 * component can pass Pulumi outputs and tests plain strings.
 */
export function alarmDefinitions<T>(r: MonitoredResources<T>, thresholds: AlarmThresholds): AlarmDefinition<T>[] {
  const common = { period: 60, evaluationPeriods: 3, datapointsToAlarm: 2, comparisonOperator: "GreaterThanOrEqualToThreshold" as const };
  const alarms: AlarmDefinition<T>[] = [];
  if (r.loadBalancer) {
    alarms.push({
      ...common,
      key: "alb-unhealthy-hosts",
      description: "The ALB sees the API function's target as unhealthy (/health failing).",
      namespace: "AWS/ApplicationELB",
      metricName: "UnHealthyHostCount",
      dimensions: { TargetGroup: r.loadBalancer.targetGroupArnSuffix, LoadBalancer: r.loadBalancer.albArnSuffix },
      statistic: "Maximum",
      threshold: 1,
    });
  }
  if (r.apiFunction) {
    alarms.push({
      ...common,
      key: "lambda-errors",
      description: `The API function fails invocations (>= ${thresholds.lambdaErrorsPerMinute} errors a minute).`,
      namespace: "AWS/Lambda",
      metricName: "Errors",
      dimensions: { FunctionName: r.apiFunction.functionName },
      statistic: "Sum",
      threshold: thresholds.lambdaErrorsPerMinute,
    });
    alarms.push({
      ...common,
      key: "lambda-throttles",
      description: "The API function is throttled: its reserved concurrency is exhausted (see capacity in the README).",
      namespace: "AWS/Lambda",
      metricName: "Throttles",
      dimensions: { FunctionName: r.apiFunction.functionName },
      statistic: "Sum",
      threshold: thresholds.lambdaThrottlesPerMinute,
    });
  }
  if (r.database) {
    alarms.push({
      ...common,
      key: "db-connections",
      description: `Aurora connections reach ${thresholds.databaseConnections} (80% of max_connections at the configured max ACU).`,
      namespace: "AWS/RDS",
      metricName: "DatabaseConnections",
      dimensions: { DBClusterIdentifier: r.database.clusterIdentifier },
      statistic: "Maximum",
      threshold: thresholds.databaseConnections,
    });
  }
  if (r.restApi) {
    alarms.push({
      ...common,
      key: "api-5xx",
      description: `API Gateway returns server errors (>= ${thresholds.api5xxPerMinute} 5xx a minute).`,
      namespace: "AWS/ApiGateway",
      metricName: "5XXError",
      dimensions: { ApiName: r.restApi.restApiName, Stage: r.restApi.stageName },
      statistic: "Sum",
      threshold: thresholds.api5xxPerMinute,
    });
  }
  return alarms;
}
