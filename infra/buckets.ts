/**
 * S3 buckets: static assets (served only through CloudFront), logs (ALB access
 * logs) and artifacts. Every bucket: all public access blocked, ACLs disabled
 * (BucketOwnerEnforced), SSE-S3, versioning, TLS-only access, forceDestroy on dev.
 *
 * The static bucket's policy is NOT created here: it needs the distribution ARN
 * for the OAC condition, so the CDN component writes it (iam-policies.ts staticBucketPolicy).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { albLogDeliveryStatements, policyDocument, tlsOnlyStatement } from "./iam-policies";
import { statefulOptions } from "./lifecycle";
import { physicalName } from "./naming";
import { standardTags, type TagContext } from "./tags";

/** `ecommerce-<base>-<account>-<suffix>`: the account id makes the name globally unique. */
export function bucketName(base: string, accountId: string, environmentSuffix: string): string {
  return physicalName("s3Bucket", `${base}-${accountId}`, environmentSuffix);
}

/** Logs: 30 days -> STANDARD_IA, 60 -> GLACIER, expire at 90; old versions gone after 30. */
export const LOGS_LIFECYCLE_RULES: aws.types.input.s3.BucketLifecycleConfigurationRule[] = [
  {
    id: "logs-retention",
    status: "Enabled",
    filter: {},
    transitions: [
      { days: 30, storageClass: "STANDARD_IA" },
      { days: 60, storageClass: "GLACIER" },
    ],
    expiration: { days: 90 },
    noncurrentVersionExpiration: { noncurrentDays: 30 },
    abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
  },
];

/** Static and artifacts: keep old versions 30 days (rollback window), clean up failed uploads. */
export const VERSIONED_BUCKET_LIFECYCLE_RULES: aws.types.input.s3.BucketLifecycleConfigurationRule[] = [
  {
    id: "noncurrent-cleanup",
    status: "Enabled",
    filter: {},
    noncurrentVersionExpiration: { noncurrentDays: 30 },
    abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
  },
];

export interface BucketsArgs {
  readonly environmentSuffix: string;
  readonly tags: TagContext;
  /** Prod: no forceDestroy; the buckets and their settings are protected and retained. */
  readonly isProd: boolean;
}

export class Buckets extends pulumi.ComponentResource {
  public readonly staticBucketName: pulumi.Output<string>;
  public readonly staticBucketId: pulumi.Output<string>;
  public readonly staticBucketArn: pulumi.Output<string>;
  public readonly staticBucketRegionalDomainName: pulumi.Output<string>;
  public readonly logsBucketName: pulumi.Output<string>;
  public readonly logsBucketId: pulumi.Output<string>;
  public readonly logsBucketArn: pulumi.Output<string>;
  public readonly artifactsBucketName: pulumi.Output<string>;
  public readonly artifactsBucketId: pulumi.Output<string>;
  public readonly artifactsBucketArn: pulumi.Output<string>;
  /** The logs bucket policy; the ALB's access-log setting must wait for it (AWS test-writes on enable). */
  public readonly logsBucketPolicy: aws.s3.BucketPolicy;
  /**
   * The static bucket's configuration chain (public access block ... lifecycle): the CDN's policy on
   * that bucket must wait for it, or S3 answers 409 OperationAborted on the first deploy.
   */
  public readonly staticBucketConfigured: pulumi.Resource[];

