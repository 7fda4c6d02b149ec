/** The buckets under Pulumi mocks, plus the pure policy helpers. */
import { beforeAll, describe, expect, it } from "vitest";
import { bucketName, type Buckets, type BucketsArgs } from "../../infra/buckets";
import { ALB_LOG_PREFIX, ELB_LOG_DELIVERY_ACCOUNTS } from "../../infra/elb-log-delivery";
import { albLogDeliveryStatements, arnPartition, tlsOnlyStatement } from "../../infra/iam-policies";
import { MOCK_ACCOUNT_ID, MOCK_REGION, dependsOn, installMocks, ofType, resolve, settle, type RegisteredResource, testTags } from "./harness";

const TAGS = testTags("t1");
const NAMES = {
  static: `ecommerce-static-${MOCK_ACCOUNT_ID}-t1`,
  logs: `ecommerce-logs-${MOCK_ACCOUNT_ID}-t1`,
  artifacts: `ecommerce-artifacts-${MOCK_ACCOUNT_ID}-t1`,
};

async function build(overrides: Partial<BucketsArgs> = {}): Promise<Buckets> {
  await installMocks({ environmentSuffix: "t1" });
  const { Buckets } = await import("../../infra/buckets");
  const buckets = new Buckets("buckets", { environmentSuffix: "t1", tags: TAGS, isProd: false, ...overrides });
  await settle();
  return buckets;
}

const bucket = (name: string) => ofType("aws:s3/bucket:Bucket").find((b) => b.inputs.bucket === name)!;
const forBucket = (type: string, b: RegisteredResource) => ofType(type).filter((r) => r.inputs.bucket === b.id);
const policyOf = (b: RegisteredResource) => {
  const policies = forBucket("aws:s3/bucketPolicy:BucketPolicy", b);
  return policies.length === 1 ? JSON.parse(policies[0]!.inputs.policy) : undefined;
};

