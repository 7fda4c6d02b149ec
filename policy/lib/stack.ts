/** Helpers for stack policies: finding resources and the references between them. */
import type { PolicyResource } from "@pulumi/policy";

/** `aws:lb/targetGroup:TargetGroup` -> `aws.lb.TargetGroup`, for messages. */
export function typeLabel(type: string): string {
  const [pkg, mod, cls] = type.split(":");
  if (!mod || !cls) return type;
  const module = mod.split("/")[0];
  return module && module !== "index" ? `${pkg}.${module}.${cls}` : `${pkg}.${cls}`;
}

/** `aws.lb.TargetGroup "api-tg"`: how messages name a resource. */
export function label(r: { type: string; name: string }): string {
  return `${typeLabel(r.type)} "${r.name}"`;
}

export function ofType(resources: readonly PolicyResource[], type: string): PolicyResource[] {
  return resources.filter((r) => r.type === type);
}

/** String leaves of a value (for matching ids, ARNs and names across resources). */
export function stringLeaves(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const v of value) stringLeaves(v, out);
  else if (value && typeof value === "object") for (const v of Object.values(value)) stringLeaves(v, out);
  return out;
}

/**
 * Reads a value that may be unknown during `pulumi preview`: the analyzer's proxy throws
 * UnknownValueError on access, which here reads as undefined. Other errors propagate.
 */
export function known<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (e) {
    if (isUnknownValueError(e)) return undefined;
    throw e;
  }
}

function isUnknownValueError(e: unknown): boolean {
  return e instanceof Error && e.constructor.name === "UnknownValueError";
}

/**
 * True when a property is given: a known value other than undefined, null or "", or a value
 * unknown during preview (it will hold the ARN or id of a resource not created yet).
 */
export function isSet(read: () => unknown): boolean {
  try {
    const v = read();
    return v !== undefined && v !== null && v !== "";
  } catch (e) {
    if (isUnknownValueError(e)) return true;
    throw e;
  }
}

/** Values other resources use to point at `r`: its ARN, name, bucket, id... (whichever it has and is known). */
export function identities(r: PolicyResource): Set<string> {
  const ids = new Set<string>();
  for (const key of ["id", "arn", "name", "bucket", "qualifiedArn", "clusterIdentifier", "identifier"]) {
    const v = known(() => r.props[key]);
    if (typeof v === "string" && v.length > 0) ids.add(v);
  }
  return ids;
}

/**
 * True if `from` refers to `to` through one of `props` (or any property when omitted):
 * by the engine's property dependencies, or by holding one of its identities as a value.
 */
export function refersTo(from: PolicyResource, to: PolicyResource, props?: readonly string[]): boolean {
  const keys = props ?? Object.keys(from.propertyDependencies);
  for (const k of keys) {
    if ((from.propertyDependencies[k] ?? []).some((d) => d.urn === to.urn)) return true;
  }
  // No dependency: compare values. A value unknown during preview cannot have come from `to`
  // (it would carry a dependency on it), so unknown reads as "does not refer".
  const ids = identities(to);
  if (ids.size === 0) return false;
  const values = props ? props.flatMap((k) => known(() => stringLeaves(from.props[k])) ?? []) : (known(() => stringLeaves(from.props)) ?? []);
  return values.some((v) => ids.has(v));
}

/** Every resource `r` depends on, directly or transitively (dependsOn, property dependencies, parents' dependencies excluded). */
export function transitiveDependencies(r: PolicyResource): Set<PolicyResource> {
  const seen = new Set<PolicyResource>();
  const queue: PolicyResource[] = [r];
  while (queue.length > 0) {
    const cur = queue.pop()!;
    const next = [...cur.dependencies, ...Object.values(cur.propertyDependencies).flat()];
    for (const d of next) {
      if (!seen.has(d)) {
        seen.add(d);
        queue.push(d);
      }
    }
  }
  return seen;
}

/** Parses a JSON document that may arrive as a string or as an object. */
export function parseJsonDocument(value: unknown): { ok: true; value: unknown } | { ok: false; error: string } {
  if (typeof value !== "string") return { ok: true, value };
  try {
    return { ok: true, value: JSON.parse(value) };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

export function asArray<T>(v: T | T[] | undefined | null): T[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}
