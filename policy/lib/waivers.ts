/**
 * Waivers: a team may accept a finding for a named resource, with a written reason,
 * through the pack's policy configuration (`pulumi preview --policy-pack-config`).
 * Every policy in this pack accepts `{ "waivers": [{ "resource": "...", "reason": "..." }] }`.
 */
import type { PolicyConfigSchema } from "@pulumi/policy";

export interface Waiver {
  /** A logical resource name or a URN; `*` matches any run of characters. "stack" waives stack-wide findings. */
  resource: string;
  /** Why the finding is accepted; required so the decision is reviewable. */
  reason: string;
}

export interface WaivedFinding {
  policy: string;
  urn: string | undefined;
  message: string;
  waiver: Waiver;
}

/** The shortest reason accepted: a waiver must explain itself. */
export const MIN_REASON_LENGTH = 10;

export const waiverSchema: PolicyConfigSchema["properties"] = {
  waivers: {
    type: "array",
    description: "Findings accepted for named resources, each with a written reason.",
    items: {
      type: "object",
      properties: {
        resource: { type: "string", minLength: 1, description: "Logical name or URN of the resource; '*' is a wildcard; 'stack' for stack-wide findings." },
        reason: { type: "string", minLength: MIN_REASON_LENGTH, description: "Why this finding is accepted." },
      },
      required: ["resource", "reason"],
      additionalProperties: false,
    },
    default: [],
  },
};

/**
 * Reads and checks the waivers of one policy's configuration.
 * Throws naming the policy, the waiver and what is wrong, so a bad config stops the run.
 */
export function parseWaivers(policy: string, config: object): Waiver[] {
  const raw = (config as { waivers?: unknown }).waivers;
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new Error(`policy "${policy}": config "waivers" must be an array of {resource, reason}`);
  return raw.map((w: unknown, i) => {
    const item = (w ?? {}) as Partial<Record<string, unknown>>;
    if (typeof item.resource !== "string" || item.resource.length === 0) {
      throw new Error(`policy "${policy}": waivers[${i}] needs "resource" (a logical name or URN pattern)`);
    }
    if (typeof item.reason !== "string" || item.reason.trim().length < MIN_REASON_LENGTH) {
      throw new Error(`policy "${policy}": waivers[${i}] for "${item.resource}" needs a "reason" of at least ${MIN_REASON_LENGTH} characters`);
    }
    return { resource: item.resource, reason: item.reason.trim() };
  });
}

function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${escaped}$`);
}

/** The logical name at the end of a URN (`urn:pulumi:stack::project::type::name`). */
export function nameOfUrn(urn: string): string {
  const i = urn.lastIndexOf("::");
  return i < 0 ? urn : urn.slice(i + 2);
}

/** The first waiver matching a finding on `urn` (undefined urn = a stack-wide finding). */
export function findWaiver(waivers: readonly Waiver[], urn: string | undefined): Waiver | undefined {
  for (const w of waivers) {
    if (urn === undefined) {
      if (w.resource === "stack") return w;
      continue;
    }
    const re = globToRegExp(w.resource);
    if (w.resource.startsWith("urn:") ? re.test(urn) : re.test(nameOfUrn(urn))) return w;
  }
  return undefined;
}

/**
 * Findings suppressed by a waiver, in the order they happened. The offline runner reads
 * and clears this to show what was waived and why; under the Pulumi engine nobody reads it.
 */
export const waivedFindings: WaivedFinding[] = [];
