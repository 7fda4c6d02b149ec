/**
 * Physical names for AWS resources. Every name carries the stack's
 * environmentSuffix and must fit its service's limits, which AWS only checks at
 * deploy time; this module checks them at preview time against the policy
 * pack's rules (policy/lib/names.ts), so each limit is written once.
 */
import { NAME_LIMITS, nameProblems, type NameKind, type NameRule } from "../policy/lib/names";

export type { NameKind };

/** Prefix of every physical name, as in the seed. */
export const NAME_PREFIX = "ecommerce";

/** Kinds whose services only accept lowercase names. */
const LOWERCASE_ONLY: readonly NameKind[] = ["rdsCluster", "rdsInstance", "rdsProxy", "rdsProxyEndpoint", "s3Bucket", "ecrRepository", "dbSubnetGroup"];

/** Returns `name` if it satisfies the rule for `kind`, else throws naming every limit that was broken. */
export function checkName(kind: NameKind, name: string): string {
  const rule: NameRule = NAME_LIMITS[kind];
  const problems = nameProblems(rule, name);
  if (problems.length > 0) throw new Error(`${kind} name "${name}" ${problems.join("; ")}`);
  return name;
}

/**
 * `ecommerce-<base>-<environmentSuffix>`, checked against the limits for `kind`.
 * Kinds that only accept lowercase get a lowercased name.
 */
export function physicalName(kind: NameKind, base: string, environmentSuffix: string): string {
  const raw = `${NAME_PREFIX}-${base}-${environmentSuffix}`;
  return checkName(kind, LOWERCASE_ONLY.includes(kind) ? raw.toLowerCase() : raw);
}
