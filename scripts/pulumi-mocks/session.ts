/**
 * Runs Pulumi code under the mocks (answers.ts): installs them into a copy of @pulumi/pulumi,
 * records every resource registration as the engine would receive it, and waits for the
 * program's outstanding RPCs. The infrastructure tests, the preflight and the cost tool all
 * run Pulumi code through this module.
 *
 * The SDK is resolved from a directory (the program's own copy), so a program with its own
 * node_modules runs against the SDK it was written for.
 */
import { createRequire } from "node:module";
import path from "node:path";
import { answerCall, CALLS, computedOutputs, DEFAULT_ENVIRONMENT, mockId, type CallHandler, type MockEnvironment } from "./answers";

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
  /** The `retainOnDelete` option, when given: a destroy forgets the resource instead of deleting it. */
  retainOnDelete?: boolean;
  /** The URNs this resource may have had before (`aliases`: given as URNs, or derived from name/type/parent as the engine does). */
  aliases: string[];
  additionalSecretOutputs: string[];
  customTimeouts: { create: number; update: number; delete: number };
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  id?: string;
}

export interface MockOptions {
  project: string;
  stack: string;
  /** Fully qualified config (`project:key`, `aws:region`). */
  config: Record<string, string>;
  /** Directory from which to resolve @pulumi/pulumi (the program's own copy). */
  resolveFrom: string;
  /** Region and account the mocks answer for; the region defaults to config `aws:region`, else DEFAULT_ENVIRONMENT's. */
  environment?: Partial<MockEnvironment>;
  /** Data-source answers replacing the built-in ones, by token. */
  calls?: Readonly<Record<string, CallHandler>>;
  /** Called with each registration as it is recorded, and its place in the session's resources. */
  onRecord?: (resource: RecordedResource, index: number) => void;
}

export type PulumiSdk = typeof import("@pulumi/pulumi");

export interface MockSession {
  environment: MockEnvironment;
  /** The SDK the mocks are installed in. */
  pulumi: PulumiSdk;
  /** Every registration so far, in the order the code made them. */
  resources: RecordedResource[];
  /**
   * Resolves once no RPC is outstanding (every resource the code started, including those
   * created in apply callbacks, is registered); throws every failure seen under the mocks.
   */
  settled(): Promise<void>;
  /** Stops collecting failures for this session. */
  close(): void;
}

/* The SDK's protobuf request/response objects, typed by the accessors used here. */
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
  hasRetainondelete(): boolean;
  getRetainondelete(): boolean;
  getIgnorechangesList(): string[];
  getDeletebeforereplace(): boolean;
  getDeletebeforereplacedefined(): boolean;
  getAliasurnsList(): string[];
  /** Structured aliases, which the SDK sends when the monitor supports them (the mock monitor does). */
  getAliasesList(): AliasMessage[];
  getAdditionalsecretoutputsList(): string[];
  getCustomtimeouts(): { getCreate(): string; getUpdate(): string; getDelete(): string } | undefined;
  getObject(): StructLike | undefined;
}
interface AliasMessage {
  getUrn(): string;
  getSpec(): { getName(): string; getType(): string; getStack(): string; getProject(): string; getParenturn(): string; getNoparent(): boolean } | undefined;
}

/**
 * The URN an alias names, as the engine resolves it: a URN as given, or one built from the spec,
 * each part defaulting to the resource's own (Pulumi's `createUrn`: the parent's type chain prefixes
 * the type, except for the stack itself).
 */
function aliasUrn(alias: AliasMessage, req: RegisterRequest, context: { project: string; stack: string }): string {
  if (alias.getUrn()) return alias.getUrn();
  const spec = alias.getSpec()!;
  const stack = spec.getStack() || context.stack;
  const project = spec.getProject() || context.project;
  const parentUrn = spec.getNoparent() ? "" : spec.getParenturn() || req.getParent();
  const parentPrefix = parentUrn ? parentUrn.substring(0, parentUrn.lastIndexOf("::")) + "$" : "";
  const prefix = !parentPrefix || parentPrefix.endsWith("::pulumi:pulumi:Stack$") ? `urn:pulumi:${stack}::${project}::` : parentPrefix;
  return `${prefix}${spec.getType() || req.getType()}::${spec.getName() || req.getName()}`;
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
interface SdkSettings {
  getMonitor(): Monitor;
  waitForRPCs(): Promise<void>;
}
interface SdkState {
  getStore(): { settings: { rpcDone: Promise<unknown> } };
}

function seconds(duration: string | undefined): number {
  if (!duration) return 0;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(duration);
  if (!m) return 0;
  const n = Number(m[1]);
  return m[2] === "ms" ? n / 1000 : m[2] === "m" ? n * 60 : m[2] === "h" ? n * 3600 : n;
}

function record(req: RegisterRequest, resp: RegisterResponse, context: { project: string; stack: string }): RecordedResource {
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
    aliases: [...req.getAliasurnsList(), ...req.getAliasesList().map((alias) => aliasUrn(alias, req, context))],
    additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
    customTimeouts: { create: seconds(timeouts?.getCreate()), update: seconds(timeouts?.getUpdate()), delete: seconds(timeouts?.getDelete()) },
    inputs: req.getObject()?.toJavaScript() ?? {},
    outputs: resp.getObject()?.toJavaScript() ?? {},
  };
  if (req.getParent()) r.parent = req.getParent();
  if (req.getProvider()) r.providerRef = req.getProvider();
  if (req.getDeletebeforereplacedefined()) r.deleteBeforeReplace = req.getDeletebeforereplace();
  if (req.hasRetainondelete()) r.retainOnDelete = req.getRetainondelete();
  if (resp.getId()) r.id = resp.getId();
  return r;
}

