/** Cdn under Pulumi mocks: the CloudFront distribution and the static bucket policy. */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { MANAGED_CLOUDFRONT_POLICIES } from "../../scripts/pulumi-mocks/answers";
import { MOCK_ACCOUNT_ID, MOCK_REGION, installMocks, isSecret, oneOfType, resolve, settle, unsecret, testTags } from "./harness";
import type { Cdn, CdnArgs } from "../../infra/cdn";

const TAGS = testTags("t1");
const BUCKET = "ecommerce-static-123456789012-t1";
const BUCKET_ARN = `arn:aws:s3:::${BUCKET}`;
const ALB_DNS = `ecommerce-alb-t1-123.${MOCK_REGION}.elb.amazonaws.com`;
const EDGE_ARN = `arn:aws:lambda:us-east-1:${MOCK_ACCOUNT_ID}:function:ecommerce-edge-guard-t1:3`;
const SPA_FN_ARN = `arn:aws:cloudfront::${MOCK_ACCOUNT_ID}:function/ecommerce-spa-rewrite-t1`;
const SECRET = "OriginSecretValue0123456789abcdef";
const ALB_ARN = `arn:aws:elasticloadbalancing:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:loadbalancer/app/ecommerce-alb-t1/0123456789abcdef`;

async function build(overrides: Partial<CdnArgs> = {}): Promise<Cdn> {
  await installMocks({ environmentSuffix: "t1" });
  const { Cdn } = await import("../../infra/cdn");
  const component = new Cdn("cdn", {
    environmentSuffix: "t1",
    tags: TAGS,
    staticBucketId: BUCKET,
    staticBucketArn: BUCKET_ARN,
    staticBucketRegionalDomainName: `${BUCKET}.s3.${MOCK_REGION}.amazonaws.com`,
    albDomainName: ALB_DNS,
    albArn: ALB_ARN,
    originVerifySecret: pulumi.secret(SECRET), // as Secrets provides it
    edgeGuardQualifiedArn: EDGE_ARN,
    defaultViewerRequestFunctionArn: SPA_FN_ARN,
    priceClass: "PriceClass_200",
    ...overrides,
  });
  await settle();
  return component;
}

const DISTRIBUTION = "aws:cloudfront/distribution:Distribution";
/** The distribution's inputs; the origin secret makes `origins` a secret in state. */
function distribution(): Record<string, any> {
  return oneOfType(DISTRIBUTION).inputs;
}

