/** RestApi under Pulumi mocks: the API Gateway front door for API clients. */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { MOCK_ACCOUNT_ID, MOCK_REGION, dependsOn, installMocks, ofType, oneOfType, resolve, settle, testTags } from "./harness";
import type { RestApi, RestApiArgs } from "../../infra/rest-api";
import { accessLogFormat, deploymentTriggerHash, proxyRoutes } from "../../infra/rest-api";

const TAGS = testTags("t1");
const FN_ARN = `arn:aws:lambda:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:function:ecommerce-api-t1`;
const INVOKE_ARN = `arn:aws:apigateway:${MOCK_REGION}:lambda:path/2015-03-31/functions/${FN_ARN}/invocations`;

async function build(overrides: Partial<RestApiArgs> = {}): Promise<RestApi> {
  await installMocks({ environmentSuffix: "t1" });
  const { RestApi } = await import("../../infra/rest-api");
  const component = new RestApi("rest", { environmentSuffix: "t1", tags: TAGS, functionName: "ecommerce-api-t1", invokeArn: INVOKE_ARN, ...overrides });
  await settle();
  return component;
}

/** The REST API as registered: its id, root resource id and execution ARN are what the mocks computed. */
const restApi = () => oneOfType("aws:apigateway/restApi:RestApi");

const accessLogGroup = () => ofType("aws:cloudwatch/logGroup:LogGroup").find((g) => g.inputs.name === "/aws/apigateway/ecommerce-api-t1")!;

