/**
 * Runs a Pulumi TypeScript/JavaScript program directory under the mocks (scripts/pulumi-mocks)
 * - no CLI, no cloud - with the config `pulumi up` would give it: the project's defaults from
 * Pulumi.yaml, then Pulumi.<stack>.yaml, then overrides. The program's own copy of
 * @pulumi/pulumi is used (resolved from its directory).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parse as parseYaml } from "yaml";
import type { MockEnvironment } from "../pulumi-mocks/answers";
import { runUnderMocks, type RecordedResource } from "../pulumi-mocks/session";

export type { RecordedResource };

export interface ProgramRun {
  project: string;
  stack: string;
  config: Record<string, string>;
  environment: MockEnvironment;
  resources: RecordedResource[];
  /** Config entries of the stack file that were encrypted and so left out. */
  skippedSecrets: string[];
}

export interface ProgramOptions {
  programDir: string;
  stack?: string;
  /** `key=value` overrides; keys without a namespace get the project's. */
  config?: Record<string, string>;
}

interface ProjectFile {
  name?: string;
  runtime?: string | { name?: string };
  main?: string;
}

/** Reads Pulumi.yaml: project name, runtime and main. */
export function readProject(programDir: string): { name: string; main: string } {
  const file = ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(programDir, f)).find((f) => existsSync(f));
  if (!file) throw new Error(`no Pulumi.yaml in ${programDir}; --program must point at a Pulumi project directory`);
  const doc = (parseYaml(readFileSync(file, "utf8")) ?? {}) as ProjectFile;
  if (!doc.name) throw new Error(`${file} has no "name"`);
  const runtime = typeof doc.runtime === "string" ? doc.runtime : doc.runtime?.name;
  if (runtime !== "nodejs") throw new Error(`${file}: runtime "${runtime}" is not supported; preflight runs nodejs (TypeScript/JavaScript) programs`);
  let main = doc.main ? path.resolve(programDir, doc.main) : programDir;
  if (!doc.main) {
    const pkgFile = path.join(programDir, "package.json");
    const pkgMain = existsSync(pkgFile) ? (JSON.parse(readFileSync(pkgFile, "utf8")) as { main?: string }).main : undefined;
    if (pkgMain) main = path.resolve(programDir, pkgMain);
  }
  if (existsSync(main) && !main.match(/\.[cm]?[jt]s$/)) {
    main = ["index.ts", "index.js"].map((f) => path.join(main, f)).find((f) => existsSync(f)) ?? main;
  }
  if (!existsSync(main)) throw new Error(`program entry ${main} does not exist (from Pulumi.yaml main / package.json main / index.ts)`);
  return { name: doc.name, main };
}

/** Config defaults declared in Pulumi.yaml (`config: key: value` or `key: { default: value }`). */
export function readProjectConfig(programDir: string, project: string): Record<string, string> {
  const file = ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(programDir, f)).find((f) => existsSync(f));
  const out: Record<string, string> = {};
  if (!file) return out;
  const doc = (parseYaml(readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
  for (const [rawKey, raw] of Object.entries(doc.config ?? {})) {
    const isSpec = raw !== null && typeof raw === "object" && !Array.isArray(raw) && ("default" in raw || "type" in raw || "value" in raw);
    const value = isSpec ? ((raw as { value?: unknown; default?: unknown }).value ?? (raw as { default?: unknown }).default) : raw;
    if (value === undefined || value === null) continue;
    out[qualify(rawKey, project)] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return out;
}

/** Reads Pulumi.<stack>.yaml's config as the strings the SDK sees; encrypted values are skipped and listed. */
export function readStackConfig(programDir: string, project: string, stack: string): { config: Record<string, string>; skippedSecrets: string[] } {
  const config: Record<string, string> = readProjectConfig(programDir, project);
  const skippedSecrets: string[] = [];
  const file = stackConfigFile(programDir, stack);
  if (!file) return { config, skippedSecrets };
  const doc = (parseYaml(readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
  for (const [rawKey, value] of Object.entries(doc.config ?? {})) {
    const key = qualify(rawKey, project);
    if (value && typeof value === "object" && "secure" in (value as object)) {
      skippedSecrets.push(key);
      continue;
    }
    config[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return { config, skippedSecrets };
}

function stackConfigFile(programDir: string, stack: string): string | undefined {
  return [`Pulumi.${stack}.yaml`, `Pulumi.${stack}.yml`].map((f) => path.join(programDir, f)).find((f) => existsSync(f));
}

function missingStackNote(programDir: string, stack: string): string {
  const stacks = readdirSync(programDir)
    .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
    .filter((s): s is string => !!s);
  return `(no Pulumi.${stack}.yaml in ${programDir}: stack "${stack}" has only --config and the project's defaults; stacks with a config file: ${stacks.join(", ") || "none"})`;
}

export function qualify(key: string, project: string): string {
  return key.includes(":") ? key : `${project}:${key}`;
}

/**
 * The stack outputs of a program module, as Pulumi's Node.js language host derives them
 * (@pulumi/pulumi cmd/run/run.js): a CommonJS module's exports (its `default` under import()),
 * an ES module's default export or else its named exports; a function among them is called
 * (`export = async () => ({...})`) and its result is the outputs.
 */
async function programExports(mod: Record<string, unknown>): Promise<Record<string, unknown>> {
  const exported = Object.getOwnPropertyDescriptor(mod, "default") !== undefined ? mod.default : mod;
  const value = await (typeof exported === "function" ? (exported as () => unknown)() : exported);
  return value && typeof value === "object" ? { ...(value as Record<string, unknown>) } : {};
}

/** Program entry files already imported by this process. */
const programsRun = new Set<string>();

/** Runs the program in `programDir` under mocks and returns what it registered. Throws if the program fails. */
export async function runProgram(opts: ProgramOptions): Promise<ProgramRun> {
  const programDir = path.resolve(opts.programDir);
  const { name: project, main } = readProject(programDir);
  const stack = opts.stack ?? "dev";
  const { config: fileConfig, skippedSecrets } = readStackConfig(programDir, project, stack);
  const config = { ...fileConfig };
  for (const [k, v] of Object.entries(opts.config ?? {})) config[qualify(k, project)] = v;
  const ranBefore = programsRun.has(main);
  programsRun.add(main);
  let run: Awaited<ReturnType<typeof runUnderMocks>>;
  try {
    run = await runUnderMocks({ project, stack, config, resolveFrom: programDir }, async () => programExports(await import(pathToFileURL(main).href)));
  } catch (err) {
    // A misspelt --stack reads no config file, and the program then misses its required keys: say which.
    if (!stackConfigFile(programDir, stack)) (err as Error).message += `\n${missingStackNote(programDir, stack)}`;
    throw err;
  }
  const { environment, resources } = run;
  // A module body runs once per process: a program that builds its resources at import registers
  // nothing the second time. Say so rather than report a clean run of an empty stack.
  if (ranBefore && resources.every((r) => r.type === "pulumi:pulumi:Stack")) {
    throw new Error(
      `${main} already ran in this process and registered nothing this time (a module runs once per process); ` +
        "run each program once per process: the CLI, or one test file per run",
    );
  }
  return { project, stack, config, environment, resources, skippedSecrets };
}
