/**
 * AWS naming limits that the APIs enforce only at deploy time, per kind of name
 * and per resource type and property. Pure data and one pure function: the
 * policy pack checks any program with them, and infra/naming.ts checks the
 * platform's own physical names against the same rules at preview time.
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
const WORD_HYPHEN = /^[A-Za-z0-9_-]+$/;
const IAM_NAME = /^[\w+=,.@-]+$/;
const rds = (what: string): NameRule => ({
  min: 1,
  max: 63,
  pattern: RDS_ID,
  allowed: `${what}: lowercase letters, digits and single hyphens, starting with a letter, not ending with a hyphen`,
});
/** ELB CreateLoadBalancer / CreateTargetGroup Name: 32, alphanumerics and hyphens, and a load balancer name must not start with "internal-". */
const elb: NameRule = {
  min: 1,
  max: 32,
  pattern: ALNUM_HYPHEN,
  allowed: "letters, digits and '-', not starting or ending with '-'",
  extra: (n) => (n.startsWith("internal-") ? "must not start with 'internal-'" : undefined),
};

/** S3 User Guide, "General purpose bucket naming rules": reserved prefixes and suffixes. */
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

/**
 * One rule per kind of AWS name, each from the service's API reference (Create* name constraints) unless
 * a comment says otherwise. The policy pack looks them up by resource type (NAME_RULES below); the
 * platform's physicalName/checkName (infra/naming.ts) by kind.
 */
