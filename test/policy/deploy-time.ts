/** Test helper for the deploy-time argument rules: every expected fragment is reported exactly once. */
import { expect } from "vitest";
import type { Evaluation } from "../../scripts/preflight/run";
import { details } from "./check";

export function expectFindings(policy: string, e: Evaluation, fragments: string[]): void {
  const found = details(policy, e);
  for (const f of fragments)
    expect(
      found.filter((d) => d.includes(f)),
      `"${f}" in ${JSON.stringify(found, null, 1)}`,
    ).toHaveLength(1);
  expect(found).toHaveLength(fragments.length);
}

export function expectClean(policies: string[], e: Evaluation): void {
  for (const p of policies) expect(details(p, e), p).toEqual([]);
}
