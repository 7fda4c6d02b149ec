/**
 * The CloudFront distribution: static files from the S3 bucket (Origin Access
 * Control only) by default, `/api/*` to the ALB with the secret origin header
 * and the Lambda@Edge guard, security headers on both. The static bucket's
 * policy lives here because it names this distribution.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_CLOUDFRONT_PRICE_CLASS } from "./config";
import { staticBucketPolicy, tlsOnlyStatement } from "./iam-policies";
import { statefulOptions } from "./lifecycle";
import { physicalName } from "./naming";
import { ORIGIN_VERIFY_HEADER } from "./secrets";
import { standardTags, type TagContext } from "./tags";

export type PriceClass = "PriceClass_100" | "PriceClass_200" | "PriceClass_All";

export const STATIC_ORIGIN_ID = "static-bucket";
export const ALB_ORIGIN_ID = "api-alb";
export const API_PATH_PATTERN = "/api/*";
/** The API's liveness/readiness route, also served through the CDN for uptime checks. */
export const HEALTH_PATH = "/health";
export const ALL_METHODS = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"];
export const READ_METHODS = ["GET", "HEAD", "OPTIONS"];
export const CACHED_METHODS = ["GET", "HEAD"];

/** AWS managed policies, looked up by name (ids are stable, names are clearer). */
export const MANAGED_POLICIES = {
  cachingOptimized: "Managed-CachingOptimized",
  cachingDisabled: "Managed-CachingDisabled",
  allViewerExceptHostHeader: "Managed-AllViewerExceptHostHeader",
} as const;

/** Security headers every response carries (HSTS 1 year with subdomains and preload). */
export function securityHeadersConfig(): aws.types.input.cloudfront.ResponseHeadersPolicySecurityHeadersConfig {
  return {
    strictTransportSecurity: { accessControlMaxAgeSec: 31_536_000, includeSubdomains: true, preload: true, override: true },
    contentTypeOptions: { override: true },
    frameOptions: { frameOption: "DENY", override: true },
    referrerPolicy: { referrerPolicy: "strict-origin-when-cross-origin", override: true },
  };
}

export interface CdnArgs {
  environmentSuffix: string;
  tags: TagContext;
  /** The internal ALB CloudFront reaches through a VPC origin. */
  albArn: pulumi.Input<string>;
  /** The CLOUDFRONT-scope WAFv2 web ACL's ARN (WAFv2 takes the ARN, not the id). Default: none (no web ACL). */
  webAclArn?: pulumi.Input<string>;
  /** The static bucket (name/id, ARN, regional domain name) from Buckets. */
  staticBucketId: pulumi.Input<string>;
  staticBucketArn: pulumi.Input<string>;
  staticBucketRegionalDomainName: pulumi.Input<string>;
  /**
   * The static bucket's configuration (Buckets.staticBucketConfigured): the bucket policy written here
   * waits for it, since S3 refuses concurrent configuration calls on one bucket (409 OperationAborted).
   * Default: none.
   */
  staticBucketPolicyDependsOn?: pulumi.Input<pulumi.Resource>[];
  /** Prod: the static bucket's policy (TLS-only, OAC) is protected and retained with the bucket. Default false. */
  isProd?: boolean;
  /** The ALB's DNS name, or a DNS name pointing at it that matches its certificate when albOriginHttps. */
  albDomainName: pulumi.Input<string>;
  /** Reach the ALB over HTTPS on 443 (needs a certificate on the ALB matching albDomainName); else HTTP on 80. Default false. */
  albOriginHttps?: boolean;
  /** Value of the x-origin-verify header the ALB requires (a secret). */
  originVerifySecret: pulumi.Input<string>;
  /** Qualified (versioned) ARN of the Lambda@Edge viewer-request guard for /api/*. */
  edgeGuardQualifiedArn: pulumi.Input<string>;
  /** CloudFront Function ARN for the default behavior's viewer-request (SPA rewrite), if any. Default: none. */
  defaultViewerRequestFunctionArn?: pulumi.Input<string>;
  /** Object served for `/`. Default "index.html". */
  defaultRootObject?: string;
  /** Edge locations served from. Default: DEFAULT_CLOUDFRONT_PRICE_CLASS (PriceClass_100). */
  priceClass?: PriceClass;
  /** Standard (legacy) access logs: needs a bucket with ACLs enabled, so it is off unless given (prefix default "cloudfront/"). */
  logging?: { bucketDomainName: pulumi.Input<string>; prefix?: string };
}

