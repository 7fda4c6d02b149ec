/**
 * The whole program (infra/index.ts) under Pulumi mocks, for a dev and a prod stack:
 * names, tags, exports, and the differences between dev and prod in the data stores.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { checkName, type NameKind } from "../../infra/naming";
import { REQUIRED_TAG_KEYS } from "../../infra/tags";
import { MOCK_ACCOUNT_ID, MOCK_REGION, installMocks, ofType, oneOfType, registered, resolve, settle, unsecret, type RegisteredResource } from "./harness";

const AWS_SDK_DIR = path.resolve(__dirname, "../../node_modules/@pulumi/aws");

/**
 * True when the resource's schema accepts `tags`: its `<Class>Args` interface in
 * @pulumi/aws declares a `tags` input. Decided from the installed provider, not a hand list.
 */
const taggableCache = new Map<string, boolean>();
function acceptsTags(type: string): boolean {
  if (!type.startsWith("aws:")) return false; // random, docker-build and components have no AWS tags
  const cached = taggableCache.get(type);
  if (cached !== undefined) return cached;
  const [, modAndFile, cls] = type.split(":") as [string, string, string];
  const [mod, file] = modAndFile.split("/") as [string, string];
  const dts = path.join(AWS_SDK_DIR, mod === "index" ? "" : mod, `${file}.d.ts`);
  const source = fs.readFileSync(dts, "utf8");
  const start = source.indexOf(`export interface ${cls}Args {`);
  if (start < 0) throw new Error(`no ${cls}Args in ${dts}`);
  const body = source.slice(start, source.indexOf("\n}", start));
  const result = /\n\s+tags\?: /.test(body);
  taggableCache.set(type, result);
  return result;
}

/** The input holding a resource's physical name, and the naming rule it must satisfy. */
const PHYSICAL_NAME: Record<string, { field: string; kind: NameKind }> = {
  "aws:lb/loadBalancer:LoadBalancer": { field: "name", kind: "alb" },
  "aws:lb/targetGroup:TargetGroup": { field: "name", kind: "targetGroup" },
  "aws:lambda/function:Function": { field: "name", kind: "lambda" },
  "aws:iam/role:Role": { field: "name", kind: "iamRole" },
  "aws:iam/policy:Policy": { field: "name", kind: "iamPolicy" },
  "aws:rds/cluster:Cluster": { field: "clusterIdentifier", kind: "rdsCluster" },
  "aws:rds/clusterInstance:ClusterInstance": { field: "identifier", kind: "rdsInstance" },
  "aws:rds/proxy:Proxy": { field: "name", kind: "rdsProxy" },
  "aws:rds/proxyEndpoint:ProxyEndpoint": { field: "dbProxyEndpointName", kind: "rdsProxyEndpoint" },
  "aws:rds/subnetGroup:SubnetGroup": { field: "name", kind: "dbSubnetGroup" },
  "aws:s3/bucket:Bucket": { field: "bucket", kind: "s3Bucket" },
  "aws:ecr/repository:Repository": { field: "name", kind: "ecrRepository" },
  "aws:secretsmanager/secret:Secret": { field: "name", kind: "secret" },
  "aws:cloudwatch/logGroup:LogGroup": { field: "name", kind: "logGroup" },
  "aws:dynamodb/table:Table": { field: "name", kind: "dynamoTable" },
  "aws:ec2/securityGroup:SecurityGroup": { field: "name", kind: "securityGroup" },
  "aws:sns/topic:Topic": { field: "name", kind: "snsTopic" },
  "aws:cloudwatch/dashboard:Dashboard": { field: "dashboardName", kind: "dashboard" },
  "aws:cloudwatch/metricAlarm:MetricAlarm": { field: "name", kind: "alarm" },
  "aws:apigateway/restApi:RestApi": { field: "name", kind: "restApi" },
  "aws:apigateway/usagePlan:UsagePlan": { field: "name", kind: "generic" },
  "aws:apigateway/apiKey:ApiKey": { field: "name", kind: "generic" },
  "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy": { field: "name", kind: "cloudfrontPolicy" },
  "aws:cloudfront/originAccessControl:OriginAccessControl": { field: "name", kind: "cloudfrontOriginAccessControl" },
  "aws:cloudfront/function:Function": { field: "name", kind: "cloudfrontFunction" },
  "aws:kms/alias:Alias": { field: "name", kind: "kmsAlias" },
};

