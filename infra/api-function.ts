/**
 * The API function: its ECR repository, the container image built from
 * app/Dockerfile and pushed there, the Lambda that runs it by digest inside the
 * VPC, its role and KMS-encrypted log group, optional provisioned concurrency on the `live`
 * alias, and the deploy-time database migration.
 */
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as dockerBuild from "@pulumi/docker-build";
import * as pulumi from "@pulumi/pulumi";
import { APP_DEFAULTS } from "../app/src/config";
import { LIVE_ALIAS, aliasScalingResourceId, provisionedConcurrencyPlan } from "./capacity";
import { DEFAULT_LAMBDA_MEMORY_MB, UNRESERVED } from "./config";
import { createEncryptedLogGroup } from "./encrypted-log-group";
import { apiFunctionPolicy, proxyDbUserArn, serviceAssumeRolePolicy } from "./iam-policies";
import { projectPath, statefulOptions } from "./lifecycle";
import { physicalName } from "./naming";
import { standardTags, type TagContext } from "./tags";

/** The repository root: the image's build context (the Dockerfile copies the esbuild bundle from it). */
export const REPOSITORY_ROOT = path.resolve(__dirname, "..");

/** The event the API handles as "apply pending migrations" (docs/api.md: the `events/migrate.json` event, `npm run invoke`). */
export const MIGRATE_EVENT = { shopAction: "migrate" } as const;

export const API_FUNCTION_DEFAULTS = {
  // Deployable in a new account: memory within its 3008 MB cap (sized from the bench, see
  // DEFAULT_LAMBDA_MEMORY_MB), and no reservation (its concurrency quota of 10 leaves nothing to
  // reserve: "decreases account's UnreservedConcurrentExecution below its minimum value of [10]").
  memoryMb: DEFAULT_LAMBDA_MEMORY_MB,
  timeoutSeconds: 30,
  reservedConcurrency: UNRESERVED,
  logRetentionDays: 30,
  keepImages: 10,
} as const;

export interface ApiFunctionArgs {
  environmentSuffix: string;
  tags: TagContext;
  /**
   * Prod stacks: protect (and retain) the image repository and the log group with its key; other stacks
   * delete the repository with its images on destroy (ECR forceDelete). Default false.
   */
  isProd?: boolean;
  /** Private subnets the function runs in. */
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** The function's security group (the proxy's security group admits it). */
  securityGroupIds: pulumi.Input<pulumi.Input<string>[]>;
  /** RDS Proxy writer endpoint host, its READ_ONLY endpoint host, and the proxy ARN (for rds-db:connect). */
  dbProxyEndpoint: pulumi.Input<string>;
  dbProxyReadEndpoint: pulumi.Input<string>;
  dbProxyArn: pulumi.Input<string>;
  /** The application role the requests authenticate as (IAM token through the proxy). */
  dbUser: pulumi.Input<string>;
  /** The schema owner the deploy-time migration authenticates as (IAM token through the proxy). Default: dbUser. */
  dbOwnerUser?: pulumi.Input<string>;
  /** The proxy's secret of the application role: the migration sets the role's password from it. Default: none (the password is left as it is). */
  dbAppSecretArn?: pulumi.Input<string>;
  /** The database the API uses. Default: the API's own (APP_DEFAULTS.dbName, "shop"). */
  dbName?: pulumi.Input<string>;
  sessionsTableName: pulumi.Input<string>;
  sessionsTableArn: pulumi.Input<string>;
  cacheTableName: pulumi.Input<string>;
  cacheTableArn: pulumi.Input<string>;
  sessionKeySecretArn: pulumi.Input<string>;
  adminTokenSecretArn: pulumi.Input<string>;
  /** Customer-managed KMS keys of those secrets, if they use one. Default: none (AWS-managed keys). */
  secretsKmsKeyArns?: pulumi.Input<pulumi.Input<string>[]>;
  /** Lambda memory in MB. Default: DEFAULT_LAMBDA_MEMORY_MB (1769, sized from the bench). */
  memoryMb?: number;
  /** Connections per pool per execution (DB_POOL_MAX); infra/capacity.ts derives it. Default: APP_DEFAULTS.dbPoolMax (2). */
  dbPoolMax?: number;
  /** Reserved concurrent executions; -1 = unreserved. Default -1. */
  reservedConcurrency?: number;
  /** 0 = off; N > 0 = alias `live` with N provisioned executions, auto scaled up to provisionedConcurrencyMax. Default 0. */
  provisionedConcurrency?: number;
  /** Auto scaling maximum of the provisioned executions. Default: twice provisionedConcurrency. */
  provisionedConcurrencyMax?: number;
  /** The API's LOG_LEVEL. Default: APP_DEFAULTS.logLevel ("INFO"). */
  logLevel?: string;
  /** Resources that must exist before migrations run (e.g. the proxy target that waits for the writer). Default: none. */
  migrationDependsOn?: pulumi.Input<pulumi.Resource>[];
  /**
   * What identifies the database the migrations must reach (e.g. the cluster's resource id, new for a
   * new or restored cluster): migrations run again whenever it or the image changes. Default: none
   * (migrations run again only when the image changes).
   */
  databaseIdentity?: pulumi.Input<string>;
  /** Build context (a path relative to the project directory). Default: the repository root. */
  buildContext?: string;
  /** The Dockerfile (a path relative to the project directory). Default: app/Dockerfile. */
  dockerfile?: string;
}

