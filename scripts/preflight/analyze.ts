/**
 * Evaluates a policy pack over recorded resources with @pulumi/policy's own analyzer
 * functions (the ones its gRPC server serves to the Pulumi engine): we build the same
 * AnalyzeRequest / AnalyzeStackRequest protobufs the engine sends, so property
 * deserialization, the type filter, not-applicable handling, enforcement levels and the
 * violation messages are the analyzer's, not a re-implementation.
 *
 * Policy-pack config (what `--policy-pack-config` gives the engine) is applied the way
 * the engine and analyzer apply it: "all" then per-policy enforcement levels override the
 * policy's own, schema defaults are filled in, and getConfig() returns the properties.
 */
import { createRequire } from "node:module";
import type { EnforcementLevel, Policies, Policy, PolicyConfigSchema, ResourceValidation, StackValidation } from "@pulumi/policy";
import type { RecordedResource } from "./program";

const req = createRequire(import.meta.url);
const serverPath = req.resolve("@pulumi/policy/server");
const policyRequire = createRequire(serverPath);

type Rpc = (call: { request: unknown }, cb: (err: Error | null, resp?: AnalyzeResponse) => void) => void;
const server = policyRequire(serverPath) as {
  makeAnalyzeRpcFun(pack: string, version: string, level: EnforcementLevel, policies: Policies): Rpc;
  makeAnalyzeStackRpcFun(pack: string, version: string, level: EnforcementLevel, policies: Policies): Rpc;
};
const proto = policyRequire("@pulumi/pulumi/proto/analyzer_pb") as Record<string, new () => ProtoMsg> & { EnforcementLevel: Record<string, number> };
const structPb = createRequire(policyRequire.resolve("@pulumi/pulumi/proto/analyzer_pb"))("google-protobuf/google/protobuf/struct_pb") as {
  Struct: { fromJavaScript(v: Record<string, unknown>): unknown };
};

// Protobuf message objects are built through their generated setters.
type ProtoMsg = Record<string, (...args: unknown[]) => unknown>;
interface AnalyzeDiagnostic {
  getPolicyname(): string;
  getMessage(): string;
  getUrn(): string;
  getDescription(): string;
  getEnforcementlevel(): number;
}
export interface AnalyzeResponse {
  getDiagnosticsList(): AnalyzeDiagnostic[];
}

export type Level = "advisory" | "mandatory" | "remediate" | "disabled";

export interface Violation {
  policy: string;
  level: "advisory" | "mandatory";
  /** The resource in violation; undefined for a stack-wide finding. */
  urn?: string;
  /** The analyzer's message: the policy's description, a newline, then the specific finding. */
  message: string;
  /** The specific finding (the message without the description line). */
  detail: string;
}

/** A policy pack config as `pulumi preview --policy-pack-config` reads it. */
export type PolicyPackConfig = Record<string, Level | ({ enforcementLevel?: Level } & Record<string, unknown>)>;

const LEVELS: Level[] = ["advisory", "mandatory", "remediate", "disabled"];

export interface ResolvedConfig {
  level?: Level;
  properties: Record<string, unknown>;
}

/** Checks a pack config against the pack's policies and schemas; throws naming the key and the allowed values. */
export function resolveConfig(policies: Policies, config: PolicyPackConfig): Map<string, ResolvedConfig> {
  const names = new Set(policies.map((p) => p.name));
  for (const key of Object.keys(config)) {
    if (key !== "all" && !names.has(key)) throw new Error(`policy config: unknown policy "${key}"; the pack's policies are: ${[...names].join(", ")}`);
  }
  const all = config.all;
  if (all !== undefined && (typeof all !== "string" || !LEVELS.includes(all))) throw new Error(`policy config: "all" must be one of ${LEVELS.join(", ")}`);
  const out = new Map<string, ResolvedConfig>();
  for (const p of policies) {
    const entry = config[p.name];
    const resolved: ResolvedConfig = { properties: {}, level: all as Level | undefined };
    const schema: PolicyConfigSchema | undefined = p.configSchema;
    for (const [k, s] of Object.entries(schema?.properties ?? {})) {
      if (typeof s === "object" && s.default !== undefined) resolved.properties[k] = structuredClone(s.default);
    }
    if (typeof entry === "string") {
      if (!LEVELS.includes(entry)) throw new Error(`policy config: "${p.name}" must be one of ${LEVELS.join(", ")} or an object`);
      resolved.level = entry;
    } else if (entry && typeof entry === "object") {
      const { enforcementLevel, ...props } = entry;
      if (enforcementLevel !== undefined) {
        if (!LEVELS.includes(enforcementLevel)) throw new Error(`policy config: "${p.name}".enforcementLevel must be one of ${LEVELS.join(", ")}`);
        resolved.level = enforcementLevel;
      }
      for (const [k, v] of Object.entries(props)) {
        if (!schema?.properties?.[k])
          throw new Error(`policy config: "${p.name}" has no property "${k}"; allowed: enforcementLevel, ${Object.keys(schema?.properties ?? {}).join(", ")}`);
        resolved.properties[k] = v;
      }
      for (const k of schema?.required ?? []) {
        if (resolved.properties[k] === undefined) throw new Error(`policy config: "${p.name}" requires "${k}"`);
      }
    }
    out.set(p.name, resolved);
  }
  return out;
}

