import * as aws from "@pulumi/aws";
import { describe, expect, it } from "vitest";
import { check, details } from "./check";

interface Opts {
  sse?: "AES256" | "aws:kms";
  elbGrant?: boolean;
  ownership?: "BucketOwnerEnforced" | "BucketOwnerPreferred" | "none";
  certRegion?: string;
}

function program(o: Opts = {}) {
  return () => {
    const logs = new aws.s3.Bucket("logs", { bucket: "shop-logs-dev" });
    new aws.s3.BucketServerSideEncryptionConfiguration("logs-sse", {
      bucket: logs.id,
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: o.sse ?? "AES256" } }],
    });
    if ((o.ownership ?? "BucketOwnerPreferred") !== "none") {
      new aws.s3.BucketOwnershipControls("logs-ownership", { bucket: logs.id, rule: { objectOwnership: o.ownership ?? "BucketOwnerPreferred" } });
    }
    const statements: object[] = [{ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } }];
    if (o.elbGrant !== false)
      statements.push({ Effect: "Allow", Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" }, Action: "s3:PutObject", Resource: "*" });
    new aws.s3.BucketPolicy("logs-policy", { bucket: logs.id, policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }) });
    new aws.lb.LoadBalancer("alb", { name: "shop-alb", subnets: ["a", "b"], accessLogs: { bucket: logs.bucket, enabled: true, prefix: "alb" } });
    new aws.cloudfront.Distribution("cdn", {
      enabled: true,
      origins: [
        {
          domainName: "example.com",
          originId: "o",
          customOriginConfig: { httpPort: 80, httpsPort: 443, originProtocolPolicy: "https-only", originSslProtocols: ["TLSv1.2"] },
        },
      ],
      defaultCacheBehavior: { targetOriginId: "o", viewerProtocolPolicy: "redirect-to-https", allowedMethods: ["GET", "HEAD"], cachedMethods: ["GET", "HEAD"] },
      restrictions: { geoRestriction: { restrictionType: "none" } },
      aliases: ["shop.example.com"],
      viewerCertificate: { acmCertificateArn: `arn:aws:acm:${o.certRegion ?? "us-east-1"}:123456789012:certificate/abc`, sslSupportMethod: "sni-only" },
      loggingConfig: { bucket: logs.bucketDomainName, prefix: "cdn/" },
    });
  };
}

describe("cloudfront-certificate-region (mandatory, stack)", () => {
  it("rejects a certificate outside us-east-1 and accepts one from it", async () => {
    expect(details("cloudfront-certificate-region", await check(program({ certRegion: "eu-west-1" })))).toEqual([
      'aws.cloudfront.Distribution "cdn": viewerCertificate.acmCertificateArn is in eu-west-1; CloudFront only accepts ACM certificates from us-east-1.',
    ]);
    expect(details("cloudfront-certificate-region", await check(program()))).toEqual([]);
  });
});

/** A distribution whose one origin, "api", serves every request. */
function apiDistribution(origin: aws.types.input.cloudfront.DistributionOrigin): void {
  new aws.cloudfront.Distribution("cdn", {
    enabled: true,
    origins: [origin],
    defaultCacheBehavior: {
      targetOriginId: "api",
      viewerProtocolPolicy: "redirect-to-https",
      allowedMethods: ["GET", "HEAD"],
      cachedMethods: ["GET", "HEAD"],
    },
    restrictions: { geoRestriction: { restrictionType: "none" } },
    viewerCertificate: { cloudfrontDefaultCertificate: true },
  });
}

describe("cloudfront-https-origin-name (mandatory, stack)", () => {
  const cdnWithAlbOrigin = (protocol: "https-only" | "match-viewer" | "http-only", domain: "alb" | "custom") => () => {
    const alb = new aws.lb.LoadBalancer("alb", { name: "shop-alb", subnets: ["a", "b"] });
    apiDistribution({
      originId: "api",
      domainName: domain === "alb" ? alb.dnsName : "api-origin.shop.example.com",
      customOriginConfig: { httpPort: 80, httpsPort: 443, originProtocolPolicy: protocol, originSslProtocols: ["TLSv1.2"] },
    });
  };

  it("rejects HTTPS to a load balancer's own *.elb.amazonaws.com name (no certificate covers it)", async () => {
    for (const protocol of ["https-only", "match-viewer"] as const) {
      const d = details("cloudfront-https-origin-name", await check(cdnWithAlbOrigin(protocol, "alb")));
      expect(d, protocol).toHaveLength(1);
      expect(d[0]).toMatch(
        new RegExp(
          `^aws\\.cloudfront\\.Distribution "cdn": origin "api" is reached over HTTPS \\(${protocol}\\) at shop-alb-[0-9a-f]+\\.eu-west-1\\.elb\\.amazonaws\\.com, a load balancer's AWS-assigned name no certificate covers`,
        ),
      );
    }
  });

  it("accepts HTTPS to a custom DNS name, and plain HTTP to the load balancer's own name", async () => {
    expect(details("cloudfront-https-origin-name", await check(cdnWithAlbOrigin("https-only", "custom")))).toEqual([]);
    expect(details("cloudfront-https-origin-name", await check(cdnWithAlbOrigin("http-only", "alb")))).toEqual([]);
  });
});

