/**
 * The API Gateway REST API for API clients: everything proxied to the API
 * function, an API key required on every method, a usage plan throttling the
 * key, and access logs (in a KMS-encrypted log group), metrics and X-Ray on the stage.
 */
import { createHash } from "node:crypto";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createEncryptedLogGroup } from "./encrypted-log-group";
import { DEFAULT_API_STAGE_NAME, type ApiGatewayAccountSettings } from "./config";
import { serviceAssumeRolePolicy } from "./iam-policies";
import { instanceSuffix } from "./lifecycle";
import { physicalName } from "./naming";
import { standardTags, type TagContext } from "./tags";

export const REST_API_DEFAULTS = {
  stageName: DEFAULT_API_STAGE_NAME,
  throttleRateLimit: 10_000,
  throttleBurstLimit: 5_000,
  logRetentionDays: 30,
} as const;

/** One method of the API and the Lambda proxy integration behind it. */
export interface RouteSpec {
  /** "/" or a resource path such as "/{proxy+}". */
  path: string;
  httpMethod: string;
  apiKeyRequired: boolean;
  integrationType: "AWS_PROXY";
  integrationUri: string;
}

/** The routes: the root and `/{proxy+}`, any method, each proxied to the function. */
export function proxyRoutes(integrationUri: string): RouteSpec[] {
  return ["/", "/{proxy+}"].map((path) => ({ path, httpMethod: "ANY", apiKeyRequired: true, integrationType: "AWS_PROXY", integrationUri }));
}

/**
 * The Deployment's trigger: a hash of every method and integration, so a
 * change to any of them creates a new deployment (without it the stage keeps
 * serving the first deployment forever).
 */
export function deploymentTriggerHash(routes: RouteSpec[]): string {
  const canonical = [...routes].sort((a, b) => `${a.path} ${a.httpMethod}`.localeCompare(`${b.path} ${b.httpMethod}`));
  return createHash("sha256").update(JSON.stringify(canonical)).digest("hex");
}

/** Access log line (JSON) with the fields an operator needs to trace a request. */
export function accessLogFormat(): string {
  return JSON.stringify({
    requestId: "$context.requestId",
    extendedRequestId: "$context.extendedRequestId",
    ip: "$context.identity.sourceIp",
    userAgent: "$context.identity.userAgent",
    apiKeyId: "$context.identity.apiKeyId",
    requestTime: "$context.requestTime",
    httpMethod: "$context.httpMethod",
    resourcePath: "$context.resourcePath",
    path: "$context.path",
    protocol: "$context.protocol",
    status: "$context.status",
    responseLength: "$context.responseLength",
    latency: "$context.responseLatency",
    integrationLatency: "$context.integrationLatency",
    integrationStatus: "$context.integrationStatus",
    errorMessage: "$context.error.message",
    xrayTraceId: "$context.xrayTraceId",
  });
}

export interface RestApiArgs {
  environmentSuffix: string;
  tags: TagContext;
  /** The function (and alias when provisioned concurrency is on) to proxy to. */
  functionName: pulumi.Input<string>;
  /** The alias the permission names. Default: none (the unqualified function). */
  functionQualifier?: pulumi.Input<string | undefined>;
  /** API Gateway integration URI of the function or alias (ApiFunction.invokeArn). */
  invokeArn: pulumi.Input<string>;
  /** Default: DEFAULT_API_STAGE_NAME ("prod"). */
  stageName?: string;
  /** The usage plan's requests per second. Default 10,000 (the account's regional default). */
  throttleRateLimit?: number;
  /** The usage plan's burst. Default 5,000 (the account's regional default). */
  throttleBurstLimit?: number;
  /**
   * The region's API Gateway account settings (the CloudWatch role every API there logs through):
   * `manage` (default) sets them and keeps them on destroy; `existing` relies on settings already in place.
   */
  accountSettings?: ApiGatewayAccountSettings;
  /** Prod: the log groups and their keys are protected and retained. Default false. */
  isProd?: boolean;
}

/** The log group API Gateway writes execution logs of a stage to (it creates it itself when missing). */
export function executionLogGroupName(restApiId: string, stageName: string): string {
  return `API-Gateway-Execution-Logs_${restApiId}/${stageName}`;
}

export class RestApi extends pulumi.ComponentResource {
  public readonly restApiId: pulumi.Output<string>;
  public readonly restApiName: pulumi.Output<string>;
  public readonly stageName: pulumi.Output<string>;
  /** `https://<id>.execute-api.<region>.amazonaws.com/<stage>`: the apiUrl export. */
  public readonly invokeUrl: pulumi.Output<string>;
  public readonly apiKeyId: pulumi.Output<string>;
  /** The key's value (secret): clients send it as `x-api-key`. */
  public readonly apiKeyValue: pulumi.Output<string>;
  public readonly executionArn: pulumi.Output<string>;
  public readonly accessLogGroupName: pulumi.Output<string>;
  public readonly executionLogGroupName: pulumi.Output<string>;

