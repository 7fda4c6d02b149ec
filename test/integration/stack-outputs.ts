/**
 * Where the post-deploy suite finds the platform it checks, in this order:
 *   1. STACK_OUTPUTS_FILE: a JSON file (`pulumi stack output --json --show-secrets > f`, or the local format);
 *   2. the Pulumi CLI, if installed: `pulumi stack output --json --show-secrets` (stack: PULUMI_STACK or the selected one);
 *   3. `<LOCAL_DATA_DIR or .local>/stack-outputs.json`, written by the local platform (`npm start`) while it runs.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
export const LOCAL_OUTPUTS_FILE = path.join(REPO_ROOT, ".local", "stack-outputs.json");

/** Where the local platform writes its outputs: its data directory (LOCAL_DATA_DIR, default .local). */
export function localOutputsFile(env: NodeJS.ProcessEnv = process.env): string {
  return env.LOCAL_DATA_DIR ? path.join(path.resolve(REPO_ROOT, env.LOCAL_DATA_DIR), "stack-outputs.json") : LOCAL_OUTPUTS_FILE;
}

/** Outputs of a deployed stack that the suite uses. */
export interface AwsStackOutputs {
  albDnsName: string;
  cloudfrontDomainName: string;
  apiUrl: string;
  apiKeyValue: string;
  [key: string]: unknown;
}

/** What the local platform writes while it runs. */
export interface LocalStackOutputs {
  platform: "local";
  baseUrl: string;
  adminToken: string;
}

export type Target =
  { kind: "aws"; source: string; outputs: AwsStackOutputs } | { kind: "local"; source: string; outputs: LocalStackOutputs } | { kind: "none"; reason: string };

export const REQUIRED_AWS_OUTPUTS = ["albDnsName", "cloudfrontDomainName", "apiUrl", "apiKeyValue"] as const;

/** Classifies a parsed outputs object, or throws naming what is missing. */
export function classifyOutputs(raw: unknown, source: string): Target {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new Error(`${source}: stack outputs must be a JSON object`);
  const outputs = raw as Record<string, unknown>;
  if (outputs.platform === "local") {
    for (const key of ["baseUrl", "adminToken"]) {
      if (typeof outputs[key] !== "string" || outputs[key] === "") throw new Error(`${source}: local outputs need "${key}" (a non-empty string)`);
    }
    return { kind: "local", source, outputs: outputs as unknown as LocalStackOutputs };
  }
  const missing = REQUIRED_AWS_OUTPUTS.filter((key) => typeof outputs[key] !== "string" || outputs[key] === "");
  if (missing.length > 0) {
    throw new Error(
      `${source}: stack outputs lack ${missing.join(", ")} (export them from infra/index.ts; apiKeyValue is secret, so read outputs with --show-secrets)`,
    );
  }
  return { kind: "aws", source, outputs: outputs as AwsStackOutputs };
}

function pulumiCliAvailable(env: NodeJS.ProcessEnv): boolean {
  const probe = spawnSync("pulumi", ["version"], { stdio: "ignore", timeout: 15_000, env });
  return probe.status === 0;
}

function readPulumiOutputs(env: NodeJS.ProcessEnv): unknown | undefined {
  const args = ["stack", "output", "--json", "--show-secrets"];
  if (env.PULUMI_STACK) args.push("--stack", env.PULUMI_STACK);
  try {
    const text = execFileSync("pulumi", args, { cwd: REPO_ROOT, env, encoding: "utf8", timeout: 120_000, stdio: ["ignore", "pipe", "pipe"] });
    const parsed = JSON.parse(text);
    return Object.keys(parsed).length > 0 ? parsed : undefined;
  } catch {
    return undefined; // no stack selected, not logged in, or nothing deployed: fall through to the local file
  }
}

export function findTarget(env: NodeJS.ProcessEnv = process.env, localFile: string = localOutputsFile(env)): Target {
  if (env.STACK_OUTPUTS_FILE) {
    const file = path.resolve(env.STACK_OUTPUTS_FILE);
    if (!existsSync(file)) throw new Error(`STACK_OUTPUTS_FILE=${env.STACK_OUTPUTS_FILE} does not exist`);
    return classifyOutputs(JSON.parse(readFileSync(file, "utf8")), file);
  }
  if (pulumiCliAvailable(env)) {
    const outputs = readPulumiOutputs(env);
    if (outputs !== undefined) return classifyOutputs(outputs, "pulumi stack output");
  }
  if (existsSync(localFile)) return classifyOutputs(JSON.parse(readFileSync(localFile, "utf8")), localFile);
  return {
    kind: "none",
    reason: `no stack outputs found: set STACK_OUTPUTS_FILE, deploy a stack and install the Pulumi CLI, or run the local platform (\`npm start\`, which writes ${shownPath(localFile)})`,
  };
}

/** A path inside the repository relative to it, anything else absolute (a "../.." path names nothing readable). */
function shownPath(file: string): string {
  const relative = path.relative(REPO_ROOT, file);
  return relative && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : file;
}
