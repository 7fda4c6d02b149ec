/**
 * The compute tier wired into the whole program (infra/index.ts) under mocks:
 * the function, ALB, REST API and CDN are connected to the right network,
 * database, tables, buckets, secrets, static site and edge guard values.
 */
import { beforeAll, describe, expect, it, vi } from "vitest";
import { dependsOn, installMocks, ofType, oneOfType, resolve, settle, unsecret } from "./harness";

const CERT = "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab";
/** The DNS name the certificate covers and that points at the ALB (the ALB's own name matches no certificate). */
const ALB_NAME = "api-origin.shop.example.com";

async function runProgram(config: Record<string, string>): Promise<Record<string, any>> {
  await installMocks({ "aws:region": "eu-west-1", ...config });
  vi.resetModules();
  const program = await import("../../infra/index");
  await settle();
  return program;
}

const byName = (type: string, fragment: string) => {
  const found = ofType(type).filter((r) => r.name.includes(fragment));
  if (found.length !== 1) throw new Error(`expected one ${type} named *${fragment}*, found ${found.map((r) => r.name).join(", ") || "none"}`);
  return found[0]!;
};

/** Ids of the network's subnets of one tier (by their Tier tag). */
const subnetIds = (tier: "public" | "private") =>
  ofType("aws:ec2/subnet:Subnet")
    .filter((s) => s.inputs.tags?.Tier === tier)
    .map((s) => s.id);

const apiFn = () => byName("aws:lambda/function:Function", "api-fn");

