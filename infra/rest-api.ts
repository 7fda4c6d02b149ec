/**
 * The API Gateway REST API for API clients: everything proxied to the API
 * function, an API key required on every method, a usage plan throttling the
 * key, and access logs (in a KMS-encrypted log group), metrics and X-Ray on the stage.
 */
import { createHash } from "node:crypto";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createEncryptedLogGroup } from "./encrypted-log-group";
import { serviceAssumeRolePolicy } from "./iam-policies";
import { physicalName } from "./naming";
import { standardTags, type TagContext } from "./tags";

export const REST_API_DEFAULTS = {
  stageName: "prod",
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
  functionQualifier?: pulumi.Input<string | undefined>;
  /** API Gateway integration URI of the function or alias (ApiFunction.invokeArn). */
  invokeArn: pulumi.Input<string>;
  stageName?: string;
  throttleRateLimit?: number;
  throttleBurstLimit?: number;
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

  constructor(name: string, args: RestApiArgs, opts?: pulumi.ComponentResourceOptions) {
    super("shop:compute:RestApi", name, {}, opts);
    const suffix = args.environmentSuffix;
    const tagsFor = (physical: string) => standardTags(args.tags, physical);
    const stageName = args.stageName ?? REST_API_DEFAULTS.stageName;

    const apiName = physicalName("restApi", "api", suffix);
    const api = new aws.apigateway.RestApi(`${name}-api`, {
      name: apiName,
      description: "Storefront API for API clients (API key required)",
      endpointConfiguration: { types: "REGIONAL" },
      tags: tagsFor(apiName),
    }, { parent: this });

    const proxy = new aws.apigateway.Resource(`${name}-proxy`, {
      restApi: api.id,
      parentId: api.rootResourceId,
      pathPart: "{proxy+}",
    }, { parent: this });

    const routeSpecs = pulumi.output(args.invokeArn).apply(proxyRoutes);
    const methodsAndIntegrations: pulumi.Resource[] = [];
    for (const [key, resourceId] of [["root", api.rootResourceId], ["proxy", proxy.id]] as const) {
      const method = new aws.apigateway.Method(`${name}-${key}-any`, {
        restApi: api.id,
        resourceId,
        httpMethod: "ANY",
        authorization: "NONE",
        apiKeyRequired: true,
      }, { parent: this });
      const integration = new aws.apigateway.Integration(`${name}-${key}-lambda`, {
        restApi: api.id,
        resourceId,
        httpMethod: method.httpMethod,
        type: "AWS_PROXY",
        integrationHttpMethod: "POST",
        uri: args.invokeArn,
      }, { parent: this });
      methodsAndIntegrations.push(method, integration);
    }

    // Replaced (create-before-delete, Pulumi's default) whenever a method or integration changes.
    const deployment = new aws.apigateway.Deployment(`${name}-deployment`, {
      restApi: api.id,
      description: "Managed by Pulumi; replaced when methods or integrations change",
      triggers: { redeployment: routeSpecs.apply(deploymentTriggerHash) },
    }, { parent: this, dependsOn: methodsAndIntegrations });

    // Account-level (one per region): lets API Gateway write execution and access logs.
    const cloudwatchRoleName = physicalName("iamRole", "apigw-logs", suffix);
    const cloudwatchRole = new aws.iam.Role(`${name}-cloudwatch-role`, {
      name: cloudwatchRoleName,
      assumeRolePolicy: JSON.stringify(serviceAssumeRolePolicy("apigateway.amazonaws.com")),
      tags: tagsFor(cloudwatchRoleName),
    }, { parent: this });
    const pushToLogs = new aws.iam.RolePolicyAttachment(`${name}-cloudwatch-push`, {
      role: cloudwatchRole.name,
      policyArn: aws.iam.ManagedPolicy.AmazonAPIGatewayPushToCloudWatchLogs,
    }, { parent: this });
    const account = new aws.apigateway.Account(`${name}-account`, {
      cloudwatchRoleArn: cloudwatchRole.arn,
    }, { parent: this, dependsOn: [pushToLogs] });

    // Access-log lines carry caller IPs and user agents: a key only this log group may use.
    const accessLogGroupName = `/aws/apigateway/${apiName}`;
    const accessLogKeyName = physicalName("generic", "api-access-logs-key", suffix);
    const { logGroup: accessLogs } = createEncryptedLogGroup(`${name}-access-logs`, {
      logGroupName: accessLogGroupName,
      retentionInDays: REST_API_DEFAULTS.logRetentionDays,
      keyName: accessLogKeyName,
      keyDescription: `Encrypts the API Gateway access log group ${accessLogGroupName}`,
      keyTags: tagsFor(accessLogKeyName),
      logGroupTags: tagsFor(accessLogGroupName),
    }, this);

    const stage = new aws.apigateway.Stage(`${name}-stage`, {
      restApi: api.id,
      deployment: deployment.id,
      stageName,
      xrayTracingEnabled: true,
      accessLogSettings: { destinationArn: accessLogs.arn, format: accessLogFormat() },
      tags: tagsFor(`${apiName}-${stageName}`),
    }, { parent: this, dependsOn: [account] });

    new aws.apigateway.MethodSettings(`${name}-method-settings`, {
      restApi: api.id,
      stageName: stage.stageName,
      methodPath: "*/*",
      settings: { metricsEnabled: true, loggingLevel: "INFO", dataTraceEnabled: false },
    }, { parent: this, dependsOn: [account] });

    const planName = physicalName("generic", "api-plan", suffix);
    const plan = new aws.apigateway.UsagePlan(`${name}-usage-plan`, {
      name: planName,
      description: "Throttle for API clients",
      apiStages: [{ apiId: api.id, stage: stage.stageName }],
      throttleSettings: {
        rateLimit: args.throttleRateLimit ?? REST_API_DEFAULTS.throttleRateLimit,
        burstLimit: args.throttleBurstLimit ?? REST_API_DEFAULTS.throttleBurstLimit,
      },
      tags: tagsFor(planName),
    }, { parent: this });

    const keyName = physicalName("generic", "api-key", suffix);
    const apiKey = new aws.apigateway.ApiKey(`${name}-key`, {
      name: keyName,
      description: "Default API client key",
      enabled: true,
      tags: tagsFor(keyName),
    }, { parent: this });

    new aws.apigateway.UsagePlanKey(`${name}-usage-plan-key`, {
      keyId: apiKey.id,
      keyType: "API_KEY",
      usagePlanId: plan.id,
    }, { parent: this });

    // Only this API (any stage, any method) may invoke the function.
    new aws.lambda.Permission(`${name}-invoke`, {
      action: "lambda:InvokeFunction",
      function: args.functionName,
      qualifier: args.functionQualifier,
      principal: "apigateway.amazonaws.com",
      sourceArn: pulumi.interpolate`${api.executionArn}/*/*`,
    }, { parent: this });

    this.restApiId = api.id;
    this.restApiName = api.name;
    this.stageName = stage.stageName;
    this.invokeUrl = stage.invokeUrl;
    this.apiKeyId = apiKey.id;
    this.apiKeyValue = pulumi.secret(apiKey.value);
    this.executionArn = api.executionArn;
    this.accessLogGroupName = accessLogs.name;
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
}