describe("RestApi with defaults", () => {
  let component: RestApi;
  beforeAll(async () => {
    component = await build();
  });

  it("is a REGIONAL REST API", () => {
    const api = oneOfType("aws:apigateway/restApi:RestApi").inputs;
    expect(api.name).toBe("ecommerce-api-t1");
    expect(api.endpointConfiguration.types).toBe("REGIONAL");
  });

  it("proxies the root and /{proxy+} with ANY to the function (AWS_PROXY, POST), API key required on both methods", () => {
    const root = restApi().state.rootResourceId;
    expect(root).toBeTruthy();
    const proxy = oneOfType("aws:apigateway/resource:Resource");
    expect(proxy.inputs).toMatchObject({ pathPart: "{proxy+}", parentId: root });
    const methods = ofType("aws:apigateway/method:Method").map((m) => m.inputs);
    expect(methods).toHaveLength(2);
    expect(methods.map((m) => m.resourceId).sort()).toEqual([proxy.id, root].sort());
    for (const m of methods) expect(m).toMatchObject({ httpMethod: "ANY", authorization: "NONE", apiKeyRequired: true });
    const integrations = ofType("aws:apigateway/integration:Integration").map((i) => i.inputs);
    expect(integrations).toHaveLength(2);
    for (const i of integrations) expect(i).toMatchObject({ type: "AWS_PROXY", integrationHttpMethod: "POST", uri: INVOKE_ARN, httpMethod: "ANY" });
  });

  it("deployment is triggered by a hash of the methods and integrations and waits for them", () => {
    const deployment = oneOfType("aws:apigateway/deployment:Deployment");
    expect(deployment.inputs.triggers).toEqual({ redeployment: deploymentTriggerHash(proxyRoutes(INVOKE_ARN)) });
    expect(deployment.inputs.stageName).toBeUndefined();
    for (const r of [...ofType("aws:apigateway/method:Method"), ...ofType("aws:apigateway/integration:Integration")]) {
      expect(dependsOn(deployment, r)).toBe(true);
    }
  });

  it("a separate `prod` stage has X-Ray on and JSON access logs to /aws/apigateway/<api name> kept 30 days", () => {
    const stage = oneOfType("aws:apigateway/stage:Stage");
    expect(stage.inputs).toMatchObject({ stageName: "prod", xrayTracingEnabled: true, deployment: oneOfType("aws:apigateway/deployment:Deployment").id });
    const logGroup = accessLogGroup();
    expect(logGroup.inputs).toMatchObject({ name: "/aws/apigateway/ecommerce-api-t1", retentionInDays: 30 });
    expect(stage.inputs.accessLogSettings.destinationArn).toBe(logGroup.state.arn);
    const format = JSON.parse(stage.inputs.accessLogSettings.format);
    expect(format).toMatchObject({
      requestId: "$context.requestId",
      ip: "$context.identity.sourceIp",
      status: "$context.status",
      latency: "$context.responseLatency",
    });
  });

  it("the access-log group is encrypted with its own rotating KMS key that CloudWatch Logs may use for that group only", () => {
    const logGroup = accessLogGroup();
    const key = ofType("aws:kms/key:Key").find((k) => k.state.arn === logGroup.inputs.kmsKeyId)!;
    expect(dependsOn(logGroup, key)).toBe(true);
    expect(key.inputs.enableKeyRotation).toBe(true);
    expect(ofType("aws:kms/alias:Alias").map((a) => a.inputs)).toContainEqual({ name: "alias/ecommerce-api-access-logs-key-t1", targetKeyId: key.state.keyId });
    const policy = JSON.parse(key.inputs.policy);
    const logs = policy.Statement.find((s: any) => s.Principal.Service === `logs.${MOCK_REGION}.amazonaws.com`);
    expect(logs.Condition).toEqual({
      ArnEquals: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:log-group:/aws/apigateway/ecommerce-api-t1` },
    });
    expect(logs.Action).not.toContain("kms:*");
    expect(policy.Statement.filter((s: any) => s !== logs).map((s: any) => s.Principal)).toEqual([{ AWS: `arn:aws:iam::${MOCK_ACCOUNT_ID}:root` }]);
    expect(Object.keys(key.inputs.tags).sort()).toEqual(["CostCenter", "Environment", "ManagedBy", "Name", "Owner", "Project"]);
  });

  it("metrics and INFO logging on every method, through the account-level CloudWatch role the stage waits for", () => {
    const settings = oneOfType("aws:apigateway/methodSettings:MethodSettings").inputs;
    expect(settings).toMatchObject({ methodPath: "*/*", stageName: "prod", settings: { metricsEnabled: true, loggingLevel: "INFO" } });
    const account = oneOfType("aws:apigateway/account:Account");
    const role = ofType("aws:iam/role:Role").find((r) => r.state.arn === account.inputs.cloudwatchRoleArn)!;
    expect(JSON.parse(role.inputs.assumeRolePolicy).Statement[0].Principal).toEqual({ Service: "apigateway.amazonaws.com" });
    expect(oneOfType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").inputs.policyArn).toBe(
      "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs",
    );
    expect(dependsOn(oneOfType("aws:apigateway/stage:Stage"), account)).toBe(true);
  });

  it("execution logging goes to API-Gateway-Execution-Logs_<id>/<stage>, created by the stack before the stage: 30 days, its own key", () => {
    // Without it API Gateway creates the group itself on the first request: no expiry, no key, left after destroy.
    const group = ofType("aws:cloudwatch/logGroup:LogGroup").find((g) => g.inputs.name === `API-Gateway-Execution-Logs_${restApi().id}/prod`)!;
    expect(group).toBeDefined();
    expect(group.inputs.retentionInDays).toBe(30);
    const key = ofType("aws:kms/key:Key").find((k) => k.state.arn === group.inputs.kmsKeyId)!;
    const logs = JSON.parse(key.inputs.policy).Statement.find((s: any) => s.Principal.Service === `logs.${MOCK_REGION}.amazonaws.com`);
    expect(logs.Condition.ArnEquals["kms:EncryptionContext:aws:logs:arn"]).toBe(
      `arn:aws:logs:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:log-group:API-Gateway-Execution-Logs_${restApi().id}/prod`,
    );
    expect(dependsOn(oneOfType("aws:apigateway/stage:Stage"), group)).toBe(true);
    expect(dependsOn(oneOfType("aws:apigateway/methodSettings:MethodSettings"), group)).toBe(true);
  });

  it("the region-wide CloudWatch role setting and its role are kept on destroy (deleting the setting resets it for every stack), the role named with a random suffix", () => {
    const account = oneOfType("aws:apigateway/account:Account");
    const role = ofType("aws:iam/role:Role").find((r) => r.state.arn === account.inputs.cloudwatchRoleArn)!;
    const attachment = oneOfType("aws:iam/rolePolicyAttachment:RolePolicyAttachment");
    for (const r of [account, role, attachment]) expect(r.retainOnDelete, r.name).toBe(true);
    expect(role.inputs.name).toBe(`ecommerce-apigw-logs-${oneOfType("random:index/randomId:RandomId").state.hex}-t1`);
    // Nothing else in the API is kept.
    expect(ofType("aws:apigateway/restApi:RestApi")[0]!.retainOnDelete).toBe(false);
  });

  it("usage plan throttles at 10,000 req/s with a 5,000 burst on the named stage; one API key bound to it", () => {
    const plan = oneOfType("aws:apigateway/usagePlan:UsagePlan");
    expect(plan.inputs.throttleSettings).toEqual({ rateLimit: 10_000, burstLimit: 5_000 });
    expect(plan.inputs.apiStages).toEqual([{ apiId: restApi().id, stage: "prod" }]);
    const key = oneOfType("aws:apigateway/apiKey:ApiKey");
    expect(key.inputs.enabled).toBe(true);
    expect(oneOfType("aws:apigateway/usagePlanKey:UsagePlanKey").inputs).toEqual({ keyId: key.id, keyType: "API_KEY", usagePlanId: plan.id });
  });

  it("only this API's execution ARN may invoke the function", () => {
    expect(oneOfType("aws:lambda/permission:Permission").inputs).toEqual({
      action: "lambda:InvokeFunction",
      function: "ecommerce-api-t1",
      principal: "apigateway.amazonaws.com",
      sourceArn: `arn:aws:execute-api:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:${restApi().id}/*/*`,
    });
  });

  it("outputs the invoke URL, key id and a secret key value", async () => {
    expect(await resolve(component.invokeUrl)).toBe(`https://${restApi().id}.execute-api.${MOCK_REGION}.amazonaws.com/prod`);
    const key = oneOfType("aws:apigateway/apiKey:ApiKey");
    expect(await resolve(component.apiKeyId)).toBe(key.id);
    expect(await pulumi.isSecret(component.apiKeyValue)).toBe(true);
    expect(key.state.value).toHaveLength(40);
    expect(await resolve(component.apiKeyValue)).toBe(key.state.value);
    expect(await resolve(component.stageName)).toBe("prod");
  });
});

describe("RestApi with config overrides and an alias", () => {
  beforeAll(async () => {
    await build({
      stageName: "v1",
      throttleRateLimit: 200,
      throttleBurstLimit: 100,
      functionQualifier: "live",
      invokeArn: INVOKE_ARN.replace("/invocations", ":live/invocations"),
    });
  });

  it("uses the configured stage name and throttle", () => {
    expect(oneOfType("aws:apigateway/stage:Stage").inputs.stageName).toBe("v1");
    const plan = oneOfType("aws:apigateway/usagePlan:UsagePlan").inputs;
    expect(plan.throttleSettings).toEqual({ rateLimit: 200, burstLimit: 100 });
    expect(plan.apiStages[0].stage).toBe("v1");
  });

  it("integrates with and permits the alias", () => {
    for (const i of ofType("aws:apigateway/integration:Integration")) expect(i.inputs.uri).toMatch(/:live\/invocations$/);
    expect(oneOfType("aws:lambda/permission:Permission").inputs.qualifier).toBe("live");
  });
});

describe("RestApi with accountSettings: existing", () => {
  beforeAll(async () => {
    await build({ accountSettings: "existing" });
  });

  it("touches nothing account-wide: no Account setting, no CloudWatch role; the stage still waits for its execution log group", () => {
    expect(ofType("aws:apigateway/account:Account")).toHaveLength(0);
    expect(ofType("aws:iam/role:Role")).toHaveLength(0);
    const group = ofType("aws:cloudwatch/logGroup:LogGroup").find((g) => g.inputs.name.startsWith("API-Gateway-Execution-Logs_"))!;
    expect(dependsOn(oneOfType("aws:apigateway/stage:Stage"), group)).toBe(true);
  });
});

describe("deployment trigger and access log format", () => {
  it("the hash changes when an integration changes and not when routes are reordered", () => {
    const routes = proxyRoutes(INVOKE_ARN);
    expect(deploymentTriggerHash(routes)).toMatch(/^[0-9a-f]{64}$/);
    expect(deploymentTriggerHash([...routes].reverse())).toBe(deploymentTriggerHash(routes));
    expect(deploymentTriggerHash(proxyRoutes(INVOKE_ARN.replace("/invocations", ":live/invocations")))).not.toBe(deploymentTriggerHash(routes));
    expect(deploymentTriggerHash(routes.map((r) => ({ ...r, apiKeyRequired: false })))).not.toBe(deploymentTriggerHash(routes));
  });

  it("access log format is one JSON object of $context variables", () => {
    const fields = JSON.parse(accessLogFormat());
    expect(Object.values(fields).every((v) => typeof v === "string" && (v as string).startsWith("$context."))).toBe(true);
    expect(Object.keys(fields)).toEqual(
      expect.arrayContaining(["requestId", "ip", "httpMethod", "path", "status", "latency", "integrationLatency", "apiKeyId"]),
    );
  });
});