export class Cdn extends pulumi.ComponentResource {
  public readonly distributionId: pulumi.Output<string>;
  public readonly distributionArn: pulumi.Output<string>;
  public readonly domainName: pulumi.Output<string>;
  public readonly hostedZoneId: pulumi.Output<string>;

  constructor(name: string, args: CdnArgs, opts?: pulumi.ComponentResourceOptions) {
    super("shop:compute:Cdn", name, {}, opts);
    const suffix = args.environmentSuffix;
    const parent = { parent: this };
    const tagsFor = (physical: string) => standardTags(args.tags, physical);

    const managedCachePolicy = (policyName: string) =>
      aws.cloudfront.getCachePolicyOutput({ name: policyName }, parent).apply((p) => requireId(p.id, policyName));
    const cachingOptimizedId = managedCachePolicy(MANAGED_POLICIES.cachingOptimized);
    const cachingDisabledId = managedCachePolicy(MANAGED_POLICIES.cachingDisabled);
    const allViewerExceptHostId = aws.cloudfront
      .getOriginRequestPolicyOutput({ name: MANAGED_POLICIES.allViewerExceptHostHeader }, parent)
      .apply((p) => requireId(p.id, MANAGED_POLICIES.allViewerExceptHostHeader));

    const oacName = physicalName("cloudfrontOriginAccessControl", "static-oac", suffix);
    const oac = new aws.cloudfront.OriginAccessControl(
      `${name}-oac`,
      {
        name: oacName,
        description: "CloudFront signs every request to the static bucket",
        originAccessControlOriginType: "s3",
        signingBehavior: "always",
        signingProtocol: "sigv4",
      },
      parent,
    );

    const headersPolicyName = physicalName("cloudfrontPolicy", "security-headers", suffix);
    const securityHeaders = new aws.cloudfront.ResponseHeadersPolicy(
      `${name}-security-headers`,
      {
        name: headersPolicyName,
        comment: "HSTS, nosniff, frame DENY, strict referrer",
        securityHeadersConfig: securityHeadersConfig(),
      },
      parent,
    );

    const albOriginHttps = args.albOriginHttps ?? false;
    // CloudFront reaches the internal ALB over the AWS network through interfaces in the VPC: nothing
    // crosses the internet, with or without a certificate (HTTPS to the ALB when one is configured).
    const vpcOriginName = physicalName("cloudfrontVpcOrigin", "alb-origin", suffix);
    const vpcOrigin = new aws.cloudfront.VpcOrigin(
      `${name}-alb-origin`,
      {
        vpcOriginEndpointConfig: {
          name: vpcOriginName,
          arn: args.albArn,
          httpPort: 80,
          httpsPort: 443,
          originProtocolPolicy: albOriginHttps ? "https-only" : "http-only",
          originSslProtocols: { items: ["TLSv1.2"], quantity: 1 },
        },
        tags: tagsFor(vpcOriginName),
      },
      parent,
    );
    const distribution = new aws.cloudfront.Distribution(
      `${name}-distribution`,
      {
        enabled: true,
        comment: `Storefront ${suffix}: static site and /api`,
        webAclId: args.webAclArn,
        isIpv6Enabled: true,
        httpVersion: "http2and3",
        priceClass: args.priceClass ?? DEFAULT_CLOUDFRONT_PRICE_CLASS,
        defaultRootObject: args.defaultRootObject ?? "index.html",
        origins: [
          {
            originId: STATIC_ORIGIN_ID,
            domainName: args.staticBucketRegionalDomainName,
            originAccessControlId: oac.id,
          },
          {
            originId: ALB_ORIGIN_ID,
            domainName: args.albDomainName,
            vpcOriginConfig: { vpcOriginId: vpcOrigin.id, originReadTimeout: 30, originKeepaliveTimeout: 5 },
            customHeaders: [{ name: ORIGIN_VERIFY_HEADER, value: args.originVerifySecret }],
          },
        ],
        defaultCacheBehavior: {
          targetOriginId: STATIC_ORIGIN_ID,
          viewerProtocolPolicy: "redirect-to-https",
          allowedMethods: READ_METHODS,
          cachedMethods: CACHED_METHODS,
          compress: true,
          cachePolicyId: cachingOptimizedId,
          responseHeadersPolicyId: securityHeaders.id,
          functionAssociations: args.defaultViewerRequestFunctionArn
            ? [{ eventType: "viewer-request", functionArn: args.defaultViewerRequestFunctionArn }]
            : [],
        },
        orderedCacheBehaviors: [
          {
            pathPattern: API_PATH_PATTERN,
            targetOriginId: ALB_ORIGIN_ID,
            viewerProtocolPolicy: "redirect-to-https",
            allowedMethods: ALL_METHODS,
            cachedMethods: CACHED_METHODS,
            compress: true,
            cachePolicyId: cachingDisabledId,
            originRequestPolicyId: allViewerExceptHostId,
            responseHeadersPolicyId: securityHeaders.id,
            lambdaFunctionAssociations: [{ eventType: "viewer-request", lambdaArn: args.edgeGuardQualifiedArn, includeBody: false }],
          },
          {
            // Read-only and cookie-free: no edge guard needed, never cached (it reports live state).
            pathPattern: HEALTH_PATH,
            targetOriginId: ALB_ORIGIN_ID,
            viewerProtocolPolicy: "redirect-to-https",
            allowedMethods: READ_METHODS,
            cachedMethods: CACHED_METHODS,
            compress: true,
            cachePolicyId: cachingDisabledId,
            originRequestPolicyId: allViewerExceptHostId,
            responseHeadersPolicyId: securityHeaders.id,
          },
        ],
        restrictions: { geoRestriction: { restrictionType: "none", locations: [] } },
        viewerCertificate: { cloudfrontDefaultCertificate: true },
        loggingConfig: args.logging
          ? { bucket: args.logging.bucketDomainName, prefix: args.logging.prefix ?? "cloudfront/", includeCookies: false }
          : undefined,
        tags: tagsFor(physicalName("generic", "cdn", suffix)),
      },
      parent,
    );

    new aws.s3.BucketPolicy(
      `${name}-static-bucket-policy`,
      {
        bucket: args.staticBucketId,
        policy: pulumi
          .all([args.staticBucketArn, distribution.arn])
          .apply(([bucketArn, distributionArn]) => JSON.stringify(staticBucketPolicy(bucketArn, distributionArn, tlsOnlyStatement(bucketArn)))),
      },
      { parent: this, ...statefulOptions(args.isProd ?? false), dependsOn: args.staticBucketPolicyDependsOn ?? [] },
    );

    this.distributionId = distribution.id;
    this.distributionArn = distribution.arn;
    this.domainName = distribution.domainName;
    this.hostedZoneId = distribution.hostedZoneId;
    this.registerOutputs({
      distributionId: this.distributionId,
      distributionArn: this.distributionArn,
      domainName: this.domainName,
    });
  }
}

function requireId(id: string | undefined, policyName: string): string {
  if (!id) throw new Error(`CloudFront managed policy ${policyName} was not found`);
  return id;
}
