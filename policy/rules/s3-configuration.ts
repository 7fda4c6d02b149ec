/**
 * S3 bucket settings S3 rejects at deploy time: ACLs on a bucket whose ACLs are disabled,
 * public ACLs or policies a bucket's own public access block refuses, lifecycle rules,
 * versioning and encryption arguments, object arguments.
 */
import type { PolicyResource } from "@pulumi/policy";
import { forType, resourcePolicy, stackPolicy } from "../lib/define";
import { asArray, known, label, ofType, parseJsonDocument, refersTo } from "../lib/stack";

const BUCKET = "aws:s3/bucket:Bucket";
const ACL_TYPES = ["aws:s3/bucketAclV2:BucketAclV2", "aws:s3/bucketAcl:BucketAcl"];
/** Canned ACLs that grant access beyond the bucket owner (S3 "Canned ACL" table). */
export const PUBLIC_CANNED_ACLS = ["public-read", "public-read-write", "authenticated-read"];
/** Canned ACLs a bucket with ACLs disabled (BucketOwnerEnforced) still accepts. */
const OWNER_ONLY_ACLS = ["private", "bucket-owner-full-control"];

function companions(resources: readonly PolicyResource[], type: string, bucket: PolicyResource): PolicyResource[] {
  return ofType(resources, type).filter((c) => refersTo(c, bucket, ["bucket"]));
}

/** A statement grants the world: Allow to Principal "*" / {AWS: "*"} with no Condition (S3 "The meaning of public"). */
export function isPublicPolicy(policy: unknown): boolean {
  const parsed = parseJsonDocument(policy);
  if (!parsed.ok) return false;
  return asArray((parsed.value as { Statement?: unknown } | undefined)?.Statement as unknown[]).some((raw) => {
    const s = raw as { Effect?: string; Principal?: unknown; Condition?: unknown };
    if (s.Effect !== "Allow" || s.Condition !== undefined) return false;
    const p = s.Principal;
    return p === "*" || asArray((p as { AWS?: string | string[] } | undefined)?.AWS).includes("*");
  });
}

export const s3BucketAccessSettings = stackPolicy({
  name: "s3-bucket-access-settings",
  description:
    "A bucket's ACLs and policy agree with its own settings: no ACL granting others on a bucket with ACLs disabled (BucketOwnerEnforced, the default: AccessControlListNotSupported), no public ACL when its public access block sets blockPublicAcls, no public policy when it sets blockPublicPolicy (AccessDenied).",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const buckets = ofType(args.resources, BUCKET);
    if (buckets.length === 0) return args.notApplicable("no S3 buckets");
    for (const b of buckets) {
      const l = label(b);
      const explicitOwnership: string | undefined = companions(args.resources, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", b).map(
        (o) => o.props.rule?.objectOwnership,
      )[0];
      // New buckets have ACLs disabled unless ownership controls say otherwise (S3, April 2023).
      const ownership = explicitOwnership ?? "BucketOwnerEnforced";
      const pab = companions(args.resources, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", b)[0];
      const acls: { where: string; urn: string; acl?: string; grants: number }[] = [];
      if (typeof b.props.acl === "string") acls.push({ where: `${l} acl`, urn: b.urn, acl: b.props.acl, grants: asArray(b.props.grants).length });
      else if (asArray(b.props.grants).length > 0) acls.push({ where: `${l} grants`, urn: b.urn, grants: asArray(b.props.grants).length });
      for (const a of ACL_TYPES.flatMap((t) => companions(args.resources, t, b))) {
        acls.push({ where: label(a), urn: a.urn, acl: a.props.acl, grants: asArray(a.props.accessControlPolicy?.grants).length });
      }
      // Source: S3 User Guide "Controlling ownership of objects and disabling ACLs": with BucketOwnerEnforced,
      // requests that set ACLs other than bucket-owner-full-control / private fail with AccessControlListNotSupported.
      for (const a of acls) {
        if (ownership === "BucketOwnerEnforced" && ((a.acl !== undefined && !OWNER_ONLY_ACLS.includes(a.acl)) || a.grants > 0)) {
          report(
            `${a.where}: sets ${a.acl ? `ACL "${a.acl}"` : `${a.grants} grant(s)`} but ${l} has ACLs disabled (object ownership BucketOwnerEnforced${explicitOwnership ? "" : ", the default"}); S3 answers AccessControlListNotSupported. Set object ownership BucketOwnerPreferred or drop the ACL.`,
            a.urn,
          );
        }
        // Source: S3 User Guide "Blocking public access": BlockPublicAcls makes PUT calls with public ACLs fail.
        if (pab?.props.blockPublicAcls === true && a.acl !== undefined && PUBLIC_CANNED_ACLS.includes(a.acl)) {
          report(
            `${a.where}: ACL "${a.acl}" is public but ${label(pab)} sets blockPublicAcls; S3 refuses it with AccessDenied. Serve the content through CloudFront instead.`,
            a.urn,
          );
        }
      }
      // Source: S3 User Guide "Blocking public access": BlockPublicPolicy rejects PutBucketPolicy calls whose policy allows public access.
      if (pab?.props.blockPublicPolicy === true) {
        for (const p of companions(args.resources, "aws:s3/bucketPolicy:BucketPolicy", b)) {
          if (isPublicPolicy(known(() => p.props.policy))) {
            report(
              `${label(p)}: allows Principal "*" without a Condition (a public policy) but ${label(pab)} sets blockPublicPolicy; S3 refuses it with AccessDenied. Grant a specific principal (e.g. cloudfront.amazonaws.com with aws:SourceArn).`,
              p.urn,
            );
          }
        }
      }
    }
  },
});

