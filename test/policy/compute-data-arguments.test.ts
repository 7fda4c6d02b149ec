import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { describe, it } from "vitest";
import { check } from "./check";
import { expectClean, expectFindings } from "./deploy-time";

const ROLE = "arn:aws:iam::123456789012:role/fn";
const code = new pulumi.asset.AssetArchive({});

describe("lambda-arguments (mandatory)", () => {
  it("flags reserved and malformed environment keys, half a VPC config, a role that is not an ARN and a malformed permission", async () => {
    const e = await check(() => {
      const fn = new aws.lambda.Function("fn", {
        name: "shop-fn",
        role: "fn-role",
        runtime: "nodejs22.x",
        handler: "index.handler",
        code,
        environment: { variables: { AWS_REGION: "eu-west-1", "table-name": "t" } },
        vpcConfig: { subnetIds: ["subnet-1"], securityGroupIds: [] },
      });
      new aws.lambda.Permission("invoke", { action: "InvokeFunction", function: fn.name, principal: "events.amazonaws.com", statementId: "allow events" });
    });
    expectFindings("lambda-arguments", e, [
      'environment variable "AWS_REGION" is reserved by Lambda',
      'environment variable "table-name" must start with a letter',
      "vpcConfig needs both subnetIds and securityGroupIds",
      'role "fn-role" must be an IAM role ARN.',
      'action "InvokeFunction" must be lambda:<Action>',
      'statementId "allow events" must be 1..100',
    ]);
  });
  it("accepts a function in a VPC with its own variables and a service permission", async () => {
    const e = await check(() => {
      const fn = new aws.lambda.Function("fn", {
        name: "shop-fn",
        role: ROLE,
        runtime: "nodejs22.x",
        handler: "index.handler",
        code,
        environment: { variables: { TABLE_NAME: "t" } },
        vpcConfig: { subnetIds: ["subnet-1"], securityGroupIds: ["sg-1"] },
        tracingConfig: { mode: "Active" },
      });
      new aws.lambda.Permission("invoke", {
        action: "lambda:InvokeFunction",
        function: fn.name,
        principal: "events.amazonaws.com",
        sourceArn: "arn:aws:events:eu-west-1:123456789012:rule/r",
      });
    });
    expectClean(["lambda-arguments"], e);
  });
});

describe("apigateway-arguments (mandatory)", () => {
  it("flags a CUSTOM method without authorizer, a Lambda integration on GET, a bad method path, quota offset and a short API key", async () => {
    const e = await check(() => {
      const api = new aws.apigateway.RestApi("api", { name: "shop" });
      new aws.apigateway.Method("m", { restApi: api.id, resourceId: api.rootResourceId, httpMethod: "GET", authorization: "CUSTOM" });
      new aws.apigateway.Integration("i", {
        restApi: api.id,
        resourceId: api.rootResourceId,
        httpMethod: "GET",
        type: "AWS_PROXY",
        integrationHttpMethod: "GET",
        uri: "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:f/invocations",
      });
      new aws.apigateway.MethodSettings("ms", { restApi: api.id, stageName: "prod", methodPath: "/products/GET", settings: { loggingLevel: "DEBUG" } });
      new aws.apigateway.UsagePlan("plan", { quotaSettings: { limit: 1000, period: "WEEK", offset: 7 } });
      new aws.apigateway.ApiKey("key", { value: "too-short" });
    });
    expectFindings("apigateway-arguments", e, [
      "authorization CUSTOM needs authorizerId.",
      'a Lambda integration is invoked with POST; integrationHttpMethod is "GET".',
      'methodPath "/products/GET" must be "*/*"',
      'settings.loggingLevel "DEBUG" must be OFF, ERROR or INFO.',
      "quotaSettings.offset 7 must be within 0..6 for period WEEK.",
      "value is 9 characters; an API key value must be 20..128.",
    ]);
  });
  it("accepts a proxy integration with POST, */* settings and a monthly quota", async () => {
    const e = await check(() => {
      const api = new aws.apigateway.RestApi("api", { name: "shop" });
      new aws.apigateway.Method("m", { restApi: api.id, resourceId: api.rootResourceId, httpMethod: "ANY", authorization: "NONE", apiKeyRequired: true });
      new aws.apigateway.Integration("i", {
        restApi: api.id,
        resourceId: api.rootResourceId,
        httpMethod: "ANY",
        type: "AWS_PROXY",
        integrationHttpMethod: "POST",
        uri: "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:f/invocations",
      });
      new aws.apigateway.MethodSettings("ms", { restApi: api.id, stageName: "prod", methodPath: "*/*", settings: { loggingLevel: "INFO" } });
      new aws.apigateway.UsagePlan("plan", { quotaSettings: { limit: 1000, period: "MONTH", offset: 1 } });
    });
    expectClean(["apigateway-arguments"], e);
  });
});

