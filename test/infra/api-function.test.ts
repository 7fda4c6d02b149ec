/**
 * ApiFunction under Pulumi mocks: what `pulumi up` would register for the API's
 * image, function, role, log group, provisioned concurrency and migrations.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { MOCK_ACCOUNT_ID, MOCK_REGION, dependsOn, installMocks, isSecret, unsecret, ofType, oneOfType, resolve, settle, testTags } from "./harness";
import type { ApiFunction, ApiFunctionArgs } from "../../infra/api-function";

const TAGS = testTags("t1");
const PROXY_ARN = `arn:aws:rds:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:db-proxy:prx-0123456789abcdef0`;
const DB_APP_SECRET_ARN = `arn:aws:secretsmanager:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:secret:ecommerce-aurora-app-t1-AbCdEf`;
const SESSIONS_ARN = `arn:aws:dynamodb:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:table/ecommerce-sessions-t1`;
const CACHE_ARN = `arn:aws:dynamodb:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:table/ecommerce-cache-t1`;
const SESSION_KEY_ARN = `arn:aws:secretsmanager:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:secret:ecommerce-session-key-t1-AbCdEf`;
const ADMIN_TOKEN_ARN = `arn:aws:secretsmanager:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:secret:ecommerce-admin-token-t1-AbCdEf`;

function args(overrides: Partial<ApiFunctionArgs> = {}): ApiFunctionArgs {
  return {
    environmentSuffix: "t1",
    tags: TAGS,
    subnetIds: ["subnet-a", "subnet-b", "subnet-c"],
    securityGroupIds: ["sg-fn"],
    dbProxyEndpoint: "ecommerce-db-proxy-t1.proxy-abc.eu-west-1.rds.amazonaws.com",
    dbProxyReadEndpoint: "ecommerce-db-read-t1.endpoint.proxy-abc.eu-west-1.rds.amazonaws.com",
    dbProxyArn: PROXY_ARN,
    dbUser: "shop_app",
    dbOwnerUser: "shop_admin",
    dbAppSecretArn: DB_APP_SECRET_ARN,
    sessionsTableName: "ecommerce-sessions-t1",
    sessionsTableArn: SESSIONS_ARN,
    cacheTableName: "ecommerce-cache-t1",
    cacheTableArn: CACHE_ARN,
    sessionKeySecretArn: SESSION_KEY_ARN,
    adminTokenSecretArn: ADMIN_TOKEN_ARN,
    databaseIdentity: "cluster-RESTORED1",
    ...overrides,
  };
}

async function build(overrides: Partial<ApiFunctionArgs> = {}): Promise<ApiFunction> {
  await installMocks({ environmentSuffix: "t1" });
  const { ApiFunction } = await import("../../infra/api-function");
  const component = new ApiFunction("api", args(overrides));
  await settle();
  return component;
}

const FUNCTION = "aws:lambda/function:Function";

/** The digest the image build produced (the mocks compute one per image). */
function imageDigest(): string {
  const digest = oneOfType("docker-build:index:Image").state.digest as string;
  expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  return digest;
}