describe("bucket helpers (pure)", () => {
  it("bucket names carry the account id and the suffix and fit S3's 63-character limit", () => {
    expect(bucketName("artifacts", MOCK_ACCOUNT_ID, "abcdefghijkl")).toBe(`ecommerce-artifacts-${MOCK_ACCOUNT_ID}-abcdefghijkl`);
    expect(bucketName("artifacts", MOCK_ACCOUNT_ID, "abcdefghijkl").length).toBeLessThanOrEqual(63);
  });

  it("tlsOnlyStatement denies any non-TLS request on the bucket and its objects", () => {
    expect(tlsOnlyStatement("arn:aws:s3:::b")).toEqual({
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
  });

  it("ALB log delivery: the service principal everywhere, plus the regional ELB account where one exists", () => {
    const older = albLogDeliveryStatements("arn:aws:s3:::b", MOCK_ACCOUNT_ID, "us-east-1");
    expect(older.map((s) => s.Principal)).toEqual([{ Service: "logdelivery.elasticloadbalancing.amazonaws.com" }, { AWS: "arn:aws:iam::127311923021:root" }]);
    for (const s of older) {
      expect(s.Action).toBe("s3:PutObject");
      expect(s.Resource).toBe(`arn:aws:s3:::b/${ALB_LOG_PREFIX}/AWSLogs/${MOCK_ACCOUNT_ID}/*`);
    }
    const newer = albLogDeliveryStatements("arn:aws:s3:::b", MOCK_ACCOUNT_ID, "ap-southeast-5");
    expect(newer.map((s) => s.Principal)).toEqual([{ Service: "logdelivery.elasticloadbalancing.amazonaws.com" }]);
  });

  it("ALB log delivery in GovCloud and China: the regional ELB account in the bucket's own partition", () => {
    const gov = albLogDeliveryStatements("arn:aws-us-gov:s3:::b", MOCK_ACCOUNT_ID, "us-gov-west-1");
    expect(gov.map((s) => s.Principal)).toContainEqual({ AWS: "arn:aws-us-gov:iam::048591011584:root" });
    const china = albLogDeliveryStatements("arn:aws-cn:s3:::b", MOCK_ACCOUNT_ID, "cn-north-1");
    expect(china.map((s) => s.Principal)).toContainEqual({ AWS: "arn:aws-cn:iam::638102146993:root" });
    expect(china.every((s) => s.Resource === `arn:aws-cn:s3:::b/${ALB_LOG_PREFIX}/AWSLogs/${MOCK_ACCOUNT_ID}/*`)).toBe(true);
    expect(() => arnPartition("bucket-name")).toThrow(/"bucket-name" is not an ARN/);
  });

  it("the regional ELB accounts cover the Regions older than August 2022 only; newer ones rely on the service principal", () => {
    for (const [region, account] of Object.entries(ELB_LOG_DELIVERY_ACCOUNTS)) {
      expect(account, region).toMatch(/^\d{12}$/);
      expect(region).toMatch(/^[a-z]{2}(-gov)?-[a-z]+-\d$/);
    }
    expect(Object.keys(ELB_LOG_DELIVERY_ACCOUNTS)).toHaveLength(26);
    // Opened since August 2022: aws.elb.getServiceAccount has no account for them either.
    for (const region of [
      "eu-central-2",
      "eu-south-2",
      "ap-south-2",
      "ap-southeast-4",
      "ap-southeast-5",
      "me-central-1",
      "il-central-1",
      "ca-west-1",
      "mx-central-1",
    ]) {
      expect(ELB_LOG_DELIVERY_ACCOUNTS[region], region).toBeUndefined();
    }
  });
});

describe("Buckets (dev stack)", () => {
  let buckets: Buckets;
  beforeAll(async () => {
    buckets = await build();
  });

  it("creates static, logs and artifacts buckets with globally unique names, forceDestroy on dev", async () => {
    const all = ofType("aws:s3/bucket:Bucket");
    expect(all.map((b) => b.inputs.bucket).sort()).toEqual([NAMES.artifacts, NAMES.logs, NAMES.static]);
    for (const b of all) expect(b.inputs.forceDestroy).toBe(true);
    expect(await resolve(buckets.staticBucketName)).toBe(NAMES.static);
    expect(await resolve(buckets.logsBucketName)).toBe(NAMES.logs);
    expect(await resolve(buckets.artifactsBucketName)).toBe(NAMES.artifacts);
    expect(await resolve(buckets.staticBucketArn)).toBe(`arn:aws:s3:::${NAMES.static}`);
    expect(await resolve(buckets.staticBucketRegionalDomainName)).toBe(`${NAMES.static}.s3.${MOCK_REGION}.amazonaws.com`);
  });

  it.each(Object.entries(NAMES))("%s bucket: all public access blocked, ACLs disabled, SSE-S3, versioning on", async (_, name) => {
    const b = bucket(name);
    const pab = forBucket("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", b);
    expect(pab).toHaveLength(1);
    expect(pab[0]!.inputs).toMatchObject({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
    const own = forBucket("aws:s3/bucketOwnershipControls:BucketOwnershipControls", b);
    expect(own.map((o) => o.inputs.rule.objectOwnership)).toEqual(["BucketOwnerEnforced"]);
    const sse = forBucket("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", b);
    expect(sse).toHaveLength(1);
    // ALB access logs accept only SSE-S3; the same everywhere keeps CloudFront OAC reads key-policy free.
    expect(sse[0]!.inputs.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm).toBe("AES256");
    const versioning = forBucket("aws:s3/bucketVersioning:BucketVersioning", b);
    expect(versioning.map((v) => v.inputs.versioningConfiguration.status)).toEqual(["Enabled"]);
  });

  it("logs lifecycle: STANDARD_IA at 30 days, GLACIER at 60, expire at 90, noncurrent versions at 30", async () => {
    const lifecycle = forBucket("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", bucket(NAMES.logs));
    expect(lifecycle).toHaveLength(1);
    const rules = lifecycle[0]!.inputs.rules;
    expect(rules).toHaveLength(1);
    expect(rules[0].status).toBe("Enabled");
    expect(rules[0].transitions).toEqual([
      { days: 30, storageClass: "STANDARD_IA" },
      { days: 60, storageClass: "GLACIER" },
    ]);
    expect(rules[0].expiration).toEqual({ days: 90 });
    expect(rules[0].noncurrentVersionExpiration).toEqual({ noncurrentDays: 30 });
  });

  it("logs and artifacts buckets have a TLS-only policy; the logs policy also lets ELB deliver ALB access logs under alb/", async () => {
    const logs = bucket(NAMES.logs);
    const logsPolicy = policyOf(logs);
    expect(logsPolicy.Statement).toContainEqual(tlsOnlyStatement(logs.state.arn));
    const delivery = logsPolicy.Statement.filter((s: any) => s.Effect === "Allow");
    expect(delivery.length).toBeGreaterThanOrEqual(1);
    for (const s of delivery) {
      expect(s.Action).toBe("s3:PutObject");
      expect(s.Resource).toBe(`${logs.state.arn}/alb/AWSLogs/${MOCK_ACCOUNT_ID}/*`);
    }
    expect(delivery.map((s: any) => s.Principal)).toContainEqual({ Service: "logdelivery.elasticloadbalancing.amazonaws.com" });
    // eu-west-1 predates August 2022: its ELB account is granted too.
    expect(delivery.map((s: any) => s.Principal)).toContainEqual({ AWS: "arn:aws:iam::156460612806:root" });

    const artifacts = bucket(NAMES.artifacts);
    expect(policyOf(artifacts).Statement).toEqual([tlsOnlyStatement(artifacts.state.arn)]);
  });

  // S3 answers concurrent configuration calls on one bucket with 409 OperationAborted, and the provider
  // does not retry PutBucketPolicy/PutBucketVersioning on it: the first deploy must not issue them at once.
  it.each(Object.entries(NAMES))("%s bucket: its settings are applied one after another, public access block first", async (_, name) => {
    const b = bucket(name);
    const one = (type: string) => {
      const found = forBucket(type, b);
      expect(found).toHaveLength(1);
      return found[0]!;
    };
    const chain = [
      one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"),
      one("aws:s3/bucketOwnershipControls:BucketOwnershipControls"),
      one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"),
      one("aws:s3/bucketVersioning:BucketVersioning"),
      one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"),
    ];
    for (let i = 1; i < chain.length; i++) expect(dependsOn(chain[i]!, chain[i - 1]!), `${chain[i]!.type} waits for ${chain[i - 1]!.type}`).toBe(true);
    for (const policy of forBucket("aws:s3/bucketPolicy:BucketPolicy", b)) expect(dependsOn(policy, chain[chain.length - 1]!)).toBe(true);
  });

  it("the static bucket's configuration chain is exposed for the CDN's policy to wait on", async () => {
    const lifecycle = forBucket("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", bucket(NAMES.static))[0]!;
    const urns = await Promise.all(buckets.staticBucketConfigured.map((r) => resolve(r.urn)));
    expect(urns.some((urn) => urn.endsWith(`${lifecycle.type}::${lifecycle.name}`))).toBe(true);
  });

  it("the static bucket gets no policy here: the CDN writes it with the distribution's OAC condition", async () => {
    expect(forBucket("aws:s3/bucketPolicy:BucketPolicy", bucket(NAMES.static))).toHaveLength(0);
    expect(ofType("aws:s3/bucketPolicy:BucketPolicy")).toHaveLength(2);
  });
});

describe("Buckets (prod stack)", () => {
  it("no forceDestroy on prod, so a destroy cannot empty a bucket", async () => {
    await build({ isProd: true });
    for (const b of ofType("aws:s3/bucket:Bucket")) expect(b.inputs.forceDestroy).toBe(false);
  });
});