describe("elb-arguments (mandatory, stack)", () => {
  it("flags an ALB in one zone, HTTPS without a certificate, a duplicate rule priority and target group arguments of the wrong target type", async () => {
    const e = await check(() => {
      const a = new aws.ec2.Subnet("a", { vpcId: "vpc-1", cidrBlock: "10.0.0.0/24", availabilityZone: "eu-west-1a" });
      const b = new aws.ec2.Subnet("b", { vpcId: "vpc-1", cidrBlock: "10.0.1.0/24", availabilityZone: "eu-west-1a" });
      const lb = new aws.lb.LoadBalancer("alb", { name: "shop-alb", subnets: [a.id, b.id] });
      const li = new aws.lb.Listener("https", {
        loadBalancerArn: lb.arn,
        port: 443,
        protocol: "HTTPS",
        defaultActions: [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "404" } }],
      });
      const tg = new aws.lb.TargetGroup("fn-tg", { name: "fn-tg", targetType: "lambda", port: 80, protocol: "HTTP", lambdaMultiValueHeadersEnabled: true });
      new aws.lb.TargetGroup("ip-tg", { name: "ip-tg", targetType: "ip", port: 8080 });
      for (const n of ["r1", "r2"])
        new aws.lb.ListenerRule(n, {
          listenerArn: li.arn,
          priority: 10,
          actions: [{ type: "forward", targetGroupArn: tg.arn }],
          conditions: [{ pathPattern: { values: ["/*"] } }],
        });
    });
    expectFindings("elb-arguments", e, [
      'aws.lb.LoadBalancer "alb": its subnets are all in eu-west-1a',
      'aws.lb.Listener "https": protocol HTTPS needs certificateArn',
      'aws.lb.ListenerRule "r2": priority 10 is already used on this listener (PriorityInUse).',
      'aws.lb.TargetGroup "fn-tg": a lambda target group takes no port, protocol; remove them.',
      'aws.lb.TargetGroup "ip-tg": a ip target group needs port, protocol and vpcId (missing: protocol, vpcId).',
    ]);
  });
  it("accepts an ALB across zones with a certified HTTPS listener", async () => {
    const e = await check(() => {
      const a = new aws.ec2.Subnet("a", { vpcId: "vpc-1", cidrBlock: "10.0.0.0/24", availabilityZone: "eu-west-1a" });
      const b = new aws.ec2.Subnet("b", { vpcId: "vpc-1", cidrBlock: "10.0.1.0/24", availabilityZone: "eu-west-1b" });
      const lb = new aws.lb.LoadBalancer("alb", { name: "shop-alb", subnets: [a.id, b.id], idleTimeout: 60 });
      new aws.lb.Listener("https", {
        loadBalancerArn: lb.arn,
        port: 443,
        protocol: "HTTPS",
        certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/c",
        sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
        defaultActions: [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "404" } }],
      });
      new aws.lb.TargetGroup("fn-tg", { name: "fn-tg", targetType: "lambda", lambdaMultiValueHeadersEnabled: true });
      new aws.lb.TargetGroup("ip-tg", { name: "ip-tg", targetType: "ip", port: 8080, protocol: "HTTP", vpcId: "vpc-1", deregistrationDelay: 30 });
    });
    expectClean(["elb-arguments"], e);
  });
});

const s3Origin = { originId: "site", domainName: "shop-site.s3.eu-west-1.amazonaws.com" };
const behavior = (origin: string) => ({
  targetOriginId: origin,
  viewerProtocolPolicy: "redirect-to-https",
  allowedMethods: ["GET", "HEAD"],
  cachedMethods: ["GET", "HEAD"],
  cachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6",
});