/**
 * Names that are not physical resource names: an alias name is a qualifier of its function
 * (`function:<name>:live`), an inline role policy's name is scoped to its (suffixed) role,
 * and S3 object keys are paths inside the suffixed bucket.
 */
const NOT_PHYSICAL_NAMES = new Set(["aws:lambda/alias:Alias", "aws:iam/rolePolicy:RolePolicy", "aws:s3/bucketObjectv2:BucketObjectv2"]);

/** Exports the issue asks for (the seed's #10 list plus the platform's endpoints and names). */
const REQUIRED_EXPORTS = [
  // seed #10
  "lambdaFunctionArn",
  "lambdaSecurityGroupId",
  "auroraSecurityGroupId",
  "albSecurityGroupId",
  "natGatewayPublicIps",
  "ecrRepositoryUrl",
  "vpcFlowLogGroupName",
  "apiGatewayStage",
  // network
  "vpcId",
  "publicSubnetIds",
  "privateSubnetIds",
  // front doors
  "albDnsName",
  "apiUrl",
  "apiKeyId",
  "apiKeyValue",
  "cloudfrontDomainName",
  "cloudfrontDistributionId",
  // data
  "auroraClusterEndpoint",
  "auroraReaderEndpoint",
  "rdsProxyEndpoint",
  "rdsProxyReadEndpoint",
  "sessionsTableName",
  "cacheTableName",
  "staticBucketName",
  "logsBucketName",
  "artifactsBucketName",
  // monitoring
  "dashboardName",
  "alarmTopicArn",
  "alarmTopicName",
] as const;

function physicalNameOf(r: RegisteredResource): string | undefined {
  const rule = PHYSICAL_NAME[r.type];
  const value = rule ? r.inputs[rule.field] : r.inputs.name;
  return typeof value === "string" ? value : undefined;
}

/**
 * Every resource type the platform is made of. A type outside this list is a resource
 * nobody reviewed (or a typo'd type): the test fails and names it.
 */
