/**
 * What a stack costs a month, from the resources a Pulumi program registers.
 *
 * Each priced resource type yields *fixed* lines (paid whether or not anyone uses the stack:
 * hours, minimum capacity, keys, storage) and *usage* lines (a quantity per API request of
 * the request mix in ./assumptions). A usage line may have capacity the fixed floor already
 * pays for (`included`: Aurora's minimum ACUs, RDS Proxy's 8-ACU minimum) and a ceiling
 * (`cap`: the cluster's maximum ACUs). Pure functions: no Pulumi, no I/O.
 */
import { stringLeaves } from "../stack";
import { DEFAULT_ASSUMPTIONS, mixAverages, type CostAssumptions } from "./assumptions";
import { FREE_TYPES, isBookkeeping } from "./free-types";
import type { Price, PriceBook } from "./price-table";

export interface CostResource {
  urn: string;
  type: string;
  name: string;
  /** False for components (and the stack), which are not cloud resources. */
  custom: boolean;
  props: Record<string, unknown>;
}

interface LineBase {
  urn: string;
  resource: string;
  type: string;
  dimension: string;
  priceId: string;
  /** The region whose price table applies. */
  region: string;
}

export interface FixedLine extends LineBase {
  quantity: number;
}

export interface UsageLine extends LineBase {
  /** Quantity per API request, in the price's unit. */
  perRequest: number;
  /** Quantity a month the fixed floor already pays for. */
  included?: number;
  /** Most a month that can be billed above the floor. */
  cap?: number;
}

export interface Unpriced {
  urn: string;
  resource: string;
  type: string;
  reason: string;
}

export interface Estimate {
  region: string;
  hoursPerMonth: number;
  fixed: FixedLine[];
  usage: UsageLine[];
  free: Unpriced[];
  unpriced: Unpriced[];
  peak: Peak;
  assumptions: CostAssumptions;
}

/** The peak a program states it is built for (a stack output; scripts/cost/stated-peak.ts reads it). */
export interface StatedPeak {
  /** Requests/s each front door admits at peak. */
  requestsPerSecondPerFrontDoor: number;
  frontDoors: number;
  /** Where the figure comes from, for the label (e.g. the stack output's name). */
  source: string;
}

export interface Peak {
  requestsPerSecond: number;
  basis: string;
  /** True when the program states the peak; false when the model derives it from concurrency and throttles. */
  stated: boolean;
  /**
   * Usage lines at the peak's split over the front doors, when it differs from the mix's: at a
   * stated peak each front door carries its own peak, whatever share of the average it carries.
   */
  usage?: UsageLine[];
}

/** RDS Proxy on Aurora Serverless v2 bills at least 8 ACUs (https://aws.amazon.com/rds/proxy/pricing/). */
export const RDS_PROXY_MIN_ACU = 8;
/** An ALB LCU covers 0.4 GB an hour for Lambda targets (1 GB for others) or 25 new connections a second (https://aws.amazon.com/elasticloadbalancing/pricing/). */
const ALB_LCU_GB_LAMBDA = 0.4;
const ALB_LCU_GB_OTHER = 1;
const ALB_LCU_NEW_CONNECTIONS_PER_HOUR = 25 * 3600;
/** API Gateway's account throttle when no usage plan states one. */
const API_GATEWAY_DEFAULT_RATE = 10_000;
/** AWS bills data in GB of 2^30 bytes. */
const GB = 2 ** 30;

