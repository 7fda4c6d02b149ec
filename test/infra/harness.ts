/**
 * The infrastructure tests' view of the Pulumi mocks (scripts/pulumi-mocks, which the preflight
 * and the cost tool use too): install them for a stack config, let the code under test register
 * its resources, wait for them, and query what was registered.
 */
import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { answerCall, DEFAULT_ENVIRONMENT, type CallHandler, type MockEnvironment } from "../../scripts/pulumi-mocks/answers";
import { installMocks as installSessionMocks, type MockSession, type PulumiSdk, type RecordedResource } from "../../scripts/pulumi-mocks/session";

const ROOT = path.resolve(__dirname, "../..");

/** The account and region the tests' stacks run in. */
export const TEST_ENVIRONMENT: MockEnvironment = { ...DEFAULT_ENVIRONMENT, region: "eu-west-1" };
export const MOCK_ACCOUNT_ID = TEST_ENVIRONMENT.accountId;
export const MOCK_REGION = TEST_ENVIRONMENT.region;
export const MOCK_AZS: string[] = answerCall(TEST_ENVIRONMENT, "aws:index/getAvailabilityZones:getAvailabilityZones", {}).names as string[];

export interface RegisteredResource {
  urn: string;
  type: string;
  name: string;
  id: string;
  /** Inputs as the program passed them (resolved). */
  inputs: Record<string, any>;
  /** Inputs plus the computed outputs the mock added (arn, endpoint, ...). */
  state: Record<string, any>;
  /** URNs this resource was registered as depending on (dependsOn plus inputs from other resources). */
  dependencies: string[];
  /** The `retainOnDelete` resource option (Pulumi forgets instead of deleting on destroy). */
  retainOnDelete: boolean;
  /** The `protect` resource option (destroy and replacement refuse). */
  protect: boolean;
  /** The `ignoreChanges` resource option. */
  ignoreChanges: string[];
  /** The `deleteBeforeReplace` resource option. */
  deleteBeforeReplace: boolean;
  /** The URNs the `aliases` option names (what the engine would match against the previous state). */
  aliases: string[];
}

/** The tag context components get in tests: the config defaults, with a test suffix. */
export function testTags(environmentSuffix: string): { environmentSuffix: string; project: string; costCenter: string; owner: string } {
  return { environmentSuffix, project: "ecommerce-platform", costCenter: "engineering", owner: "platform-team" };
}

export const registered: RegisteredResource[] = [];

/** Data-source answers a test file puts in place of the built-in ones. */
const callOverrides: Record<string, CallHandler> = {};

/** Answers a data source differently for the rest of this test file. */
export function addCallMock(token: string, handler: (args: Record<string, any>) => Record<string, any>): void {
  callOverrides[token] = (_env, args) => handler(args);
}

let session: MockSession | undefined;

/**
 * Installs the mocks with the given stack config (keys without the project prefix).
 * Call before importing the program; import the program fresh (vi.resetModules) per run.
 */
export async function installMocks(config: Record<string, string>, opts: { project?: string; stack?: string } = {}): Promise<void> {
  const project = opts.project ?? "ecommerce-platform";
  registered.length = 0;
  const all: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) all[k.includes(":") ? k : `${project}:${k}`] = v;
  session = await installSessionMocks({
    project,
    stack: opts.stack ?? "dev",
    config: all,
    resolveFrom: ROOT,
    environment: TEST_ENVIRONMENT,
    calls: callOverrides,
    onRecord: (r, index) => registered.splice(index, 0, testView(r, session!.pulumi)),
  });
}

/** A recorded registration as tests read it: properties deserialized the way the SDK's mock monitor hands them over. */
function testView(r: RecordedResource, sdk: PulumiSdk): RegisteredResource {
  const deserialize = (props: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(props)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, sdk.runtime.deserializeProperty(v)]),
    );
  return {
    urn: r.urn,
    type: r.type,
    name: r.name,
    id: r.id ?? "",
    inputs: deserialize(r.inputs),
    state: deserialize(r.outputs),
    dependencies: r.dependencies,
    retainOnDelete: r.retainOnDelete ?? false,
    protect: r.protect,
    ignoreChanges: r.ignoreChanges,
    deleteBeforeReplace: r.deleteBeforeReplace ?? false,
    aliases: r.aliases,
  };
}

/** True when `resource` was registered with a dependency on `on` (via dependsOn or an input it consumes). */
export function dependsOn(resource: RegisteredResource, on: RegisteredResource): boolean {
  return resource.dependencies.some((urn) => urn.endsWith(`$${on.type}::${on.name}`) || urn.endsWith(`::${on.type}::${on.name}`));
}

/** Resolves a Pulumi output to its value (under mocks every value is known). */
export function resolve<T>(output: pulumi.Input<T>): Promise<T> {
  return new Promise((res) =>
    pulumi.output(output).apply((v) => {
      res(v as T);
      return v;
    }),
  );
}

/** Waits until the program has registered everything (no RPC outstanding); throws what failed under the mocks. */
export async function settle(): Promise<void> {
  if (!session) throw new Error("settle() before installMocks()");
  await session.settled();
}

/** Pulumi's marker key for a secret value in serialized inputs: `{ [SECRET_SIG]: ..., value }`. */
export const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** True when a recorded input was passed as a Pulumi secret. */
export function isSecret(value: unknown): boolean {
  return typeof value === "object" && value !== null && SECRET_SIG in value && "value" in value;
}

/** The plain value of a recorded input, whether or not it was passed as a secret. */
export function unsecret<T = any>(value: unknown): T {
  return (isSecret(value) ? (value as { value: T }).value : value) as T;
}

export function ofType(type: string): RegisteredResource[] {
  return registered.filter((r) => r.type === type);
}

export function oneOfType(type: string): RegisteredResource {
  const found = ofType(type);
  if (found.length !== 1) throw new Error(`expected exactly one ${type}, found ${found.length}: ${found.map((r) => r.name).join(", ")}`);
  return found[0]!;
}
