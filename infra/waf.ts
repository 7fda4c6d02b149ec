/**
 * WAF in front of both doors: a CLOUDFRONT-scope web ACL (created in us-east-1, as AWS requires for
 * CloudFront) on the distribution, and a REGIONAL one on the API Gateway stage. Both carry the AWS managed
 * rule groups a shop needs and per-IP rate rules; the CloudFront one also caps all /api/* requests at
 * what the stack's peak allows (infra/capacity.ts). Logs go to `aws-waf-logs-*` log groups (WAF only
 * accepts that prefix) with a retention; an alarm per web ACL fires on a surge of blocked requests.
 */
import * as aws from "@pulumi/aws";
import type * as inputs from "@pulumi/aws/types/input";
import * as pulumi from "@pulumi/pulumi";
import { CLOUDFRONT_METRICS_REGION } from "./dashboard";
import { createEncryptedLogGroup } from "./encrypted-log-group";
import { checkName, physicalName } from "./naming";
import { standardTags, type TagContext } from "./tags";

export type WafMode = "block" | "count";

/** AWS managed rule groups (no subscription fee): OWASP-style common rules, known bad inputs, SQL injection, IP reputation. */
export const MANAGED_RULE_GROUPS = [
  "AWSManagedRulesAmazonIpReputationList",
  "AWSManagedRulesCommonRuleSet",
  "AWSManagedRulesKnownBadInputsRuleSet",
  "AWSManagedRulesSQLiRuleSet",
] as const;

/** Per-IP requests per 5 minutes: the common default among peers (about 6.7 req/s sustained). */
export const DEFAULT_PER_IP_LIMIT = 2000;
/** Per-IP limit on `POST /api/orders` and `/api/admin/*` per 5 minutes: a shopper places a few orders, not hundreds. */
export const SENSITIVE_PER_IP_LIMIT = 100;
/** Log retention of the WAF log groups (days; a CloudWatch-allowed value). */
export const WAF_LOG_RETENTION_DAYS = 30;
/** Blocked requests per minute on a web ACL that page someone. */
export const BLOCKED_SURGE_PER_MINUTE = 500;

export interface WebAclRuleOptions {
  mode: WafMode;
  perIpLimit: number;
  sensitivePerIpLimit: number;
  /** All clients together on /api/* per 5 minutes (CloudFront only; API Gateway's usage plan throttles its door). */
  apiRateLimitPer5Min?: number;
  /** Prefix of the CloudWatch metric names. */
  metricPrefix: string;
}

type Rule = inputs.wafv2.WebAclRule;
type ScopeDown = inputs.wafv2.WebAclRuleStatementRateBasedStatementScopeDownStatement;

const visibility = (metricName: string) => ({ cloudwatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true });
const lowercase = [{ priority: 0, type: "LOWERCASE" }];
const pathStartsWith = (prefix: string): ScopeDown => ({
  byteMatchStatement: { fieldToMatch: { uriPath: {} }, positionalConstraint: "STARTS_WITH", searchString: prefix, textTransformations: lowercase },
});
const methodIs = (method: string): ScopeDown => ({
  byteMatchStatement: {
    fieldToMatch: { method: {} },
    positionalConstraint: "EXACTLY",
    searchString: method,
    textTransformations: [{ priority: 0, type: "NONE" }],
  },
});