  constructor(name: string, args: RestApiArgs, opts?: pulumi.ComponentResourceOptions) {
    super("shop:compute:RestApi", name, {}, opts);
    const suffix = args.environmentSuffix;
    const tagsFor = (physical: string) => standardTags(args.tags, physical);
    const stageName = args.stageName ?? REST_API_DEFAULTS.stageName;

    const apiName = physicalName("restApi", "api", suffix);
    const api = new aws.apigateway.RestApi(
      `${name}-api`,
      {
        name: apiName,
        description: "Storefront API for API clients (API key required)",
        endpointConfiguration: { types: "REGIONAL" },
        tags: tagsFor(apiName),
      },
      { parent: this },
    );

    const proxy = new aws.apigateway.Resource(
      `${name}-proxy`,
      {
        restApi: api.id,
        parentId: api.rootResourceId,
        pathPart: "{proxy+}",
      },
      { parent: this },
    );

    const routeSpecs = pulumi.output(args.invokeArn).apply(proxyRoutes);
    const methodsAndIntegrations: pulumi.Resource[] = [];
    for (const [key, resourceId] of [
      ["root", api.rootResourceId],
      ["proxy", proxy.id],
    ] as const) {
      const method = new aws.apigateway.Method(
        `${name}-${key}-any`,
        {
          restApi: api.id,
          resourceId,
          httpMethod: "ANY",
          authorization: "NONE",
          apiKeyRequired: true,
        },
        { parent: this },
      );
      const integration = new aws.apigateway.Integration(
        `${name}-${key}-lambda`,
        {
          restApi: api.id,
          resourceId,
          httpMethod: method.httpMethod,
          type: "AWS_PROXY",
          integrationHttpMethod: "POST",
          uri: args.invokeArn,
        },
        { parent: this },
      );
      methodsAndIntegrations.push(method, integration);
    }

    // Replaced (create-before-delete, Pulumi's default) whenever a method or integration changes.
    const deployment = new aws.apigateway.Deployment(
      `${name}-deployment`,
      {
        restApi: api.id,
        description: "Managed by Pulumi; replaced when methods or integrations change",
        triggers: { redeployment: routeSpecs.apply(deploymentTriggerHash) },
      },
      { parent: this, dependsOn: methodsAndIntegrations },
    );

    // Account-level (one per region): lets API Gateway write execution and access logs.
    const account = args.accountSettings === "existing" ? undefined : this.accountSettings(name, suffix, tagsFor);

    // Access-log lines carry caller IPs and user agents: a key only this log group may use.
    const accessLogGroupName = `/aws/apigateway/${apiName}`;
    const accessLogKeyName = physicalName("generic", "api-access-logs-key", suffix);
    const { logGroup: accessLogs } = createEncryptedLogGroup(
      `${name}-access-logs`,
      {
        logGroupName: accessLogGroupName,
        retentionInDays: REST_API_DEFAULTS.logRetentionDays,
        keyName: accessLogKeyName,
        keyDescription: `Encrypts the API Gateway access log group ${accessLogGroupName}`,
        keyTags: tagsFor(accessLogKeyName),
        logGroupTags: tagsFor(accessLogGroupName),
        isProd: args.isProd,
      },
      this,
    );

    // Execution logging (loggingLevel below) makes API Gateway create this group itself on the first
    // request: no retention, no key, no tags, and left behind by destroy. Created here first instead.
    const executionLogKeyName = physicalName("generic", "api-exec-logs-key", suffix);
    const { logGroup: executionLogs } = createEncryptedLogGroup(
      `${name}-execution-logs`,
      {
        logGroupName: api.id.apply((id) => executionLogGroupName(id, stageName)),
        retentionInDays: REST_API_DEFAULTS.logRetentionDays,
        keyName: executionLogKeyName,
        keyDescription: `Encrypts the API Gateway execution logs of ${apiName}/${stageName}`,
        keyTags: tagsFor(executionLogKeyName),
        logGroupTags: tagsFor(`${apiName}-${stageName}-execution-logs`),
        isProd: args.isProd,
      },
      this,
    );
    const loggingReady = [...(account ? [account] : []), executionLogs];

    const stage = new aws.apigateway.Stage(
      `${name}-stage`,
      {
        restApi: api.id,
        deployment: deployment.id,
        stageName,
        xrayTracingEnabled: true,
        accessLogSettings: { destinationArn: accessLogs.arn, format: accessLogFormat() },
        tags: tagsFor(`${apiName}-${stageName}`),
      },
      { parent: this, dependsOn: loggingReady },
    );

    new aws.apigateway.MethodSettings(
      `${name}-method-settings`,
      {
        restApi: api.id,
        stageName: stage.stageName,
        methodPath: "*/*",
        settings: { metricsEnabled: true, loggingLevel: "INFO", dataTraceEnabled: false },
      },
      { parent: this, dependsOn: loggingReady },
    );

    const planName = physicalName("generic", "api-plan", suffix);
    const plan = new aws.apigateway.UsagePlan(
      `${name}-usage-plan`,
      {
        name: planName,
        description: "Throttle for API clients",
        apiStages: [{ apiId: api.id, stage: stage.stageName }],
        throttleSettings: {
          rateLimit: args.throttleRateLimit ?? REST_API_DEFAULTS.throttleRateLimit,
          burstLimit: args.throttleBurstLimit ?? REST_API_DEFAULTS.throttleBurstLimit,
        },
        tags: tagsFor(planName),
      },
      { parent: this },
    );

    const keyName = physicalName("generic", "api-key", suffix);
    const apiKey = new aws.apigateway.ApiKey(
      `${name}-key`,
      {
        name: keyName,
        description: "Default API client key",
        enabled: true,
        tags: tagsFor(keyName),
      },
      { parent: this },
    );

    new aws.apigateway.UsagePlanKey(
      `${name}-usage-plan-key`,
      {
        keyId: apiKey.id,
        keyType: "API_KEY",
        usagePlanId: plan.id,
      },
      { parent: this },
    );

    // Only this API (any stage, any method) may invoke the function.
    new aws.lambda.Permission(
      `${name}-invoke`,
      {
        action: "lambda:InvokeFunction",
        function: args.functionName,
        qualifier: args.functionQualifier,
        principal: "apigateway.amazonaws.com",
        sourceArn: pulumi.interpolate`${api.executionArn}/*/*`,
      },
      { parent: this },
    );

    this.restApiId = api.id;
    this.restApiName = api.name;
    this.stageName = stage.stageName;
    this.invokeUrl = stage.invokeUrl;
    this.apiKeyId = apiKey.id;
    this.apiKeyValue = pulumi.secret(apiKey.value);
    this.executionArn = api.executionArn;
    this.accessLogGroupName = accessLogs.name;
    this.executionLogGroupName = executionLogs.name;
    this.registerOutputs({
      restApiId: this.restApiId,
      restApiName: this.restApiName,
      stageName: this.stageName,
      invokeUrl: this.invokeUrl,
      apiKeyId: this.apiKeyId,
      apiKeyValue: this.apiKeyValue,
      executionArn: this.executionArn,
    });
  }

