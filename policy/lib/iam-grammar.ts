/**
 * IAM policy grammar: what IAM, S3, SNS, SQS, KMS and Secrets Manager reject with
 * MalformedPolicyDocument at deploy time. Pure functions.
 *
 * Source: IAM User Guide, "IAM JSON policy element reference" (Version, Statement, Sid,
 * Effect, Principal, Action/NotAction, Resource/NotResource, Condition operators) and
 * "IAM and AWS STS quotas" (policy sizes, counted without whitespace).
 */
import { asArray, parseJsonDocument } from "./stack";

/** Where a document is used decides which elements it must and must not have. */
export type PolicyKind = "identity" | "trust" | "resource";

export const POLICY_VERSIONS = ["2012-10-17", "2008-10-17"];
const STATEMENT_KEYS = ["Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"];
const PRINCIPAL_KEYS = ["AWS", "Service", "Federated", "CanonicalUser"];

/** Condition operators (IAM JSON policy elements: Condition operators). */
export const CONDITION_OPERATORS = [
  "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike",
  "NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals",
  "DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals",
  "Bool", "BinaryEquals", "IpAddress", "NotIpAddress", "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike", "Null",
]; // prettier-ignore

/** `service:Action` with wildcards, or `*` ("Actions/Conditions must be prefaced by a vendor"); prefixes are case-insensitive (SNS:Publish). */
const ACTION = /^(\*|[A-Za-z0-9-]+:[A-Za-z0-9*?]+)$/;
/** IAM (identity and trust) statement ids: ASCII letters and digits only. */
const IAM_SID = /^[A-Za-z0-9]*$/;

/** Valid condition operator: an operator, optionally ForAllValues:/ForAnyValue: and/or IfExists (not on Null). */
export function isConditionOperator(op: string): boolean {
  const m = /^(?:(ForAllValues|ForAnyValue):)?(.+?)(IfExists)?$/.exec(op);
  if (!m) return false;
  const base = m[2]!;
  if (base === "Null" && m[3]) return false;
  return CONDITION_OPERATORS.includes(base);
}

/** Size of a policy as IAM counts it: characters without whitespace. */
export function policySize(value: unknown): number {
  return JSON.stringify(value).replace(/\s/g, "").length;
}

function principalProblems(where: string, principal: unknown): string[] {
  if (principal === "*") return [];
  if (!principal || typeof principal !== "object" || Array.isArray(principal))
    return [`${where} Principal must be "*" or an object of ${PRINCIPAL_KEYS.join("/")}`];
  const out: string[] = [];
  for (const [k, v] of Object.entries(principal)) {
    if (!PRINCIPAL_KEYS.includes(k)) out.push(`${where} Principal key "${k}" is not one of ${PRINCIPAL_KEYS.join(", ")}`);
    if (k === "Service") {
      for (const s of asArray(v as string | string[])) {
        if (!/^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/.test(String(s)))
          out.push(`${where} Principal.Service "${s}" is not a service principal (<service>.amazonaws.com)`);
      }
    }
  }
  return out;
}

/** Problems IAM reports for a policy document used as `kind`; empty when it is well-formed. */
export function policyGrammarProblems(document: unknown, kind: PolicyKind, opts: { resourceOptional?: boolean } = {}): string[] {
  const parsed = parseJsonDocument(document);
  if (!parsed.ok) return [`is not valid JSON (${parsed.error}); fix the document`];
  const doc = parsed.value as Record<string, unknown> | null;
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) return ["must be a JSON object with Version and Statement"];
  const out: string[] = [];
  for (const k of Object.keys(doc))
    if (!["Version", "Id", "Statement"].includes(k)) out.push(`has unknown top-level element "${k}" (allowed: Version, Id, Statement)`);
  if (doc.Version !== undefined && !POLICY_VERSIONS.includes(String(doc.Version))) out.push(`Version "${String(doc.Version)}" is not valid; use "2012-10-17"`);
  const statements = asArray(doc.Statement as unknown);
  if (statements.length === 0) out.push("has no Statement; add at least one");
  const sids = new Set<string>();
  statements.forEach((raw, i) => {
    const s = (raw ?? {}) as Record<string, unknown>;
    const where = `Statement[${i}]${typeof s.Sid === "string" && s.Sid ? ` (${s.Sid})` : ""}`;
    for (const k of Object.keys(s)) if (!STATEMENT_KEYS.includes(k)) out.push(`${where} has unknown element "${k}"`);
    if (typeof s.Sid === "string") {
      if (sids.has(s.Sid)) out.push(`${where} repeats Sid "${s.Sid}"; statement ids must be unique in a policy`);
      sids.add(s.Sid);
      if (kind !== "resource" && !IAM_SID.test(s.Sid)) out.push(`${where} Sid "${s.Sid}" may contain only ASCII letters and digits`);
    }
    if (s.Effect !== "Allow" && s.Effect !== "Deny")
      out.push(`${where} Effect ${s.Effect === undefined ? "is missing" : `"${String(s.Effect)}" is invalid`}; use "Allow" or "Deny"`);
    const hasAction = s.Action !== undefined;
    const hasNotAction = s.NotAction !== undefined;
    if (hasAction === hasNotAction) out.push(`${where} needs exactly one of Action or NotAction (${hasAction ? "both given" : "neither given"})`);
    for (const a of [...asArray(s.Action as string | string[]), ...asArray(s.NotAction as string | string[])]) {
      if (typeof a !== "string" || !ACTION.test(a)) out.push(`${where} action "${String(a)}" must be "*" or "<service>:<action>"`);
    }
    const hasResource = s.Resource !== undefined;
    const hasNotResource = s.NotResource !== undefined;
    if (hasResource && hasNotResource) out.push(`${where} has both Resource and NotResource; keep one`);
    if (kind === "trust" && (hasResource || hasNotResource))
      out.push(`${where} has ${hasResource ? "Resource" : "NotResource"}, which a role trust policy must not have; remove it`);
    if (kind !== "trust" && !opts.resourceOptional && !hasResource && !hasNotResource) out.push(`${where} needs Resource or NotResource`);
    const hasPrincipal = s.Principal !== undefined || s.NotPrincipal !== undefined;
    if (kind === "identity" && hasPrincipal)
      out.push(`${where} has a Principal, which an identity policy must not have (the principal is whoever holds the policy); remove it`);
    if (kind !== "identity" && !hasPrincipal)
      out.push(`${where} needs a Principal (a ${kind === "trust" ? "trust" : "resource-based"} policy names who it applies to)`);
    if (s.Principal !== undefined) out.push(...principalProblems(where, s.Principal));
    // IAM rejects "*" as a trust policy principal (it accepts {"AWS": "*"}); see the provider's principal set marshalling.
    if (kind === "trust" && s.Principal === "*")
      out.push(`${where} Principal "*" is not accepted in a role trust policy; name the service or account that assumes the role`);
    if (s.Condition !== undefined) {
      if (!s.Condition || typeof s.Condition !== "object" || Array.isArray(s.Condition))
        out.push(`${where} Condition must be an object of operator -> { key: values }`);
      else
        for (const op of Object.keys(s.Condition))
          if (!isConditionOperator(op)) out.push(`${where} Condition operator "${op}" is not an IAM condition operator`);
    }
  });
  return out;
}
