/** DynamoDB, ECR, KMS, Secrets Manager and SNS arguments their APIs reject at deploy time. */
import { forType, resourcePolicy } from "../lib/define";
import { asArray, label, parseJsonDocument } from "../lib/stack";

export const dynamodbTableArguments = resourcePolicy({
  name: "dynamodb-table-arguments",
  description:
    "DynamoDB table arguments the API rejects: read/write capacity only (and both required) with PROVISIONED billing, attribute types S/N/B, local secondary indexes only on a table with a range key (at most 5), at most 20 global secondary indexes, a stream view type when streams are enabled, a TTL attribute name when TTL is enabled, table class STANDARD/STANDARD_INFREQUENT_ACCESS.",
  enforcementLevel: "mandatory",
  // Source: DynamoDB API CreateTable (BillingMode, ProvisionedThroughput, AttributeDefinitions.AttributeType S|N|B,
  // LocalSecondaryIndexes "up to 5", GlobalSecondaryIndexes "up to 20", StreamSpecification.StreamViewType, TableClass);
  // UpdateTimeToLive (AttributeName required); provider internal/service/dynamodb/table.go CustomizeDiff on billing_mode.
  validateResource: forType("aws:dynamodb/table:Table", (p, args, report) => {
    const l = label(args);
    const mode = p.billingMode ?? "PROVISIONED";
    const caps = ["readCapacity", "writeCapacity"].filter((k) => p[k] !== undefined && p[k] !== 0);
    if (mode === "PAY_PER_REQUEST" && caps.length > 0) report(`${l}: ${caps.join(" and ")} cannot be set with billingMode PAY_PER_REQUEST; remove them.`);
    if (mode === "PROVISIONED" && caps.length < 2) report(`${l}: billingMode PROVISIONED needs readCapacity and writeCapacity (or use PAY_PER_REQUEST).`);
    if (!["PROVISIONED", "PAY_PER_REQUEST"].includes(mode)) report(`${l}: billingMode "${mode}" must be PROVISIONED or PAY_PER_REQUEST.`);
    for (const a of asArray<{ name?: string; type?: string }>(p.attributes))
      if (!["S", "N", "B"].includes(String(a.type))) report(`${l}: attribute "${a.name}" has type "${a.type}"; key attributes are S, N or B.`);
    const lsis = asArray(p.localSecondaryIndexes);
    if (lsis.length > 0 && !p.rangeKey) report(`${l}: local secondary indexes need the table to have a rangeKey (they share its hash key).`);
    if (lsis.length > 5) report(`${l}: ${lsis.length} local secondary indexes; DynamoDB allows 5.`);
    const gsis = asArray<{ name?: string; readCapacity?: number; writeCapacity?: number }>(p.globalSecondaryIndexes);
    if (gsis.length > 20) report(`${l}: ${gsis.length} global secondary indexes; the default quota is 20.`);
    if (mode === "PAY_PER_REQUEST")
      for (const g of gsis) if (g.readCapacity || g.writeCapacity) report(`${l}: index "${g.name}" sets capacity but the table is PAY_PER_REQUEST.`);
    if (p.streamEnabled === true && !["KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"].includes(String(p.streamViewType)))
      report(`${l}: streamEnabled needs streamViewType KEYS_ONLY, NEW_IMAGE, OLD_IMAGE or NEW_AND_OLD_IMAGES.`);
    if (p.streamEnabled !== true && p.streamViewType) report(`${l}: streamViewType is set but streamEnabled is not true.`);
    if (p.ttl?.enabled === true && !p.ttl.attributeName) report(`${l}: ttl.enabled needs ttl.attributeName.`);
    if (p.tableClass !== undefined && !["STANDARD", "STANDARD_INFREQUENT_ACCESS"].includes(p.tableClass))
      report(`${l}: tableClass "${p.tableClass}" must be STANDARD or STANDARD_INFREQUENT_ACCESS.`);
  }),
});

interface EcrLifecycleRule {
  rulePriority?: number;
  selection?: { tagStatus?: string; tagPrefixList?: string[]; tagPatternList?: string[]; countType?: string; countUnit?: string; countNumber?: number };
  action?: { type?: string };
}