  /**
   * The region's CloudWatch role setting for API Gateway, with its role. `aws.apigateway.Account` is one
   * setting per account and region, and deleting it resets that setting for every API there: in
   * @pulumi/aws v7 (terraform-provider-aws v6) the resource lost `reset_on_delete` and its Delete always
   * clears `cloudwatchRoleArn` (internal/service/apigateway/account.go, Delete). So one
   * stack's destroy would break the logging of every other stack in the region (hashicorp/terraform-provider-aws
   * #42226: "always reset account settings upon destruction"). The setting and the
   * role it points at are therefore kept on destroy (`retainOnDelete`); the role's name carries a random
   * suffix so a later deploy with the same suffix creates a new one instead of colliding.
   */
  private accountSettings(name: string, suffix: string, tagsFor: (physical: string) => Record<string, string>): aws.apigateway.Account {
    const retained = { parent: this, retainOnDelete: true };
    const roleName = instanceSuffix(`${name}-cloudwatch-role`, this).apply((unique) => physicalName("iamRole", `apigw-logs-${unique}`, suffix));
    const cloudwatchRole = new aws.iam.Role(
      `${name}-cloudwatch-role`,
      {
        name: roleName,
        description: "API Gateway's CloudWatch role for the region (kept on destroy: other stacks' APIs log through it)",
        assumeRolePolicy: JSON.stringify(serviceAssumeRolePolicy("apigateway.amazonaws.com")),
        tags: roleName.apply((n) => tagsFor(n)),
      },
      retained,
    );
    const pushToLogs = new aws.iam.RolePolicyAttachment(
      `${name}-cloudwatch-push`,
      {
        role: cloudwatchRole.name,
        policyArn: aws.iam.ManagedPolicy.AmazonAPIGatewayPushToCloudWatchLogs,
      },
      retained,
    );
    return new aws.apigateway.Account(
      `${name}-account`,
      {
        cloudwatchRoleArn: cloudwatchRole.arn,
      },
      { ...retained, dependsOn: [pushToLogs] },
    );
  }
}