describe("cloudfront-arguments (mandatory)", () => {
  it("flags aliases on the default certificate, a leading slash, a behavior to no origin, a WAF classic id, and a function on the wrong runtime", async () => {
    const e = await check(() => {
      new aws.cloudfront.Distribution("cdn", {
        enabled: true,
        aliases: ["shop.example.com"],
        defaultRootObject: "/index.html",
        origins: [s3Origin],
        defaultCacheBehavior: behavior("api"),
        restrictions: { geoRestriction: { restrictionType: "none" } },
        viewerCertificate: { cloudfrontDefaultCertificate: true },
        webAclId: "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111",
      });
      new aws.cloudfront.Function("rewrite", { name: "rewrite", runtime: "nodejs18.x", code: "function handler(e) { return e.request; }" });
      new aws.cloudfront.OriginAccessControl("oac", {
        name: "site",
        originAccessControlOriginType: "s3",
        signingBehavior: "sometimes",
        signingProtocol: "sigv4",
      });
    });
    expectFindings("cloudfront-arguments", e, [
      "aliases shop.example.com need viewerCertificate.acmCertificateArn",
      "defaultRootObject \"/index.html\" must not start with '/'.",
      'defaultCacheBehavior.targetOriginId "api" names no origin (origins: site).',
      "must be the ARN of a WAFv2 web ACL with scope CLOUDFRONT",
      'runtime "nodejs18.x" must be cloudfront-js-1.0 or cloudfront-js-2.0.',
      'signingBehavior "sometimes" must be never, always or no-override.',
    ]);
  });
  it("accepts aliases with an ACM certificate, a WAFv2 CLOUDFRONT ACL and a cloudfront-js-2.0 function", async () => {
    const e = await check(() => {
      new aws.cloudfront.Distribution("cdn", {
        enabled: true,
        aliases: ["shop.example.com"],
        defaultRootObject: "index.html",
        origins: [s3Origin],
        defaultCacheBehavior: behavior("site"),
        restrictions: { geoRestriction: { restrictionType: "none" } },
        viewerCertificate: {
          acmCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/c",
          sslSupportMethod: "sni-only",
          minimumProtocolVersion: "TLSv1.2_2021",
        },
        webAclId: "arn:aws:wafv2:us-east-1:123456789012:global/webacl/shop/1",
      });
      new aws.cloudfront.Function("rewrite", { name: "rewrite", runtime: "cloudfront-js-2.0", code: "function handler(e) { return e.request; }" });
    });
    expectClean(["cloudfront-arguments"], e);
  });
});

describe("dynamodb-table-arguments (mandatory)", () => {
  it("flags capacity on on-demand tables, a local index without a range key, streams without a view type and a bad attribute type", async () => {
    const e = await check(() => {
      new aws.dynamodb.Table("t", {
        name: "shop-t",
        billingMode: "PAY_PER_REQUEST",
        readCapacity: 5,
        hashKey: "pk",
        attributes: [
          { name: "pk", type: "S" },
          { name: "sk", type: "STRING" },
        ],
        localSecondaryIndexes: [{ name: "by-sk", rangeKey: "sk", projectionType: "ALL" }],
        streamEnabled: true,
      });
    });
    expectFindings("dynamodb-table-arguments", e, [
      "readCapacity cannot be set with billingMode PAY_PER_REQUEST",
      'attribute "sk" has type "STRING"; key attributes are S, N or B.',
      "local secondary indexes need the table to have a rangeKey",
      "streamEnabled needs streamViewType",
    ]);
  });
  it("accepts an on-demand table with a range key, a local index and a stream", async () => {
    const e = await check(() => {
      new aws.dynamodb.Table("t", {
        name: "shop-t",
        billingMode: "PAY_PER_REQUEST",
        hashKey: "pk",
        rangeKey: "sk",
        attributes: [
          { name: "pk", type: "S" },
          { name: "sk", type: "S" },
          { name: "at", type: "N" },
        ],
        localSecondaryIndexes: [{ name: "by-at", rangeKey: "at", projectionType: "ALL" }],
        streamEnabled: true,
        streamViewType: "NEW_IMAGE",
        ttl: { attributeName: "expiresAt", enabled: true },
      });
    });
    expectClean(["dynamodb-table-arguments"], e);
  });
});

