/**
 * AWS naming limits that the APIs enforce only at deploy time, per resource type
 * and property. Pure data and one pure function, so they are testable on their own.
 */

export interface NameRule {
  min: number;
  max: number;
  pattern: RegExp;
  /** The accepted characters and shape, in words. */
  allowed: string;
  /** Extra shape checks; each returns a problem or undefined. */
  extra?: (name: string) => string | undefined;
}

const ALNUM_HYPHEN = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;
const RDS_ID = /^[a-z](?:-?[a-z0-9])*$/;
const rds = (what: string): NameRule => ({
  min: 1,
  max: 63,
  pattern: RDS_ID,
  allowed: `${what}: lowercase letters, digits and single hyphens, starting with a letter, not ending with a hyphen`,
});
const elb: NameRule = {
  min: 1,
  max: 32,
  pattern: ALNUM_HYPHEN,
  allowed: "letters, digits and '-', not starting or ending with '-'",
  extra: (n) => (n.startsWith("internal-") ? "must not start with 'internal-'" : undefined),
};

const S3_RESERVED_PREFIXES = ["xn--", "sthree-", "amzn-s3-demo-"];
const S3_RESERVED_SUFFIXES = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];
const s3Bucket: NameRule = {
  min: 3,
  max: 63,
  pattern: /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/,
  allowed: "lowercase letters, digits, '.' and '-', starting and ending with a letter or digit",
  extra: (n) => {
    if (n.includes("..")) return "must not contain '..'";
    if (/^\d+\.\d+\.\d+\.\d+$/.test(n)) return "must not be formatted as an IP address";
    const p = S3_RESERVED_PREFIXES.find((x) => n.startsWith(x));
    if (p) return `must not start with the reserved prefix '${p}'`;
    const s = S3_RESERVED_SUFFIXES.find((x) => n.endsWith(x));
    if (s) return `must not end with the reserved suffix '${s}'`;
    return undefined;
  },
};

