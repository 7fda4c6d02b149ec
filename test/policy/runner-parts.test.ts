/** Pure parts of the runner: argument parsing, mock answers, Little's law. */
import { describe, expect, it } from "vitest";
import { capacityVersusThrottle, concurrencyNeeded, servableRequestsPerSecond } from "../../policy/lib/capacity";
import { ELB_LOG_DELIVERY_ACCOUNTS } from "../../infra/elb-log-delivery";
import { parseArgs } from "../../scripts/preflight/args";
import { answerCall, computedOutputs, DEFAULT_ENVIRONMENT, renderPolicyDocument } from "../../scripts/pulumi-mocks/answers";

describe("parseArgs", () => {
  it("reads program, stack, repeated config, policy config and json", () => {
    expect(
      parseArgs(["--program", "../x", "--stack", "prod", "--config", "a=1", "--config", "aws:region=us-west-2", "--policy-config", "p.json", "--json"]),
    ).toEqual({
      programDir: "../x",
      stack: "prod",
      config: { a: "1", "aws:region": "us-west-2" },
      policyConfigFile: "p.json",
      json: true,
      help: false,
    });
  });
  it("keeps '=' inside config values and names what is wrong", () => {
    expect(parseArgs(["--config", "url=https://x?a=b"]).config).toEqual({ url: "https://x?a=b" });
    expect(() => parseArgs(["--stack"])).toThrow("--stack needs a value");
    expect(() => parseArgs(["--verbose"])).toThrow('unknown argument "--verbose"');
  });
});

describe("mocks", () => {
  it("answer common data sources for the stack's region and fail naming an unknown one", () => {
    const env = { ...DEFAULT_ENVIRONMENT, region: "eu-central-1" };
    expect(answerCall(env, "aws:index/getAvailabilityZones:getAvailabilityZones", {}).names).toEqual(["eu-central-1a", "eu-central-1b", "eu-central-1c"]);
    expect(answerCall(env, "aws:elb/getServiceAccount:getServiceAccount", {}).arn).toBe("arn:aws:iam::054676820928:root");
    expect(() => answerCall(env, "aws:ec2/getAmi:getAmi", {})).toThrow('no answer for data source "aws:ec2/getAmi:getAmi"');
    expect(() => answerCall(env, "aws:cloudfront/getCachePolicy:getCachePolicy", { name: "Managed-Nope" })).toThrow(
      'unknown managed CloudFront cache policy "Managed-Nope"',
    );
  });
  it("refuse a custom resource type they do not model, naming it (components and providers compute nothing)", () => {
    expect(() => computedOutputs(DEFAULT_ENVIRONMENT, "aws:ec2/transitGateway:TransitGateway", "tgw", {})).toThrow(
      'no computed outputs for resource type "aws:ec2/transitGateway:TransitGateway" (resource "tgw")',
    );
    expect(computedOutputs(DEFAULT_ENVIRONMENT, "shop:network:Network", "network", {}, false)).toEqual({});
    expect(computedOutputs(DEFAULT_ENVIRONMENT, "pulumi:providers:aws", "us-east-1", {})).toEqual({});
  });
  it("answer getServiceAccount from the program's own table, and fail where the data source does", () => {
    expect(answerCall({ ...DEFAULT_ENVIRONMENT, region: "cn-north-1" }, "aws:elb/getServiceAccount:getServiceAccount", {}).id).toBe(
      ELB_LOG_DELIVERY_ACCOUNTS["cn-north-1"],
    );
    expect(() => answerCall({ ...DEFAULT_ENVIRONMENT, region: "eu-central-2" }, "aws:elb/getServiceAccount:getServiceAccount", {})).toThrow(
      'unsupported AWS Region "eu-central-2"',
    );
  });
  it('render getPolicyDocument like the provider (single values unwrapped, conditions grouped, a lone * principal as "*")', () => {
    const json = renderPolicyDocument({
      statements: [
        {
          effect: "Deny",
          actions: ["s3:*"],
          resources: ["arn:aws:s3:::b"],
          principals: [{ type: "*", identifiers: ["*"] }],
          conditions: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        },
      ],
    });
    expect(JSON.parse(json)).toEqual({
      Version: "2012-10-17",
      Statement: [{ Effect: "Deny", Action: "s3:*", Resource: "arn:aws:s3:::b", Principal: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } }],
    });
    const service = JSON.parse(
      renderPolicyDocument({ statements: [{ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }] }] }),
    );
    expect(service.Statement[0].Principal).toEqual({ Service: "lambda.amazonaws.com" });
  });
  it("give functions region-aware ARNs and qualified ARNs only when published", () => {
    const fn = computedOutputs(DEFAULT_ENVIRONMENT, "aws:lambda/function:Function", "guard", { name: "g", region: "us-east-1", publish: true });
    expect(fn.qualifiedArn).toBe("arn:aws:lambda:us-east-1:123456789012:function:g:1");
    expect(computedOutputs(DEFAULT_ENVIRONMENT, "aws:lambda/function:Function", "api", { name: "a" }).qualifiedArn).toBe(
      "arn:aws:lambda:us-east-1:123456789012:function:a:$LATEST",
    );
  });
  it("keep an EventBridge target's arn input (the target) and give WAF and ECS resources the ARNs AWS would", () => {
    const target = computedOutputs(DEFAULT_ENVIRONMENT, "aws:cloudwatch/eventTarget:EventTarget", "t", { arn: "arn:aws:states:us-east-1:1:stateMachine:s" });
    expect(target.arn).toBeUndefined();
    expect(computedOutputs(DEFAULT_ENVIRONMENT, "aws:wafv2/webAcl:WebAcl", "edge", { name: "edge", scope: "CLOUDFRONT" }).arn).toMatch(
      /^arn:aws:wafv2:us-east-1:123456789012:global\/webacl\/edge\//,
    );
    expect(computedOutputs(DEFAULT_ENVIRONMENT, "aws:ecs/taskDefinition:TaskDefinition", "w", { family: "worker" }).arn).toBe(
      "arn:aws:ecs:us-east-1:123456789012:task-definition/worker:1",
    );
  });
});

describe("Little's law", () => {
  it("10 executions at 100 ms serve 100 req/s; 10,000 req/s at 20 ms needs 200", () => {
    expect(servableRequestsPerSecond(10, 100)).toBe(100);
    expect(concurrencyNeeded(10_000, 20)).toBe(200);
    expect(capacityVersusThrottle(10, 20, 10_000)).toEqual({ concurrency: 10, servable: 500, needed: 200, shortfall: true });
    expect(capacityVersusThrottle(1000, 100, 10_000).shortfall).toBe(false);
    expect(() => servableRequestsPerSecond(10, 0)).toThrow("expected duration must be > 0 ms, got 0");
  });
});