/** The rules of a web ACL, in priority order: reputation first, then rate limits, then content inspection. Pure. */
export function webAclRules(options: WebAclRuleOptions): Rule[] {
  const action = options.mode === "block" ? { block: {} } : { count: {} };
  const managed = (name: string, priority: number): Rule => ({
    name,
    priority,
    // `none` keeps each group's own actions (block); `count` overrides them all to count.
    overrideAction: options.mode === "block" ? { none: {} } : { count: {} },
    statement: { managedRuleGroupStatement: { vendorName: "AWS", name } },
    visibilityConfig: visibility(`${options.metricPrefix}-${name}`),
  });
  const rate = (name: string, priority: number, limit: number, aggregateKeyType: "IP" | "CONSTANT", scopeDownStatement?: ScopeDown): Rule => ({
    name,
    priority,
    action,
    statement: { rateBasedStatement: { limit, aggregateKeyType, evaluationWindowSec: 300, ...(scopeDownStatement ? { scopeDownStatement } : {}) } },
    visibilityConfig: visibility(`${options.metricPrefix}-${name}`),
  });
  const rules: Rule[] = [
    managed("AWSManagedRulesAmazonIpReputationList", 0),
    rate("per-ip", 10, options.perIpLimit, "IP"),
    rate("per-ip-orders", 11, options.sensitivePerIpLimit, "IP", { andStatement: { statements: [methodIs("POST"), pathStartsWith("/api/orders")] } }),
    rate("per-ip-admin", 12, options.sensitivePerIpLimit, "IP", pathStartsWith("/api/admin/")),
  ];
  if (options.apiRateLimitPer5Min !== undefined) rules.push(rate("api-peak", 13, options.apiRateLimitPer5Min, "CONSTANT", pathStartsWith("/api/")));
  rules.push(managed("AWSManagedRulesCommonRuleSet", 20), managed("AWSManagedRulesKnownBadInputsRuleSet", 21), managed("AWSManagedRulesSQLiRuleSet", 22));
  return rules;
}

export interface WafArgs {
  environmentSuffix: string;
  tags: TagContext;
  mode: WafMode;
  perIpLimit: number;
  /** CloudFront's cap on all /api/* requests per 5 minutes (from the capacity plan). */
  apiRateLimitPer5Min: number;
  /** The API Gateway stage the REGIONAL web ACL protects. */
  restApiId: pulumi.Input<string>;
  stageName: pulumi.Input<string>;
  /** Prod: the log groups and their keys are protected and retained. Default false. */
  isProd?: boolean;
}

export class Waf extends pulumi.ComponentResource {
  /** The CLOUDFRONT web ACL's ARN: the distribution's `webAclId`. */
  public readonly cloudfrontWebAclArn: pulumi.Output<string>;
  public readonly cloudfrontWebAclName: pulumi.Output<string>;
  public readonly apiWebAclArn: pulumi.Output<string>;
  public readonly apiWebAclName: pulumi.Output<string>;
  private readonly region: pulumi.Output<string>;
  private readonly tagContext: TagContext;
  private readonly suffix: string;

  private readonly name: string;

