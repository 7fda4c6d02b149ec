/**
 * Runs Pulumi programs under mocks and records every resource they register,
 * with its inputs fully resolved, so tests can assert on what `pulumi up` would create.
 *
 * The mocks fail loudly: a data-source call they do not know throws.
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";

export const MOCK_ACCOUNT_ID = "123456789012";
export const MOCK_REGION = "eu-west-1";
export const MOCK_AZS = ["eu-west-1a", "eu-west-1b", "eu-west-1c"];

export interface RegisteredResource {
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
}

/** Managed CloudFront policy ids, as AWS documents them. */
export const MANAGED_POLICY_IDS: Record<string, string> = {
  "Managed-CachingOptimized": "658327ea-f89d-4fab-a63d-7e88639e58f6",
  "Managed-CachingDisabled": "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
  "Managed-AllViewerExceptHostHeader": "b689b0a8-53d0-40ab-baf2-68738e2966ac",
  "Managed-AllViewer": "216adef6-5c7f-47e4-b989-5492eafa07d3",
};

type CallHandler = (args: Record<string, any>) => Record<string, any>;

const CALLS: Record<string, CallHandler> = {
  "aws:index/getAvailabilityZones:getAvailabilityZones": () => ({
    id: MOCK_REGION,
    names: MOCK_AZS,
    zoneIds: ["euw1-az1", "euw1-az2", "euw1-az3"],
  }),
  "aws:index/getCallerIdentity:getCallerIdentity": () => ({
    id: MOCK_ACCOUNT_ID,
    accountId: MOCK_ACCOUNT_ID,
    arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/test`,
    userId: "AIDAEXAMPLE",
  }),
  "aws:index/getRegion:getRegion": () => ({ id: MOCK_REGION, name: MOCK_REGION, region: MOCK_REGION, endpoint: `ec2.${MOCK_REGION}.amazonaws.com` }),
  "aws:index/getPartition:getPartition": () => ({ id: "aws", partition: "aws", dnsSuffix: "amazonaws.com" }),
  "aws:cloudfront/getCachePolicy:getCachePolicy": (args) => {
    const id = MANAGED_POLICY_IDS[args.name];
    if (!id) throw new Error(`mock: unknown managed cache policy ${args.name}`);
    return { id, name: args.name };
  },
  "aws:ecr/getAuthorizationToken:getAuthorizationToken": (args) => ({
    id: MOCK_REGION,
    registryId: args.registryId ?? MOCK_ACCOUNT_ID,
    userName: "AWS",
    password: "mock-ecr-password",
    authorizationToken: Buffer.from("AWS:mock-ecr-password").toString("base64"),
    proxyEndpoint: `https://${args.registryId ?? MOCK_ACCOUNT_ID}.dkr.ecr.${MOCK_REGION}.amazonaws.com`,
    expiresAt: "2030-01-01T00:00:00Z",
    region: MOCK_REGION,
  }),
  "aws:cloudfront/getOriginRequestPolicy:getOriginRequestPolicy": (args) => {
    const id = MANAGED_POLICY_IDS[args.name];
    if (!id) throw new Error(`mock: unknown managed origin request policy ${args.name}`);
    return { id, name: args.name };
  },
};

/** Registers an extra data-source call handler for a test file. */
export function addCallMock(token: string, handler: CallHandler): void {
  CALLS[token] = handler;
}

function arnFor(type: string, name: string): string {
  const service = type.split(":")[1]!.split("/")[0]!;
  return `arn:aws:${service}:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:${type.split(":")[2]!.toLowerCase()}/${name}`;
}