describe("cloudfront-https-origin-name with a VPC origin", () => {
  const cdnWithVpcOrigin = (protocol: "https-only" | "http-only", domain: "alb" | "custom") => () => {
    const alb = new aws.lb.LoadBalancer("alb", { name: "shop-alb", internal: true, subnets: ["a", "b"] });
    const vpcOrigin = new aws.cloudfront.VpcOrigin("alb-origin", {
      vpcOriginEndpointConfig: {
        name: "alb-origin",
        arn: alb.arn,
        httpPort: 80,
        httpsPort: 443,
        originProtocolPolicy: protocol,
        originSslProtocols: { items: ["TLSv1.2"], quantity: 1 },
      },
    });
    apiDistribution({
      originId: "api",
      domainName: domain === "alb" ? alb.dnsName : "api-origin.shop.example.com",
      vpcOriginConfig: { vpcOriginId: vpcOrigin.id },
    });
  };

  it("rejects HTTPS through a VPC origin to the load balancer's own name, accepts HTTP to it and HTTPS to a custom name", async () => {
    const d = details("cloudfront-https-origin-name", await check(cdnWithVpcOrigin("https-only", "alb")));
    expect(d).toHaveLength(1);
    expect(d[0]).toMatch(
      /^aws\.cloudfront\.Distribution "cdn": origin "api" is reached over HTTPS \(https-only\) at shop-alb-[0-9a-f]+\.eu-west-1\.elb\.amazonaws\.com/,
    );
    expect(details("cloudfront-https-origin-name", await check(cdnWithVpcOrigin("http-only", "alb")))).toEqual([]);
    expect(details("cloudfront-https-origin-name", await check(cdnWithVpcOrigin("https-only", "custom")))).toEqual([]);
  });
});

describe("alb-access-logs-bucket (mandatory, stack)", () => {
  it("rejects an SSE-KMS log bucket and one without a policy for ELB log delivery", async () => {
    expect(details("alb-access-logs-bucket", await check(program({ sse: "aws:kms", elbGrant: false })))).toEqual([
      'aws.lb.LoadBalancer "alb": access-log bucket aws.s3.Bucket "logs" encrypts with aws:kms; ALB access logs need SSE-S3 (AES256).',
      'aws.lb.LoadBalancer "alb": access-log bucket aws.s3.Bucket "logs" has no bucket policy granting logdelivery.elasticloadbalancing.amazonaws.com (or the region\'s ELB account) s3:PutObject.',
    ]);
  });
  it("accepts an SSE-S3 bucket whose policy grants ELB log delivery", async () => {
    expect(details("alb-access-logs-bucket", await check(program()))).toEqual([]);
  });
});

describe("cloudfront-logs-bucket-acl (mandatory, stack)", () => {
  it("rejects a log bucket with ACLs disabled, explicitly or by default", async () => {
    expect(details("cloudfront-logs-bucket-acl", await check(program({ ownership: "BucketOwnerEnforced" })))).toEqual([
      'aws.cloudfront.Distribution "cdn": log bucket aws.s3.Bucket "logs" has object ownership BucketOwnerEnforced; CloudFront standard logs need ACLs enabled (BucketOwnerPreferred).',
    ]);
    expect(details("cloudfront-logs-bucket-acl", await check(program({ ownership: "none" })))[0]).toContain("BucketOwnerEnforced (the default)");
  });
  it("accepts BucketOwnerPreferred", async () => {
    expect(details("cloudfront-logs-bucket-acl", await check(program()))).toEqual([]);
  });
});