describe("ecr-arguments (mandatory)", () => {
  it("flags lifecycle rules ECR rejects and a bad tag mutability", async () => {
    const e = await check(() => {
      const repo = new aws.ecr.Repository("repo", { name: "shop", imageTagMutability: "LOCKED", imageScanningConfiguration: { scanOnPush: true } });
      new aws.ecr.LifecyclePolicy("repo-lc", {
        repository: repo.name,
        policy: JSON.stringify({
          rules: [
            { rulePriority: 1, selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 10 }, action: { type: "expire" } },
            { rulePriority: 1, selection: { tagStatus: "tagged", countType: "sinceImagePushed", countNumber: 14 }, action: { type: "delete" } },
            {
              rulePriority: 3,
              selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 7 },
              action: { type: "expire" },
            },
          ],
        }),
      });
    });
    expectFindings("ecr-arguments", e, [
      'imageTagMutability "LOCKED" must be MUTABLE or IMMUTABLE.',
      "rules[1] rulePriority 1 is used twice",
      "rules[1] tagStatus tagged needs tagPrefixList or tagPatternList.",
      'rules[1] countType sinceImagePushed needs countUnit "days".',
      'rules[1] action.type "delete" must be "expire".',
      "a rule with tagStatus any must have the highest rulePriority",
    ]);
  });
  it("accepts a policy that keeps tagged releases and expires the rest last", async () => {
    const e = await check(() => {
      const repo = new aws.ecr.Repository("repo", { name: "shop", imageTagMutability: "IMMUTABLE", imageScanningConfiguration: { scanOnPush: true } });
      new aws.ecr.LifecyclePolicy("repo-lc", {
        repository: repo.name,
        policy: JSON.stringify({
          rules: [
            {
              rulePriority: 1,
              selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 7 },
              action: { type: "expire" },
            },
            { rulePriority: 2, selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 30 }, action: { type: "expire" } },
          ],
        }),
      });
    });
    expectClean(["ecr-arguments"], e);
  });
});

describe("kms-secrets-sns-arguments (mandatory)", () => {
  it("flags a short deletion window, rotation on an asymmetric key, a bad recovery window, two secret values and a FIFO topic without .fifo", async () => {
    const e = await check(() => {
      new aws.kms.Key("k", { deletionWindowInDays: 3, customerMasterKeySpec: "RSA_2048", keyUsage: "SIGN_VERIFY", enableKeyRotation: true });
      const s = new aws.secretsmanager.Secret("s", { name: "shop/s", recoveryWindowInDays: 3 });
      new aws.secretsmanager.SecretVersion("sv", { secretId: s.id, secretString: "x", secretBinary: "eA==" });
      new aws.sns.Topic("t", { name: "shop-events", fifoTopic: true });
    });
    expectFindings("kms-secrets-sns-arguments", e, [
      "deletionWindowInDays 3 is outside 7..30.",
      "enableKeyRotation applies only to symmetric encryption keys",
      "recoveryWindowInDays 3 must be 0 (delete immediately) or 7..30.",
      "needs exactly one of secretString or secretBinary (secretString and secretBinary given).",
      'a FIFO topic\'s name must end with ".fifo"',
    ]);
  });
  it("accepts a rotated symmetric key, a secret with a recovery window and a FIFO topic", async () => {
    const e = await check(() => {
      new aws.kms.Key("k", { deletionWindowInDays: 30, enableKeyRotation: true, rotationPeriodInDays: 365 });
      const s = new aws.secretsmanager.Secret("s", { name: "shop/s", recoveryWindowInDays: 7 });
      new aws.secretsmanager.SecretVersion("sv", { secretId: s.id, secretString: "x" });
      new aws.sns.Topic("t", { name: "shop-events.fifo", fifoTopic: true, contentBasedDeduplication: true });
    });
    expectClean(["kms-secrets-sns-arguments"], e);
  });
});