const EXPECTED_TYPES = new Set([
  // random suffixes of the names of resources kept on destroy (infra/lifecycle.ts instanceSuffix)
  "random:index/randomId:RandomId",
  // components
  "shop:network:Network",
  "shop:database:Database",
  "shop:tables:Tables",
  "shop:buckets:Buckets",
  "shop:secrets:Secrets",
  "shop:compute:ApiFunction",
  "shop:compute:LoadBalancer",
  "shop:compute:RestApi",
  "shop:compute:Cdn",
  "shop:edge:EdgeGuard",
  "shop:edge:Waf",
  "shop:monitoring:Monitoring",
  "shop:web:StaticSite",
  // WAF (web ACLs on both doors, their logging)
  "aws:cloudfront/vpcOrigin:VpcOrigin",
  "aws:wafv2/webAcl:WebAcl",
  "aws:wafv2/webAclAssociation:WebAclAssociation",
  "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
  // network
  "aws:ec2/vpc:Vpc",
  "aws:ec2/subnet:Subnet",
  "aws:ec2/internetGateway:InternetGateway",
  "aws:ec2/eip:Eip",
  "aws:ec2/natGateway:NatGateway",
  "aws:ec2/routeTable:RouteTable",
  "aws:ec2/route:Route",
  "aws:ec2/routeTableAssociation:RouteTableAssociation",
  "aws:ec2/vpcEndpoint:VpcEndpoint",
  "aws:ec2/flowLog:FlowLog",
  "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
  "aws:ec2/securityGroup:SecurityGroup",
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  // data
  "aws:kms/key:Key",
  "aws:kms/alias:Alias",
  "aws:rds/subnetGroup:SubnetGroup",
  "aws:rds/cluster:Cluster",
  "aws:rds/clusterInstance:ClusterInstance",
  "aws:rds/proxy:Proxy",
  "aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup",
  "aws:rds/proxyTarget:ProxyTarget",
  "aws:rds/proxyEndpoint:ProxyEndpoint",
  "aws:dynamodb/table:Table",
  "aws:s3/bucket:Bucket",
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  "aws:s3/bucketVersioning:BucketVersioning",
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  "aws:s3/bucketPolicy:BucketPolicy",
  "aws:s3/bucketObjectv2:BucketObjectv2",
  "aws:secretsmanager/secret:Secret",
  "aws:secretsmanager/secretVersion:SecretVersion",
  "random:index/randomPassword:RandomPassword",
  // compute and front doors
  "aws:ecr/repository:Repository",
  "aws:ecr/lifecyclePolicy:LifecyclePolicy",
  "docker-build:index:Image",
  "aws:iam/role:Role",
  "aws:iam/rolePolicy:RolePolicy",
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  "aws:cloudwatch/logGroup:LogGroup",
  "aws:lambda/function:Function",
  "aws:lambda/alias:Alias",
  "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig",
  "aws:lambda/invocation:Invocation",
  "aws:lambda/permission:Permission",
  "aws:appautoscaling/target:Target",
  "aws:appautoscaling/policy:Policy",
  "aws:lb/loadBalancer:LoadBalancer",
  "aws:lb/targetGroup:TargetGroup",
  "aws:lb/targetGroupAttachment:TargetGroupAttachment",
  "aws:lb/listener:Listener",
  "aws:lb/listenerRule:ListenerRule",
  "aws:apigateway/restApi:RestApi",
  "aws:apigateway/resource:Resource",
  "aws:apigateway/method:Method",
  "aws:apigateway/integration:Integration",
  "aws:apigateway/deployment:Deployment",
  "aws:apigateway/stage:Stage",
  "aws:apigateway/methodSettings:MethodSettings",
  "aws:apigateway/account:Account",
  "aws:apigateway/usagePlan:UsagePlan",
  "aws:apigateway/apiKey:ApiKey",
  "aws:apigateway/usagePlanKey:UsagePlanKey",
  "aws:cloudfront/distribution:Distribution",
  "aws:cloudfront/originAccessControl:OriginAccessControl",
  "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy",
  "aws:cloudfront/function:Function",
  // monitoring
  "aws:sns/topic:Topic",
  "aws:sns/topicPolicy:TopicPolicy",
  "aws:sns/topicSubscription:TopicSubscription",
  "aws:budgets/budget:Budget",
  "aws:cloudwatch/dashboard:Dashboard",
  "aws:cloudwatch/metricAlarm:MetricAlarm",
]);

/** Taggable resources missing a standard tag or carrying a wrong value. */
function tagProblems(resources: RegisteredResource[], expected: Record<string, string>): { problems: string[]; checked: number } {
  const problems: string[] = [];
  const taggable = resources.filter((r) => acceptsTags(r.type));
  for (const r of taggable) {
    const tags = unsecret<Record<string, string> | undefined>(r.inputs.tags) ?? {};
    const absent = REQUIRED_TAG_KEYS.filter((k) => !tags[k]);
    if (absent.length > 0) problems.push(`${r.type} ${r.name}: missing ${absent.join(", ")}`);
    for (const [k, v] of Object.entries(expected)) if (tags[k] && tags[k] !== v) problems.push(`${r.type} ${r.name}: ${k}=${tags[k]}`);
  }
  return { problems, checked: taggable.length };
}

/** Physical names lacking the suffix or breaking their AWS naming rule. */
function nameProblems(resources: RegisteredResource[], suffix: string): { problems: string[]; checked: number } {
  const problems: string[] = [];
  let checked = 0;
  for (const r of resources) {
    if (!r.type.startsWith("aws:") || NOT_PHYSICAL_NAMES.has(r.type)) continue;
    const name = physicalNameOf(r);
    if (name === undefined) continue;
    // API Gateway dictates its execution log group's name (the API id makes it unique per stack).
    if (r.type === "aws:cloudwatch/logGroup:LogGroup" && name.startsWith("API-Gateway-Execution-Logs_")) {
      checked++;
      continue;
    }
    checked++;
    if (!name.includes(suffix)) problems.push(`${r.type} ${r.name}: "${name}" lacks the suffix`);
    try {
      checkName(PHYSICAL_NAME[r.type]?.kind ?? "generic", name);
    } catch (e) {
      problems.push(`${r.type} ${r.name}: ${(e as Error).message}`);
    }
  }
  return { problems, checked };
}