/** Outputs AWS computes, per resource type, so dependent inputs resolve to realistic values. */
function computedOutputs(type: string, name: string, inputs: Record<string, any>): Record<string, any> {
  const physical = inputs.name ?? inputs.bucket ?? inputs.clusterIdentifier ?? inputs.identifier ?? `${name}-physical`;
  const base: Record<string, any> = { arn: arnFor(type, physical) };
  switch (type) {
    case "aws:s3/bucket:Bucket":
      return { ...base, arn: `arn:aws:s3:::${physical}`, bucket: physical, bucketRegionalDomainName: `${physical}.s3.${MOCK_REGION}.amazonaws.com` };
    case "aws:ecr/repository:Repository":
      return { ...base, repositoryUrl: `${MOCK_ACCOUNT_ID}.dkr.ecr.${MOCK_REGION}.amazonaws.com/${physical}`, registryId: MOCK_ACCOUNT_ID };
    case "docker-build:index:Image":
      return { digest: "sha256:" + "a".repeat(64), ref: `${inputs.tags?.[0] ?? physical}@sha256:${"a".repeat(64)}` };
    case "aws:lambda/function:Function":
      return {
        ...base,
        arn: `arn:aws:lambda:${inputs.region ?? MOCK_REGION}:${MOCK_ACCOUNT_ID}:function:${physical}`,
        invokeArn: `arn:aws:apigateway:${MOCK_REGION}:lambda:path/2015-03-31/functions/arn:aws:lambda:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:function:${physical}/invocations`,
        qualifiedArn: `arn:aws:lambda:${inputs.region ?? MOCK_REGION}:${MOCK_ACCOUNT_ID}:function:${physical}:1`,
        version: inputs.publish ? "1" : "$LATEST",
        name: physical,
      };
    case "aws:lambda/alias:Alias": {
      const aliasArn = `arn:aws:lambda:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:function:${inputs.functionName}:${inputs.name}`;
      return {
        arn: aliasArn,
        invokeArn: `arn:aws:apigateway:${MOCK_REGION}:lambda:path/2015-03-31/functions/${aliasArn}/invocations`,
      };
    }
    case "aws:lambda/invocation:Invocation":
      return { result: JSON.stringify({ ok: true, applied: [] }) };
    case "aws:rds/cluster:Cluster":
      return {
        ...base,
        arn: `arn:aws:rds:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:cluster:${physical}`,
        endpoint: `${physical}.cluster-abc.${MOCK_REGION}.rds.amazonaws.com`,
        readerEndpoint: `${physical}.cluster-ro-abc.${MOCK_REGION}.rds.amazonaws.com`,
        clusterResourceId: "cluster-ABCDEFGHIJKL",
        port: 5432,
        // RDS creates the master user's secret itself when it manages the password.
        masterUserSecrets: inputs.manageMasterUserPassword
          ? [{ secretArn: `arn:aws:secretsmanager:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:secret:rds!cluster-0a1b2c3d-AbCdEf`, kmsKeyId: inputs.masterUserSecretKmsKeyId, secretStatus: "active" }]
          : [],
      };
    case "aws:rds/proxy:Proxy":
      return { ...base, arn: `arn:aws:rds:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:db-proxy:prx-0123456789abcdef0`, endpoint: `${physical}.proxy-abc.${MOCK_REGION}.rds.amazonaws.com` };
    case "aws:rds/proxyEndpoint:ProxyEndpoint":
      return { ...base, endpoint: `${inputs.dbProxyEndpointName}.endpoint.proxy-abc.${MOCK_REGION}.rds.amazonaws.com` };
    case "aws:lb/loadBalancer:LoadBalancer":
      return { ...base, dnsName: `${physical}-123.${MOCK_REGION}.elb.amazonaws.com`, arnSuffix: `app/${physical}/0123456789abcdef`, zoneId: "Z32O12XQLNTSW2" };
    case "aws:lb/targetGroup:TargetGroup":
      return { ...base, arnSuffix: `targetgroup/${physical}/0123456789abcdef` };
    case "aws:apigateway/restApi:RestApi":
      return { ...base, rootResourceId: "root123", executionArn: `arn:aws:execute-api:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:abc123` };
    case "aws:apigateway/apiKey:ApiKey":
      return { ...base, value: inputs.value ?? "k".repeat(40) };
    case "aws:apigateway/stage:Stage":
      return { ...base, invokeUrl: `https://abc123.execute-api.${MOCK_REGION}.amazonaws.com/${inputs.stageName}`, executionArn: `arn:aws:execute-api:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:abc123/${inputs.stageName}` };
    case "aws:cloudfront/function:Function":
      // CloudFront is global: its ARNs carry no region.
      return { ...base, arn: `arn:aws:cloudfront::${MOCK_ACCOUNT_ID}:function/${physical}`, etag: "ETVPDKIKX0DER", liveStageEtag: "ETVPDKIKX0DER", status: "UNASSOCIATED" };
    case "aws:cloudfront/vpcOrigin:VpcOrigin":
      // CloudFront is global: no region in the ARN; ids look like vo_<22 chars>.
      return { ...base, arn: `arn:aws:cloudfront::${MOCK_ACCOUNT_ID}:vpcorigin/vo_0a1b2c3d4e5f6a7b8c9d0e` };
    case "aws:cloudfront/distribution:Distribution":
      return { ...base, domainName: "d111111abcdef8.cloudfront.net", hostedZoneId: "Z2FDTNDATAQYW2" };
    case "aws:dynamodb/table:Table":
      return { ...base, arn: `arn:aws:dynamodb:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:table/${physical}` };
    case "aws:secretsmanager/secret:Secret":
      return { ...base, arn: `arn:aws:secretsmanager:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:secret:${physical}-AbCdEf` };
    case "aws:cloudwatch/logGroup:LogGroup":
      return { ...base, arn: `arn:aws:logs:${inputs.region ?? MOCK_REGION}:${MOCK_ACCOUNT_ID}:log-group:${physical}` };
    case "aws:wafv2/webAcl:WebAcl":
      // CLOUDFRONT-scope ACLs are "global" in their ARN, REGIONAL ones "regional".
      return { ...base, arn: `arn:aws:wafv2:${inputs.region ?? MOCK_REGION}:${MOCK_ACCOUNT_ID}:${inputs.scope === "CLOUDFRONT" ? "global" : "regional"}/webacl/${physical}/0a1b2c3d`, capacity: 900 };
    case "aws:sns/topic:Topic":
      return { ...base, arn: `arn:aws:sns:${inputs.region ?? MOCK_REGION}:${MOCK_ACCOUNT_ID}:${physical}` };
    case "aws:ec2/eip:Eip":
      return { ...base, publicIp: `203.0.113.${10 + Number(/(\d+)$/.exec(name)?.[1] ?? 0)}`, allocationId: `eipalloc-${name}` };
    case "aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup":
      return { ...base, name: "default" };
    case "aws:rds/clusterInstance:ClusterInstance":
      return { ...base, endpoint: `${physical}.abc.${MOCK_REGION}.rds.amazonaws.com`, writer: inputs.promotionTier === 0 };
    case "aws:kms/key:Key":
      return { ...base, keyId: "1234abcd-12ab-34cd-56ef-1234567890ab" };
    case "aws:iam/role:Role":
      return { ...base, arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/${physical}`, name: physical };
    case "random:index/randomPassword:RandomPassword":
    case "random:index/randomString:RandomString": {
      // Letters and digits, distinct per resource and per keepers (new keepers draw a new value, as the provider does).
      const length = inputs.length ?? 32;
      const seed = createHash("sha256").update(`${name}|${JSON.stringify(inputs.keepers ?? {})}`).digest("hex");
      return { result: seed.repeat(Math.ceil(length / seed.length)).slice(0, length) };
    }
    case "random:index/randomId:RandomId":
      return { hex: "0a1b2c".slice(0, 2 * (inputs.byteLength ?? 3)), b64Url: "Chss", b64Std: "Chss", dec: "662316" };
    case "random:index/randomBytes:RandomBytes":
      return { base64: Buffer.alloc(inputs.length ?? 32, 7).toString("base64"), hex: "07".repeat(inputs.length ?? 32) };
    default:
      return base;
  }
}

/** The tag context components get in tests: the config defaults, with a test suffix. */
export function testTags(environmentSuffix: string): { environmentSuffix: string; project: string; costCenter: string; owner: string } {
  return { environmentSuffix, project: "ecommerce-platform", costCenter: "engineering", owner: "platform-team" };
}

export const registered: RegisteredResource[] = [];

/**
 * Installs the mocks with the given stack config (keys without the project prefix).
 * Call before importing the program; import the program fresh (vi.resetModules) per run.
 */
export async function installMocks(config: Record<string, string>, opts: { project?: string; stack?: string } = {}): Promise<void> {
  const project = opts.project ?? "ecommerce-platform";
  registered.length = 0;
  const all: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) all[k.includes(":") ? k : `${project}:${k}`] = v;
  pulumi.runtime.setAllConfig(all);
  await pulumi.runtime.setMocks(
    {
      newResource(args: pulumi.runtime.MockResourceArgs) {
        const state = { ...args.inputs, ...computedOutputs(args.type, args.name, args.inputs) };
        const id = `${args.name}-id`;
        const dependencies = currentRegistration?.getDependenciesList() ?? [];
        const reg = currentRegistration;
        registered.push({
          type: args.type,
          name: args.name,
          id,
          inputs: args.inputs,
          state,
          dependencies,
          retainOnDelete: reg?.getRetainondelete?.() ?? false,
          protect: reg?.getProtect?.() ?? false,
          ignoreChanges: reg?.getIgnorechangesList?.() ?? [],
          deleteBeforeReplace: reg?.getDeletebeforereplace?.() ?? false,
        });
        return { id, state };
      },
      call(args: pulumi.runtime.MockCallArgs) {
        const handler = CALLS[args.token];
        try {
          if (!handler) throw new Error(`mock not implemented: ${args.token}`);
          return handler(args.inputs);
        } catch (error) {
          // Pulumi rethrows invoke failures as new Error(err.details): carry the message there too.
          throw Object.assign(error as Error, { details: (error as Error).message });
        }
      },
    },
    project,
    opts.stack ?? "dev",
    false,
  );
  captureDependencies();
}

/** The registration request being handled; the mock monitor calls newResource synchronously from it. */
let currentRegistration:
  | {
      getDependenciesList(): string[];
      getRetainondelete?(): boolean | undefined;
      getProtect?(): boolean | undefined;
      getIgnorechangesList?(): string[];
      getDeletebeforereplace?(): boolean;
    }
  | undefined;

/** Wraps the mock monitor so each recorded resource carries the dependencies it was registered with. */
function captureDependencies(): void {
  const monitor = pulumi.runtime.getMonitor() as any;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, callback: any) => {
    currentRegistration = req;
    try {
      return register(req, callback);
    } finally {
      currentRegistration = undefined;
    }
  };
}

/** True when `resource` was registered with a dependency on `on` (via dependsOn or an input it consumes). */
export function dependsOn(resource: RegisteredResource, on: RegisteredResource): boolean {
  return resource.dependencies.some((urn) => urn.endsWith(`$${on.type}::${on.name}`) || urn.endsWith(`::${on.type}::${on.name}`));
}

/** Resolves a Pulumi output to its value (under mocks every value is known). */
export function resolve<T>(output: pulumi.Input<T>): Promise<T> {
  return new Promise((res) => pulumi.output(output).apply((v) => { res(v as T); return v; }));
}

/** Waits until the program has registered everything (no RPC outstanding). */
export async function settle(): Promise<void> {
  // Outputs resolve across many microtask/macrotask turns; wait until the count stops growing.
  let last = -1;
  let stable = 0;
  while (stable < 5) {
    await new Promise((r) => setTimeout(r, 10));
    if (registered.length === last) stable++;
    else { stable = 0; last = registered.length; }
  }
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
