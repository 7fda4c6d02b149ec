/** S3: every bucket has default encryption, a full public access block and a TLS-only policy. */
import type { PolicyResource, StackValidationArgs } from "@pulumi/policy";
import { stackPolicy } from "../lib/define";
import { asArray, label, ofType, parseJsonDocument, refersTo } from "../lib/stack";

const BUCKET = "aws:s3/bucket:Bucket";
const SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";
const PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
const POLICY = "aws:s3/bucketPolicy:BucketPolicy";
const PAB_FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;

function companions(args: StackValidationArgs, type: string, bucket: PolicyResource): PolicyResource[] {
  return ofType(args.resources, type).filter((c) => refersTo(c, bucket, ["bucket"]));
}

export const s3BucketEncryption = stackPolicy({
  name: "s3-bucket-encryption",
  description: "Every S3 bucket has a BucketServerSideEncryptionConfiguration (SSE-S3 or SSE-KMS).",
  enforcementLevel: "advisory",
  validateStack: (args, report) => {
    const buckets = ofType(args.resources, BUCKET);
    if (buckets.length === 0) return args.notApplicable("no S3 buckets");
    for (const b of buckets) {
      const configs = companions(args, SSE, b);
      if (configs.length === 0) {
        report(`${label(b)}: no aws.s3.BucketServerSideEncryptionConfiguration targets this bucket.`, b.urn);
        continue;
      }
      const rules = configs.flatMap((c) => asArray<{ applyServerSideEncryptionByDefault?: { sseAlgorithm?: string } }>(c.props.rules));
      if (!rules.some((r) => r.applyServerSideEncryptionByDefault?.sseAlgorithm)) {
        report(`${label(b)}: its encryption configuration has no rule with applyServerSideEncryptionByDefault.sseAlgorithm.`, b.urn);
      }
    }
  },
});

export const s3PublicAccessBlock = stackPolicy({
  name: "s3-public-access-block",
  description: "Every S3 bucket has a BucketPublicAccessBlock with all four settings true.",
  enforcementLevel: "advisory",
  validateStack: (args, report) => {
    const buckets = ofType(args.resources, BUCKET);
    if (buckets.length === 0) return args.notApplicable("no S3 buckets");
    for (const b of buckets) {
      const blocks = companions(args, PAB, b);
      if (blocks.length === 0) {
        report(`${label(b)}: no aws.s3.BucketPublicAccessBlock targets this bucket.`, b.urn);
        continue;
      }
      const off = PAB_FLAGS.filter((f) => !blocks.some((p) => p.props[f] === true));
      if (off.length > 0) report(`${label(b)}: public access block leaves ${off.join(", ")} not true.`, b.urn);
    }
  },
});

/** True if the policy denies requests with aws:SecureTransport = false. */
export function deniesInsecureTransport(policy: unknown): boolean {
  const parsed = parseJsonDocument(policy);
  if (!parsed.ok) return false;
  return asArray((parsed.value as { Statement?: unknown[] } | undefined)?.Statement).some((s) => {
    const st = s as { Effect?: string; Condition?: Record<string, Record<string, unknown>> };
    if (st.Effect !== "Deny") return false;
    const bool = st.Condition?.Bool ?? st.Condition?.["Bool"];
    const v = bool?.["aws:SecureTransport"];
    return asArray(v as string | string[])
      .map(String)
      .includes("false");
  });
}

export const s3TlsOnlyPolicy = stackPolicy({
  name: "s3-tls-only-policy",
  description: "Every S3 bucket has a bucket policy that denies requests without TLS (aws:SecureTransport = false).",
  enforcementLevel: "advisory",
  validateStack: (args, report) => {
    const buckets = ofType(args.resources, BUCKET);
    if (buckets.length === 0) return args.notApplicable("no S3 buckets");
    for (const b of buckets) {
      const policies = companions(args, POLICY, b);
      if (!policies.some((p) => deniesInsecureTransport(p.props.policy))) {
        report(`${label(b)}: no bucket policy denies aws:SecureTransport = false (${policies.length} policy resource(s) found).`, b.urn);
      }
    }
  },
});

export const storagePolicies = [s3BucketEncryption, s3PublicAccessBlock, s3TlsOnlyPolicy];
