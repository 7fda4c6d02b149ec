import * as aws from "@pulumi/aws";
import * as random from "@pulumi/random";
import { describe, expect, it } from "vitest";
import { arnParts, partitionOf } from "../../policy/lib/region";
import { check } from "./check";
import { expectClean, expectFindings } from "./deploy-time";

describe("aws-region-partition (mandatory, stack)", () => {
  it("maps regions to partitions and reads ARNs", () => {
    expect(["eu-west-1", "cn-north-1", "us-gov-west-1"].map(partitionOf)).toEqual(["aws", "aws-cn", "aws-us-gov"]);
    expect(arnParts("arn:aws-cn:kms:cn-north-1:123456789012:key/k")).toEqual({ partition: "aws-cn", service: "kms", region: "cn-north-1" });
    expect(arnParts("alias/x")).toBeUndefined();
  });
  it("flags hard-coded aws ARNs in a China region", async () => {
    const e = await check(
      () => {
        new aws.iam.RolePolicyAttachment("ro", { role: "r", policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" });
      },
      { region: "cn-north-1" },
    );
    expectFindings("aws-region-partition", e, [
      'aws.iam.RolePolicyAttachment "ro": refers to ARNs in partition aws but cn-north-1 is in partition aws-cn; build ARNs with aws.getPartition()',
    ]);
  });
  it("flags a key, a certificate, an alarm action and an event source from another region", async () => {
    const e = await check(() => {
      new aws.cloudwatch.LogGroup("logs", { name: "/app", retentionInDays: 30, kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/k" });
      new aws.lb.Listener("https", {
        loadBalancerArn: "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/a/1",
        port: 443,
        protocol: "HTTPS",
        certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/c",
        defaultActions: [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "404" } }],
      });
      new aws.cloudwatch.MetricAlarm("errors", {
        comparisonOperator: "GreaterThanThreshold",
        evaluationPeriods: 1,
        metricName: "Errors",
        namespace: "AWS/Lambda",
        period: 60,
        statistic: "Sum",
        threshold: 1,
        alarmActions: ["arn:aws:sns:us-east-1:123456789012:alerts"],
      });
      new aws.lambda.EventSourceMapping("esm", { eventSourceArn: "arn:aws:sqs:eu-central-1:123456789012:orders", functionName: "worker" });
      new aws.cloudwatch.EventTarget("to-bus", { rule: "r", arn: "arn:aws:events:us-east-1:123456789012:event-bus/central" });
    });
    expectFindings("aws-region-partition", e, [
      'aws.cloudwatch.LogGroup "logs": kmsKeyId KMS key arn:aws:kms:us-east-1:123456789012:key/k is in us-east-1 but the resource is in eu-west-1',
      'aws.lb.Listener "https": certificateArn ACM certificate arn:aws:acm:us-east-1:123456789012:certificate/c is in us-east-1',
      'aws.cloudwatch.MetricAlarm "errors": alarmActions alarm action arn:aws:sns:us-east-1:123456789012:alerts is in us-east-1',
      'aws.lambda.EventSourceMapping "esm": eventSourceArn event source arn:aws:sqs:eu-central-1:123456789012:orders is in eu-central-1',
    ]);
  });
  it("accepts same-region references, a per-resource us-east-1 region and cross-region event bus targets", async () => {
    const e = await check(() => {
      new aws.cloudwatch.LogGroup("logs", { name: "/app", retentionInDays: 30, kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/k" });
      new aws.cloudwatch.LogGroup("edge-logs", {
        name: "/edge",
        region: "us-east-1",
        retentionInDays: 30,
        kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/k",
      });
      new aws.cloudwatch.EventTarget("to-bus", {
        rule: "r",
        arn: "arn:aws:events:us-east-1:123456789012:event-bus/central",
        roleArn: "arn:aws:iam::123456789012:role/r",
      });
    });
    expectClean(["aws-region-partition"], e);
  });
});

describe("rds-master-password-source (mandatory, stack)", () => {
  it("flags a generated password with the provider's default special characters and accepts one without specials", async () => {
    const bad = await check(() => {
      const pw = new random.RandomPassword("db-pw", { length: 32 });
      new aws.rds.Cluster("db", { engine: "aurora-postgresql", masterUsername: "app", masterPassword: pw.result, skipFinalSnapshot: true });
    });
    expectFindings("rds-master-password-source", bad, [
      'aws.rds.Cluster "db": masterPassword comes from random.RandomPassword "db-pw", whose special characters include \'@\', which RDS rejects',
    ]);
    const good = await check(() => {
      const pw = new random.RandomPassword("db-pw", { length: 32, special: true, overrideSpecial: "!#$%^&*-_=+" });
      new aws.rds.Cluster("db", { engine: "aurora-postgresql", masterUsername: "app", masterPassword: pw.result, skipFinalSnapshot: true });
    });
    expectClean(["rds-master-password-source"], good);
  });
});

describe("smaller argument rules", () => {
  it("flag a route table association with both targets, a bad path part, a usage plan key type, a non-JSON invocation, too many rule conditions and a proxy in one zone", async () => {
    const e = await check(() => {
      new aws.ec2.RouteTableAssociation("assoc", { routeTableId: "rtb-1", subnetId: "subnet-1", gatewayId: "igw-1" });
      const api = new aws.apigateway.RestApi("api", { name: "shop" });
      new aws.apigateway.Resource("items", { restApi: api.id, parentId: api.rootResourceId, pathPart: "items/{id}" });
      new aws.apigateway.UsagePlanKey("plan-key", { keyId: "k", keyType: "KEY", usagePlanId: "p" });
      new aws.lambda.Invocation("seed", { functionName: "seed", input: "{not json" });
      new aws.lb.ListenerRule("rule", {
        listenerArn: "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/a/1/2",
        priority: 1,
        actions: [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "404" } }],
        conditions: [{ pathPattern: { values: ["/a", "/b", "/c", "/d"] } }, { hostHeader: { values: ["a.example.com", "b.example.com"] } }],
      });
      const a = new aws.ec2.Subnet("a", { vpcId: "vpc-1", cidrBlock: "10.0.0.0/24", availabilityZone: "eu-west-1a" });
      const b = new aws.ec2.Subnet("b", { vpcId: "vpc-1", cidrBlock: "10.0.1.0/24", availabilityZone: "eu-west-1a" });
      new aws.rds.Proxy("proxy", {
        name: "shop-proxy",
        engineFamily: "POSTGRESQL",
        roleArn: "arn:aws:iam::123456789012:role/p",
        vpcSubnetIds: [a.id, b.id],
        requireTls: true,
        auths: [{ authScheme: "SECRETS", secretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db" }],
      });
    });
    expectFindings("vpc-resource-arguments", e, [
      'aws.ec2.RouteTableAssociation "assoc": needs exactly one of subnetId or gatewayId (given: subnetId, gatewayId).',
    ]);
    expectFindings("apigateway-arguments", e, [
      'aws.apigateway.Resource "items": pathPart "items/{id}" must be one path segment',
      'aws.apigateway.UsagePlanKey "plan-key": keyType "KEY" must be "API_KEY".',
    ]);
    expectFindings("lambda-arguments", e, ['aws.lambda.Invocation "seed": input is not valid JSON']);
    expectFindings("elb-arguments", e, ["conditions[0] has 4 values; a condition allows 3", "6 match values across its conditions; a rule allows 5."]);
    expectFindings("rds-subnet-zones", e, [
      'aws.rds.Proxy "proxy": its 2 subnets are all in eu-west-1a; an RDS proxy needs subnets in at least 2 Availability Zones.',
    ]);
  });
  it("accept their valid forms", async () => {
    const e = await check(() => {
      new aws.ec2.RouteTableAssociation("assoc", { routeTableId: "rtb-1", subnetId: "subnet-1" });
      const api = new aws.apigateway.RestApi("api", { name: "shop" });
      new aws.apigateway.Resource("proxy", { restApi: api.id, parentId: api.rootResourceId, pathPart: "{proxy+}" });
      new aws.apigateway.UsagePlanKey("plan-key", { keyId: "k", keyType: "API_KEY", usagePlanId: "p" });
      new aws.lambda.Invocation("seed", { functionName: "seed", input: JSON.stringify({ seed: true }) });
      new aws.lb.ListenerRule("rule", {
        listenerArn: "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/a/1/2",
        priority: 1,
        actions: [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "404" } }],
        conditions: [{ pathPattern: { values: ["/a", "/b", "/c"] } }, { hostHeader: { values: ["a.example.com"] } }],
      });
    });
    expectClean(["vpc-resource-arguments", "apigateway-arguments", "lambda-arguments", "elb-arguments", "rds-subnet-zones"], e);
  });
});

describe("stage logging, endpoint types, inline rules and routes, attachments, response headers, cluster settings", () => {
  it("flag what the APIs reject", async () => {
    const e = await check(() => {
      const api = new aws.apigateway.RestApi("api", { name: "shop", endpointConfiguration: { types: "REGIONAL", vpcEndpointIds: ["vpce-1"] } });
      new aws.apigateway.Stage("prod", {
        restApi: api.id,
        deployment: "d",
        stageName: "prod",
        xrayTracingEnabled: true,
        accessLogSettings: { destinationArn: "arn:aws:logs:eu-west-1:123456789012:log-group:api:*", format: "$context.status" },
      });
      new aws.ec2.SecurityGroup("sg", {
        description: "app",
        ingress: [{ protocol: "tcp", fromPort: 8443, toPort: 443, cidrBlocks: ["10.0.0.0/16"] }],
        egress: [{ protocol: "-1", fromPort: 0, toPort: 65535, cidrBlocks: ["10.0.0.0/16"] }],
      });
      new aws.ec2.RouteTable("rt", { vpcId: "vpc-1", routes: [{ cidrBlock: "0.0.0.0/0" }] });
      const tg = new aws.lb.TargetGroup("fn-tg", { name: "fn-tg", targetType: "lambda", lambdaMultiValueHeadersEnabled: true });
      new aws.lb.TargetGroupAttachment("fn-att", { targetGroupArn: tg.arn, targetId: "arn:aws:lambda:eu-west-1:123456789012:function:f", port: 80 });
      new aws.iam.RolePolicyAttachment("ro", {
        role: new aws.iam.Role("r", {
          assumeRolePolicy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: "lambda.amazonaws.com" } }],
          }),
        }).name,
        policyArn: "ReadOnlyAccess",
      });
      new aws.cloudfront.ResponseHeadersPolicy("headers", {
        name: "headers",
        securityHeadersConfig: { frameOptions: { frameOption: "ALLOW", override: true }, referrerPolicy: { referrerPolicy: "never", override: true } },
      });
      new aws.ecs.Cluster("workers", { name: "workers", settings: [{ name: "containerInsights", value: "on" }] });
    });
    expectFindings("apigateway-arguments", e, [
      "accessLogSettings.format must include $context.requestId or $context.extendedRequestId.",
      'accessLogSettings.destinationArn must be the log group ARN without the trailing ":*".',
      "endpointConfiguration.vpcEndpointIds apply only to PRIVATE APIs.",
    ]);
    expectFindings("vpc-resource-arguments", e, [
      "ingress[0] fromPort 8443 exceeds toPort 443.",
      'egress[0] protocol "-1" (all traffic) needs fromPort 0 and toPort 0.',
      'aws.ec2.RouteTable "rt": routes[0] needs exactly one target',
    ]);
    expectFindings("elb-arguments", e, ['aws.lb.TargetGroupAttachment "fn-att": port is not used for a Lambda target; remove it.']);
    expectFindings("iam-role-arguments", e, ['aws.iam.RolePolicyAttachment "ro": policyArn "ReadOnlyAccess" is not an IAM managed policy ARN']);
    expectFindings("cloudfront-arguments", e, ['frameOptions.frameOption "ALLOW" must be DENY or SAMEORIGIN.', 'referrerPolicy "never" must be one of']);
    expectFindings("ecs-configuration", e, ['containerInsights "on" must be enabled, disabled or enhanced.']);
  });
  it("accept their valid forms", async () => {
    const e = await check(() => {
      const api = new aws.apigateway.RestApi("api", { name: "shop", endpointConfiguration: { types: "REGIONAL" } });
      new aws.apigateway.Stage("prod", {
        restApi: api.id,
        deployment: "d",
        stageName: "prod",
        xrayTracingEnabled: true,
        accessLogSettings: { destinationArn: "arn:aws:logs:eu-west-1:123456789012:log-group:api", format: '{"requestId":"$context.requestId"}' },
      });
      new aws.ec2.SecurityGroup("sg", {
        description: "app",
        ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.0.0.0/16"] }],
        egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["10.0.0.0/16"] }],
      });
      new aws.ec2.RouteTable("rt", { vpcId: "vpc-1", routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: "nat-1" }] });
      const tg = new aws.lb.TargetGroup("fn-tg", { name: "fn-tg", targetType: "lambda", lambdaMultiValueHeadersEnabled: true });
      new aws.lb.TargetGroupAttachment("fn-att", { targetGroupArn: tg.arn, targetId: "arn:aws:lambda:eu-west-1:123456789012:function:f" });
      new aws.cloudfront.ResponseHeadersPolicy("headers", {
        name: "headers",
        securityHeadersConfig: {
          frameOptions: { frameOption: "DENY", override: true },
          strictTransportSecurity: { accessControlMaxAgeSec: 31536000, override: true },
        },
      });
      new aws.ecs.Cluster("workers", { name: "workers", settings: [{ name: "containerInsights", value: "enabled" }] });
    });
    expectClean(["apigateway-arguments", "vpc-resource-arguments", "elb-arguments", "iam-role-arguments", "cloudfront-arguments", "ecs-configuration"], e);
  });
});

