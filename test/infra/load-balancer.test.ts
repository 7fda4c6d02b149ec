/** LoadBalancer under Pulumi mocks: the ALB in front of the API function. */
import { beforeAll, describe, expect, it } from "vitest";
import { MOCK_ACCOUNT_ID, MOCK_REGION, dependsOn, installMocks, isSecret, ofType, oneOfType, resolve, settle, unsecret, testTags } from "./harness";
import type { LoadBalancer, LoadBalancerArgs } from "../../infra/load-balancer";

const TAGS = testTags("t1");
const FN_ARN = `arn:aws:lambda:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:function:ecommerce-api-t1`;
const SECRET = "0123456789abcdefOriginSecretValue";
const PREVIOUS = "0123456789abcdefPreviousOriginValue";
const NEXT = "0123456789abcdefNextOriginSecretVal";
const CERT = `arn:aws:acm:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:certificate/11111111-2222-3333-4444-555555555555`;

async function build(overrides: Partial<LoadBalancerArgs> = {}): Promise<LoadBalancer> {
  await installMocks({ environmentSuffix: "t1" });
  const { LoadBalancer } = await import("../../infra/load-balancer");
  const component = new LoadBalancer("web", {
    environmentSuffix: "t1",
    tags: TAGS,
    vpcId: "vpc-123",
    vpcCidr: "10.0.0.0/16",
    subnetIds: ["subnet-p1", "subnet-p2", "subnet-p3"],
    logsBucketName: "ecommerce-logs-t1",
    functionName: "ecommerce-api-t1",
    targetArn: FN_ARN,
    originVerifyValues: [PREVIOUS, SECRET, NEXT],
    ...overrides,
  });
  await settle();
  return component;
}

const LISTENER = "aws:lb/listener:Listener";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";

describe("LoadBalancer without a certificate", () => {
  let component: LoadBalancer;
  beforeAll(async () => {
    component = await build();
  });

  it("ALB is internet-facing in the public subnets, drops invalid header fields and logs to the logs bucket under alb/", () => {
    const alb = oneOfType("aws:lb/loadBalancer:LoadBalancer").inputs;
    expect(alb).toMatchObject({ name: "ecommerce-alb-t1", loadBalancerType: "application", internal: true, dropInvalidHeaderFields: true });
    expect(alb.subnets).toEqual(["subnet-p1", "subnet-p2", "subnet-p3"]);
    expect(alb.accessLogs).toEqual({ bucket: "ecommerce-logs-t1", prefix: "alb", enabled: true });
    expect(alb.securityGroups).toEqual([oneOfType("aws:ec2/securityGroup:SecurityGroup").id]);
    expect(alb.name.length).toBeLessThanOrEqual(32);
  });

  it("is internal: the security group admits port 80 from the VPC only (CloudFront's VPC origin), nothing from the internet, and egresses only to the VPC", () => {
    const ingress = ofType(INGRESS).map((r) => r.inputs);
    expect(ingress.map((r) => [r.fromPort, r.toPort, r.ipProtocol, r.cidrIpv4 ?? r.cidrIpv6])).toEqual([[80, 80, "tcp", "10.0.0.0/16"]]);
    const egress = oneOfType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").inputs;
    expect(egress).toMatchObject({ securityGroupId: oneOfType("aws:ec2/securityGroup:SecurityGroup").id, cidrIpv4: "10.0.0.0/16" });
    expect(oneOfType("aws:ec2/securityGroup:SecurityGroup").inputs.egress).toBeUndefined();
  });

  it("lambda target group has multi-value headers and health checks the liveness route /health/live (no database round trip) every 5 s with a 2 s timeout expecting 200", () => {
    const tg = oneOfType("aws:lb/targetGroup:TargetGroup").inputs;
    expect(tg).toMatchObject({ name: "ecommerce-api-t1", targetType: "lambda", lambdaMultiValueHeadersEnabled: true });
    expect(tg.healthCheck).toMatchObject({ enabled: true, path: "/health/live", interval: 5, timeout: 2, matcher: "200" });
    expect(tg.healthCheck.interval).toBeGreaterThan(tg.healthCheck.timeout);
  });

  it("elasticloadbalancing may invoke the function from this target group only, and the permission exists before the attachment", () => {
    const permission = oneOfType("aws:lambda/permission:Permission");
    expect(permission.inputs).toMatchObject({
      action: "lambda:InvokeFunction",
      function: "ecommerce-api-t1",
      principal: "elasticloadbalancing.amazonaws.com",
    });
    expect(permission.inputs.sourceArn).toBe(oneOfType("aws:lb/targetGroup:TargetGroup").state.arn);
    const attachment = oneOfType("aws:lb/targetGroupAttachment:TargetGroupAttachment");
    expect(attachment.inputs.targetId).toBe(FN_ARN);
    expect(dependsOn(attachment, permission)).toBe(true);
  });

  it("port 80 answers 403 in the contract's error shape by default", () => {
    const http = oneOfType(LISTENER).inputs;
    expect(http).toMatchObject({ port: 80, protocol: "HTTP" });
    const [action] = http.defaultActions;
    expect(action.type).toBe("fixed-response");
    expect(action.fixedResponse).toMatchObject({ statusCode: "403", contentType: "application/json" });
    const body = JSON.parse(action.fixedResponse.messageBody);
    expect(body).toEqual({ error: { code: "forbidden", message: expect.any(String) } });
  });

  it("forwards to the function only requests whose x-origin-verify header is one of the three generations (kept secret)", () => {
    const rule = oneOfType("aws:lb/listenerRule:ListenerRule").inputs;
    expect(rule.listenerArn).toBe(oneOfType(LISTENER).state.arn);
    // The secret values make the whole condition list a secret in state.
    expect(isSecret(rule.conditions)).toBe(true);
    const conditions = unsecret(rule.conditions);
    // One condition, any of its values matches: a rotation never refuses what CloudFront still sends.
    expect(conditions).toEqual([{ httpHeader: { httpHeaderName: "x-origin-verify", values: [PREVIOUS, SECRET, NEXT] } }]);
    expect(rule.actions).toEqual([{ type: "forward", targetGroupArn: oneOfType("aws:lb/targetGroup:TargetGroup").state.arn }]);
  });

  it("exposes the CloudWatch dimensions and the origin port", async () => {
    const alb = oneOfType("aws:lb/loadBalancer:LoadBalancer").state;
    const targetGroup = oneOfType("aws:lb/targetGroup:TargetGroup").state;
    expect(alb.arnSuffix).toMatch(/^app\/ecommerce-alb-t1\/[0-9a-f]{16}$/);
    expect(targetGroup.arnSuffix).toMatch(/^targetgroup\/ecommerce-api-t1\/[0-9a-f]{16}$/);
    expect(alb.dnsName).toMatch(new RegExp(`^ecommerce-alb-t1-[0-9a-z]+\\.${MOCK_REGION}\\.elb\\.amazonaws\\.com$`));
    expect(await resolve(component.albArnSuffix)).toBe(alb.arnSuffix);
    expect(await resolve(component.targetGroupArnSuffix)).toBe(targetGroup.arnSuffix);
    expect(await resolve(component.dnsName)).toBe(alb.dnsName);
    expect(component.originPort).toBe(80);
  });
});