describe("Cdn", () => {
  let component: Cdn;
  beforeAll(async () => {
    component = await build();
  });

  it("default behavior serves the static bucket through an always-signing sigv4 S3 Origin Access Control", () => {
    const oac = oneOfType("aws:cloudfront/originAccessControl:OriginAccessControl");
    expect(oac.inputs).toMatchObject({ originAccessControlOriginType: "s3", signingBehavior: "always", signingProtocol: "sigv4" });
    const origins = unsecret<any[]>(distribution().origins);
    const s3 = origins.find((o) => o.originId === distribution().defaultCacheBehavior.targetOriginId)!;
    expect(s3.domainName).toBe(`${BUCKET}.s3.${MOCK_REGION}.amazonaws.com`);
    expect(s3.originAccessControlId).toBe(oac.id);
    expect(s3.customOriginConfig).toBeUndefined();
  });

  it("default behavior: managed CachingOptimized, redirect to HTTPS, compressed, read-only methods, SPA function, index.html root", () => {
    const d = distribution();
    expect(d.defaultCacheBehavior).toMatchObject({
      viewerProtocolPolicy: "redirect-to-https",
      compress: true,
      cachePolicyId: MANAGED_CLOUDFRONT_POLICIES["Managed-CachingOptimized"],
      allowedMethods: ["GET", "HEAD", "OPTIONS"],
      functionAssociations: [{ eventType: "viewer-request", functionArn: SPA_FN_ARN }],
    });
    expect(d.defaultRootObject).toBe("index.html");
  });

  it("/api/* goes to the ALB over HTTP on 80 with the secret x-origin-verify header (kept secret)", () => {
    const d = distribution();
    expect(isSecret(d.origins)).toBe(true);
    const api = d.orderedCacheBehaviors[0];
    expect(api.pathPattern).toBe("/api/*");
    const alb = unsecret<any[]>(d.origins).find((o) => o.originId === api.targetOriginId)!;
    expect(alb.domainName).toBe(ALB_DNS);
    // Through a VPC origin to the internal ALB: nothing crosses the internet, even over HTTP.
    expect(alb.customOriginConfig).toBeUndefined();
    const vpcOrigin = oneOfType("aws:cloudfront/vpcOrigin:VpcOrigin");
    expect(alb.vpcOriginConfig).toMatchObject({ vpcOriginId: vpcOrigin.id, originReadTimeout: 30 });
    expect(vpcOrigin.inputs.vpcOriginEndpointConfig).toMatchObject({ arn: ALB_ARN, httpPort: 80, originProtocolPolicy: "http-only" });
    expect(alb.customHeaders).toEqual([{ name: "x-origin-verify", value: SECRET }]);
  });

  it("/api/*: caching disabled, all viewer headers except Host forwarded, all methods, HTTPS redirect", () => {
    const api = distribution().orderedCacheBehaviors[0];
    expect(api).toMatchObject({
      viewerProtocolPolicy: "redirect-to-https",
      cachePolicyId: MANAGED_CLOUDFRONT_POLICIES["Managed-CachingDisabled"],
      originRequestPolicyId: MANAGED_CLOUDFRONT_POLICIES["Managed-AllViewerExceptHostHeader"],
    });
    expect([...api.allowedMethods].sort()).toEqual(["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]);
  });

  it("/health also reaches the API through the CDN: read-only, never cached, after /api/* in precedence", () => {
    const behaviors = distribution().orderedCacheBehaviors;
    expect(behaviors.map((b: any) => b.pathPattern)).toEqual(["/api/*", "/health"]);
    const health = behaviors[1];
    expect(health).toMatchObject({
      targetOriginId: behaviors[0].targetOriginId,
      viewerProtocolPolicy: "redirect-to-https",
      allowedMethods: ["GET", "HEAD", "OPTIONS"],
      cachePolicyId: MANAGED_CLOUDFRONT_POLICIES["Managed-CachingDisabled"],
      responseHeadersPolicyId: oneOfType("aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy").id,
    });
    expect(health.lambdaFunctionAssociations ?? []).toEqual([]);
  });

  it("/api/* runs the Lambda@Edge guard on viewer-request by its qualified (versioned) ARN, without the body", () => {
    expect(distribution().orderedCacheBehaviors[0].lambdaFunctionAssociations).toEqual([
      { eventType: "viewer-request", lambdaArn: EDGE_ARN, includeBody: false },
    ]);
    expect(distribution().defaultCacheBehavior.lambdaFunctionAssociations ?? []).toEqual([]);
  });

  it("every behavior carries the security headers policy: HSTS 1 year + subdomains + preload, nosniff, DENY, strict-origin-when-cross-origin", () => {
    const policy = oneOfType("aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy");
    const h = policy.inputs.securityHeadersConfig;
    expect(h.strictTransportSecurity).toEqual({ accessControlMaxAgeSec: 31_536_000, includeSubdomains: true, preload: true, override: true });
    expect(h.contentTypeOptions).toEqual({ override: true });
    expect(h.frameOptions).toEqual({ frameOption: "DENY", override: true });
    expect(h.referrerPolicy).toEqual({ referrerPolicy: "strict-origin-when-cross-origin", override: true });
    expect(distribution().defaultCacheBehavior.responseHeadersPolicyId).toBe(policy.id);
    for (const behavior of distribution().orderedCacheBehaviors) expect(behavior.responseHeadersPolicyId).toBe(policy.id);
  });

  it("HTTP/2 and HTTP/3, configured price class, default certificate, no geo restriction, no logging unless asked", () => {
    const d = distribution();
    expect(d).toMatchObject({ enabled: true, httpVersion: "http2and3", priceClass: "PriceClass_200", isIpv6Enabled: true });
    expect(d.viewerCertificate).toEqual({ cloudfrontDefaultCertificate: true });
    expect(d.restrictions).toEqual({ geoRestriction: { restrictionType: "none", locations: [] } });
    expect(d.loggingConfig).toBeUndefined();
    expect(Object.keys(d.tags).sort()).toEqual(["CostCenter", "Environment", "ManagedBy", "Name", "Owner", "Project"]);
  });

  it("static bucket policy: TLS only, and s3:GetObject for CloudFront only when AWS:SourceArn is this distribution", () => {
    const policy = oneOfType("aws:s3/bucketPolicy:BucketPolicy");
    expect(policy.inputs.bucket).toBe(BUCKET);
    const doc = JSON.parse(policy.inputs.policy);
    const deny = doc.Statement.find((s: any) => s.Effect === "Deny");
    expect(deny.Condition).toEqual({ Bool: { "aws:SecureTransport": "false" } });
    const allow = doc.Statement.filter((s: any) => s.Effect === "Allow");
    expect(allow).toHaveLength(1);
    expect(allow[0]).toMatchObject({
      Principal: { Service: "cloudfront.amazonaws.com" },
      Action: "s3:GetObject",
      Resource: `${BUCKET_ARN}/*`,
      Condition: { StringEquals: { "AWS:SourceArn": oneOfType(DISTRIBUTION).state.arn } },
    });
  });

  it("outputs the distribution id, ARN and domain name", async () => {
    const distribution = oneOfType(DISTRIBUTION);
    expect(distribution.id).toBeTruthy();
    expect(distribution.state.domainName).toMatch(/^d[0-9a-z]+\.cloudfront\.net$/);
    expect(await resolve(component.distributionId)).toBe(distribution.id);
    expect(await resolve(component.domainName)).toBe(distribution.state.domainName);
    expect(await resolve(component.distributionArn)).toBe(distribution.state.arn);
  });
});

describe("Cdn with an HTTPS ALB origin, no SPA function and logging", () => {
  beforeAll(async () => {
    await build({
      albOriginHttps: true,
      defaultViewerRequestFunctionArn: undefined,
      priceClass: undefined,
      logging: { bucketDomainName: "logs.s3.amazonaws.com" },
    });
  });

  it("reaches the ALB with https-only and TLS 1.2, defaults to PriceClass_100, and logs when given a bucket", () => {
    const d = distribution();
    expect(unsecret<any[]>(d.origins).find((o) => o.vpcOriginConfig)).toBeDefined();
    expect(oneOfType("aws:cloudfront/vpcOrigin:VpcOrigin").inputs.vpcOriginEndpointConfig).toMatchObject({
      originProtocolPolicy: "https-only",
      httpsPort: 443,
      originSslProtocols: { items: ["TLSv1.2"], quantity: 1 },
    });
    expect(d.defaultCacheBehavior.functionAssociations).toEqual([]);
    expect(d.priceClass).toBe("PriceClass_100");
    expect(d.loggingConfig).toEqual({ bucket: "logs.s3.amazonaws.com", prefix: "cloudfront/", includeCookies: false });
  });
});