const str = (v: unknown): string | undefined => (typeof v === "string" && v.length > 0 ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
const obj = (v: unknown): Record<string, unknown> => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

class Builder {
  readonly fixed: FixedLine[] = [];
  readonly usage: UsageLine[] = [];
  readonly free: Unpriced[] = [];
  readonly unpriced: Unpriced[] = [];
  readonly mix: ReturnType<typeof mixAverages>;
  readonly apiFunctions: CostResource[];
  readonly edgeFunctions: CostResource[];

  constructor(
    readonly resources: readonly CostResource[],
    readonly region: string,
    readonly hours: number,
    readonly a: CostAssumptions,
  ) {
    this.mix = mixAverages(a);
    const fns = this.ofType("aws:lambda/function:Function");
    const refs = (type: string) => this.ofType(type).flatMap((r) => stringLeaves(r.props));
    const servingRefs = [...refs("aws:apigateway/integration:Integration"), ...refs("aws:lb/targetGroupAttachment:TargetGroupAttachment")];
    const edgeRefs = refs("aws:cloudfront/distribution:Distribution");
    const named = (ref: string, f: CostResource) => {
      const name = str(f.props.name);
      return name !== undefined && new RegExp(`:function:${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(:|/|$)`).test(ref);
    };
    this.edgeFunctions = fns.filter((f) => edgeRefs.some((ref) => named(ref, f)));
    this.apiFunctions = fns.filter((f) => !this.edgeFunctions.includes(f) && servingRefs.some((ref) => named(ref, f)));
  }

  ofType(type: string): CostResource[] {
    return this.resources.filter((r) => r.type === type);
  }
  regionOf(r: CostResource): string {
    return str(r.props.region) ?? this.region;
  }
  addFixed(r: CostResource, dimension: string, priceId: string, quantity: number): void {
    this.fixed.push({ urn: r.urn, resource: r.name, type: r.type, dimension, priceId, region: this.regionOf(r), quantity });
  }
  addUsage(r: CostResource, dimension: string, priceId: string, perRequest: number, limits: { included?: number; cap?: number } = {}): void {
    this.usage.push({ urn: r.urn, resource: r.name, type: r.type, dimension, priceId, region: this.regionOf(r), perRequest, ...limits });
  }
  markUnpriced(r: CostResource, reason: string): void {
    this.unpriced.push({ urn: r.urn, resource: r.name, type: r.type, reason });
  }
  /**
   * Share of requests through CloudFront (browsers) and through API Gateway (API clients): the
   * mix's shares when the stack has both front doors, else all requests through the one it has.
   */
  get browserShare(): number {
    const cdn = this.ofType("aws:cloudfront/distribution:Distribution").length > 0;
    const api = this.ofType("aws:apigateway/restApi:RestApi").length > 0;
    return cdn && api ? this.a.browserShare : cdn ? 1 : 0;
  }
  get apiShare(): number {
    return this.ofType("aws:apigateway/restApi:RestApi").length > 0 ? 1 - this.browserShare : 0;
  }
  /** Memory in GB and architecture of a function (Lambda's defaults: 128 MB, x86_64). */
  functionSize(f: CostResource): { gb: number; arch: "arm64" | "x86_64" } {
    const arch = arr(f.props.architectures)[0] === "arm64" ? "arm64" : "x86_64";
    return { gb: (num(f.props.memorySize) ?? 128) / 1024, arch };
  }
  /** Serverless v2 instances (with their cluster's ACU range) of the clusters `filter` accepts. */
  serverlessInstances(filter: (cluster: CostResource) => boolean = () => true): { instance: CostResource; min: number; max: number }[] {
    const out: { instance: CostResource; min: number; max: number }[] = [];
    for (const cluster of this.ofType("aws:rds/cluster:Cluster").filter(filter)) {
      const id = str(cluster.props.clusterIdentifier);
      const scaling = obj(cluster.props.serverlessv2ScalingConfiguration);
      for (const instance of this.ofType("aws:rds/clusterInstance:ClusterInstance")) {
        if (instance.props.instanceClass !== "db.serverless" || str(instance.props.clusterIdentifier) !== id) continue;
        out.push({ instance, min: num(scaling.minCapacity) ?? 0.5, max: num(scaling.maxCapacity) ?? 1 });
      }
    }
    return out;
  }
  /**
   * ACU-hours billed to `r` while `instances` run above `floor` ACUs together: the requests'
   * ACU-seconds past the floor's hours, up to their combined maximum.
   */
  addAcuHoursAbove(r: CostResource, dimension: string, priceId: string, instances: { instance: CostResource; max: number }[], floor: number): void {
    const max = instances.reduce((s, i) => s + i.max, 0);
    const perRequest = acuHoursPerRequest(
      this.a,
      this.mix.databaseQueries,
      instances.map((i) => i.instance),
    );
    this.addUsage(r, dimension, priceId, perRequest, { included: floor * this.hours, cap: Math.max(0, max - floor) * this.hours });
  }
}

type Handler = (r: CostResource, b: Builder) => void;

const perGb = (bytes: number) => bytes / GB;

const HANDLERS: Record<string, Handler> = {
  "aws:ec2/natGateway:NatGateway": (r, b) => {
    b.addFixed(r, "gateway-hours", "vpc.natGateway.hour", b.hours);
    const gateways = b.ofType(r.type).length;
    b.addUsage(r, "data processed (X-Ray uploads)", "vpc.natGateway.dataGb", perGb(b.a.natBytesPerRequest) / gateways);
  },
  "aws:ec2/eip:Eip": (r, b) => b.addFixed(r, "public IPv4 address-hours", "vpc.publicIpv4.hour", b.hours),
  "aws:ec2/vpcEndpoint:VpcEndpoint": (r, b) => {
    if ((str(r.props.vpcEndpointType) ?? "Gateway") === "Gateway") {
      b.free.push({ urn: r.urn, resource: r.name, type: r.type, reason: "gateway endpoints (S3, DynamoDB) are free" });
      return;
    }
    b.addFixed(r, "endpoint AZ-hours", "vpc.interfaceEndpoint.hour", b.hours * Math.max(1, arr(r.props.subnetIds).length));
  },
  "aws:lb/loadBalancer:LoadBalancer": (r, b) => {
    if ((str(r.props.loadBalancerType) ?? "application") !== "application")
      return b.markUnpriced(r, `no price for ${String(r.props.loadBalancerType)} load balancers in the table`);
    b.addFixed(r, "load balancer hours", "elb.alb.hour", b.hours);
    if (r.props.internal !== true) {
      const addresses = Math.max(arr(r.props.subnets).length, arr(r.props.subnetMappings).length, 1);
      b.addFixed(r, `public IPv4 address-hours (one per AZ: ${addresses})`, "vpc.publicIpv4.hour", b.hours * addresses);
    }
    const lambdaTargets = b.ofType("aws:lb/targetGroup:TargetGroup").some((t) => t.props.targetType === "lambda");
    const gbPerLcu = lambdaTargets ? ALB_LCU_GB_LAMBDA : ALB_LCU_GB_OTHER;
    const byBytes = perGb(b.a.requestBytes + b.a.responseBytes) / gbPerLcu;
    const byConnections = b.a.albNewConnectionsPerRequest / ALB_LCU_NEW_CONNECTIONS_PER_HOUR;
    b.addUsage(r, "LCU-hours (browser API requests)", "elb.alb.lcuHour", b.browserShare * Math.max(byBytes, byConnections));
  },
  "aws:rds/cluster:Cluster": (r, b) => {
    if (!String(r.props.engine ?? "").startsWith("aurora")) return b.markUnpriced(r, `no price for engine ${String(r.props.engine)} in the table`);
    b.addFixed(r, `storage, ${b.a.auroraStorageGb} GB assumed (backups within retention free)`, "rds.aurora.storageGbMonth", b.a.auroraStorageGb);
    b.addUsage(r, "I/O requests (Standard configuration)", "rds.aurora.ioMillion", (b.mix.databaseQueries * b.a.auroraIoPerQuery) / 1e6);
    const instances = b.serverlessInstances((c) => c === r);
    if (instances.length === 0) return;
    const min = instances.reduce((s, i) => s + i.min, 0);
    const max = instances.reduce((s, i) => s + i.max, 0);
    b.addAcuHoursAbove(
      r,
      `ACU-hours above the instances' minimum (${instances.length} instances, up to ${max} ACUs)`,
      "rds.aurora.serverlessV2.acuHour",
      instances,
      min,
    );
  },
  "aws:rds/clusterInstance:ClusterInstance": (r, b) => {
    const found = b.serverlessInstances().find((i) => i.instance === r);
    if (!found) return b.markUnpriced(r, `instance class ${String(r.props.instanceClass)} has no price in the table (only db.serverless)`);
    b.addFixed(r, `minimum capacity (${found.min} ACU) hours`, "rds.aurora.serverlessV2.acuHour", found.min * b.hours);
  },
  "aws:rds/proxy:Proxy": (r, b) => {
    const targets = b.ofType("aws:rds/proxyTarget:ProxyTarget").filter((t) => t.props.dbProxyName === r.props.name);
    const clusterIds = new Set(targets.map((t) => str(t.props.dbClusterIdentifier)).filter((id) => id !== undefined));
    const instances = b.serverlessInstances((c) => clusterIds.size === 0 || clusterIds.has(str(c.props.clusterIdentifier) ?? ""));
    if (instances.length === 0) return b.markUnpriced(r, "only RDS Proxy on Aurora Serverless v2 is in the table");
    const floor = Math.max(
      RDS_PROXY_MIN_ACU,
      instances.reduce((s, i) => s + i.min, 0),
    );
    b.addFixed(r, `ACU-hours of its targets (at least ${RDS_PROXY_MIN_ACU} ACUs)`, "rds.proxy.serverlessV2.acuHour", floor * b.hours);
    b.addAcuHoursAbove(r, `ACU-hours once its targets exceed ${floor} ACUs`, "rds.proxy.serverlessV2.acuHour", instances, floor);
  },
  "aws:lambda/function:Function": (r, b) => {
    const { gb, arch } = b.functionSize(r);
    if (b.edgeFunctions.includes(r)) {
      b.addUsage(r, "Lambda@Edge requests (browser API requests)", "lambda.edge.requestMillion", b.browserShare / 1e6);
      b.addUsage(
        r,
        `Lambda@Edge GB-seconds (${gb * 1024} MB x ${b.a.edgeDurationMs} ms)`,
        "lambda.edge.gbSecond",
        (b.browserShare * gb * b.a.edgeDurationMs) / 1000,
      );
      return;
    }
    if (!b.apiFunctions.includes(r)) {
      b.addFixed(r, "requests (not in the request mix: deploy-time or event-driven)", "lambda.requestMillion", 0);
      return;
    }
    const share = 1 / b.apiFunctions.length;
    b.addUsage(r, "requests", "lambda.requestMillion", share / 1e6);
    b.addUsage(r, `GB-seconds (${Math.round(gb * 1024)} MB ${arch} x ${b.a.durationMs} ms)`, `lambda.${arch}.gbSecond`, (share * gb * b.a.durationMs) / 1000);
    if (obj(r.props.tracingConfig).mode === "Active")
      b.addUsage(r, `X-Ray traces recorded (${b.a.tracedShare * 100}% sampled)`, "xray.traceMillion", (share * b.a.tracedShare) / 1e6);
  },
  "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig": (r, b) => {
    const fn = b.ofType("aws:lambda/function:Function").find((f) => f.props.name === r.props.functionName || f.props.arn === r.props.functionName);
    if (!fn) return b.markUnpriced(r, `its function ${String(r.props.functionName)} is not in the stack (memory unknown)`);
    const { gb, arch } = b.functionSize(fn);
    const n = num(r.props.provisionedConcurrentExecutions) ?? 0;
    b.addFixed(
      r,
      `provisioned GB-seconds (${n} x ${Math.round(gb * 1024)} MB ${arch}, all month)`,
      `lambda.${arch}.provisionedGbSecond`,
      n * gb * b.hours * 3600,
    );
  },
  "aws:cloudfront/distribution:Distribution": (r, b) => {
    const requests = b.browserShare * (1 + b.a.staticRequestsPerBrowserRequest);
    b.addUsage(r, "HTTPS requests (browser API requests and static files)", "cloudfront.httpsRequest10k", requests / 10_000);
    const bytes = b.browserShare * (b.a.responseBytes + b.a.staticRequestsPerBrowserRequest * b.a.staticResponseBytes);
    b.addUsage(r, "data transfer out to browsers", "cloudfront.dataOutGb", perGb(bytes));
  },
  "aws:cloudfront/function:Function": (r, b) =>
    b.addUsage(r, "invocations (static file requests)", "cloudfront.functionMillion", (b.browserShare * b.a.staticRequestsPerBrowserRequest) / 1e6),
  "aws:apigateway/restApi:RestApi": (r, b) => {
    const apis = b.ofType(r.type).length;
    b.addUsage(r, "REST API requests (API-client share)", "apigateway.rest.requestMillion", b.apiShare / apis / 1e6);
    b.addUsage(r, "data transfer out to API clients", "ec2.dataOutGb", (b.apiShare / apis) * perGb(b.a.responseBytes));
  },
  "aws:apigateway/stage:Stage": (r, b) => {
    if (r.props.cacheClusterEnabled === true) return b.markUnpriced(r, "the API cache cluster has no price in the table");
    b.free.push({ urn: r.urn, resource: r.name, type: r.type, reason: "free without a cache cluster" });
  },
  "aws:dynamodb/table:Table": (r, b) => {
    b.addFixed(r, `storage, ${b.a.dynamodbStorageGbPerTable} GB assumed`, "dynamodb.storageGbMonth", b.a.dynamodbStorageGbPerTable);
    if (obj(r.props.pointInTimeRecovery).enabled === true) b.addFixed(r, "point-in-time recovery", "dynamodb.pitrGbMonth", b.a.dynamodbStorageGbPerTable);
    // The provider's default billing mode is PROVISIONED.
    if (r.props.billingMode !== "PAY_PER_REQUEST") {
      b.addFixed(r, "provisioned read capacity hours", "dynamodb.provisioned.rcuHour", (num(r.props.readCapacity) ?? 0) * b.hours);
      b.addFixed(r, "provisioned write capacity hours", "dynamodb.provisioned.wcuHour", (num(r.props.writeCapacity) ?? 0) * b.hours);
      return;
    }
    const tables = b.ofType(r.type).filter((t) => t.props.billingMode === "PAY_PER_REQUEST").length;
    b.addUsage(r, "read request units (the mix, split over tables)", "dynamodb.onDemand.readMillion", b.mix.dynamodbReadUnits / tables / 1e6);
    b.addUsage(r, "write request units (the mix, split over tables)", "dynamodb.onDemand.writeMillion", b.mix.dynamodbWriteUnits / tables / 1e6);
  },
  "aws:kms/key:Key": (r, b) => b.addFixed(r, "customer managed key", "kms.keyMonth", 1),
  "aws:secretsmanager/secret:Secret": (r, b) => b.addFixed(r, "secret", "secretsmanager.secretMonth", 1),
  "aws:cloudwatch/dashboard:Dashboard": (r, b) => b.addFixed(r, "dashboard", "cloudwatch.dashboardMonth", 1),
  "aws:cloudwatch/metricAlarm:MetricAlarm": (r, b) => {
    const highRes = (num(r.props.period) ?? 60) < 60;
    b.addFixed(r, highRes ? "high-resolution alarm" : "standard alarm", highRes ? "cloudwatch.highResAlarmMonth" : "cloudwatch.alarmMonth", 1);
  },
  "aws:cloudwatch/logGroup:LogGroup": (r, b) => {
    const source = logSource(r, b);
    if (!source) {
      b.addFixed(r, "ingestion: no per-request traffic in the mix", "cloudwatch.logs.ingestGb", 0);
      return;
    }
    b.addUsage(r, `ingestion (${source.what})`, source.vended ? "cloudwatch.logs.vendedIngestGb" : "cloudwatch.logs.ingestGb", source.gbPerRequest);
    const days = num(r.props.retentionInDays);
    const months = days ? days / 30.4 : b.a.logMonthsWhenRetainedForever;
    b.addUsage(
      r,
      `storage (${days ? `${days}-day retention` : `kept forever: ${months} months assumed`})`,
      "cloudwatch.logs.storageGbMonth",
      source.gbPerRequest * months,
    );
  },
  "aws:s3/bucket:Bucket": (r, b) => b.addFixed(r, `storage, ${b.a.s3StorageGbPerBucket} GB assumed`, "s3.storageGbMonth", b.a.s3StorageGbPerBucket),
  "aws:ecr/repository:Repository": (r, b) =>
    b.addFixed(r, `image storage, ${b.a.ecrStorageGbPerRepository} GB assumed`, "ecr.storageGbMonth", b.a.ecrStorageGbPerRepository),
  "aws:budgets/budget:Budget": (r, b) => b.addFixed(r, "budget-days (an account's first two budgets are free)", "budgets.budgetDay", b.hours / 24),
  "aws:wafv2/webAcl:WebAcl": (r, b) => {
    b.addFixed(r, "web ACL", "waf.webAclMonth", 1);
    b.addFixed(r, "rules", "waf.ruleMonth", arr(r.props.rules).length);
    const cloudfront = r.props.scope === "CLOUDFRONT";
    const share = cloudfront ? b.browserShare * (1 + b.a.staticRequestsPerBrowserRequest) : b.apiShare;
    b.addUsage(r, cloudfront ? "requests inspected (CloudFront)" : "requests inspected (regional: API-client share)", "waf.requestMillion", share / 1e6);
  },
};

/** Log groups the request mix writes to: the API function's, API Gateway access logs, VPC flow logs. */
function logSource(r: CostResource, b: Builder): { what: string; gbPerRequest: number; vended: boolean } | undefined {
  const name = str(r.props.name);
  if (!name) return undefined;
  const matches = (v: unknown) => typeof v === "string" && (v === name || v.endsWith(`:log-group:${name}`) || v.endsWith(`:log-group:${name}:*`));
  const fn = b.apiFunctions.find((f) => matches(obj(f.props.loggingConfig).logGroup) || `/aws/lambda/${String(f.props.name)}` === name);
  if (fn) return { what: "API function logs", gbPerRequest: perGb(b.a.functionLogBytesPerRequest) / b.apiFunctions.length, vended: false };
  if (b.ofType("aws:apigateway/stage:Stage").some((s) => matches(obj(s.props.accessLogSettings).destinationArn))) {
    return { what: "API Gateway access logs", gbPerRequest: b.apiShare * perGb(b.a.accessLogBytesPerRequest), vended: false };
  }
  if (b.ofType("aws:ec2/flowLog:FlowLog").some((f) => matches(f.props.logDestination) || f.props.logGroupName === name)) {
    return { what: "VPC flow log records", gbPerRequest: perGb(b.a.flowLogBytesPerRequest), vended: true };
  }
  return undefined;
}

/**
 * ACU-hours per request over Serverless v2 instances. The writer (the lowest promotion tier)
 * runs the writer's share of the statements, the other instances split the rest; readers in
 * promotion tiers 0-1 (1 is RDS's default) scale with the writer's capacity
 * (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2.how-it-works.html),
 * so each costs at least what the writer does.
 */
export function acuHoursPerRequest(a: CostAssumptions, queries: number, instances: readonly CostResource[]): number {
  const perStatement = 1 / a.databaseQueriesPerAcuSecond / 3600;
  if (instances.length === 0) return 0;
  const tier = (i: CostResource) => num(i.props.promotionTier) ?? 1;
  const writer = instances.reduce((w, i) => (tier(i) < tier(w) ? i : w));
  const readers = instances.filter((i) => i !== writer);
  if (readers.length === 0) return queries * perStatement;
  const writerAcu = queries * a.writerShareOfStatements * perStatement;
  const readerAcu = (queries * (1 - a.writerShareOfStatements) * perStatement) / readers.length;
  return writerAcu + readers.reduce((sum, r) => sum + (tier(r) <= 1 ? Math.max(writerAcu, readerAcu) : readerAcu), 0);
}

/**
 * The peak a program states: each front door at its own peak. With both CloudFront and API
 * Gateway, the doors then carry equal shares (1 / frontDoors each), not the mix's, so the
 * usage lines at peak are built again with that share.
 */
function statedPeakOf(b: Builder, stated: StatedPeak): Peak {
  const { requestsPerSecondPerFrontDoor: perDoor, frontDoors } = stated;
  const requestsPerSecond = perDoor * frontDoors;
  const doors = `${frontDoors} front door${frontDoors === 1 ? "" : "s"}`;
  const basis = `stated peak: ${round(perDoor)} req/s x ${doors} (${stated.source})`;
  const bothDoors = b.browserShare > 0 && b.browserShare < 1;
  if (!bothDoors || frontDoors < 2) return { requestsPerSecond, basis, stated: true };
  const atPeak = build(b.resources, b.region, b.hours, { ...b.a, browserShare: 1 / frontDoors });
  return { requestsPerSecond, basis: `${basis}, each at its peak`, stated: true, usage: atPeak.usage };
}

/** The stack's peak when the program states none: Little's law over its API functions' concurrency, within the API Gateway throttle's share. */
function derivedPeakOf(b: Builder): Peak {
  const derived = (p: { requestsPerSecond: number; basis: string }): Peak => ({ ...p, basis: `derived (no stated peak): ${p.basis}`, stated: false });
  if (b.apiFunctions.length === 0) return derived({ requestsPerSecond: 0, basis: "no API function (no Lambda behind API Gateway or the ALB)" });
  const seconds = b.a.durationMs / 1000;
  let concurrency = 0;
  for (const f of b.apiFunctions) {
    const reserved = num(f.props.reservedConcurrentExecutions);
    concurrency += reserved !== undefined && reserved >= 0 ? reserved : b.a.accountConcurrency;
  }
  const byConcurrency = concurrency / seconds;
  const rates = b
    .ofType("aws:apigateway/usagePlan:UsagePlan")
    .map((u) => num(obj(u.props.throttleSettings).rateLimit))
    .filter((x) => x !== undefined);
  const throttle = rates.length > 0 ? Math.max(...rates) : b.ofType("aws:apigateway/restApi:RestApi").length > 0 ? API_GATEWAY_DEFAULT_RATE : Infinity;
  const byThrottle = b.apiShare > 0 ? throttle / b.apiShare : Infinity;
  const basis = `${concurrency} concurrent executions / ${b.a.durationMs} ms per request (Little's law) = ${round(byConcurrency)} req/s`;
  return derived(
    byThrottle < byConcurrency
      ? { requestsPerSecond: byThrottle, basis: `API Gateway throttle ${throttle} req/s for the ${round(b.apiShare * 100)}% API-client share (below ${basis})` }
      : { requestsPerSecond: byConcurrency, basis },
  );
}

const round = (n: number) => Math.round(n * 100) / 100;

function build(resources: readonly CostResource[], region: string, hours: number, assumptions: CostAssumptions): Builder {
  const b = new Builder(resources, region, hours, assumptions);
  for (const r of resources) {
    if (isBookkeeping(r.type, r.custom)) continue;
    const handler = HANDLERS[r.type];
    if (handler) handler(r, b);
    else if (FREE_TYPES[r.type]) b.free.push({ urn: r.urn, resource: r.name, type: r.type, reason: FREE_TYPES[r.type]! });
    else b.markUnpriced(r, "no price for this resource type in the cost model");
  }
  return b;
}

/**
 * Classifies every registered resource: priced (fixed and usage lines), free, or unpriced.
 * `statedPeak`: the peak the program states it is built for; without it the peak is derived.
 */
export function estimate(input: {
  resources: readonly CostResource[];
  region: string;
  hoursPerMonth?: number;
  assumptions?: Partial<CostAssumptions>;
  statedPeak?: StatedPeak;
}): Estimate {
  const assumptions = { ...DEFAULT_ASSUMPTIONS, ...input.assumptions };
  const hours = input.hoursPerMonth ?? 730;
  const b = build(input.resources, input.region, hours, assumptions);
  const peak = input.statedPeak ? statedPeakOf(b, input.statedPeak) : derivedPeakOf(b);
  return { region: input.region, hoursPerMonth: hours, fixed: b.fixed, usage: b.usage, free: b.free, unpriced: b.unpriced, peak, assumptions };
}

/** Resource types the model prices (each may still report a resource unpriced, saying why). */
export const PRICED_TYPES: readonly string[] = Object.keys(HANDLERS);

export interface PricedLine {
  urn: string;
  resource: string;
  type: string;
  dimension: string;
  kind: "fixed" | "usage";
  quantity: number;
  unit: string;
  unitPriceUsd: number;
  monthlyUsd: number;
  priceId: string;
}

export interface Costing {
  requestsPerMonth: number;
  lines: PricedLine[];
  fixedUsd: number;
  usageUsd: number;
  totalUsd: number;
  /** Lines whose region has no price table (or whose price id is missing from it). */
  unpriced: Unpriced[];
}

/** One line of a costing: `quantity` of the line's dimension at its price. */
function pricedLine(l: LineBase, p: Price, kind: PricedLine["kind"], quantity: number): PricedLine {
  return {
    urn: l.urn,
    resource: l.resource,
    type: l.type,
    dimension: l.dimension,
    kind,
    quantity,
    unit: p.unit,
    unitPriceUsd: p.usd,
    monthlyUsd: quantity * p.usd,
    priceId: l.priceId,
  };
}

/**
 * Prices the estimate at a load: fixed lines as they are, usage lines at `requestsPerMonth` above
 * what the floor includes. `usage`: the lines of another split over the front doors (the peak's).
 */
export function costAt(e: Estimate, prices: PriceBook, requestsPerMonth: number, usage: readonly UsageLine[] = e.usage): Costing {
  const lines: PricedLine[] = [];
  const unpriced: Unpriced[] = [];
  const price = (l: LineBase) => {
    const p = prices[l.region]?.prices[l.priceId];
    if (!p)
      unpriced.push({
        urn: l.urn,
        resource: l.resource,
        type: l.type,
        reason: prices[l.region] ? `price ${l.priceId} missing from the ${l.region} table` : `no price table for region ${l.region}`,
      });
    return p;
  };
  for (const l of e.fixed) {
    const p = price(l);
    if (p) lines.push(pricedLine(l, p, "fixed", l.quantity));
  }
  for (const l of usage) {
    const p = price(l);
    if (!p) continue;
    const raw = requestsPerMonth * l.perRequest - (l.included ?? 0);
    lines.push(pricedLine(l, p, "usage", Math.min(Math.max(0, raw), l.cap ?? Infinity)));
  }
  const sum = (kind: PricedLine["kind"]) => lines.filter((l) => l.kind === kind).reduce((s, l) => s + l.monthlyUsd, 0);
  const fixedUsd = sum("fixed");
  const usageUsd = sum("usage");
  return { requestsPerMonth, lines, fixedUsd, usageUsd, totalUsd: fixedUsd + usageUsd, unpriced };
}

/** The cost at the estimate's peak, all month. */
export function costAtPeak(e: Estimate, prices: PriceBook): Costing {
  return costAt(e, prices, requestsPerMonthAt(e.peak.requestsPerSecond, e.hoursPerMonth), e.peak.usage);
}

/** The fixed monthly floor: what the stack costs with no traffic. */
export function monthlyFloor(e: Estimate, prices: PriceBook): number {
  return costAt(e, prices, 0).fixedUsd;
}

/**
 * The variable cost of one million requests of the mix at marginal rates: every usage line's
 * quantity per request times a million, ignoring capacity the floor includes (so Aurora and
 * RDS Proxy show what each million costs once the load is above their minimums).
 */
export function perMillionRequests(e: Estimate, prices: PriceBook): { lines: PricedLine[]; totalUsd: number } {
  const lines: PricedLine[] = [];
  for (const l of e.usage) {
    const p = prices[l.region]?.prices[l.priceId];
    if (!p) continue;
    lines.push(pricedLine(l, p, "usage", l.perRequest * 1e6));
  }
  return { lines, totalUsd: lines.reduce((s, l) => s + l.monthlyUsd, 0) };
}

/** Requests a month at a steady rate. */
export function requestsPerMonthAt(requestsPerSecond: number, hoursPerMonth = 730): number {
  return requestsPerSecond * hoursPerMonth * 3600;
}