export const NAME_LIMITS = {
  alb: elb,
  targetGroup: elb,
  lambda: { min: 1, max: 64, pattern: WORD_HYPHEN, allowed: "letters, digits, '-' and '_'" },
  lambdaAlias: {
    min: 1,
    max: 128,
    pattern: WORD_HYPHEN,
    allowed: "letters, digits, '-' and '_'",
    extra: (n) => (/^\d+$/.test(n) ? "must not be all digits (that is a version number)" : undefined),
  },
  iamRole: { min: 1, max: 64, pattern: IAM_NAME, allowed: "letters, digits and +=,.@_-" },
  iamPolicy: { min: 1, max: 128, pattern: IAM_NAME, allowed: "letters, digits and +=,.@_-" },
  rdsCluster: rds("cluster identifier"),
  rdsInstance: rds("instance identifier"),
  rdsProxy: rds("proxy name"),
  rdsProxyEndpoint: rds("proxy endpoint name"),
  dbSubnetGroup: {
    min: 1,
    max: 255,
    pattern: /^[a-z0-9 ._-]+$/,
    allowed: "lowercase letters, digits, spaces, '.', '_' and '-'",
    extra: (n) => (n === "default" ? "must not be 'default'" : undefined),
  },
  s3Bucket,
  ecrRepository: {
    min: 2,
    max: 256,
    pattern: /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/,
    allowed: "lowercase letters and digits separated by single '.', '_', '-' or '/'",
  },
  secret: { min: 1, max: 512, pattern: /^[A-Za-z0-9/_+=.@-]+$/, allowed: "letters, digits and /_+=.@-" },
  logGroup: { min: 1, max: 512, pattern: /^[.\-_/#A-Za-z0-9]+$/, allowed: "letters, digits and ._-/#" },
  dynamoTable: { min: 3, max: 255, pattern: /^[A-Za-z0-9_.-]+$/, allowed: "letters, digits, '_', '-' and '.'" },
  snsTopic: { min: 1, max: 256, pattern: /^[A-Za-z0-9_-]+(?:\.fifo)?$/, allowed: "letters, digits, '-' and '_' (and a '.fifo' suffix)" },
  sqsQueue: { min: 1, max: 80, pattern: /^[A-Za-z0-9_-]+(?:\.fifo)?$/, allowed: "letters, digits, '-' and '_' (and a '.fifo' suffix)" },
  dashboard: { min: 1, max: 255, pattern: WORD_HYPHEN, allowed: "letters, digits, '-' and '_'" },
  /** PutMetricAlarm AlarmName: "only UTF-8 characters, and can't contain ASCII control characters". */
  // eslint-disable-next-line no-control-regex -- the rule is exactly "no ASCII control characters"
  alarm: { min: 1, max: 255, pattern: /^[^\x00-\x1f\x7f]+$/, allowed: "any characters but ASCII control characters" },
  securityGroup: {
    min: 1,
    max: 255,
    pattern: /^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]+$/,
    allowed: "ASCII letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*",
    extra: (n) => (n.toLowerCase().startsWith("sg-") ? "must not start with 'sg-'" : undefined),
  },
  /** API Gateway documents no pattern for a REST API name; printable ASCII keeps it readable in the console and CLI. */
  restApi: { min: 1, max: 1024, pattern: /^[ -~]+$/, allowed: "printable ASCII" },
  apiGatewayStage: { min: 1, max: 128, pattern: WORD_HYPHEN, allowed: "letters, digits, '-' and '_'" },
  kmsAlias: {
    min: 7,
    max: 256,
    pattern: /^alias\/[A-Za-z0-9/_-]+$/,
    allowed: "'alias/' followed by letters, digits, '/', '_' and '-'",
    extra: (n) => (n.startsWith("alias/aws/") ? "must not start with the reserved 'alias/aws/'" : undefined),
  },
  /**
   * Cache, origin request and response headers policies: 128 of letters, digits, '-' and '_' (the limit
   * aws-cdk enforces before CreateCachePolicy: aws-cdk-lib/aws-cloudfront/lib/cache-policy.ts).
   */
  cloudfrontPolicy: { min: 1, max: 128, pattern: WORD_HYPHEN, allowed: "letters, digits, '-' and '_'" },
  cloudfrontOriginAccessControl: { min: 1, max: 64, pattern: /^[ -~]+$/, allowed: "printable ASCII" },
  cloudfrontFunction: { min: 1, max: 64, pattern: WORD_HYPHEN, allowed: "letters, digits, '-' and '_'" },
  /**
   * AWS publishes no limit for a VPC origin's name; CreateVpcOrigin accepts 64 characters and rejects 65
   * ("The parameter VPC Origin Name is too big"), as measured against the live API by a public terratest suite.
   */
  cloudfrontVpcOrigin: { min: 1, max: 64, pattern: WORD_HYPHEN, allowed: "letters, digits, '-' and '_'" },
  // StepFunctions CreateStateMachine, EventBridge PutRule, ECS CreateCluster/CreateService/RegisterTaskDefinition
  // family, WAFv2 CreateWebACL, CodeDeploy CreateApplication / CreateDeploymentGroup.
  stateMachine: { min: 1, max: 80, pattern: WORD_HYPHEN, allowed: "letters, digits, '-' and '_'" },
  eventRule: { min: 1, max: 64, pattern: /^[.\-_A-Za-z0-9]+$/, allowed: "letters, digits, '.', '-' and '_'" },
  ecs: { min: 1, max: 255, pattern: WORD_HYPHEN, allowed: "letters, digits, '-' and '_'" },
  wafWebAcl: { min: 1, max: 128, pattern: /^[\w-]+$/, allowed: "letters, digits, '-' and '_'" },
  codeDeploy: { min: 1, max: 100, pattern: /^[^\s]/, allowed: "up to 100 characters" },
  /** Tag-only names (VPCs, subnets, KMS key descriptions...): a conservative shape that fits every tag value. */
  generic: { min: 1, max: 255, pattern: /^[A-Za-z0-9_.-]+$/, allowed: "letters, digits, '-', '_' and '.'" },
} as const satisfies Record<string, NameRule>;

export type NameKind = keyof typeof NAME_LIMITS;

/** The same rule for a `*Prefix` property: the provider appends a 26-character unique suffix. */
const prefixOf = (rule: NameRule, max: number, pattern: RegExp = rule.pattern): NameRule => ({ ...rule, min: 1, max, pattern });

/** Rules by Pulumi type token, then by the property that carries the name. */
export const NAME_RULES: Record<string, Record<string, NameRule>> = {
  "aws:lb/loadBalancer:LoadBalancer": { name: NAME_LIMITS.alb, namePrefix: prefixOf(NAME_LIMITS.alb, 6) },
  "aws:lb/targetGroup:TargetGroup": { name: NAME_LIMITS.targetGroup, namePrefix: prefixOf(NAME_LIMITS.targetGroup, 6) },
  "aws:lambda/function:Function": { name: NAME_LIMITS.lambda },
  "aws:lambda/alias:Alias": { name: NAME_LIMITS.lambdaAlias },
  "aws:iam/role:Role": { name: NAME_LIMITS.iamRole, namePrefix: prefixOf(NAME_LIMITS.iamRole, 38) },
  "aws:iam/policy:Policy": { name: NAME_LIMITS.iamPolicy },
  "aws:iam/rolePolicy:RolePolicy": { name: NAME_LIMITS.iamPolicy },
  "aws:iam/instanceProfile:InstanceProfile": { name: NAME_LIMITS.iamPolicy },
  "aws:rds/cluster:Cluster": { clusterIdentifier: NAME_LIMITS.rdsCluster, clusterIdentifierPrefix: { ...rds("cluster identifier prefix"), max: 37 } },
  "aws:rds/clusterInstance:ClusterInstance": { identifier: NAME_LIMITS.rdsInstance, identifierPrefix: { ...rds("instance identifier prefix"), max: 37 } },
  "aws:rds/proxy:Proxy": { name: NAME_LIMITS.rdsProxy },
  "aws:rds/proxyEndpoint:ProxyEndpoint": { dbProxyEndpointName: NAME_LIMITS.rdsProxyEndpoint },
  "aws:rds/subnetGroup:SubnetGroup": { name: NAME_LIMITS.dbSubnetGroup },
  "aws:s3/bucket:Bucket": { bucket: NAME_LIMITS.s3Bucket, bucketPrefix: prefixOf(NAME_LIMITS.s3Bucket, 37, /^[a-z0-9][a-z0-9.-]*$/) },
  "aws:ecr/repository:Repository": { name: NAME_LIMITS.ecrRepository },
  "aws:secretsmanager/secret:Secret": { name: NAME_LIMITS.secret },
  "aws:cloudwatch/logGroup:LogGroup": { name: NAME_LIMITS.logGroup },
  "aws:dynamodb/table:Table": { name: NAME_LIMITS.dynamoTable },
  "aws:sns/topic:Topic": { name: NAME_LIMITS.snsTopic },
  "aws:sqs/queue:Queue": { name: NAME_LIMITS.sqsQueue },
  "aws:cloudwatch/dashboard:Dashboard": { dashboardName: NAME_LIMITS.dashboard },
  "aws:cloudwatch/metricAlarm:MetricAlarm": { name: NAME_LIMITS.alarm },
  "aws:ec2/securityGroup:SecurityGroup": { name: NAME_LIMITS.securityGroup },
  "aws:apigateway/stage:Stage": { stageName: NAME_LIMITS.apiGatewayStage },
  "aws:kms/alias:Alias": { name: NAME_LIMITS.kmsAlias },
  "aws:cloudfront/cachePolicy:CachePolicy": { name: NAME_LIMITS.cloudfrontPolicy },
  "aws:cloudfront/originRequestPolicy:OriginRequestPolicy": { name: NAME_LIMITS.cloudfrontPolicy },
  "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy": { name: NAME_LIMITS.cloudfrontPolicy },
  "aws:cloudfront/originAccessControl:OriginAccessControl": { name: NAME_LIMITS.cloudfrontOriginAccessControl },
  "aws:cloudfront/function:Function": { name: NAME_LIMITS.cloudfrontFunction },
  "aws:sfn/stateMachine:StateMachine": { name: NAME_LIMITS.stateMachine },
  "aws:cloudwatch/eventRule:EventRule": { name: NAME_LIMITS.eventRule },
  "aws:ecs/cluster:Cluster": { name: NAME_LIMITS.ecs },
  "aws:ecs/service:Service": { name: NAME_LIMITS.ecs },
  "aws:ecs/taskDefinition:TaskDefinition": { family: NAME_LIMITS.ecs },
  "aws:wafv2/webAcl:WebAcl": { name: NAME_LIMITS.wafWebAcl },
  "aws:codedeploy/application:Application": { name: NAME_LIMITS.codeDeploy },
  "aws:codedeploy/deploymentGroup:DeploymentGroup": { deploymentGroupName: NAME_LIMITS.codeDeploy },
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