/** The SDK copy a directory resolves, with the runtime internals the session drives. */
function loadSdk(resolveFrom: string): { pulumi: PulumiSdk; sdkRequire: NodeJS.Require } {
  const programRequire = createRequire(path.join(path.resolve(resolveFrom), "package.json"));
  let entry: string;
  try {
    entry = programRequire.resolve("@pulumi/pulumi");
  } catch {
    throw new Error(`cannot resolve @pulumi/pulumi from ${resolveFrom}; install the program's dependencies first (npm install)`);
  }
  const sdkRequire = createRequire(entry);
  return { pulumi: sdkRequire(entry) as PulumiSdk, sdkRequire };
}

/** The session whose failures are being collected; a new installation closes it. */
let current: MockSession | undefined;

/** Installs the mocks with `opts.config` and starts recording. Code that registers resources may run once this resolves. */
export async function installMocks(opts: MockOptions): Promise<MockSession> {
  current?.close();
  const { project, stack, config } = opts;
  const environment: MockEnvironment = { ...DEFAULT_ENVIRONMENT, region: config["aws:region"] ?? DEFAULT_ENVIRONMENT.region, ...opts.environment };
  const calls = { ...CALLS, ...opts.calls };
  const { pulumi, sdkRequire } = loadSdk(opts.resolveFrom);
  const settings = sdkRequire("./runtime/settings") as SdkSettings;
  const state = sdkRequire("./runtime/state") as SdkState;

  const resources: RecordedResource[] = [];
  const byUrn = new Map<string, RecordedResource>();
  const failures: Error[] = [];
  const onRejection = (reason: unknown) => failures.push(reason instanceof Error ? reason : new Error(String(reason)));
  process.on("unhandledRejection", onRejection);

  pulumi.runtime.setAllConfig(config);
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const outputs = { ...args.inputs, ...computedOutputs(environment, args.type, args.name, args.inputs, args.custom ?? true) };
        return { id: mockId(args.type, args.name, args.inputs, outputs), state: outputs };
      },
      call(args) {
        try {
          return answerCall(environment, args.token, args.inputs, calls);
        } catch (e) {
          // The SDK rethrows a failed invoke as new Error(details), or reports it only as a
          // serialization error of the property that used it: carry the message and keep the cause.
          const error = Object.assign(e as Error, { details: (e as Error).message });
          failures.push(error);
          throw error;
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
  // Registrations complete out of order (the mock monitor serializes each state asynchronously);
  // keep them in the order the program made them, as the engine sees them.
  const order = new Map<RecordedResource, number>();
  let requests = 0;
  monitor.registerResource = (req, cb) => {
    const seq = requests++;
    register(req, (err, resp) => {
      if (!err && resp) {
        const r = record(req, resp, { project, stack });
        let index = resources.length;
        while (index > 0 && order.get(resources[index - 1]!)! > seq) index--;
        resources.splice(index, 0, r);
        order.set(r, seq);
        byUrn.set(r.urn, r);
        opts.onRecord?.(r, index);
      }
      cb(err, resp);
    });
  };
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req, cb) => {
    const r = byUrn.get(req.getUrn());
    if (r) r.outputs = req.getOutputs()?.toJavaScript() ?? {};
    registerOutputs(req, cb);
  };

  const session: MockSession = {
    environment,
    pulumi,
    resources,
    async settled() {
      // waitForRPCs returns when the RPCs it knows of are done; an apply callback queued behind
      // the last of them may start another. The mocks do no I/O, so one macrotask turn runs
      // every queued callback: if none started an RPC, the program is done.
      for (;;) {
        await settings.waitForRPCs();
        const idle = state.getStore().settings.rpcDone;
        await new Promise((resolve) => setImmediate(resolve));
        if (state.getStore().settings.rpcDone === idle) break;
      }
      if (failures.length > 0) {
        const messages = [...new Set(failures.map((f) => f.message))];
        throw new Error(`the program failed under mocks:\n${messages.map((m) => `  - ${m}`).join("\n")}`);
      }
    },
    close() {
      process.off("unhandledRejection", onRejection);
      if (current === session) current = undefined;
    },
  };
  current = session;
  return session;
}

/**
 * Runs `body` (which creates resources and may return the stack's outputs) as a Pulumi stack under mocks and returns what it registered.
 * Throws if the body or any registration fails.
 */
export async function runUnderMocks(opts: MockOptions, body: () => Promise<unknown>): Promise<{ environment: MockEnvironment; resources: RecordedResource[] }> {
  const session = await installMocks(opts);
  try {
    const stackModule = loadSdk(opts.resolveFrom).sdkRequire("./runtime/stack") as { runInPulumiStack(init: () => Promise<unknown>): Promise<unknown> };
    // What the body returns becomes the stack's outputs (recorded on the pulumi:pulumi:Stack resource).
    await stackModule.runInPulumiStack(async () => (await body()) ?? {});
    await session.settled();
  } finally {
    session.close();
  }
  return { environment: session.environment, resources: session.resources };
}
