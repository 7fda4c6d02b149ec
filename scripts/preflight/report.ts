/** Human-readable preflight report: violations grouped by resource, then a summary line. */
import { typeLabel } from "../../policy/lib/stack";
import type { PreflightResult } from "./run";

export function formatReport(r: PreflightResult): string {
  const lines: string[] = [];
  lines.push(
    `Preflight: project ${r.project}, stack ${r.stack}: ${r.resourceCount} resources, ${r.policyCount} policies${r.policyConfigFile ? `, config ${r.policyConfigFile}` : ""}`,
  );
  if (r.skippedSecrets.length > 0) lines.push(`  note: encrypted config left out (cannot decrypt offline): ${r.skippedSecrets.join(", ")}`);
  const groups = new Map<string, typeof r.violations>();
  for (const v of r.violations) {
    const key = v.urn ?? "(stack)";
    groups.set(key, [...(groups.get(key) ?? []), v]);
  }
  for (const [urn, vs] of groups) {
    const res = r.resources[urn];
    lines.push("");
    lines.push(res ? `${typeLabel(res.type)} "${res.name}"  (${urn})` : urn);
    for (const v of vs.sort((a, b) => (a.level === b.level ? 0 : a.level === "mandatory" ? -1 : 1))) {
      lines.push(`  ${v.level === "mandatory" ? "x mandatory" : "! advisory "}  [${v.policy}] ${v.detail}`);
    }
  }
  if (r.waived.length > 0) {
    lines.push("");
    lines.push(`Waived (${r.waived.length}):`);
    for (const w of r.waived) lines.push(`  ~ [${w.policy}] ${w.urn ? (r.resources[w.urn]?.name ?? w.urn) : "(stack)"}: ${w.waiver.reason}`);
  }
  if (r.unusedWaivers.length > 0) {
    lines.push("");
    lines.push(`Unused waivers (${r.unusedWaivers.length}; remove them or fix the resource pattern):`);
    for (const u of r.unusedWaivers) lines.push(`  ? [${u.policy}] ${u.waiver.resource}`);
  }
  const resourcesWith = new Set(r.violations.map((v) => v.urn ?? "(stack)")).size;
  lines.push("");
  lines.push(
    `${r.passed ? "PASS" : "FAIL"}: ${r.mandatory} mandatory, ${r.advisory} advisory, ${r.waived.length} waived across ${resourcesWith} resource(s)` +
      (r.passed ? "" : " - mandatory violations are what AWS would reject at deploy time"),
  );
  return lines.join("\n");
}