type Program = Record<string, unknown>;

async function runProgram(config: Record<string, string>): Promise<{ program: Program; resources: RegisteredResource[] }> {
  await installMocks({ "aws:region": "eu-west-1", ...config });
  vi.resetModules();
  const program = (await import("../../infra/index")) as Program;
  await settle();
  return { program, resources: [...registered] };
}

describe("program: dev stack", () => {
  let program: Program;
  let resources: RegisteredResource[];
  beforeAll(async () => {
    ({ program, resources } = await runProgram({ environmentSuffix: "dev42", natGateways: "single", costCenter: "cc-7", owner: "shop-team" }));
  }, 120_000);

  it("registers the foundation components and their resources", () => {
    for (const type of ["shop:network:Network", "shop:database:Database", "shop:tables:Tables", "shop:buckets:Buckets", "shop:secrets:Secrets"]) {
      expect(
        resources.filter((r) => r.type === type),
        type,
      ).toHaveLength(1);
    }
    expect(resources.filter((r) => r.type.startsWith("aws:")).length).toBeGreaterThan(60);
  });

  it("every taggable resource carries Name, Environment, Project, ManagedBy, CostCenter and Owner", () => {
    const { problems, checked } = tagProblems(resources, {
      Environment: "dev42",
      Project: "ecommerce-platform",
      ManagedBy: "Pulumi",
      CostCenter: "cc-7",
      Owner: "shop-team",
    });
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(40);
  });

  it("the taggability check reads the provider schema (sanity: a VPC takes tags, a route does not)", () => {
    expect(acceptsTags("aws:ec2/vpc:Vpc")).toBe(true);
    expect(acceptsTags("aws:ec2/route:Route")).toBe(false);
    expect(acceptsTags("aws:s3/bucketPolicy:BucketPolicy")).toBe(false);
    expect(acceptsTags("random:index/randomPassword:RandomPassword")).toBe(false);
  });

  it("every physical name carries the environment suffix and fits its AWS limit", () => {
    const { problems, checked } = nameProblems(resources, "dev42");
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(20);
  });

  it("registers no resource type outside the platform's inventory", () => {
    const unexpected = [...new Set(resources.map((r) => r.type))].filter((t) => !EXPECTED_TYPES.has(t));
    expect(unexpected).toEqual([]);
  });

  it("exports the seed's #10 list plus VPC, subnets, front doors, data stores, dashboard and topic", async () => {
    const absent = REQUIRED_EXPORTS.filter((k) => !(k in program));
    expect(absent).toEqual([]);
    for (const key of REQUIRED_EXPORTS) {
      const value = await resolve(program[key] as pulumi.Input<unknown>);
      expect(value, key).toBeTruthy();
      if (Array.isArray(value)) expect(value.length, key).toBeGreaterThan(0);
    }
  });

  it("exports the foundation's values from the components that own them", async () => {
    expect(await resolve(program.vpcId as pulumi.Output<string>)).toBe(oneOfType("aws:ec2/vpc:Vpc").id);
    expect(await resolve(program.privateSubnetIds as pulumi.Output<string[]>)).toHaveLength(3);
    expect(await resolve(program.natGatewayPublicIps as pulumi.Output<string[]>)).toHaveLength(1); // natGateways: single
    expect(await resolve(program.rdsProxyEndpoint as pulumi.Output<string>)).toBe(oneOfType("aws:rds/proxy:Proxy").state.endpoint);
    expect(await resolve(program.sessionsTableName as pulumi.Output<string>)).toBe("ecommerce-sessions-dev42");
    expect(await resolve(program.cacheTableName as pulumi.Output<string>)).toBe("ecommerce-cache-dev42");
    expect(await resolve(program.vpcFlowLogGroupName as pulumi.Output<string>)).toBe(
      oneOfType("aws:ec2/flowLog:FlowLog").inputs.logDestination.split(":log-group:")[1],
    );
  });

  it("secret values are exported only as Pulumi secrets", async () => {
    const secretExports = Object.keys(program).filter((k) => /(password|token|signingKey|apiKeyValue|secret)$/i.test(k));
    expect(secretExports).toEqual(expect.arrayContaining(["adminToken", "apiKeyValue"]));
    for (const key of secretExports) {
      expect(await pulumi.isSecret(program[key] as pulumi.Output<unknown>), key).toBe(true);
    }
  });

  it("dev stack tears down cleanly: nothing protected, only the account-wide API Gateway setting and the edge function retained, no deletion protection, no final snapshot, forceDestroy buckets, no secret recovery window", () => {
    expect(resources.filter((r) => r.protect).map((r) => r.name)).toEqual([]);
    // Kept on purpose: the region's API Gateway CloudWatch role setting (deleting it would reset it for
    // every stack there); the Lambda@Edge function is left to a later cleanup (skipDestroy: its replicas
    // block deletion for hours).
    expect(
      resources
        .filter((r) => r.retainOnDelete)
        .map((r) => r.name)
        .sort(),
    ).toEqual(["rest-api-account", "rest-api-cloudwatch-push", "rest-api-cloudwatch-role"]);
    expect(resources.filter((r) => r.inputs.skipDestroy === true).map((r) => r.name)).toEqual(["edge-guard-function"]);
    const cluster = oneOfType("aws:rds/cluster:Cluster").inputs;
    expect(cluster.deletionProtection).toBe(false);
    expect(cluster.skipFinalSnapshot).toBe(true);
    for (const t of ofType("aws:dynamodb/table:Table")) expect(t.inputs.deletionProtectionEnabled).toBe(false);
    for (const b of ofType("aws:s3/bucket:Bucket")) expect(b.inputs.forceDestroy).toBe(true);
    for (const s of ofType("aws:secretsmanager/secret:Secret")) expect(s.inputs.recoveryWindowInDays).toBe(0);
  });

  it("every log group is encrypted with a customer KMS key whose policy lets CloudWatch Logs use it for that group", () => {
    const groups = ofType("aws:cloudwatch/logGroup:LogGroup");
    // Including every group AWS would otherwise create itself (no expiry, no key, left after destroy):
    // API Gateway execution logs, RDS Proxy, and the edge guard's replicas in us-east-1 and the stack's region.
    const edgeName = ofType("aws:lambda/function:Function").find((f) => f.inputs.region === "us-east-1")!.inputs.name;
    expect(groups.map((g) => `${g.inputs.region ?? MOCK_REGION} ${g.inputs.name}`).sort()).toEqual([
      `${MOCK_REGION} /aws/apigateway/ecommerce-api-dev42`,
      `${MOCK_REGION} /aws/lambda/ecommerce-api-dev42`,
      `${MOCK_REGION} /aws/lambda/us-east-1.${edgeName}`,
      `${MOCK_REGION} /aws/rds/cluster/ecommerce-aurora-dev42/postgresql`,
      `${MOCK_REGION} /aws/rds/proxy/ecommerce-aurora-proxy-dev42`,
      `${MOCK_REGION} /aws/vpc/ecommerce-vpc-flow-logs-dev42`,
      `${MOCK_REGION} API-Gateway-Execution-Logs_${oneOfType("aws:apigateway/restApi:RestApi").id}/prod`,
      `${MOCK_REGION} aws-waf-logs-ecommerce-api-waf-dev42`,
      `us-east-1 /aws/lambda/us-east-1.${edgeName}`,
      `us-east-1 aws-waf-logs-ecommerce-edge-waf-dev42`,
    ]);
    for (const group of groups) {
      const region = group.inputs.region ?? MOCK_REGION;
      const key = ofType("aws:kms/key:Key").find((k) => k.state.arn === group.inputs.kmsKeyId && (k.inputs.region ?? MOCK_REGION) === region);
      expect(key, group.inputs.name).toBeDefined();
      expect(key!.inputs.enableKeyRotation, group.inputs.name).toBe(true);
      const logs = JSON.parse(key!.inputs.policy).Statement.find((s: any) => s.Principal.Service === `logs.${region}.amazonaws.com`);
      expect([logs.Condition.ArnEquals["kms:EncryptionContext:aws:logs:arn"]].flat(), group.inputs.name).toContain(
        `arn:aws:logs:${region}:${MOCK_ACCOUNT_ID}:log-group:${group.inputs.name}`,
      );
    }
  });

  it("no data store is public: no database instance publicly accessible, every bucket blocks public access", () => {
    for (const i of ofType("aws:rds/clusterInstance:ClusterInstance")) expect(i.inputs.publiclyAccessible).toBe(false);
    const blocked = new Set(ofType("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").map((p) => p.inputs.bucket));
    for (const b of ofType("aws:s3/bucket:Bucket")) expect(blocked.has(b.id), b.inputs.bucket).toBe(true);
    // Nothing accepts traffic from the internet: the ALB is internal, behind CloudFront's VPC origin.
    const openIngress = ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter(
      (r) => r.inputs.cidrIpv4 === "0.0.0.0/0" || r.inputs.cidrIpv6 === "::/0",
    );
    expect(openIngress).toEqual([]);
    expect(oneOfType("aws:lb/loadBalancer:LoadBalancer").inputs.internal).toBe(true);
    for (const sg of ofType("aws:ec2/securityGroup:SecurityGroup")) expect(sg.inputs.ingress ?? [], sg.name).toEqual([]);
  });
});