describe("LoadBalancer with a certificate and provisioned concurrency", () => {
  beforeAll(async () => {
    await build({ certificateArn: CERT, functionQualifier: "live", targetArn: `${FN_ARN}:live`, isProd: true });
  });

  it("admits 443 only (from the VPC), serves TLS 1.3/1.2 with the certificate, and redirects 80 to 443", () => {
    const ports = ofType(INGRESS)
      .map((r) => r.inputs.fromPort)
      .sort();
    expect(ports).toEqual([443]);
    const listeners = ofType(LISTENER).map((r) => r.inputs);
    const http = listeners.find((l) => l.port === 80)!;
    const https = listeners.find((l) => l.port === 443)!;
    expect(http.defaultActions).toEqual([{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }]);
    expect(https).toMatchObject({ protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06", certificateArn: CERT });
    expect(https.defaultActions[0].fixedResponse.statusCode).toBe("403");
  });

  it("the origin-header rule sits on the 443 listener", () => {
    const https = ofType(LISTENER).find((l) => l.inputs.port === 443)!;
    expect(oneOfType("aws:lb/listenerRule:ListenerRule").inputs.listenerArn).toBe(https.state.arn);
  });

  it("permission and target use the live alias; prod ALB has deletion protection", () => {
    expect(oneOfType("aws:lambda/permission:Permission").inputs.qualifier).toBe("live");
    expect(oneOfType("aws:lb/targetGroupAttachment:TargetGroupAttachment").inputs.targetId).toBe(`${FN_ARN}:live`);
    expect(oneOfType("aws:lb/loadBalancer:LoadBalancer").inputs.enableDeletionProtection).toBe(true);
  });
});

describe("originHeaderConditionValue", () => {
  it("rejects values an ALB header condition would treat as wildcards or cannot hold", async () => {
    const { originHeaderConditionValue } = await import("../../infra/load-balancer");
    expect(originHeaderConditionValue(SECRET)).toBe(SECRET);
    expect(() => originHeaderConditionValue("abc*defghijklmnopq")).toThrow(/wildcards/);
    expect(() => originHeaderConditionValue("x".repeat(129))).toThrow(/16-128 characters/);
    expect(() => originHeaderConditionValue("short")).toThrow(/16-128 characters/);
  });
});

describe("originVerifyConditionValues", () => {
  it("accepts one to three values (an ALB header condition holds at most three) and keeps each secret", async () => {
    const { originVerifyConditionValues } = await import("../../infra/load-balancer");
    const values = originVerifyConditionValues([PREVIOUS, SECRET, NEXT]);
    expect(await Promise.all(values.map((v) => resolve(v)))).toEqual([PREVIOUS, SECRET, NEXT]);
    for (const v of values) expect(await (await import("@pulumi/pulumi")).isSecret(v)).toBe(true);
    expect(() => originVerifyConditionValues([])).toThrow(/1-3 origin-verify values/);
    expect(() => originVerifyConditionValues([PREVIOUS, SECRET, NEXT, SECRET])).toThrow(/1-3 origin-verify values/);
  });
});
