/** Where AWS services deliver: CloudFront certificates and logs, ALB access logs. Each fails the deploy when wrong. */
import type { PolicyResource } from "@pulumi/policy";
import { stackPolicy } from "../lib/define";
import { asArray, known, label, ofType, parseJsonDocument, refersTo, stringLeaves } from "../lib/stack";

const BUCKET = "aws:s3/bucket:Bucket";
const DISTRIBUTION = "aws:cloudfront/distribution:Distribution";
const VPC_ORIGIN = "aws:cloudfront/vpcOrigin:VpcOrigin";

export const cloudfrontCertificateRegion = stackPolicy({
  name: "cloudfront-certificate-region",
  description: "A CloudFront distribution's ACM certificate must be issued in us-east-1.",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const dists = ofType(args.resources, DISTRIBUTION);
    if (dists.length === 0) return args.notApplicable("no CloudFront distributions");
    for (const d of dists) {
      const arn = d.props.viewerCertificate?.acmCertificateArn;
      if (typeof arn !== "string" || arn === "") continue;
      const region = arn.split(":")[3];
      if (region !== "us-east-1")
        report(`${label(d)}: viewerCertificate.acmCertificateArn is in ${region}; CloudFront only accepts ACM certificates from us-east-1.`, d.urn);
    }
  },
});

function companions(resources: readonly PolicyResource[], type: string, bucket: PolicyResource): PolicyResource[] {
  return ofType(resources, type).filter((c) => refersTo(c, bucket, ["bucket"]));
}

function bucketNamed(resources: readonly PolicyResource[], from: PolicyResource, prop: string, name: unknown): PolicyResource | undefined {
  const buckets = ofType(resources, BUCKET);
  const byDependency = buckets.find((b) => refersTo(from, b, [prop]));
  if (byDependency) return byDependency;
  if (typeof name !== "string") return undefined;
  return buckets.find((b) => [b.props.bucket, b.props.bucketDomainName].includes(name));
}

export const albAccessLogsBucket = stackPolicy({
  name: "alb-access-logs-bucket",
  description:
    "An ALB's access-log bucket must use SSE-S3 (AES256; SSE-KMS is refused) and have a bucket policy letting Elastic Load Balancing log delivery write to it.",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const lbs = ofType(args.resources, "aws:lb/loadBalancer:LoadBalancer").filter((lb) => lb.props.accessLogs?.enabled === true);
    if (lbs.length === 0) return args.notApplicable("no load balancer writes access logs");
    for (const lb of lbs) {
      const bucket = bucketNamed(args.resources, lb, "accessLogs", lb.props.accessLogs?.bucket);
      if (!bucket) continue;
      const sse = companions(args.resources, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", bucket);
      const kms = sse
        .flatMap((c) => asArray<{ applyServerSideEncryptionByDefault?: { sseAlgorithm?: string } }>(c.props.rules))
        .map((r) => r.applyServerSideEncryptionByDefault?.sseAlgorithm)
        .find((a) => typeof a === "string" && a.startsWith("aws:kms"));
      if (kms) report(`${label(lb)}: access-log bucket ${label(bucket)} encrypts with ${kms}; ALB access logs need SSE-S3 (AES256).`, lb.urn);
      const policies = companions(args.resources, "aws:s3/bucketPolicy:BucketPolicy", bucket);
      const grantsElb = policies.some((p) => {
        const doc = parseJsonDocument(p.props.policy);
        if (!doc.ok) return false;
        return stringLeaves(doc.value).some((v) => v === "logdelivery.elasticloadbalancing.amazonaws.com" || /^arn:aws[\w-]*:iam::\d{12}:root$/.test(v));
      });
      if (!grantsElb) {
        report(
          `${label(lb)}: access-log bucket ${label(bucket)} has no bucket policy granting logdelivery.elasticloadbalancing.amazonaws.com (or the region's ELB account) s3:PutObject.`,
          lb.urn,
        );
      }
    }
  },
});