/** S3 storage classes a lifecycle transition may name (PutBucketLifecycleConfiguration, Transition.StorageClass). */
export const TRANSITION_STORAGE_CLASSES = ["GLACIER", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "DEEP_ARCHIVE", "GLACIER_IR"];
/** S3 User Guide "Transitioning objects": objects must stay 30 days before moving to STANDARD_IA or ONEZONE_IA. */
const MIN_IA_DAYS = 30;

interface LifecycleRule {
  id?: string;
  status?: string;
  filter?: { tag?: unknown; and?: { tags?: Record<string, string> } };
  expiration?: { days?: number; date?: string; expiredObjectDeleteMarker?: boolean };
  transitions?: { days?: number; storageClass?: string }[];
  noncurrentVersionExpiration?: { noncurrentDays?: number };
  noncurrentVersionTransitions?: { noncurrentDays?: number; storageClass?: string }[];
  abortIncompleteMultipartUpload?: { daysAfterInitiation?: number };
}

export const s3BucketArguments = resourcePolicy({
  name: "s3-bucket-arguments",
  description:
    "S3 configuration arguments S3 rejects: lifecycle rules (status Enabled/Disabled, unique ids of at most 255 characters, at least one action, positive days, IA transitions after 30 days, expiration after transitions, no expiredObjectDeleteMarker with days, no multipart abort with a tag filter), versioning status, encryption algorithm and key, object key length and content sources.",
  enforcementLevel: "mandatory",
  validateResource: [
    // Source: S3 API PutBucketLifecycleConfiguration (LifecycleRule, Transition, LifecycleExpiration) and S3 User Guide "Lifecycle configuration elements".
    forType("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", (p, args, report) => {
      const l = label(args);
      const ids = new Set<string>();
      asArray<LifecycleRule>(p.rules).forEach((r, i) => {
        const where = `${l}: rules[${i}]${r.id ? ` (${r.id})` : ""}`;
        if (r.status !== "Enabled" && r.status !== "Disabled") report(`${where} status "${r.status}" must be "Enabled" or "Disabled".`);
        if (typeof r.id === "string") {
          if (r.id.length > 255) report(`${where} id is ${r.id.length} characters; the limit is 255.`);
          if (ids.has(r.id)) report(`${where} repeats id "${r.id}"; rule ids must be unique.`);
          ids.add(r.id);
        }
        const transitions = asArray(r.transitions);
        const actions = [
          r.expiration,
          r.noncurrentVersionExpiration,
          r.abortIncompleteMultipartUpload,
          ...transitions,
          ...asArray(r.noncurrentVersionTransitions),
        ].filter(Boolean);
        if (actions.length === 0) report(`${where} has no action; add expiration, transitions, noncurrent version actions or abortIncompleteMultipartUpload.`);
        const e = r.expiration;
        if (e?.days !== undefined && e.days < 1) report(`${where} expiration.days ${e.days} must be at least 1.`);
        if (e?.expiredObjectDeleteMarker === true && (e.days !== undefined || e.date !== undefined))
          report(`${where} expiration.expiredObjectDeleteMarker cannot be combined with days or date; use a separate rule.`);
        transitions.forEach((t, j) => {
          if (t.storageClass !== undefined && !TRANSITION_STORAGE_CLASSES.includes(t.storageClass))
            report(`${where} transitions[${j}].storageClass "${t.storageClass}" must be one of ${TRANSITION_STORAGE_CLASSES.join(", ")}.`);
          if (t.days !== undefined && ["STANDARD_IA", "ONEZONE_IA"].includes(String(t.storageClass)) && t.days < MIN_IA_DAYS) {
            report(`${where} transitions[${j}] moves objects to ${t.storageClass} after ${t.days} days; S3 requires at least ${MIN_IA_DAYS}.`);
          }
          if (t.days !== undefined && e?.days !== undefined && e.days <= t.days)
            report(`${where} expiration.days ${e.days} must be greater than transitions[${j}].days ${t.days}.`);
        });
        if (r.noncurrentVersionExpiration?.noncurrentDays !== undefined && r.noncurrentVersionExpiration.noncurrentDays < 1) {
          report(`${where} noncurrentVersionExpiration.noncurrentDays ${r.noncurrentVersionExpiration.noncurrentDays} must be at least 1.`);
        }
        const abort = r.abortIncompleteMultipartUpload?.daysAfterInitiation;
        if (abort !== undefined && abort < 1) report(`${where} abortIncompleteMultipartUpload.daysAfterInitiation ${abort} must be at least 1.`);
        if (r.abortIncompleteMultipartUpload && (r.filter?.tag || Object.keys(r.filter?.and?.tags ?? {}).length > 0)) {
          report(`${where} abortIncompleteMultipartUpload cannot be used with a tag filter (uploads have no tags); filter by prefix only.`);
        }
      });
    }),
    // Source: S3 API PutBucketVersioning (Status Enabled | Suspended); the provider adds "Disabled" for a new bucket only.
    forType("aws:s3/bucketVersioning:BucketVersioning", (p, args, report) => {
      const status = p.versioningConfiguration?.status;
      if (status !== undefined && !["Enabled", "Suspended", "Disabled"].includes(status))
        report(`${label(args)}: versioningConfiguration.status "${status}" must be Enabled or Suspended.`);
      if (p.versioningConfiguration?.mfaDelete === "Enabled" && !p.mfa)
        report(`${label(args)}: mfaDelete Enabled needs mfa (the root user's MFA serial and code).`);
    }),
    // Source: S3 API PutBucketEncryption (SSEAlgorithm AES256 | aws:kms | aws:kms:dsse; KMSMasterKeyID only with aws:kms*).
    forType("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", (p, args, report) => {
      asArray<{ applyServerSideEncryptionByDefault?: { sseAlgorithm?: string; kmsMasterKeyId?: string } }>(p.rules).forEach((r, i) => {
        const d = r.applyServerSideEncryptionByDefault;
        if (!d) return;
        if (!["AES256", "aws:kms", "aws:kms:dsse"].includes(String(d.sseAlgorithm)))
          report(`${label(args)}: rules[${i}] sseAlgorithm "${d.sseAlgorithm}" must be AES256, aws:kms or aws:kms:dsse.`);
        if (d.kmsMasterKeyId && d.sseAlgorithm === "AES256")
          report(`${label(args)}: rules[${i}] kmsMasterKeyId is only allowed with sseAlgorithm aws:kms or aws:kms:dsse; remove it or use aws:kms.`);
      });
    }),
    // Source: S3 User Guide "Naming Amazon S3 objects" (key up to 1,024 bytes of UTF-8); provider s3 object: source/content/content_base64 conflict.
    forType("aws:s3/bucketObjectv2:BucketObjectv2", (p, args, report) => {
      if (typeof p.key === "string" && Buffer.byteLength(p.key, "utf8") > 1024)
        report(`${label(args)}: key is ${Buffer.byteLength(p.key, "utf8")} bytes; S3 allows 1024.`);
      const sources = ["source", "content", "contentBase64"].filter((k) => p[k] !== undefined);
      if (sources.length > 1) report(`${label(args)}: ${sources.join(" and ")} are mutually exclusive; keep one.`);
    }),
  ],
});

export const s3ConfigurationPolicies = [s3BucketAccessSettings, s3BucketArguments];
