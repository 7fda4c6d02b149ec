/** Preflight end to end: run the program under mocks, evaluate the pack, collect waivers. */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { PACK_NAME, policies, waivedFindings } from "../../policy/policies";
import { parseWaivers, type WaivedFinding, type Waiver } from "../../policy/lib/waivers";
import { analyze, type PolicyPackConfig, type ProviderInfo, type Violation } from "./analyze";
import { runProgram, type ProgramOptions, type RecordedResource } from "./program";

export const POLICY_DIR = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../policy");

export interface PreflightOptions extends ProgramOptions {
  /** Policy pack config file (the `--policy-pack-config` JSON); default policy/config/<project>.<stack>.json or <project>.json if present. */
  policyConfigFile?: string;
}

export interface PreflightResult {
  project: string;
  stack: string;
  programDir: string;
  policyConfigFile?: string;
  resourceCount: number;
  policyCount: number;
  /** Types and names of the recorded resources, by URN (for grouping the report). */
  resources: Record<string, { type: string; name: string }>;
  violations: Violation[];
  waived: WaivedFinding[];
  /** Waivers in the config that matched no finding: stale, or misspelled. */
  unusedWaivers: { policy: string; waiver: Waiver }[];
  skippedSecrets: string[];
  mandatory: number;
  advisory: number;
  passed: boolean;
}

function packVersion(): string {
  return (JSON.parse(readFileSync(path.join(POLICY_DIR, "package.json"), "utf8")) as { version: string }).version;
}

export function loadPolicyConfig(file: string): PolicyPackConfig {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as PolicyPackConfig;
  } catch (e) {
    throw new Error(`cannot read policy config ${file}: ${(e as Error).message}`, { cause: e });
  }
}

/** The engine's default provider per package (only AWS is modelled: its region matters to policies). */
export function defaultProviders(project: string, stack: string, region: string): (pkg: string) => ProviderInfo | undefined {
  return (pkg) =>
    pkg === "aws"
      ? { type: "pulumi:providers:aws", name: "default", urn: `urn:pulumi:${stack}::${project}::pulumi:providers:aws::default`, props: { region } }
      : undefined;
}

export interface Evaluation {
  violations: Violation[];
  waived: WaivedFinding[];
  unusedWaivers: { policy: string; waiver: Waiver }[];
}

/** Evaluates the pack over recorded resources with a policy config, as `pulumi preview --policy-pack` would. */
export async function evaluatePack(input: {
  resources: RecordedResource[];
  project: string;
  stack: string;
  region: string;
  config: PolicyPackConfig;
}): Promise<Evaluation> {
  const { project, stack, region, config } = input;
  waivedFindings.length = 0;
  const violations = await analyze({
    packName: PACK_NAME,
    packVersion: packVersion(),
    policies,
    config,
    resources: input.resources,
    defaultProvider: defaultProviders(project, stack, region),
  });
  const waived = [...waivedFindings];
  waivedFindings.length = 0;
  const unusedWaivers: Evaluation["unusedWaivers"] = [];
  for (const [policy, entry] of Object.entries(config)) {
    if (typeof entry !== "object" || !entry) continue;
    for (const w of parseWaivers(policy, entry)) {
      if (!waived.some((f) => f.policy === policy && f.waiver.resource === w.resource)) unusedWaivers.push({ policy, waiver: w });
    }
  }
  return { violations, waived, unusedWaivers };
}

/** The pack config this repository keeps for a project's stack: policy/config/<project>.<stack>.json, else <project>.json. */
export function defaultPolicyConfigFile(project: string, stack: string): string | undefined {
  return [`${project}.${stack}.json`, `${project}.json`].map((f) => path.join(POLICY_DIR, "config", f)).find((f) => existsSync(f));
}

export async function preflight(opts: PreflightOptions): Promise<PreflightResult> {
  const run = await runProgram(opts);
  const configFile = opts.policyConfigFile ?? defaultPolicyConfigFile(run.project, run.stack);
  const config = configFile ? loadPolicyConfig(configFile) : {};
  const { violations, waived, unusedWaivers } = await evaluatePack({
    resources: run.resources,
    project: run.project,
    stack: run.stack,
    region: run.environment.region,
    config,
  });
  const mandatory = violations.filter((v) => v.level === "mandatory").length;
  return {
    project: run.project,
    stack: run.stack,
    programDir: path.resolve(opts.programDir),
    ...(configFile ? { policyConfigFile: configFile } : {}),
    resourceCount: run.resources.length,
    policyCount: policies.length,
    resources: Object.fromEntries(run.resources.map((r) => [r.urn, { type: r.type, name: r.name }])),
    violations,
    waived,
    unusedWaivers,
    skippedSecrets: run.skippedSecrets,
    mandatory,
    advisory: violations.length - mandatory,
    passed: mandatory === 0,
  };
}