export const cloudfrontLogsBucketAcl = stackPolicy({
  name: "cloudfront-logs-bucket-acl",
  description:
    "CloudFront standard logs are written with ACLs: the log bucket must have ACLs enabled (object ownership BucketOwnerPreferred or ObjectWriter, not the default BucketOwnerEnforced).",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const dists = ofType(args.resources, DISTRIBUTION).filter((d) => d.props.loggingConfig?.bucket);
    if (dists.length === 0) return args.notApplicable("no distribution writes standard logs");
    for (const d of dists) {
      const bucket = bucketNamed(args.resources, d, "loggingConfig", d.props.loggingConfig?.bucket);
      if (!bucket) continue;
      const ownership = companions(args.resources, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", bucket).map((o) => o.props.rule?.objectOwnership);
      if (!ownership.some((o) => o === "BucketOwnerPreferred" || o === "ObjectWriter")) {
        report(
          `${label(d)}: log bucket ${label(bucket)} has object ownership ${ownership[0] ?? "BucketOwnerEnforced (the default)"}; CloudFront standard logs need ACLs enabled (BucketOwnerPreferred).`,
          d.urn,
        );
      }
    }
  },
});

/** The names AWS assigns to load balancers: no certificate authority (ACM included) issues certificates for them. */
const AWS_LOAD_BALANCER_NAME = /\.elb\.amazonaws\.com(\.cn)?\.?$/i;

export const cloudfrontHttpsOriginName = stackPolicy({
  name: "cloudfront-https-origin-name",
  description:
    "A CloudFront custom or VPC origin reached over HTTPS (https-only or match-viewer) must be named by a DNS name its certificate covers, not a load balancer's AWS-assigned *.elb.amazonaws.com name: CloudFront checks the origin's certificate against that name and answers every request with a 502.",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const dists = ofType(args.resources, DISTRIBUTION);
    if (dists.length === 0) return args.notApplicable("no CloudFront distributions");
    // A VPC origin carries its protocol itself; the distribution's origin names it by id (unknown
    // before create, so with a single VPC origin in the stack, that one is meant).
    const vpcOrigins = ofType(args.resources, VPC_ORIGIN);
    const vpcOriginProtocol = (vpcOriginId: unknown): unknown => {
      const match = vpcOrigins.find((v) => v.props.id !== undefined && v.props.id === vpcOriginId) ?? (vpcOrigins.length === 1 ? vpcOrigins[0] : undefined);
      return (match?.props.vpcOriginEndpointConfig as { originProtocolPolicy?: unknown } | undefined)?.originProtocolPolicy;
    };
    for (const d of dists) {
      const origins = known(() => asArray<Record<string, unknown>>(d.props.origins)) ?? [];
      origins.forEach((o) => {
        const vpcOriginConfig = o.vpcOriginConfig as { vpcOriginId?: unknown } | undefined;
        const protocol = vpcOriginConfig
          ? vpcOriginProtocol(vpcOriginConfig.vpcOriginId)
          : (o.customOriginConfig as { originProtocolPolicy?: unknown } | undefined)?.originProtocolPolicy;
        if (protocol !== "https-only" && protocol !== "match-viewer") return;
        const name = known(() => o.domainName);
        if (typeof name !== "string" || !AWS_LOAD_BALANCER_NAME.test(name)) return;
        report(
          `${label(d)}: origin "${String(o.originId)}" is reached over HTTPS (${protocol}) at ${name}, a load balancer's AWS-assigned name no certificate covers; CloudFront would answer 502. Use a DNS name that points at the load balancer and that its certificate covers.`,
          d.urn,
        );
      });
    }
  },
});

export const deliveryPolicies = [cloudfrontCertificateRegion, cloudfrontHttpsOriginName, albAccessLogsBucket, cloudfrontLogsBucketAcl];