export class ApiFunction extends pulumi.ComponentResource {
  public readonly functionName: pulumi.Output<string>;
  /** Unqualified function ARN. */
  public readonly functionArn: pulumi.Output<string>;
  /** The alias (`live`) when provisioned concurrency is on, else undefined: permissions use it as qualifier. */
  public readonly qualifier: pulumi.Output<string | undefined>;
  /** What the ALB and API Gateway invoke: the alias ARN when provisioned concurrency is on, else the function ARN. */
  public readonly targetArn: pulumi.Output<string>;
  /** API Gateway integration URI of targetArn. */
  public readonly invokeArn: pulumi.Output<string>;
  public readonly roleArn: pulumi.Output<string>;
  public readonly logGroupName: pulumi.Output<string>;
  public readonly repositoryUrl: pulumi.Output<string>;
  public readonly imageDigest: pulumi.Output<string>;
  /** The deploy-time migration; its result is `{"ok":true,"applied":[...]}`. */
  public readonly migrationResult: pulumi.Output<string>;

  constructor(name: string, args: ApiFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("shop:compute:ApiFunction", name, {}, opts);
    const suffix = args.environmentSuffix;
    const tagsFor = (physical: string) => standardTags(args.tags, physical);
    const reserved = args.reservedConcurrency ?? API_FUNCTION_DEFAULTS.reservedConcurrency;
    const provisioned = provisionedConcurrencyPlan(
      args.provisionedConcurrency ?? 0,
      args.provisionedConcurrencyMax ?? 2 * (args.provisionedConcurrency ?? 0),
      reserved,
    );

    // --- Image: ECR repository, lifecycle, buildx build for arm64, pushed and referenced by digest.
    const repoName = physicalName("ecrRepository", "api", suffix);
    const repository = new aws.ecr.Repository(
      `${name}-repo`,
      {
        name: repoName,
        imageScanningConfiguration: { scanOnPush: true },
        imageTagMutability: "MUTABLE", // the tag is only a label; the function pins the digest
        encryptionConfigurations: [{ encryptionType: "KMS" }],
        forceDelete: !(args.isProd ?? false),
        tags: tagsFor(repoName),
      },
      { parent: this, ...statefulOptions(args.isProd ?? false) },
    );

    new aws.ecr.LifecyclePolicy(
      `${name}-repo-lifecycle`,
      {
        repository: repository.name,
        policy: JSON.stringify(ecrLifecyclePolicy(API_FUNCTION_DEFAULTS.keepImages)),
      },
      { parent: this },
    );

    const registryAuth = aws.ecr.getAuthorizationTokenOutput({ registryId: repository.registryId }, { parent: this });
    // Relative paths: docker-build diffs `context.location` as a string and the Dockerfile with
    // reflect.DeepEqual (pulumi-docker-build provider/internal/image.go, Image.Diff), and resolves them
    // against its working directory, the project directory (provider/internal/context.go,
    // filepath.Abs). An absolute path would rebuild, redeploy and re-migrate from every other checkout.
    const image = new dockerBuild.Image(
      `${name}-image`,
      {
        context: { location: args.buildContext ?? projectPath(REPOSITORY_ROOT) },
        dockerfile: { location: args.dockerfile ?? projectPath(path.join(REPOSITORY_ROOT, "app", "Dockerfile")) },
        // Lambda runs one platform per function; a multi-platform index or an attestation
        // manifest list is rejected ("image manifest ... media type not supported").
        platforms: [dockerBuild.Platform.Linux_arm64],
        // The embedded buildx client this provider uses adds no provenance attestation; `exec` mode
        // (the local docker-buildx binary) could, so it stays off.
        exec: false,
        push: true,
        tags: [pulumi.interpolate`${repository.repositoryUrl}:latest`],
        registries: [
          {
            address: repository.repositoryUrl,
            username: registryAuth.userName,
            password: pulumi.secret(registryAuth.password),
          },
        ],
        // Build during preview too (without pushing): a broken Dockerfile fails the preview, not the update.
        buildOnPreview: true,
      },
      { parent: this },
    );

    // --- Logs and role.
    const functionName = physicalName("lambda", "api", suffix);
    const logGroupName = `/aws/lambda/${functionName}`;
    // Structured logs may carry customer data: a key only this log group may use, readable through IAM.
    const logKeyName = physicalName("generic", "api-logs-key", suffix);
    const { logGroup } = createEncryptedLogGroup(
      `${name}-logs`,
      {
        logGroupName,
        retentionInDays: API_FUNCTION_DEFAULTS.logRetentionDays,
        keyName: logKeyName,
        keyDescription: `Encrypts the API function's log group ${logGroupName}`,
        keyTags: tagsFor(logKeyName),
        logGroupTags: tagsFor(logGroupName),
        isProd: args.isProd,
      },
      this,
    );

    const roleName = physicalName("iamRole", "api-fn", suffix);
    const role = new aws.iam.Role(
      `${name}-role`,
      {
        name: roleName,
        assumeRolePolicy: JSON.stringify(serviceAssumeRolePolicy("lambda.amazonaws.com")),
        tags: tagsFor(roleName),
      },
      { parent: this },
    );

    const vpcAccess = new aws.iam.RolePolicyAttachment(
      `${name}-vpc-access`,
      {
        role: role.name,
        policyArn: aws.iam.ManagedPolicy.AWSLambdaVPCAccessExecutionRole,
      },
      { parent: this },
    );

    // rds-db:connect names each user: the application role (requests) and the owner (the migration).
    const dbUserArns = pulumi
      .all([args.dbProxyArn, args.dbUser, args.dbOwnerUser])
      .apply(([proxyArn, user, owner]) => [...new Set([user, owner ?? user])].map((u) => proxyDbUserArn(proxyArn, u)));
    const readSecretArns = [args.sessionKeySecretArn, args.adminTokenSecretArn, ...(args.dbAppSecretArn ? [args.dbAppSecretArn] : [])];
    const inlinePolicy = new aws.iam.RolePolicy(
      `${name}-access`,
      {
        name: "api-data-access",
        role: role.id,
        policy: pulumi
          .all([args.sessionsTableArn, args.cacheTableArn, dbUserArns, pulumi.all(readSecretArns), args.secretsKmsKeyArns ?? []])
          .apply(([sessionsArn, cacheArn, userArns, secretArns, kmsKeyArns]) =>
            JSON.stringify(
              apiFunctionPolicy({
                tableArns: [sessionsArn, cacheArn],
                dbUserArns: userArns,
                secretArns,
                kmsKeyArns,
              }),
            ),
          ),
      },
      { parent: this },
    );

    // --- The function. Its log group and permissions exist before it, so the first
    // cold start neither creates an unmanaged log group nor lacks ENI permissions.
    const fn = new aws.lambda.Function(
      `${name}-fn`,
      {
        name: functionName,
        packageType: "Image",
        imageUri: pulumi.interpolate`${repository.repositoryUrl}@${image.digest}`,
        architectures: ["arm64"],
        memorySize: args.memoryMb ?? API_FUNCTION_DEFAULTS.memoryMb,
        timeout: API_FUNCTION_DEFAULTS.timeoutSeconds,
        role: role.arn,
        reservedConcurrentExecutions: reserved,
        publish: provisioned !== undefined,
        tracingConfig: { mode: "Active" },
        vpcConfig: { subnetIds: args.subnetIds, securityGroupIds: args.securityGroupIds },
        loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
        environment: {
          variables: {
            ENVIRONMENT_SUFFIX: suffix,
            DB_PROXY_ENDPOINT: args.dbProxyEndpoint,
            DB_PROXY_READ_ENDPOINT: args.dbProxyReadEndpoint,
            DB_PORT: String(APP_DEFAULTS.dbPort),
            DB_POOL_MAX: String(args.dbPoolMax ?? APP_DEFAULTS.dbPoolMax),
            DB_NAME: args.dbName ?? APP_DEFAULTS.dbName,
            DB_USER: args.dbUser,
            ...(args.dbOwnerUser ? { DB_OWNER_USER: args.dbOwnerUser } : {}),
            ...(args.dbAppSecretArn ? { DB_APP_SECRET_ARN: args.dbAppSecretArn } : {}),
            SESSIONS_TABLE: args.sessionsTableName,
            CACHE_TABLE: args.cacheTableName,
            SESSION_KEYS_SECRET_ARN: args.sessionKeySecretArn,
            ADMIN_TOKEN_SECRET_ARN: args.adminTokenSecretArn,
            POWERTOOLS_SERVICE_NAME: "shop-api",
            POWERTOOLS_METRICS_NAMESPACE: "EcommercePlatform",
            LOG_LEVEL: args.logLevel ?? APP_DEFAULTS.logLevel,
          },
        },
        tags: tagsFor(functionName),
      },
      { parent: this, dependsOn: [logGroup, vpcAccess, inlinePolicy] },
    );

    // --- Provisioned concurrency on the `live` alias, auto scaled on utilization.
    let alias: aws.lambda.Alias | undefined;
    if (provisioned) {
      alias = new aws.lambda.Alias(
        `${name}-live`,
        {
          name: LIVE_ALIAS,
          functionName: fn.name,
          functionVersion: fn.version,
        },
        { parent: this },
      );
      const warm = new aws.lambda.ProvisionedConcurrencyConfig(
        `${name}-provisioned`,
        {
          functionName: fn.name,
          qualifier: alias.name,
          provisionedConcurrentExecutions: provisioned.min,
        },
        {
          parent: this,
          // Auto scaling moves the allocation between min and max; a `pulumi up --refresh` would read
          // that value back and reset it to the minimum. The scaling target below owns it after creation.
          ignoreChanges: ["provisionedConcurrentExecutions"],
        },
      );
      const scalingTarget = new aws.appautoscaling.Target(
        `${name}-scaling-target`,
        {
          serviceNamespace: "lambda",
          scalableDimension: "lambda:function:ProvisionedConcurrency",
          resourceId: pulumi.all([fn.name, alias.name]).apply(([fnName, aliasName]) => aliasScalingResourceId(fnName, aliasName)),
          minCapacity: provisioned.min,
          maxCapacity: provisioned.max,
          tags: tagsFor(`${functionName}-${LIVE_ALIAS}`),
        },
        { parent: this, dependsOn: [warm, alias] },
      );
      new aws.appautoscaling.Policy(
        `${name}-scaling-policy`,
        {
          name: `${functionName}-provisioned-utilization`,
          policyType: "TargetTrackingScaling",
          serviceNamespace: scalingTarget.serviceNamespace,
          scalableDimension: scalingTarget.scalableDimension,
          resourceId: scalingTarget.resourceId,
          targetTrackingScalingPolicyConfiguration: {
            targetValue: provisioned.targetUtilization,
            predefinedMetricSpecification: { predefinedMetricType: "LambdaProvisionedConcurrencyUtilization" },
          },
        },
        { parent: this },
      );
    }

    // --- Migrations: invoke the function whenever the image or the database is new. A restored or
    // recreated cluster with the same image would otherwise get no migrations (the provider re-invokes
    // only when `input` or `triggers` change).
    const migration = new aws.lambda.Invocation(
      `${name}-migrate`,
      {
        functionName: fn.name,
        qualifier: alias ? alias.name : undefined,
        input: JSON.stringify(MIGRATE_EVENT),
        triggers: migrationTriggers(image.digest, args.databaseIdentity),
      },
      { parent: this, dependsOn: [...(args.migrationDependsOn ?? []), ...(alias ? [alias] : [])] },
    );

    this.functionName = fn.name;
    this.functionArn = fn.arn;
    this.qualifier = alias ? alias.name.apply((n): string | undefined => n) : pulumi.output<string | undefined>(undefined);
    this.targetArn = alias ? alias.arn : fn.arn;
    this.invokeArn = alias ? alias.invokeArn : fn.invokeArn;
    this.roleArn = role.arn;
    this.logGroupName = logGroup.name;
    this.repositoryUrl = repository.repositoryUrl;
    this.imageDigest = image.digest;
    this.migrationResult = migration.result;
    this.registerOutputs({
      functionName: this.functionName,
      functionArn: this.functionArn,
      targetArn: this.targetArn,
      invokeArn: this.invokeArn,
      roleArn: this.roleArn,
      logGroupName: this.logGroupName,
      repositoryUrl: this.repositoryUrl,
      imageDigest: this.imageDigest,
    });
  }
}

/** What re-runs the deploy-time migration when it changes: the image digest and the database's identity. */
export function migrationTriggers(imageDigest: pulumi.Input<string>, databaseIdentity?: pulumi.Input<string>): Record<string, pulumi.Input<string>> {
  return databaseIdentity === undefined ? { imageDigest } : { imageDigest, database: databaseIdentity };
}

/** ECR lifecycle policy keeping the newest `keep` images (tagged or not). */
export function ecrLifecyclePolicy(keep: number): { rules: object[] } {
  return {
    rules: [
      {
        rulePriority: 1,
        description: `Keep the last ${keep} images`,
        selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: keep },
        action: { type: "expire" },
      },
    ],
  };
}