describe("ApiFunction (defaults: no provisioned concurrency)", () => {
  let component: ApiFunction;
  beforeAll(async () => {
    component = await build();
  });

  it("ECR repository scans on push, is encrypted, force-deletes on dev and keeps the last 10 images", () => {
    const repo = oneOfType("aws:ecr/repository:Repository");
    expect(repo.inputs.name).toBe("ecommerce-api-t1");
    expect(repo.inputs.imageScanningConfiguration).toEqual({ scanOnPush: true });
    expect(repo.inputs.encryptionConfigurations[0].encryptionType).toMatch(/^(KMS|AES256)$/);
    expect(repo.inputs.forceDelete).toBe(true);
    const policy = JSON.parse(oneOfType("aws:ecr/lifecyclePolicy:LifecyclePolicy").inputs.policy);
    expect(policy.rules).toHaveLength(1);
    expect(policy.rules[0].selection).toEqual({ tagStatus: "any", countType: "imageCountMoreThan", countNumber: 10 });
    expect(policy.rules[0].action).toEqual({ type: "expire" });
  });

  it("image is built from app/Dockerfile at the repository root (paths relative to the project directory) for linux/arm64 only and pushed with ECR credentials", () => {
    const image = oneOfType("docker-build:index:Image");
    expect(image.inputs.platforms).toEqual(["linux/arm64"]);
    expect(image.inputs.push).toBe(true);
    expect(image.inputs.exec).toBe(false); // embedded buildx: no provenance attestation manifest list
    // The tests run from the project directory, as `pulumi up` runs the program; absolute paths would
    // differ per checkout and rebuild the image (docker-build diffs the locations as strings).
    expect(process.cwd()).toBe(path.resolve(__dirname, "../.."));
    expect(image.inputs.context.location).toBe(".");
    expect(image.inputs.dockerfile.location).toBe("app/Dockerfile");
    const repoUrl = `${MOCK_ACCOUNT_ID}.dkr.ecr.${MOCK_REGION}.amazonaws.com/ecommerce-api-t1`;
    expect(image.inputs.tags).toEqual([`${repoUrl}:latest`]);
    // The registry credentials are a secret output (never in plain state).
    expect(isSecret(image.inputs.registries)).toBe(true);
    expect(unsecret(image.inputs.registries)).toEqual([{ address: repoUrl, username: "AWS", password: "mock-ecr-password" }]);
  });

  it("the Dockerfile the image builds exists, ends in an arm64 Lambda base with CMD index.handler, and the context excludes node_modules", () => {
    const image = oneOfType("docker-build:index:Image").inputs;
    const dockerfile = fs.readFileSync(image.dockerfile.location, "utf8");
    const stages = dockerfile.split("\n").filter((line) => /^FROM\s/i.test(line));
    expect(stages.at(-1)).toMatch(/^FROM --platform=linux\/arm64 public\.ecr\.aws\/lambda\/nodejs:\d+/);
    expect(dockerfile).toMatch(/^CMD \["index\.handler"\]\s*$/m);
    // buildx reads <context>/.dockerignore: without it the whole repository (node_modules too) is sent and hashed.
    const ignore = fs
      .readFileSync(path.join(image.context.location, ".dockerignore"), "utf8")
      .split("\n")
      .map((l) => l.trim());
    expect(ignore.includes("*") || ignore.includes("node_modules") || ignore.includes("node_modules/")).toBe(true);
    expect(ignore).not.toContain("!node_modules");
  });

  it("function runs the image by digest, never by tag", () => {
    const fn = oneOfType(FUNCTION);
    expect(fn.inputs.packageType).toBe("Image");
    expect(fn.inputs.imageUri).toBe(`${MOCK_ACCOUNT_ID}.dkr.ecr.${MOCK_REGION}.amazonaws.com/ecommerce-api-t1@${imageDigest()}`);
    expect(fn.inputs.imageUri).not.toMatch(/:latest$/);
    expect(fn.inputs.handler).toBeUndefined();
    expect(fn.inputs.runtime).toBeUndefined();
  });

  it("function is arm64, 1769 MB, 30 s, X-Ray active, no reserved concurrency (a new account has none to reserve), in the private subnets with its security group", () => {
    const fn = oneOfType(FUNCTION).inputs;
    expect(fn.name).toBe("ecommerce-api-t1");
    expect(fn.architectures).toEqual(["arm64"]);
    expect(fn.memorySize).toBe(1769);
    expect(fn.timeout).toBe(30);
    expect(fn.tracingConfig).toEqual({ mode: "Active" });
    expect(fn.reservedConcurrentExecutions).toBe(-1);
    expect(fn.vpcConfig.subnetIds).toEqual(["subnet-a", "subnet-b", "subnet-c"]);
    expect(fn.vpcConfig.securityGroupIds).toEqual(["sg-fn"]);
    expect(fn.publish).toBe(false);
  });

  it("function environment carries every variable the API reads at cold start", () => {
    expect(oneOfType(FUNCTION).inputs.environment.variables).toEqual({
      ENVIRONMENT_SUFFIX: "t1",
      DB_PROXY_ENDPOINT: "ecommerce-db-proxy-t1.proxy-abc.eu-west-1.rds.amazonaws.com",
      DB_PROXY_READ_ENDPOINT: "ecommerce-db-read-t1.endpoint.proxy-abc.eu-west-1.rds.amazonaws.com",
      DB_PORT: "5432",
      DB_POOL_MAX: "2",
      DB_NAME: "shop",
      DB_USER: "shop_app",
      DB_OWNER_USER: "shop_admin",
      DB_APP_SECRET_ARN: DB_APP_SECRET_ARN,
      SESSIONS_TABLE: "ecommerce-sessions-t1",
      CACHE_TABLE: "ecommerce-cache-t1",
      SESSION_KEYS_SECRET_ARN: SESSION_KEY_ARN,
      ADMIN_TOKEN_SECRET_ARN: ADMIN_TOKEN_ARN,
      POWERTOOLS_SERVICE_NAME: "shop-api",
      POWERTOOLS_METRICS_NAMESPACE: "EcommercePlatform",
      LOG_LEVEL: "INFO",
    });
  });

  it("the API's own config loader accepts the function's environment (AWS mode, IAM auth through both proxy endpoints)", async () => {
    const { loadConfig } = await import("../../app/src/config");
    const env = { ...oneOfType(FUNCTION).inputs.environment.variables, AWS_REGION: MOCK_REGION };
    const config: any = loadConfig(env);
    expect(config.mode).toBe("aws");
    expect(config.db.writer).toMatchObject({ kind: "iam", host: env.DB_PROXY_ENDPOINT, user: "shop_app", database: "shop", port: 5432 });
    expect(config.db.reader.host).toBe(env.DB_PROXY_READ_ENDPOINT);
    expect(config.dynamo).toEqual({ sessionsTable: "ecommerce-sessions-t1", cacheTable: "ecommerce-cache-t1" });
  });

  it("log group /aws/lambda/<name> keeps 30 days, is created before the function and receives its logs", () => {
    const logGroup = oneOfType("aws:cloudwatch/logGroup:LogGroup");
    const fn = oneOfType(FUNCTION);
    expect(logGroup.inputs.name).toBe("/aws/lambda/ecommerce-api-t1");
    expect(logGroup.inputs.retentionInDays).toBe(30);
    expect(fn.inputs.loggingConfig).toEqual({ logFormat: "JSON", logGroup: "/aws/lambda/ecommerce-api-t1" });
    expect(dependsOn(fn, logGroup)).toBe(true);
  });

  it("log group is encrypted with its own rotating KMS key that CloudWatch Logs may use for that group only", () => {
    const logGroup = oneOfType("aws:cloudwatch/logGroup:LogGroup");
    const key = oneOfType("aws:kms/key:Key");
    expect(logGroup.inputs.kmsKeyId).toBe(key.state.arn);
    expect(dependsOn(logGroup, key)).toBe(true);
    expect(key.inputs.enableKeyRotation).toBe(true);
    expect(oneOfType("aws:kms/alias:Alias").inputs).toEqual({ name: "alias/ecommerce-api-logs-key-t1", targetKeyId: key.state.keyId });
    const policy = JSON.parse(key.inputs.policy);
    const logs = policy.Statement.find((s: any) => s.Principal.Service === `logs.${MOCK_REGION}.amazonaws.com`);
    expect(logs.Condition).toEqual({
      ArnEquals: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:log-group:/aws/lambda/ecommerce-api-t1` },
    });
    expect(logs.Action).not.toContain("kms:*");
    expect(policy.Statement.filter((s: any) => s !== logs).map((s: any) => s.Principal)).toEqual([{ AWS: `arn:aws:iam::${MOCK_ACCOUNT_ID}:root` }]);
  });

  it("role trusts only lambda.amazonaws.com and has the VPC access managed policy before the function exists", () => {
    const role = oneOfType("aws:iam/role:Role");
    expect(JSON.parse(role.inputs.assumeRolePolicy)).toEqual({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
    });
    const attachment = oneOfType("aws:iam/rolePolicyAttachment:RolePolicyAttachment");
    expect(attachment.inputs.policyArn).toBe("arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole");
    expect(dependsOn(oneOfType(FUNCTION), attachment)).toBe(true);
    expect(dependsOn(oneOfType(FUNCTION), oneOfType("aws:iam/rolePolicy:RolePolicy"))).toBe(true);
  });

  it("inline policy names exact actions on exact ARNs; the only '*' resource is X-Ray's", () => {
    const policy = JSON.parse(oneOfType("aws:iam/rolePolicy:RolePolicy").inputs.policy);
    const bySid = Object.fromEntries(policy.Statement.map((s: any) => [s.Sid, s]));
    expect(bySid.Tables.Action).toEqual(["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"]);
    expect(bySid.Tables.Resource).toEqual([SESSIONS_ARN, CACHE_ARN]);
    // Each database user by name: the application role (requests) and the owner (the deploy-time migration).
    const dbUser = (user: string) => `arn:aws:rds-db:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:dbuser:prx-0123456789abcdef0/${user}`;
    expect(bySid.DatabaseViaProxy).toMatchObject({ Action: "rds-db:connect", Resource: [dbUser("shop_app"), dbUser("shop_admin")] });
    expect(bySid.Secrets).toMatchObject({ Action: "secretsmanager:GetSecretValue", Resource: [SESSION_KEY_ARN, ADMIN_TOKEN_ARN, DB_APP_SECRET_ARN] });
    expect(bySid.XRayTraces).toMatchObject({ Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Resource: "*" });
    for (const statement of policy.Statement) {
      expect(statement.Effect).toBe("Allow");
      for (const action of [statement.Action].flat()) expect(action).not.toContain("*");
      if (statement.Sid !== "XRayTraces") for (const resource of [statement.Resource].flat()) expect(resource).not.toContain("*");
    }
    expect(policy.Statement).toHaveLength(4);
  });

  it("migrations run by invoking the function with the migrate event, re-run when the image digest or the database changes", () => {
    const invocation = oneOfType("aws:lambda/invocation:Invocation");
    expect(invocation.inputs.functionName).toBe("ecommerce-api-t1");
    expect(JSON.parse(invocation.inputs.input)).toEqual({ shopAction: "migrate" });
    expect(invocation.inputs.triggers).toEqual({ imageDigest: imageDigest(), database: "cluster-RESTORED1" });
    expect(invocation.inputs.qualifier).toBeUndefined();
    expect(dependsOn(invocation, oneOfType(FUNCTION))).toBe(true);
  });

  it("no alias or provisioned concurrency when not asked; outputs point at the unqualified function", async () => {
    expect(ofType("aws:lambda/alias:Alias")).toHaveLength(0);
    expect(ofType("aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig")).toHaveLength(0);
    expect(ofType("aws:appautoscaling/target:Target")).toHaveLength(0);
    expect(await resolve(component.qualifier)).toBeUndefined();
    expect(await resolve(component.targetArn)).toBe(`arn:aws:lambda:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:function:ecommerce-api-t1`);
    expect(await resolve(component.invokeArn)).toMatch(/function:ecommerce-api-t1\/invocations$/);
    expect(await resolve(component.imageDigest)).toBe(imageDigest());
    expect(await resolve(component.logGroupName)).toBe("/aws/lambda/ecommerce-api-t1");
  });

  it("every taggable resource carries the standard tags", () => {
    for (const type of ["aws:ecr/repository:Repository", FUNCTION, "aws:iam/role:Role", "aws:cloudwatch/logGroup:LogGroup", "aws:kms/key:Key"]) {
      expect(Object.keys(oneOfType(type).inputs.tags).sort()).toEqual(["CostCenter", "Environment", "ManagedBy", "Name", "Owner", "Project"]);
    }
  });
});

describe("ApiFunction with provisioned concurrency", () => {
  let component: ApiFunction;
  beforeAll(async () => {
    component = await build({ provisionedConcurrency: 2, provisionedConcurrencyMax: 6, isProd: true, memoryMb: 2048, reservedConcurrency: 20 });
  });

  it("publishes a version behind the `live` alias with N provisioned executions", () => {
    const fn = oneOfType(FUNCTION).inputs;
    expect(fn.publish).toBe(true);
    expect(fn.memorySize).toBe(2048);
    expect(fn.reservedConcurrentExecutions).toBe(20);
    const alias = oneOfType("aws:lambda/alias:Alias").inputs;
    expect(alias).toMatchObject({ name: "live", functionName: "ecommerce-api-t1", functionVersion: "1" });
    const warm = oneOfType("aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig");
    expect(warm.inputs).toMatchObject({ functionName: "ecommerce-api-t1", qualifier: "live", provisionedConcurrentExecutions: 2 });
    // Auto scaling owns the allocation after creation: `pulumi up --refresh` must not reset it to N.
    expect(warm.ignoreChanges).toEqual(["provisionedConcurrentExecutions"]);
    expect(oneOfType("aws:ecr/repository:Repository").inputs.forceDelete).toBe(false);
  });

  it("auto scales the alias between N and M on provisioned-concurrency utilization 0.7", () => {
    const target = oneOfType("aws:appautoscaling/target:Target").inputs;
    expect(target).toMatchObject({
      serviceNamespace: "lambda",
      scalableDimension: "lambda:function:ProvisionedConcurrency",
      resourceId: "function:ecommerce-api-t1:live",
      minCapacity: 2,
      maxCapacity: 6,
    });
    const policy = oneOfType("aws:appautoscaling/policy:Policy").inputs;
    expect(policy.policyType).toBe("TargetTrackingScaling");
    expect(policy.resourceId).toBe("function:ecommerce-api-t1:live");
    expect(policy.targetTrackingScalingPolicyConfiguration).toEqual({
      targetValue: 0.7,
      predefinedMetricSpecification: { predefinedMetricType: "LambdaProvisionedConcurrencyUtilization" },
    });
  });

  it("callers (ALB, API Gateway, migrations) use the alias", async () => {
    const aliasArn = `arn:aws:lambda:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:function:ecommerce-api-t1:live`;
    expect(await resolve(component.targetArn)).toBe(aliasArn);
    expect(await resolve(component.invokeArn)).toBe(`arn:aws:apigateway:${MOCK_REGION}:lambda:path/2015-03-31/functions/${aliasArn}/invocations`);
    expect(await resolve(component.qualifier)).toBe("live");
    expect(oneOfType("aws:lambda/invocation:Invocation").inputs.qualifier).toBe("live");
  });
});

describe("ApiFunction rejects a provisioned concurrency plan the account cannot honour", () => {
  it("fails when the max exceeds the reserved concurrency, naming both numbers", async () => {
    await expect(build({ provisionedConcurrency: 5, provisionedConcurrencyMax: 50, reservedConcurrency: 10 })).rejects.toThrow(
      /max \(50\) exceeds the function's reserved concurrency \(10\)/,
    );
  });
});