type Tagged = { __pulumiType?: string };

function withConfig<F extends ResourceValidation | StackValidation>(fn: F, properties: Record<string, unknown>): F {
  const wrapped = ((args: { getConfig: unknown }, report: unknown) =>
    (fn as (a: unknown, r: unknown) => unknown)({ ...args, getConfig: () => structuredClone(properties) }, report)) as unknown as F;
  const type = (fn as Tagged).__pulumiType;
  if (type) (wrapped as Tagged).__pulumiType = type;
  return wrapped;
}

/**
 * The policies as the analyzer sees them once the engine has configured it: the config's
 * enforcement level takes precedence over the policy's own, getConfig() returns the properties.
 */
export function configurePolicies(policies: Policies, config: Map<string, ResolvedConfig>): Policies {
  return policies.map((p) => {
    const c = config.get(p.name) ?? { properties: {} };
    const copy = { ...p, enforcementLevel: c.level ?? p.enforcementLevel } as Policy & Record<string, unknown>;
    const vr = (p as { validateResource?: ResourceValidation | ResourceValidation[] }).validateResource;
    if (vr) copy.validateResource = Array.isArray(vr) ? vr.map((v) => withConfig(v, c.properties)) : withConfig(vr, c.properties);
    const vs = (p as { validateStack?: StackValidation }).validateStack;
    if (vs) copy.validateStack = withConfig(vs, c.properties);
    return copy as Policies[number];
  });
}

function struct(v: Record<string, unknown>): unknown {
  return structPb.Struct.fromJavaScript(v);
}

function options(r: RecordedResource): ProtoMsg {
  const o = new proto.AnalyzerResourceOptions!();
  o.setProtect!(r.protect);
  o.setIgnorechangesList!(r.ignoreChanges);
  o.setAliasesList!(r.aliases);
  o.setAdditionalsecretoutputsList!(r.additionalSecretOutputs);
  if (r.deleteBeforeReplace !== undefined) {
    o.setDeletebeforereplace!(r.deleteBeforeReplace);
    o.setDeletebeforereplacedefined!(true);
  }
  const t = new (proto.AnalyzerResourceOptions as unknown as { CustomTimeouts: new () => ProtoMsg }).CustomTimeouts();
  t.setCreate!(r.customTimeouts.create);
  t.setUpdate!(r.customTimeouts.update);
  t.setDelete!(r.customTimeouts.delete);
  o.setCustomtimeouts!(t);
  if (r.parent) o.setParent!(r.parent);
  return o;
}

export interface ProviderInfo {
  type: string;
  urn: string;
  name: string;
  props: Record<string, unknown>;
}

function providerProto(p: ProviderInfo): ProtoMsg {
  const m = new proto.AnalyzerProviderResource!();
  m.setType!(p.type);
  m.setUrn!(p.urn);
  m.setName!(p.name);
  m.setProperties!(struct(p.props));
  return m;
}

function call(rpc: Rpc, request: unknown): Promise<AnalyzeResponse> {
  return new Promise((resolve, reject) => rpc({ request }, (err, resp) => (err ? reject(err) : resolve(resp!))));
}