describe("compute wiring: dev stack", () => {
  let program: Record<string, any>;
  beforeAll(async () => {
    program = await runProgram({ environmentSuffix: "wire1" });
  }, 120_000);

  it("the function runs in the network's private subnets with the function security group the proxy admits", () => {
    const fn = apiFn().inputs;
    expect(fn.name).toBe("ecommerce-api-wire1");
    const privateSubnets = subnetIds("private");
    expect(privateSubnets).toHaveLength(3);
    expect(fn.vpcConfig.subnetIds).toHaveLength(3);
    for (const id of fn.vpcConfig.subnetIds) expect(privateSubnets).toContain(id);
    const sg = ofType("aws:ec2/securityGroup:SecurityGroup").find((g) => g.id === fn.vpcConfig.securityGroupIds[0])!;
    expect(sg).toBeDefined();
    const proxyIngress = ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => r.inputs.referencedSecurityGroupId === sg.id);
    expect(proxyIngress.length).toBeGreaterThan(0);
  });

  it("the function's environment names the proxy endpoints, tables and secrets the program created", () => {
    const env = apiFn().inputs.environment.variables;
    const proxy = oneOfType("aws:rds/proxy:Proxy");
    const readEndpoint = oneOfType("aws:rds/proxyEndpoint:ProxyEndpoint");
    expect(env.DB_PROXY_ENDPOINT).toBe(proxy.state.endpoint);
    expect(env.DB_PROXY_READ_ENDPOINT).toBe(readEndpoint.state.endpoint);
    const tableNames = ofType("aws:dynamodb/table:Table")
      .map((t) => t.inputs.name)
      .sort();
    expect([env.CACHE_TABLE, env.SESSIONS_TABLE].sort()).toEqual(tableNames);
    const secretArns = ofType("aws:secretsmanager/secret:Secret").map((s) => s.state.arn);
    expect(secretArns).toContain(env.SESSION_KEYS_SECRET_ARN);
    expect(secretArns).toContain(env.ADMIN_TOKEN_SECRET_ARN);
    const policy = JSON.parse(byName("aws:iam/rolePolicy:RolePolicy", "api-access").inputs.policy);
    const dbUsers = policy.Statement.find((s: any) => s.Sid === "DatabaseViaProxy").Resource as string[];
    expect(dbUsers.map((arn) => arn.replace(/^.*:dbuser:prx-[a-z0-9]+\//, ""))).toEqual([env.DB_USER, env.DB_OWNER_USER]);
    expect(env.DB_USER).toBe("shop_app");
    expect(env.DB_APP_SECRET_ARN).toMatch(/^arn:aws:secretsmanager:.*aurora-app/);
  });

  it("migrations wait for the proxy target (which waits for the writer)", () => {
    const invocation = oneOfType("aws:lambda/invocation:Invocation");
    expect(dependsOn(invocation, oneOfType("aws:rds/proxyTarget:ProxyTarget"))).toBe(true);
  });

  it("the ALB logs to the logs bucket only after its policy exists, and targets the function", () => {
    const alb = oneOfType("aws:lb/loadBalancer:LoadBalancer");
    const logsBucket = ofType("aws:s3/bucket:Bucket").find((b) => b.inputs.bucket.includes("-logs-"))!;
    expect(alb.inputs.accessLogs.bucket).toBe(logsBucket.state.bucket);
    const logsPolicy = ofType("aws:s3/bucketPolicy:BucketPolicy").find((p) => p.inputs.bucket === logsBucket.id)!;
    expect(dependsOn(alb, logsPolicy)).toBe(true);
    const fn = apiFn();
    expect(oneOfType("aws:lb/targetGroupAttachment:TargetGroupAttachment").inputs.targetId).toBe(fn.state.arn);
    expect([...alb.inputs.subnets].sort()).toEqual(subnetIds("private").sort());
  });

  it("the CDN's static bucket policy waits for that bucket's configuration chain (S3 409s concurrent calls)", () => {
    const staticBucket = ofType("aws:s3/bucket:Bucket").find((b) => b.inputs.bucket.includes("-static-"))!;
    const policy = ofType("aws:s3/bucketPolicy:BucketPolicy").find((p) => p.inputs.bucket === staticBucket.id)!;
    const forStatic = (type: string) => ofType(type).find((r) => r.inputs.bucket === staticBucket.id)!;
    expect(dependsOn(policy, forStatic("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"))).toBe(true);
  });

  it("CloudFront sends the current generated origin secret; the ALB rule accepts it with the previous and next", () => {
    const ruleValues = unsecret<any[]>(oneOfType("aws:lb/listenerRule:ListenerRule").inputs.conditions)[0].httpHeader.values;
    const albOrigin = unsecret<any[]>(oneOfType("aws:cloudfront/distribution:Distribution").inputs.origins).find((o) => o.vpcOriginConfig)!;
    expect(ruleValues).toHaveLength(3);
    expect(new Set(ruleValues).size).toBe(3);
    // previous, current, next: CloudFront sends the middle one.
    expect(albOrigin.customHeaders).toEqual([{ name: "x-origin-verify", value: ruleValues[1] }]);
    expect(albOrigin.domainName).toBe(oneOfType("aws:lb/loadBalancer:LoadBalancer").state.dnsName);
    const generated = ofType("random:index/randomPassword:RandomPassword")
      .filter((p) => p.name.includes("origin-verify"))
      .map((p) => p.state.result);
    expect([...ruleValues].sort()).toEqual([...generated].sort());
    const stored = unsecret<string>(
      ofType("aws:secretsmanager/secretVersion:SecretVersion").find((v) => v.name.endsWith("origin-verify"))!.inputs.secretString,
    );
    expect(stored).toBe(ruleValues[1]);
  });

  it("CloudFront runs the edge guard's published version on /api/* and the SPA rewrite on the default behavior", () => {
    const distribution = oneOfType("aws:cloudfront/distribution:Distribution").inputs;
    const edgeArn = byName("aws:lambda/function:Function", "edge-guard").state.qualifiedArn;
    expect(distribution.orderedCacheBehaviors[0].lambdaFunctionAssociations[0].lambdaArn).toBe(edgeArn);
    expect(edgeArn).toMatch(/^arn:aws:lambda:us-east-1:\d{12}:function:.+:\d+$/);
    const spa = oneOfType("aws:cloudfront/function:Function");
    expect(distribution.defaultCacheBehavior.functionAssociations).toEqual([{ eventType: "viewer-request", functionArn: spa.state.arn }]);
  });

  it("the static bucket is the default origin and its policy admits only this distribution", () => {
    const staticBucket = ofType("aws:s3/bucket:Bucket").find((b) => b.inputs.bucket.includes("-static-"))!;
    const distribution = oneOfType("aws:cloudfront/distribution:Distribution");
    const s3Origin = unsecret<any[]>(distribution.inputs.origins).find((o) => o.originAccessControlId)!;
    expect(s3Origin.domainName).toBe(staticBucket.state.bucketRegionalDomainName);
    const policies = ofType("aws:s3/bucketPolicy:BucketPolicy").filter((p) => p.inputs.bucket === staticBucket.id);
    expect(policies).toHaveLength(1);
    const allow = JSON.parse(policies[0]!.inputs.policy).Statement.find((s: any) => s.Effect === "Allow");
    expect(allow.Condition.StringEquals["AWS:SourceArn"]).toBe(distribution.state.arn);
  });

  it("API Gateway proxies to the function and exports its URL, stage and key", async () => {
    const fn = apiFn();
    for (const integration of ofType("aws:apigateway/integration:Integration")) expect(integration.inputs.uri).toBe(fn.state.invokeArn);
    expect(await resolve(program.apiUrl)).toMatch(/^https:\/\/.+\/prod$/);
    expect(await resolve(program.apiGatewayStage)).toBe("prod");
    expect(await resolve(program.apiKeyId)).toBe(oneOfType("aws:apigateway/apiKey:ApiKey").id);
    expect(await resolve(program.lambdaFunctionArn)).toBe(fn.state.arn);
    expect(await resolve(program.ecrRepositoryUrl)).toMatch(/\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/ecommerce-api-wire1$/);
    expect(await resolve(program.albDnsName)).toBe(oneOfType("aws:lb/loadBalancer:LoadBalancer").state.dnsName);
    const domainName = oneOfType("aws:cloudfront/distribution:Distribution").state.domainName;
    expect(domainName).toMatch(/^d[0-9a-z]+\.cloudfront\.net$/);
    expect(await resolve(program.cloudfrontDomainName)).toBe(domainName);
    expect(await resolve(program.cloudfrontDistributionId)).toBe(oneOfType("aws:cloudfront/distribution:Distribution").id);
  });
});

describe("compute wiring: prod stack with provisioned concurrency and a certificate", () => {
  beforeAll(async () => {
    await runProgram({ environmentSuffix: "wire2", environmentType: "prod", lambdaProvisionedConcurrency: "2", certificateArn: CERT, albDomainName: ALB_NAME });
  }, 120_000);

  it("ALB, API Gateway and migrations use the live alias", () => {
    const alias = oneOfType("aws:lambda/alias:Alias");
    expect(oneOfType("aws:lb/targetGroupAttachment:TargetGroupAttachment").inputs.targetId).toBe(alias.state.arn);
    for (const integration of ofType("aws:apigateway/integration:Integration")) expect(integration.inputs.uri).toBe(alias.state.invokeArn);
    for (const permission of ofType("aws:lambda/permission:Permission").filter((p) => p.inputs.function === "ecommerce-api-wire2")) {
      expect(permission.inputs.qualifier).toBe("live");
    }
    expect(oneOfType("aws:lambda/invocation:Invocation").inputs.qualifier).toBe("live");
    expect(oneOfType("aws:appautoscaling/target:Target").inputs).toMatchObject({ minCapacity: 2, maxCapacity: 4 });
  });

  it("the certificate enables 443 with 80 redirecting, CloudFront reaches the ALB over HTTPS, the ALB and repository are kept", () => {
    const listeners = ofType("aws:lb/listener:Listener").map((l) => l.inputs);
    expect(listeners.find((l) => l.port === 443)?.certificateArn).toBe(CERT);
    expect(listeners.find((l) => l.port === 80)?.defaultActions[0].type).toBe("redirect");
    const albOrigin = unsecret<any[]>(oneOfType("aws:cloudfront/distribution:Distribution").inputs.origins).find((o) => o.vpcOriginConfig)!;
    expect(oneOfType("aws:cloudfront/vpcOrigin:VpcOrigin").inputs.vpcOriginEndpointConfig.originProtocolPolicy).toBe("https-only");
    expect(oneOfType("aws:cloudfront/vpcOrigin:VpcOrigin").inputs.vpcOriginEndpointConfig.arn).toBe(oneOfType("aws:lb/loadBalancer:LoadBalancer").state.arn);
    // TLS to the origin is verified against this name: it must be the configured one, not the ALB's *.elb name.
    expect(albOrigin.domainName).toBe(ALB_NAME);
    expect(oneOfType("aws:lb/loadBalancer:LoadBalancer").inputs.enableDeletionProtection).toBe(true);
    expect(oneOfType("aws:ecr/repository:Repository").inputs.forceDelete).toBe(false);
  });
});