export const ecrArguments = resourcePolicy({
  name: "ecr-arguments",
  description:
    "ECR arguments the API rejects: imageTagMutability MUTABLE/IMMUTABLE (or their _WITH_EXCLUSION forms), encryption type AES256/KMS/KMS_DSSE with a key only for KMS, and lifecycle policies whose rules have unique positive priorities, tagStatus tagged/untagged/any with a tag list exactly for tagged, countType imageCountMoreThan or sinceImagePushed (with countUnit days), a positive countNumber, action expire, and the any rule last.",
  enforcementLevel: "mandatory",
  validateResource: [
    // Source: ECR API CreateRepository (imageTagMutability, EncryptionConfiguration).
    forType("aws:ecr/repository:Repository", (p, args, report) => {
      const l = label(args);
      if (
        p.imageTagMutability !== undefined &&
        !["MUTABLE", "IMMUTABLE", "MUTABLE_WITH_EXCLUSION", "IMMUTABLE_WITH_EXCLUSION"].includes(p.imageTagMutability)
      ) {
        report(`${l}: imageTagMutability "${p.imageTagMutability}" must be MUTABLE or IMMUTABLE.`);
      }
      for (const e of asArray<{ encryptionType?: string; kmsKey?: string }>(p.encryptionConfigurations)) {
        if (e.encryptionType !== undefined && !["AES256", "KMS", "KMS_DSSE"].includes(e.encryptionType))
          report(`${l}: encryptionType "${e.encryptionType}" must be AES256, KMS or KMS_DSSE.`);
        if (e.kmsKey && e.encryptionType === "AES256") report(`${l}: kmsKey applies only to KMS encryption.`);
      }
    }),
    // Source: Amazon ECR User Guide "Lifecycle policy parameters" and "Lifecycle policy evaluation rules".
    forType("aws:ecr/lifecyclePolicy:LifecyclePolicy", (p, args, report) => {
      const l = label(args);
      const parsed = parseJsonDocument(p.policy);
      if (!parsed.ok) return report(`${l}: policy is not valid JSON (${parsed.error}).`);
      const rules = asArray((parsed.value as { rules?: EcrLifecycleRule[] } | undefined)?.rules);
      if (rules.length === 0) report(`${l}: policy has no rules.`);
      const priorities = new Set<number>();
      rules.forEach((r, i) => {
        const where = `${l}: rules[${i}]`;
        const pr = r.rulePriority;
        if (!Number.isInteger(pr) || (pr as number) < 1) report(`${where} rulePriority ${pr} must be a positive integer.`);
        else if (priorities.has(pr!)) report(`${where} rulePriority ${pr} is used twice; priorities must be unique.`);
        else priorities.add(pr!);
        const s = r.selection ?? {};
        if (!["tagged", "untagged", "any"].includes(String(s.tagStatus)))
          report(`${where} selection.tagStatus "${s.tagStatus}" must be tagged, untagged or any.`);
        const lists = asArray(s.tagPrefixList).length + asArray(s.tagPatternList).length;
        if (s.tagStatus === "tagged" && lists === 0) report(`${where} tagStatus tagged needs tagPrefixList or tagPatternList.`);
        if (s.tagStatus !== "tagged" && lists > 0) report(`${where} tagPrefixList/tagPatternList apply only to tagStatus tagged.`);
        if (s.tagPrefixList && s.tagPatternList) report(`${where} tagPrefixList and tagPatternList are mutually exclusive.`);
        if (!["imageCountMoreThan", "sinceImagePushed"].includes(String(s.countType)))
          report(`${where} selection.countType "${s.countType}" must be imageCountMoreThan or sinceImagePushed.`);
        if (s.countType === "sinceImagePushed" && s.countUnit !== "days") report(`${where} countType sinceImagePushed needs countUnit "days".`);
        if (s.countType === "imageCountMoreThan" && s.countUnit !== undefined) report(`${where} countUnit applies only to sinceImagePushed.`);
        if (!Number.isInteger(s.countNumber) || (s.countNumber as number) < 1)
          report(`${where} selection.countNumber ${s.countNumber} must be a positive integer.`);
        if (r.action?.type !== "expire") report(`${where} action.type "${r.action?.type}" must be "expire".`);
      });
      const any = rules.filter((r) => r.selection?.tagStatus === "any");
      const maxPriority = Math.max(...rules.map((r) => Number(r.rulePriority) || 0));
      if (any.some((r) => Number(r.rulePriority) !== maxPriority))
        report(`${l}: a rule with tagStatus any must have the highest rulePriority (be evaluated last).`);
    }),
  ],
});

export const KEY_SPECS = [
  "SYMMETRIC_DEFAULT",
  "RSA_2048",
  "RSA_3072",
  "RSA_4096",
  "HMAC_224",
  "HMAC_256",
  "HMAC_384",
  "HMAC_512",
  "ECC_NIST_P256",
  "ECC_NIST_P384",
  "ECC_NIST_P521",
  "ECC_SECG_P256K1",
  "SM2",
  "ML_DSA_44",
  "ML_DSA_65",
  "ML_DSA_87",
];

