/**
 * Runs a Pulumi TypeScript/JavaScript program under mocks - no CLI, no cloud - and records
 * every resource registration as the engine would see it: type, name, URN, parent,
 * dependencies, property dependencies, provider, options, inputs and outputs.
 *
 * The program's own copy of @pulumi/pulumi is used (resolved from its directory), so a
 * program with its own node_modules runs against the SDK it was written for.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parse as parseYaml } from "yaml";
import { answerCall, computedOutputs, DEFAULT_ENVIRONMENT, mockId, type MockEnvironment } from "./mocks";

/** One registered resource, with properties in the engine's serialized form (secrets and assets as signature objects). */
export interface RecordedResource {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  parent?: string;
  /** Provider reference `urn::id`, when the resource names a provider explicitly. */
  providerRef?: string;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  protect: boolean;
  ignoreChanges: string[];
  deleteBeforeReplace?: boolean;
  aliases: string[];
  additionalSecretOutputs: string[];
  customTimeouts: { create: number; update: number; delete: number };
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  id?: string;
}

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

/* The SDK's protobuf request/response objects, typed by the accessors we use. */
interface StructLike {
  toJavaScript(): Record<string, unknown>;
}
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getCustom(): boolean;
  getParent(): string;
  getProvider(): string;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): { forEach(cb: (v: { getUrnsList(): string[] }, k: string) => void): void };
  getProtect(): boolean | undefined;
  getIgnorechangesList(): string[];
  getDeletebeforereplace(): boolean;
  getDeletebeforereplacedefined(): boolean;
  getAliasurnsList(): string[];
  getAdditionalsecretoutputsList(): string[];
  getCustomtimeouts(): { getCreate(): string; getUpdate(): string; getDelete(): string } | undefined;
  getObject(): StructLike | undefined;
}
interface RegisterResponse {
  getUrn(): string;
  getId(): string;
  getObject(): StructLike | undefined;
}
type Callback<T> = (err: Error | null, resp?: T) => void;
interface Monitor {
  registerResource(req: RegisterRequest, cb: Callback<RegisterResponse>): void;
  registerResourceOutputs(req: { getUrn(): string; getOutputs(): StructLike | undefined }, cb: Callback<unknown>): void;
}

function seconds(duration: string | undefined): number {
  if (!duration) return 0;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(duration);
  if (!m) return 0;
  const n = Number(m[1]);
  return m[2] === "ms" ? n / 1000 : m[2] === "m" ? n * 60 : m[2] === "h" ? n * 3600 : n;
}

function record(req: RegisterRequest, resp: RegisterResponse): RecordedResource {
  const propertyDependencies: Record<string, string[]> = {};
  req.getPropertydependenciesMap().forEach((v, k) => (propertyDependencies[k] = v.getUrnsList()));
  const timeouts = req.getCustomtimeouts();
  const r: RecordedResource = {
    urn: resp.getUrn(),
    type: req.getType(),
    name: req.getName(),
    custom: req.getCustom(),
    dependencies: req.getDependenciesList(),
    propertyDependencies,
    protect: req.getProtect() ?? false,
    ignoreChanges: req.getIgnorechangesList(),
    aliases: req.getAliasurnsList(),
    additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
    customTimeouts: { create: seconds(timeouts?.getCreate()), update: seconds(timeouts?.getUpdate()), delete: seconds(timeouts?.getDelete()) },
    inputs: req.getObject()?.toJavaScript() ?? {},
    outputs: resp.getObject()?.toJavaScript() ?? {},
  };
  if (req.getParent()) r.parent = req.getParent();
  if (req.getProvider()) r.providerRef = req.getProvider();
  if (req.getDeletebeforereplacedefined()) r.deleteBeforeReplace = req.getDeletebeforereplace();
  if (resp.getId()) r.id = resp.getId();
  return r;
}

export interface MockRunOptions {
  project: string;
  stack: string;
  /** Fully qualified config (`project:key`, `aws:region`). */
  config: Record<string, string>;
  /** Directory from which to resolve @pulumi/pulumi (the program's own copy). */
  resolveFrom: string;
}

/**
 * Runs `body` (which creates resources and may return the stack's outputs) as a Pulumi stack under mocks and returns what it registered.
 * Throws if the body or any registration fails.
 */
export async function runUnderMocks(opts: MockRunOptions, body: () => Promise<unknown>): Promise<{ environment: MockEnvironment; resources: RecordedResource[] }> {
  const { project, stack, config } = opts;
  const environment: MockEnvironment = { ...DEFAULT_ENVIRONMENT, region: config["aws:region"] ?? DEFAULT_ENVIRONMENT.region };
  const programRequire = createRequire(path.join(path.resolve(opts.resolveFrom), "package.json"));
  let pulumiEntry: string;
  try {
    pulumiEntry = programRequire.resolve("@pulumi/pulumi");
  } catch {
    throw new Error(`cannot resolve @pulumi/pulumi from ${opts.resolveFrom}; install the program's dependencies first (npm install)`);
  }
  const sdkRequire = createRequire(pulumiEntry);
  const pulumi = sdkRequire(pulumiEntry) as typeof import("@pulumi/pulumi");
  const settings = sdkRequire("./runtime/settings") as { getMonitor(): Monitor; waitForRPCs?: () => Promise<void> };
  const stackModule = sdkRequire("./runtime/stack") as { runInPulumiStack(init: () => Promise<unknown>): Promise<unknown> };

  const resources: RecordedResource[] = [];
  const byUrn = new Map<string, RecordedResource>();
  const failures: Error[] = [];
  const onRejection = (reason: unknown) => failures.push(reason instanceof Error ? reason : new Error(String(reason)));
  process.on("unhandledRejection", onRejection);

  pulumi.runtime.setAllConfig(config);
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const outputs = { ...args.inputs, ...computedOutputs(environment, args.type, args.name, args.inputs) };
        return { id: mockId(args.type, args.name, args.inputs, outputs), state: outputs };
      },
      call(args) {
        try {
          return answerCall(environment, args.token, args.inputs);
        } catch (e) {
          // The SDK reports a failed invoke only as a serialization error of the property that used it; keep the cause.
          failures.push(e as Error);
          throw e;
        }
      },
    },
    project,
    stack,
    false,
  );
  // Wrap the mock monitor so each registration is recorded with what the engine receives.
  const monitor = settings.getMonitor();
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) =>
    register(req, (err, resp) => {
      if (!err && resp) {
        const r = record(req, resp);
        resources.push(r);
        byUrn.set(r.urn, r);
      }
      cb(err, resp);
    });
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req, cb) => {
    const r = byUrn.get(req.getUrn());
    if (r) r.outputs = req.getOutputs()?.toJavaScript() ?? {};
    registerOutputs(req, cb);
  };

  try {
    // What the body returns becomes the stack's outputs (recorded on the pulumi:pulumi:Stack resource).
    await stackModule.runInPulumiStack(async () => (await body()) ?? {});
    if (settings.waitForRPCs) await settings.waitForRPCs();
    // Let late registrations and rejections surface.
    await new Promise((r) => setTimeout(r, 50));
  } finally {
    process.off("unhandledRejection", onRejection);
  }
  if (failures.length > 0) {
    const messages = [...new Set(failures.map((f) => f.message))];
    throw new Error(`the program failed under mocks:\n${messages.map((m) => `  - ${m}`).join("\n")}`);
  }
  return { environment, resources };
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