describe("default security groups, internet gateways, KMS aliases and Lambda aliases", () => {
  it("flag an all-traffic rule with ports, a second internet gateway, an alias of an alias and weighted routing on $LATEST", async () => {
    const e = await check(() => {
      const vpc = new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16" });
      new aws.ec2.DefaultSecurityGroup("default", { vpcId: vpc.id, egress: [{ protocol: "-1", fromPort: 0, toPort: 65535, cidrBlocks: ["10.0.0.0/16"] }] });
      new aws.ec2.InternetGateway("igw", { vpcId: vpc.id });
      new aws.ec2.InternetGateway("igw-2", { vpcId: vpc.id });
      new aws.kms.Alias("logs", { name: "alias/logs", targetKeyId: "alias/other" });
      new aws.lambda.Alias("live", { name: "live", functionName: "f", functionVersion: "$LATEST", routingConfig: { additionalVersionWeights: { "2": 1.5 } } });
    });
    expectFindings("vpc-resource-arguments", e, [
      'aws.ec2.DefaultSecurityGroup "default": egress[0] protocol "-1" (all traffic) needs fromPort 0 and toPort 0.',
    ]);
    expectFindings("vpc-network-consistency", e, [
      'aws.ec2.Vpc "vpc": aws.ec2.InternetGateway "igw" and aws.ec2.InternetGateway "igw-2" both attach an internet gateway; a VPC takes one',
    ]);
    expectFindings("kms-secrets-sns-arguments", e, ['aws.kms.Alias "logs": targetKeyId "alias/other" is an alias']);
    expectFindings("lambda-arguments", e, [
      "routingConfig weight 1.5 for version 2 must be within 0..1.",
      "weighted routing needs a published functionVersion, not $LATEST.",
    ]);
  });
  it("accept one gateway, an alias of a key and weighted routing between versions", async () => {
    const e = await check(() => {
      const vpc = new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16" });
      new aws.ec2.DefaultSecurityGroup("default", { vpcId: vpc.id });
      new aws.ec2.InternetGateway("igw", { vpcId: vpc.id });
      const key = new aws.kms.Key("k", { enableKeyRotation: true });
      new aws.kms.Alias("logs", { name: "alias/logs", targetKeyId: key.keyId });
      new aws.lambda.Alias("live", { name: "live", functionName: "f", functionVersion: "3", routingConfig: { additionalVersionWeights: { "2": 0.1 } } });
    });
    expectClean(["vpc-resource-arguments", "vpc-network-consistency", "kms-secrets-sns-arguments", "lambda-arguments"], e);
  });
});