  constructor(name: string, args: BucketsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("shop:buckets:Buckets", name, {}, opts);
    const parent = { parent: this };
    // Prod: the buckets AND their settings are protected and retained. A retained bucket whose public
    // access block, TLS-only policy or versioning were deleted on the way would survive unguarded.
    const stateful = { parent: this, ...statefulOptions(args.isProd) };
    const accountId = aws.getCallerIdentityOutput({}, parent).accountId;
    const region = aws.getRegionOutput({}, parent).region;

    // S3 rejects concurrent configuration calls on one bucket with 409 OperationAborted ("A conflicting
    // conditional operation is currently in progress"), and the provider retries that only for some of
    // them (not PutBucketPolicy or PutBucketVersioning): each bucket's settings go on one after another,
    // public access block first, and every policy on a bucket waits for the whole chain (`configured`).
    const bucket = (base: string, lifecycle: aws.types.input.s3.BucketLifecycleConfigurationRule[]) => {
      const id = `${name}-${base}`;
      const b = new aws.s3.Bucket(
        id,
        {
          bucket: accountId.apply((acct) => bucketName(base, acct, args.environmentSuffix)),
          forceDestroy: !args.isProd,
          tags: standardTags(args.tags, physicalName("s3Bucket", base, args.environmentSuffix)),
        },
        stateful,
      );
      const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
        id,
        { bucket: b.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
        stateful,
      );
      // ACLs off everywhere: ALB log delivery works with BucketOwnerEnforced plus the bucket policy.
      const ownership = new aws.s3.BucketOwnershipControls(
        id,
        { bucket: b.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
        { ...stateful, dependsOn: [publicAccessBlock] },
      );
      // SSE-S3: the only encryption ALB access logs accept; CloudFront OAC reads it without a key policy.
      const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
        id,
        { bucket: b.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
        { ...stateful, dependsOn: [ownership] },
      );
      const versioning = new aws.s3.BucketVersioning(
        id,
        { bucket: b.id, versioningConfiguration: { status: "Enabled" } },
        { ...stateful, dependsOn: [encryption] },
      );
      const lifecycleConfiguration = new aws.s3.BucketLifecycleConfiguration(id, { bucket: b.id, rules: lifecycle }, { ...stateful, dependsOn: [versioning] });
      return { bucket: b, configured: [lifecycleConfiguration] as pulumi.Resource[] };
    };

    const { bucket: staticBucket, configured: staticConfigured } = bucket("static", VERSIONED_BUCKET_LIFECYCLE_RULES);
    const { bucket: logsBucket, configured: logsConfigured } = bucket("logs", LOGS_LIFECYCLE_RULES);
    const { bucket: artifactsBucket, configured: artifactsConfigured } = bucket("artifacts", VERSIONED_BUCKET_LIFECYCLE_RULES);
    this.staticBucketConfigured = staticConfigured;

    this.logsBucketPolicy = new aws.s3.BucketPolicy(
      `${name}-logs`,
      {
        bucket: logsBucket.id,
        policy: pulumi
          .all([logsBucket.arn, accountId, region])
          .apply(([arn, acct, reg]) => policyDocument([tlsOnlyStatement(arn), ...albLogDeliveryStatements(arn, acct, reg)])),
      },
      { ...stateful, dependsOn: logsConfigured },
    );
    new aws.s3.BucketPolicy(
      `${name}-artifacts`,
      { bucket: artifactsBucket.id, policy: artifactsBucket.arn.apply((arn) => policyDocument([tlsOnlyStatement(arn)])) },
      { ...stateful, dependsOn: artifactsConfigured },
    );

    this.staticBucketName = staticBucket.bucket;
    this.staticBucketId = staticBucket.id;
    this.staticBucketArn = staticBucket.arn;
    this.staticBucketRegionalDomainName = staticBucket.bucketRegionalDomainName;
    this.logsBucketName = logsBucket.bucket;
    this.logsBucketId = logsBucket.id;
    this.logsBucketArn = logsBucket.arn;
    this.artifactsBucketName = artifactsBucket.bucket;
    this.artifactsBucketId = artifactsBucket.id;
    this.artifactsBucketArn = artifactsBucket.arn;

    this.registerOutputs({
      staticBucketName: this.staticBucketName,
      staticBucketArn: this.staticBucketArn,
      staticBucketRegionalDomainName: this.staticBucketRegionalDomainName,
      logsBucketName: this.logsBucketName,
      logsBucketArn: this.logsBucketArn,
      artifactsBucketName: this.artifactsBucketName,
      artifactsBucketArn: this.artifactsBucketArn,
    });
  }
}