describe("program: prod stack (provisioned concurrency, alarm e-mail, ALB certificate)", () => {
  let resources: RegisteredResource[];
  beforeAll(async () => {
    ({ resources } = await runProgram({
      environmentSuffix: "prod",
      environmentType: "prod",
      lambdaProvisionedConcurrency: "2",
      alarmEmail: "ops@example.com",
      certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab",
      albDomainName: "api-origin.prod.example.com",
      monthlyBudgetUsd: "1000",
    }));
  }, 120_000);

  it("every optional resource is tagged, named with the suffix and in the inventory too", () => {
    const tags = tagProblems(resources, { Environment: "prod", ManagedBy: "Pulumi" });
    expect(tags.problems).toEqual([]);
    const names = nameProblems(resources, "prod");
    expect(names.problems).toEqual([]);
    const types = new Set(resources.map((r) => r.type));
    expect([...types].filter((t) => !EXPECTED_TYPES.has(t))).toEqual([]);
    // The optional branches really ran.
    for (const t of [
      "aws:lambda/alias:Alias",
      "aws:appautoscaling/target:Target",
      "aws:sns/topicSubscription:TopicSubscription",
      "aws:budgets/budget:Budget",
    ]) {
      expect(types.has(t), t).toBe(true);
    }
  });

  it("prod keeps data: deletion protection and a final snapshot on Aurora, deletion protection on tables", () => {
    const cluster = oneOfType("aws:rds/cluster:Cluster").inputs;
    expect(cluster.deletionProtection).toBe(true);
    expect(cluster.skipFinalSnapshot).toBe(false);
    expect(cluster.finalSnapshotIdentifier).toBe("ecommerce-aurora-prod-final");
    for (const t of ofType("aws:dynamodb/table:Table")) expect(t.inputs.deletionProtectionEnabled).toBe(true);
  });

  it("prod never force-deletes: no forceDestroy bucket or forceDelete repository, secrets keep a recovery window", () => {
    for (const b of ofType("aws:s3/bucket:Bucket")) expect(b.inputs.forceDestroy).toBe(false);
    for (const r of ofType("aws:ecr/repository:Repository")) expect(r.inputs.forceDelete ?? false).toBe(false);
    for (const s of ofType("aws:secretsmanager/secret:Secret")) expect(s.inputs.recoveryWindowInDays).toBeGreaterThanOrEqual(7);
  });

  it("prod data stores survive a destroy: Pulumi retains Aurora (cluster, instances, key, log, the application role's secret; RDS keeps the master's), the tables and the buckets", () => {
    const kept = [
      ...ofType("aws:rds/cluster:Cluster"),
      ...ofType("aws:rds/clusterInstance:ClusterInstance"),
      ...ofType("aws:kms/key:Key").filter((k) => k.state.arn === oneOfType("aws:rds/cluster:Cluster").inputs.kmsKeyId),
      ...ofType("aws:cloudwatch/logGroup:LogGroup").filter((g) => g.inputs.name.startsWith("/aws/rds/cluster/")),
      ...ofType("aws:secretsmanager/secret:Secret").filter((s) => s.inputs.name.includes("aurora-app")),
      ...ofType("aws:dynamodb/table:Table"),
      ...ofType("aws:s3/bucket:Bucket"),
    ];
    expect(kept).toHaveLength(1 + 3 + 1 + 1 + 1 + 2 + 3);
    for (const r of kept) expect(r.retainOnDelete, `${r.type} ${r.name}`).toBe(true);
  });

  it("prod refuses destroy before deleting anything: every stateful resource (and each setting of a kept bucket) is protected and retained", () => {
    const STATEFUL = [
      "aws:rds/cluster:Cluster",
      "aws:rds/clusterInstance:ClusterInstance",
      "aws:dynamodb/table:Table",
      "aws:s3/bucket:Bucket",
      "aws:kms/key:Key",
      "aws:secretsmanager/secret:Secret",
      "aws:cloudwatch/logGroup:LogGroup",
      "aws:ecr/repository:Repository",
      // a retained bucket keeps its guards: public access block, ownership, encryption, versioning, lifecycle, TLS-only policy
      "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
      "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      "aws:s3/bucketVersioning:BucketVersioning",
      "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
      "aws:s3/bucketPolicy:BucketPolicy",
    ];
    // The alarm topic's key only encrypts messages SNS holds until delivery: nothing to keep after a destroy.
    const stateful = resources.filter((r) => STATEFUL.includes(r.type) && !/^monitoring(-us-east-1)?-topic-key$/.test(r.name));
    expect(new Set(stateful.map((r) => r.type)).size).toBe(STATEFUL.length);
    const unprotected = stateful.filter((r) => !r.protect || !r.retainOnDelete).map((r) => `${r.type} ${r.name}`);
    expect(unprotected).toEqual([]);
    // Stateless parts are not protected: a prod operator can still replace a function or a route.
    expect(ofType("aws:lambda/permission:Permission").every((r) => !r.protect)).toBe(true);
    // Nor are the rotating secrets' versions: a rotation replaces the version (its value is ForceNew), which protect would refuse.
    const rotating = ofType("aws:secretsmanager/secretVersion:SecretVersion").filter((r) => /^secrets-(session-key|origin-verify)$/.test(r.name));
    expect(rotating).toHaveLength(2);
    expect(rotating.every((r) => !r.protect)).toBe(true);
  });

  it("one NAT gateway per AZ by default", () => {
    expect(ofType("aws:ec2/natGateway:NatGateway")).toHaveLength(3);
  });
});