export const kmsSecretsSnsArguments = resourcePolicy({
  name: "kms-secrets-sns-arguments",
  description:
    "KMS, Secrets Manager and SNS arguments their APIs reject: key deletion window 7..30 days, aliases that target a key (not another alias), key usage and spec values, rotation only for symmetric encryption keys with a period of 90..2560 days; secret recovery window 0 or 7..30 days, a secret version with exactly one of secretString/secretBinary; a FIFO topic named .fifo (and only then), content-based deduplication only on FIFO topics.",
  enforcementLevel: "mandatory",
  validateResource: [
    // Source: KMS API CreateKey (KeyUsage, KeySpec), ScheduleKeyDeletion (PendingWindowInDays 7..30),
    // EnableKeyRotation ("symmetric encryption KMS keys" only; RotationPeriodInDays 90..2560).
    forType("aws:kms/key:Key", (p, args, report) => {
      const l = label(args);
      const w = p.deletionWindowInDays;
      if (w !== undefined && (w < 7 || w > 30)) report(`${l}: deletionWindowInDays ${w} is outside 7..30.`);
      const usage = p.keyUsage ?? "ENCRYPT_DECRYPT";
      if (!["ENCRYPT_DECRYPT", "SIGN_VERIFY", "GENERATE_VERIFY_MAC", "KEY_AGREEMENT"].includes(usage))
        report(`${l}: keyUsage "${usage}" must be ENCRYPT_DECRYPT, SIGN_VERIFY, GENERATE_VERIFY_MAC or KEY_AGREEMENT.`);
      const spec = p.customerMasterKeySpec ?? "SYMMETRIC_DEFAULT";
      if (!KEY_SPECS.includes(spec)) report(`${l}: customerMasterKeySpec "${spec}" is not a KMS key spec.`);
      if (p.enableKeyRotation === true && (spec !== "SYMMETRIC_DEFAULT" || usage !== "ENCRYPT_DECRYPT"))
        report(`${l}: enableKeyRotation applies only to symmetric encryption keys (SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT); this key is ${spec}/${usage}.`);
      const period = p.rotationPeriodInDays;
      if (period !== undefined && (period < 90 || period > 2560)) report(`${l}: rotationPeriodInDays ${period} is outside 90..2560.`);
    }),
    // Source: KMS API CreateAlias (TargetKeyId: "the key ID or key ARN"; an alias cannot point at another alias).
    forType("aws:kms/alias:Alias", (p, args, report) => {
      if (typeof p.targetKeyId === "string" && /(^|:)alias\//.test(p.targetKeyId))
        report(`${label(args)}: targetKeyId "${p.targetKeyId}" is an alias; point it at the key's id or ARN.`);
    }),
    // Source: Secrets Manager API DeleteSecret (RecoveryWindowInDays 7..30; 0 in the provider = ForceDeleteWithoutRecovery).
    forType("aws:secretsmanager/secret:Secret", (p, args, report) => {
      const w = p.recoveryWindowInDays;
      if (w !== undefined && w !== 0 && (w < 7 || w > 30)) report(`${label(args)}: recoveryWindowInDays ${w} must be 0 (delete immediately) or 7..30.`);
    }),
    // Source: Secrets Manager API PutSecretValue ("You must include SecretBinary or SecretString, but not both").
    forType("aws:secretsmanager/secretVersion:SecretVersion", (p, args, report) => {
      const given = ["secretString", "secretBinary", "secretStringWo"].filter((k) => p[k] !== undefined);
      if (given.length !== 1)
        report(`${label(args)}: needs exactly one of secretString or secretBinary (${given.length === 0 ? "neither" : given.join(" and ")} given).`);
    }),
    // Source: SNS API CreateTopic (FifoTopic: name must end in .fifo; ContentBasedDeduplication only for FIFO topics).
    forType("aws:sns/topic:Topic", (p, args, report) => {
      const l = label(args);
      const fifoName = typeof p.name === "string" && p.name.endsWith(".fifo");
      if (p.fifoTopic === true && typeof p.name === "string" && !fifoName) report(`${l}: a FIFO topic's name must end with ".fifo" (name "${p.name}").`);
      if (p.fifoTopic !== true && fifoName) report(`${l}: name "${p.name}" ends with ".fifo" but fifoTopic is not true.`);
      if (p.contentBasedDeduplication === true && p.fifoTopic !== true) report(`${l}: contentBasedDeduplication applies only to FIFO topics.`);
    }),
  ],
});

export const dataArgumentPolicies = [dynamodbTableArguments, ecrArguments, kmsSecretsSnsArguments];