function levelName(n: number): "advisory" | "mandatory" {
  const entry = Object.entries(proto.EnforcementLevel).find(([, v]) => v === n);
  return entry?.[0] === "MANDATORY" || entry?.[0] === "REMEDIATE" ? "mandatory" : "advisory";
}

export interface AnalyzeInput {
  packName: string;
  packVersion: string;
  policies: Policies;
  config?: PolicyPackConfig;
  resources: RecordedResource[];
  /** Provider of resources that name none (the engine's default provider for the package). */
  defaultProvider?: (pkg: string) => ProviderInfo | undefined;
}

/** The engine's requests for a set of resources: one AnalyzeRequest each, one AnalyzeStackRequest. */
export interface EngineRequests {
  perResource: { urn: string; request: unknown }[];
  stack: unknown;
}

export function engineRequests(resources: RecordedResource[], defaultProvider?: AnalyzeInput["defaultProvider"]): EngineRequests {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const providerOf = (r: RecordedResource): ProviderInfo | undefined => {
    if (r.providerRef) {
      const urn = r.providerRef.slice(0, r.providerRef.lastIndexOf("::"));
      const p = byUrn.get(urn);
      if (p) return { type: p.type, urn: p.urn, name: p.name, props: p.inputs };
    }
    if (!r.custom || r.type.startsWith("pulumi:providers:")) return undefined;
    return defaultProvider?.(r.type.split(":")[0]!);
  };

  const perResource = resources.map((r) => {
    const request = new proto.AnalyzeRequest!();
    request.setType!(r.type);
    request.setName!(r.name);
    request.setUrn!(r.urn);
    request.setProperties!(struct(r.inputs));
    request.setOptions!(options(r));
    const provider = providerOf(r);
    if (provider) request.setProvider!(providerProto(provider));
    return { urn: r.urn, request };
  });

  const stack = new proto.AnalyzeStackRequest!();
  stack.setResourcesList!(
    resources.map((r) => {
      const m = new proto.AnalyzerResource!();
      m.setType!(r.type);
      m.setName!(r.name);
      m.setUrn!(r.urn);
      m.setProperties!(struct(r.outputs));
      m.setOptions!(options(r));
      if (r.parent) m.setParent!(r.parent);
      m.setDependenciesList!(r.dependencies);
      const deps = m.getPropertydependenciesMap!() as { set(k: string, v: unknown): void };
      for (const [k, urns] of Object.entries(r.propertyDependencies)) {
        const pd = new proto.AnalyzerPropertyDependencies!();
        pd.setUrnsList!(urns);
        deps.set(k, pd);
      }
      const provider = providerOf(r);
      if (provider) m.setProvider!(providerProto(provider));
      return m;
    }),
  );
  return { perResource, stack };
}

/** Converts an analyzer response to violations (resource diagnostics carry no URN: the engine adds the resource's). */
export function toViolations(resp: AnalyzeResponse, policies: Policies, urn?: string): Violation[] {
  const descriptions = new Map(policies.map((p) => [p.name, p.description]));
  return resp.getDiagnosticsList().map((d) => {
    const description = descriptions.get(d.getPolicyname()) ?? d.getDescription();
    const message = d.getMessage();
    const detail = message.startsWith(`${description}\n`) ? message.slice(description.length + 1) : message;
    const v: Violation = { policy: d.getPolicyname(), level: levelName(d.getEnforcementlevel()), message, detail };
    const at = d.getUrn() || urn;
    if (at) v.urn = at;
    return v;
  });
}

/** Runs Analyze on every resource and AnalyzeStack once, as `pulumi preview --policy-pack` does. */
export async function analyze(input: AnalyzeInput): Promise<Violation[]> {
  const configured = configurePolicies(input.policies, resolveConfig(input.policies, input.config ?? {}));
  const analyzeRpc = server.makeAnalyzeRpcFun(input.packName, input.packVersion, "advisory", configured);
  const analyzeStackRpc = server.makeAnalyzeStackRpcFun(input.packName, input.packVersion, "advisory", configured);
  const requests = engineRequests(input.resources, input.defaultProvider);
  const violations: Violation[] = [];
  for (const { urn, request } of requests.perResource) violations.push(...toViolations(await call(analyzeRpc, request), input.policies, urn));
  violations.push(...toViolations(await call(analyzeStackRpc, requests.stack), input.policies));
  return violations;
}
