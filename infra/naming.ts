/**
 * Physical names for AWS resources. Every name carries the stack's
 * environmentSuffix and must fit its service's limits, which AWS only checks at
 * deploy time; this module checks them at preview time, in one place.
 */

export interface NameRule {
  /** Longest name the service accepts. */
  readonly max: number;
  /** Characters and shape the service accepts. */
  readonly pattern: RegExp;
  /** The rule in words, for error messages. */
  readonly description: string;
}

const ALNUM_HYPHEN = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;

/** AWS naming limits by resource kind (see the service quotas / API references). */
export const NAME_RULES = {
  alb: { max: 32, pattern: ALNUM_HYPHEN, description: "letters, digits and '-', not starting or ending with '-'" },
  targetGroup: { max: 32, pattern: ALNUM_HYPHEN, description: "letters, digits and '-', not starting or ending with '-'" },
  lambda: { max: 64, pattern: /^[A-Za-z0-9_-]+$/, description: "letters, digits, '-' and '_'" },
  iamRole: { max: 64, pattern: /^[A-Za-z0-9+=,.@_-]+$/, description: "letters, digits and +=,.@_-" },
  iamPolicy: { max: 128, pattern: /^[A-Za-z0-9+=,.@_-]+$/, description: "letters, digits and +=,.@_-" },
  rdsCluster: {
    max: 63,
    pattern: /^[a-z](?:-?[a-z0-9])*$/,
    description: "lowercase letters, digits and single '-', starting with a letter, not ending with '-'",
  },
  rdsInstance: {
    max: 63,
    pattern: /^[a-z](?:-?[a-z0-9])*$/,
    description: "lowercase letters, digits and single '-', starting with a letter, not ending with '-'",
  },
  rdsProxy: {
    max: 63,
    pattern: /^[a-z](?:-?[a-z0-9])*$/,
    description: "lowercase letters, digits and single '-', starting with a letter, not ending with '-'",
  },
  dbSubnetGroup: { max: 255, pattern: /^[a-z0-9 ._-]+$/, description: "lowercase letters, digits, spaces, '.', '_' and '-'" },
  s3Bucket: {
    max: 63,
    pattern: /^[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?$/,
    description: "3-63 lowercase letters, digits, '.' and '-', starting and ending with a letter or digit",
  },
  ecrRepository: {
    max: 256,
    pattern: /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/,
    description: "lowercase letters, digits and single '.', '_', '-' or '/' separators",
  },
  secret: { max: 512, pattern: /^[A-Za-z0-9/_+=.@-]+$/, description: "letters, digits and /_+=.@-" },
  logGroup: { max: 512, pattern: /^[A-Za-z0-9_/.#-]+$/, description: "letters, digits and _/.#-" },
  dynamoTable: { max: 255, pattern: /^[A-Za-z0-9_.-]{3,}$/, description: "3-255 letters, digits, '_', '-' and '.'" },
  securityGroup: { max: 255, pattern: /^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]+$/, description: "ASCII letters, digits and common punctuation" },
  snsTopic: { max: 256, pattern: /^[A-Za-z0-9_-]+$/, description: "letters, digits, '-' and '_'" },
  dashboard: { max: 255, pattern: /^[A-Za-z0-9_-]+$/, description: "letters, digits, '-' and '_'" },
  alarm: { max: 255, pattern: /^[ -~]+$/, description: "printable ASCII" },
  restApi: { max: 1024, pattern: /^[ -~]+$/, description: "printable ASCII" },
  apiGatewayStage: { max: 128, pattern: /^[A-Za-z0-9_-]+$/, description: "letters, digits, '-' and '_'" },
  cloudfrontPolicy: { max: 64, pattern: /^[A-Za-z0-9_-]+$/, description: "letters, digits, '-' and '_'" },
  kmsAlias: { max: 256, pattern: /^alias\/[A-Za-z0-9/_-]+$/, description: "'alias/' then letters, digits, '/', '_' and '-'" },
  generic: { max: 255, pattern: /^[A-Za-z0-9_.-]+$/, description: "letters, digits, '-', '_' and '.'" },
} as const satisfies Record<string, NameRule>;

export type NameKind = keyof typeof NAME_RULES;

/** Prefix of every physical name, as in the seed. */
export const NAME_PREFIX = "ecommerce";

/** Returns `name` if it satisfies the rule for `kind`, else throws naming the limit that was broken. */
export function checkName(kind: NameKind, name: string): string {
  const rule: NameRule = NAME_RULES[kind];
  if (name.length > rule.max) {
    throw new Error(`${kind} name "${name}" is ${name.length} characters; AWS allows at most ${rule.max}`);
  }
  if (kind === "s3Bucket" && (name.length < 3 || /\.\.|^\d+\.\d+\.\d+\.\d+$/.test(name))) {
    throw new Error(`s3Bucket name "${name}" must be 3-63 characters, no '..', and not an IP address`);
  }
  if (!rule.pattern.test(name)) {
    throw new Error(`${kind} name "${name}" is invalid: AWS allows ${rule.description}`);
  }
  return name;
}

/**
 * `ecommerce-<base>-<environmentSuffix>`, checked against the limits for `kind`.
 * Kinds that only accept lowercase get a lowercased name.
 */
export function physicalName(kind: NameKind, base: string, environmentSuffix: string): string {
  const raw = `${NAME_PREFIX}-${base}-${environmentSuffix}`;
  const lowercaseOnly = ["rdsCluster", "rdsInstance", "rdsProxy", "s3Bucket", "ecrRepository", "dbSubnetGroup"];
  return checkName(kind, lowercaseOnly.includes(kind) ? raw.toLowerCase() : raw);
}