describe("harness: mocks fail loudly", () => {
  it("a data-source call the mocks do not know is an error, not an empty answer", async () => {
    await installMocks({ environmentSuffix: "dev" });
    await expect(pulumi.runtime.invoke("aws:ec2/getVpc:getVpc", { default: true })).rejects.toThrow(/no answer for data source "aws:ec2\/getVpc:getVpc"/);
  });
});

describe("harness: settle()", () => {
  it("waits for resources created in apply callbacks, however deep the chain", async () => {
    await installMocks({ environmentSuffix: "dev" });
    const aws = await import("@pulumi/aws");
    let arn: pulumi.Output<string> = new aws.sns.Topic("chain-0", {}).arn;
    for (let i = 1; i <= 5; i++) arn = arn.apply((previous) => new aws.sns.Topic(`chain-${i}`, { displayName: previous.slice(-20) }).arn);
    await settle();
    expect(ofType("aws:sns/topic:Topic").map((r) => r.name)).toEqual(["chain-0", "chain-1", "chain-2", "chain-3", "chain-4", "chain-5"]);
  });
});

describe("program: bad config", () => {
  it("fails before registering anything, naming the key and what is allowed", async () => {
    await expect(runProgram({ environmentSuffix: "dev", natGateways: "two" })).rejects.toThrow(
      /ecommerce-platform:natGateways is "two"; allowed: perAz, single/,
    );
    expect(registered.filter((r) => r.type.startsWith("aws:"))).toHaveLength(0);
  });
});