/** Rules by Pulumi type token, then by the property that carries the name. */
export const NAME_RULES: Record<string, Record<string, NameRule>> = {
  "aws:lb/loadBalancer:LoadBalancer": { name: elb, namePrefix: { ...elb, max: 6 } },
  "aws:lb/targetGroup:TargetGroup": { name: elb, namePrefix: { ...elb, max: 6 } },
  "aws:lambda/function:Function": { name: { min: 1, max: 64, pattern: /^[A-Za-z0-9_-]+$/, allowed: "letters, digits, '-' and '_'" } },
  "aws:lambda/alias:Alias": {
    name: {
      min: 1,
      max: 128,
      pattern: /^[A-Za-z0-9_-]+$/,
      allowed: "letters, digits, '-' and '_'",
      extra: (n) => (/^\d+$/.test(n) ? "must not be all digits (that is a version number)" : undefined),
    },
  },
  "aws:iam/role:Role": {
    name: { min: 1, max: 64, pattern: /^[\w+=,.@-]+$/, allowed: "letters, digits and +=,.@_-" },
    namePrefix: { min: 1, max: 38, pattern: /^[\w+=,.@-]+$/, allowed: "letters, digits and +=,.@_-" },
  },
  "aws:iam/policy:Policy": { name: { min: 1, max: 128, pattern: /^[\w+=,.@-]+$/, allowed: "letters, digits and +=,.@_-" } },
  "aws:iam/rolePolicy:RolePolicy": { name: { min: 1, max: 128, pattern: /^[\w+=,.@-]+$/, allowed: "letters, digits and +=,.@_-" } },
  "aws:iam/instanceProfile:InstanceProfile": { name: { min: 1, max: 128, pattern: /^[\w+=,.@-]+$/, allowed: "letters, digits and +=,.@_-" } },
  "aws:rds/cluster:Cluster": { clusterIdentifier: rds("cluster identifier"), clusterIdentifierPrefix: { ...rds("cluster identifier prefix"), max: 37 } },
  "aws:rds/clusterInstance:ClusterInstance": { identifier: rds("instance identifier"), identifierPrefix: { ...rds("instance identifier prefix"), max: 37 } },
  "aws:rds/proxy:Proxy": { name: rds("proxy name") },
  "aws:rds/proxyEndpoint:ProxyEndpoint": { dbProxyEndpointName: rds("proxy endpoint name") },
  "aws:rds/subnetGroup:SubnetGroup": {
    name: {
      min: 1,
      max: 255,
      pattern: /^[a-z0-9 ._-]+$/,
      allowed: "lowercase letters, digits, spaces, '.', '_' and '-'",
      extra: (n) => (n === "default" ? "must not be 'default'" : undefined),
    },
  },
  "aws:s3/bucket:Bucket": { bucket: s3Bucket, bucketPrefix: { ...s3Bucket, min: 1, max: 37, pattern: /^[a-z0-9][a-z0-9.-]*$/ } },
  "aws:ecr/repository:Repository": {
    name: {
      min: 2,
      max: 256,
      pattern: /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/,
      allowed: "lowercase letters and digits separated by single '.', '_', '-' or '/'",
    },
  },
  "aws:secretsmanager/secret:Secret": { name: { min: 1, max: 512, pattern: /^[A-Za-z0-9/_+=.@-]+$/, allowed: "letters, digits and /_+=.@-" } },
  "aws:cloudwatch/logGroup:LogGroup": { name: { min: 1, max: 512, pattern: /^[.\-_/#A-Za-z0-9]+$/, allowed: "letters, digits and ._-/#" } },
  "aws:dynamodb/table:Table": { name: { min: 3, max: 255, pattern: /^[A-Za-z0-9_.-]+$/, allowed: "letters, digits, '_', '-' and '.'" } },
  "aws:sns/topic:Topic": { name: { min: 1, max: 256, pattern: /^[A-Za-z0-9_-]+(?:\.fifo)?$/, allowed: "letters, digits, '-' and '_' (and a '.fifo' suffix)" } },
  "aws:sqs/queue:Queue": { name: { min: 1, max: 80, pattern: /^[A-Za-z0-9_-]+(?:\.fifo)?$/, allowed: "letters, digits, '-' and '_' (and a '.fifo' suffix)" } },
  "aws:cloudwatch/dashboard:Dashboard": { dashboardName: { min: 1, max: 255, pattern: /^[A-Za-z0-9_-]+$/, allowed: "letters, digits, '-' and '_'" } },
  "aws:cloudwatch/metricAlarm:MetricAlarm": { name: { min: 1, max: 255, pattern: /^[ -~\u00a0-\uffff]+$/, allowed: "printable characters (no control characters)" } },
  "aws:ec2/securityGroup:SecurityGroup": {
    name: {
      min: 1,
      max: 255,
      pattern: /^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]+$/,
      allowed: "ASCII letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*",
      extra: (n) => (n.toLowerCase().startsWith("sg-") ? "must not start with 'sg-'" : undefined),
    },
  },
  "aws:apigateway/stage:Stage": { stageName: { min: 1, max: 128, pattern: /^[A-Za-z0-9_-]+$/, allowed: "letters, digits, '-' and '_'" } },
  "aws:kms/alias:Alias": {
    name: {
      min: 7,
      max: 256,
      pattern: /^alias\/[A-Za-z0-9/_-]+$/,
      allowed: "'alias/' followed by letters, digits, '/', '_' and '-'",
      extra: (n) => (n.startsWith("alias/aws/") ? "must not start with the reserved 'alias/aws/'" : undefined),
    },
  },
  "aws:cloudfront/cachePolicy:CachePolicy": { name: { min: 1, max: 128, pattern: /^[A-Za-z0-9_-]+$/, allowed: "letters, digits, '-' and '_'" } },
  "aws:cloudfront/originRequestPolicy:OriginRequestPolicy": { name: { min: 1, max: 128, pattern: /^[A-Za-z0-9_-]+$/, allowed: "letters, digits, '-' and '_'" } },
  "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy": { name: { min: 1, max: 128, pattern: /^[A-Za-z0-9_-]+$/, allowed: "letters, digits, '-' and '_'" } },
  "aws:cloudfront/originAccessControl:OriginAccessControl": { name: { min: 1, max: 64, pattern: /^[ -~]+$/, allowed: "printable ASCII" } },
  // Source: each service's Create API name constraints (StepFunctions CreateStateMachine, EventBridge PutRule,
  // ECS CreateCluster/CreateService/RegisterTaskDefinition family, WAFv2 CreateWebACL, CodeDeploy CreateApplication /
  // CreateDeploymentGroup, CloudFront CreateFunction).
  "aws:sfn/stateMachine:StateMachine": { name: { min: 1, max: 80, pattern: /^[A-Za-z0-9_-]+$/, allowed: "letters, digits, '-' and '_'" } },
  "aws:cloudwatch/eventRule:EventRule": { name: { min: 1, max: 64, pattern: /^[.\-_A-Za-z0-9]+$/, allowed: "letters, digits, '.', '-' and '_'" } },
  "aws:ecs/cluster:Cluster": { name: { min: 1, max: 255, pattern: /^[A-Za-z0-9_-]+$/, allowed: "letters, digits, '-' and '_'" } },
  "aws:ecs/service:Service": { name: { min: 1, max: 255, pattern: /^[A-Za-z0-9_-]+$/, allowed: "letters, digits, '-' and '_'" } },
  "aws:ecs/taskDefinition:TaskDefinition": { family: { min: 1, max: 255, pattern: /^[A-Za-z0-9_-]+$/, allowed: "letters, digits, '-' and '_'" } },
  "aws:wafv2/webAcl:WebAcl": { name: { min: 1, max: 128, pattern: /^[\w-]+$/, allowed: "letters, digits, '-' and '_'" } },
  "aws:codedeploy/application:Application": { name: { min: 1, max: 100, pattern: /^[^\s]/, allowed: "up to 100 characters" } },
  "aws:codedeploy/deploymentGroup:DeploymentGroup": { deploymentGroupName: { min: 1, max: 100, pattern: /^[^\s]/, allowed: "up to 100 characters" } },
  "aws:cloudfront/function:Function": { name: { min: 1, max: 64, pattern: /^[A-Za-z0-9_-]+$/, allowed: "letters, digits, '-' and '_'" } },
};

/** What is wrong with `name` under `rule` (empty when it is valid). */
export function nameProblems(rule: NameRule, name: string): string[] {
  const problems: string[] = [];
  if (name.length > rule.max) problems.push(`is ${name.length} characters; the limit is ${rule.max}`);
  if (name.length < rule.min) problems.push(`is ${name.length} characters; the minimum is ${rule.min}`);
  if (!rule.pattern.test(name)) problems.push(`has characters or a shape AWS rejects; allowed: ${rule.allowed}`);
  const extra = rule.extra?.(name);
  if (extra) problems.push(extra);
  return problems;
}