  constructor(name: string, args: WafArgs, opts?: pulumi.ComponentResourceOptions) {
    super("shop:edge:Waf", name, {}, opts);
    this.name = name;
    const suffix = args.environmentSuffix;
    const tags = (n: string) => standardTags(args.tags, n);
    const parent = { parent: this };
    const region = aws.getRegionOutput({}, parent).region;

    const acl = (id: string, scope: "CLOUDFRONT" | "REGIONAL", region: pulumi.Input<string>, logRegion: string | undefined, apiRateLimitPer5Min?: number) => {
      const aclName = physicalName("generic", `${id}-waf`, suffix);
      const webAcl = new aws.wafv2.WebAcl(
        `${name}-${id}`,
        {
          name: aclName,
          // CLOUDFRONT-scope web ACLs exist only in us-east-1 (AWS WAF API reference, Scope); v7's per-resource region.
          region,
          scope,
          description: `${scope === "CLOUDFRONT" ? "Storefront (CloudFront)" : "API Gateway"} ${suffix}: managed rules and rate limits`,
          defaultAction: { allow: {} },
          rules: webAclRules({
            mode: args.mode,
            perIpLimit: args.perIpLimit,
            sensitivePerIpLimit: SENSITIVE_PER_IP_LIMIT,
            apiRateLimitPer5Min,
            metricPrefix: aclName,
          }),
          visibilityConfig: visibility(aclName),
          tags: tags(aclName),
        },
        parent,
      );
      // WAF delivers only to log groups named aws-waf-logs-*, in the web ACL's region. Encrypted like every
      // log group here: the key policy lets CloudWatch Logs of that region use it for this group only.
      const logGroupName = checkName("logGroup", `aws-waf-logs-${aclName}`);
      const keyName = physicalName("generic", `${id}-waf-logs-key`, suffix);
      const { logGroup } = createEncryptedLogGroup(
        `${name}-${id}-log`,
        {
          logGroupName,
          retentionInDays: WAF_LOG_RETENTION_DAYS,
          keyName,
          keyDescription: `Encrypts the WAF log group ${logGroupName}`,
          keyTags: tags(keyName),
          logGroupTags: tags(logGroupName),
          isProd: args.isProd,
          region: logRegion,
        },
        this,
      );
      new aws.wafv2.WebAclLoggingConfiguration(
        `${name}-${id}-log`,
        {
          region,
          resourceArn: webAcl.arn,
          logDestinationConfigs: [logGroup.arn],
          // Session cookies and the admin bearer token never reach the logs.
          redactedFields: [{ singleHeader: { name: "cookie" } }, { singleHeader: { name: "authorization" } }],
        },
        parent,
      );
      return { webAcl, aclName };
    };

    const edge = acl("edge", "CLOUDFRONT", "us-east-1", "us-east-1", args.apiRateLimitPer5Min);
    const api = acl("api", "REGIONAL", region, undefined);
    new aws.wafv2.WebAclAssociation(
      `${name}-api`,
      {
        resourceArn: pulumi.interpolate`arn:aws:apigateway:${region}::/restapis/${args.restApiId}/stages/${args.stageName}`,
        webAclArn: api.webAcl.arn,
      },
      parent,
    );

    this.region = region;
    this.tagContext = args.tags;
    this.suffix = suffix;
    this.cloudfrontWebAclArn = edge.webAcl.arn;
    this.cloudfrontWebAclName = edge.webAcl.name;
    this.apiWebAclArn = api.webAcl.arn;
    this.apiWebAclName = api.webAcl.name;
    this.registerOutputs({ cloudfrontWebAclArn: this.cloudfrontWebAclArn, apiWebAclArn: this.apiWebAclArn });
  }

  /**
   * The alarms on a surge of blocked requests, one per web ACL. Separate from the constructor because the
   * alarm topics belong to Monitoring, which is built after the CDN that needs this component's ACL. The
   * CloudFront ACL's metrics exist only in us-east-1, so its alarm is created there and notifies
   * `cloudfrontTopicArn`, a topic in us-east-1 (an alarm can only notify a topic in its own region).
   */
  alarmOnBlockedSurge(topicArn: pulumi.Input<string>, cloudfrontTopicArn: pulumi.Input<string>): aws.cloudwatch.MetricAlarm[] {
    const alarm = (id: string, what: string, webAclName: pulumi.Output<string>, topic: pulumi.Input<string>, region?: string) => {
      const alarmName = physicalName("generic", `${id}-waf-blocked-surge`, this.suffix);
      return new aws.cloudwatch.MetricAlarm(
        `${this.name}-${id}-blocked-surge`,
        {
          ...(region ? { region } : {}),
          name: alarmName,
          alarmDescription: `More than ${BLOCKED_SURGE_PER_MINUTE} requests a minute blocked by the ${what} web ACL for 3 minutes: an attack, or a rule blocking real clients`,
          namespace: "AWS/WAFV2",
          metricName: "BlockedRequests",
          // AWS/WAFV2 carries a Region dimension for every resource type but CloudFront.
          dimensions: region ? { WebACL: webAclName, Rule: "ALL" } : { WebACL: webAclName, Region: this.region, Rule: "ALL" },
          statistic: "Sum",
          period: 60,
          evaluationPeriods: 3,
          threshold: BLOCKED_SURGE_PER_MINUTE,
          comparisonOperator: "GreaterThanThreshold",
          treatMissingData: "notBreaching",
          alarmActions: [topic],
          okActions: [topic],
          tags: standardTags(this.tagContext, alarmName),
        },
        { parent: this },
      );
    };
    return [
      alarm("api", "API's", this.apiWebAclName, topicArn),
      alarm("edge", "storefront's (CloudFront)", this.cloudfrontWebAclName, cloudfrontTopicArn, CLOUDFRONT_METRICS_REGION),
    ];
  }
}
