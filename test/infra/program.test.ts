/**
 * The whole program (infra/index.ts) under Pulumi mocks, for a dev and a prod stack:
 * issue 2 item 10 (names, tags, exports) and the dev/prod differences of items 2-4.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { NAME_RULES, checkName, type NameKind } from "../../infra/naming";
import { REQUIRED_TAG_KEYS } from "../../infra/tags";
import { installMocks, ofType, oneOfType, registered, resolve, settle, unsecret, type RegisteredResource } from "./harness";

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
  "aws:rds/proxyEndpoint:ProxyEndpoint": { field: "dbProxyEndpointName", kind: "rdsProxy" },
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
  "aws:cloudfront/originAccessControl:OriginAccessControl": { field: "name", kind: "cloudfrontPolicy" },
  "aws:cloudfront/function:Function": { field: "name", kind: "cloudfrontPolicy" },
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

type Program = Record<string, unknown>;

async function runProgram(config: Record<string, string>): Promise<{ program: Program; resources: RegisteredResource[] }> {
  await installMocks({ "aws:region": "eu-west-1", ...config });
  vi.resetModules();
  const program = (await import("../../infra/index")) as Program;
  await settle();
  return { program, resources: [...registered] };
}

const physicalNameOf = (r: RegisteredResource): string | undefined => {
  const rule = PHYSICAL_NAME[r.type];
  const value = rule ? r.inputs[rule.field] : r.inputs.name;
  return typeof value === "string" ? value : undefined;
};

describe("program: dev stack", () => {
  let program: Program;
  let resources: RegisteredResource[];
  beforeAll(async () => {
    ({ program, resources } = await runProgram({ environmentSuffix: "dev42", natGateways: "single", costCenter: "cc-7", owner: "shop-team" }));
  }, 120_000);

  it("registers the foundation components and their resources", () => {
    for (const type of ["shop:network:Network", "shop:database:Database", "shop:tables:Tables", "shop:buckets:Buckets", "shop:secrets:Secrets"]) {
      expect(resources.filter((r) => r.type === type), type).toHaveLength(1);
    }
    expect(resources.filter((r) => r.type.startsWith("aws:")).length).toBeGreaterThan(60);
  });

  it("every taggable resource carries Name, Environment, Project, ManagedBy, CostCenter and Owner", () => {
    const taggable = resources.filter((r) => acceptsTags(r.type));
    expect(taggable.length).toBeGreaterThan(40);
    const missing: string[] = [];
    for (const r of taggable) {
      const tags = unsecret<Record<string, string> | undefined>(r.inputs.tags) ?? {};
      const absent = REQUIRED_TAG_KEYS.filter((k) => !tags[k]);
      if (absent.length > 0) missing.push(`${r.type} ${r.name}: missing ${absent.join(", ")}`);
      else {
        expect(tags, `${r.type} ${r.name}`).toMatchObject({
          Environment: "dev42",
          Project: "ecommerce-platform",
          ManagedBy: "Pulumi",
          CostCenter: "cc-7",
          Owner: "shop-team",
        });
      }
    }
    expect(missing).toEqual([]);
  });

  it("the taggability check reads the provider schema (sanity: a VPC takes tags, a route does not)", () => {
    expect(acceptsTags("aws:ec2/vpc:Vpc")).toBe(true);
    expect(acceptsTags("aws:ec2/route:Route")).toBe(false);
    expect(acceptsTags("aws:s3/bucketPolicy:BucketPolicy")).toBe(false);
    expect(acceptsTags("random:index/randomPassword:RandomPassword")).toBe(false);
  });

  it("every physical name carries the environment suffix and fits its AWS limit", () => {
    const problems: string[] = [];
    let checked = 0;
    for (const r of resources) {
      if (!r.type.startsWith("aws:") || NOT_PHYSICAL_NAMES.has(r.type)) continue;
      const name = physicalNameOf(r);
      if (name === undefined) continue;
      checked++;
      if (!name.includes("dev42")) problems.push(`${r.type} ${r.name}: "${name}" lacks the suffix`);
      const kind = PHYSICAL_NAME[r.type]?.kind ?? "generic";
      try {
        checkName(kind, name);
      } catch (e) {
        problems.push(`${r.type} ${r.name}: ${(e as Error).message}`);
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(20);
    expect(Object.keys(NAME_RULES)).toContain("alb");
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
    expect(await resolve(program.vpcFlowLogGroupName as pulumi.Output<string>)).toBe(oneOfType("aws:ec2/flowLog:FlowLog").inputs.logDestination.split(":log-group:")[1]);
  });

  it("secret values are exported only as Pulumi secrets", async () => {
    const secretExports = Object.keys(program).filter((k) => /(password|token|signingKey|apiKeyValue|secret)$/i.test(k));
    expect(secretExports).toEqual(expect.arrayContaining(["adminToken", "apiKeyValue"]));
    for (const key of secretExports) {
      expect(await pulumi.isSecret(program[key] as pulumi.Output<unknown>), key).toBe(true);
    }
  });

  it("dev stack tears down cleanly: no deletion protection, no final snapshot, forceDestroy buckets, no secret recovery window", () => {
    const cluster = oneOfType("aws:rds/cluster:Cluster").inputs;
    expect(cluster.deletionProtection).toBe(false);
    expect(cluster.skipFinalSnapshot).toBe(true);
    for (const t of ofType("aws:dynamodb/table:Table")) expect(t.inputs.deletionProtectionEnabled).toBe(false);
    for (const b of ofType("aws:s3/bucket:Bucket")) expect(b.inputs.forceDestroy).toBe(true);
    for (const s of ofType("aws:secretsmanager/secret:Secret")) expect(s.inputs.recoveryWindowInDays).toBe(0);
  });

  it("no data store is public: no database instance publicly accessible, every bucket blocks public access", () => {
    for (const i of ofType("aws:rds/clusterInstance:ClusterInstance")) expect(i.inputs.publiclyAccessible).toBe(false);
    const blocked = new Set(ofType("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").map((p) => p.inputs.bucket));
    for (const b of ofType("aws:s3/bucket:Bucket")) expect(blocked.has(b.id), b.inputs.bucket).toBe(true);
    // Only the load balancer's security group may accept traffic from the internet.
    const openIngress = ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter(
      (r) => r.inputs.cidrIpv4 === "0.0.0.0/0" || r.inputs.cidrIpv6 === "::/0",
    );
    const albSgIds = new Set<string>(oneOfType("aws:lb/loadBalancer:LoadBalancer").inputs.securityGroups);
    expect(openIngress.length).toBeGreaterThan(0);
    for (const r of openIngress) expect(albSgIds.has(r.inputs.securityGroupId), r.name).toBe(true);
    for (const sg of ofType("aws:ec2/securityGroup:SecurityGroup")) expect(sg.inputs.ingress ?? [], sg.name).toEqual([]);
  });
});

describe("program: prod stack", () => {
  beforeAll(async () => {
    await runProgram({ environmentSuffix: "prod", environmentType: "prod" });
  }, 120_000);

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

  it("one NAT gateway per AZ by default", () => {
    expect(ofType("aws:ec2/natGateway:NatGateway")).toHaveLength(3);
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
