/**
 * What the fake cloud answers when a Pulumi program runs offline (the infrastructure tests,
 * `npm run preflight`, `npm run cost`): realistic computed outputs (ARNs, ids, endpoints) so
 * dependent inputs resolve, and plausible answers for the data sources AWS programs commonly
 * call. Anything not modelled here fails loudly, naming itself: an unknown data source, and a
 * custom resource type whose outputs nobody wrote down (a guess would flow silently into
 * other resources' inputs).
 */
import { createHash } from "node:crypto";
import { ELB_LOG_DELIVERY_ACCOUNTS } from "../../infra/elb-log-delivery";

export interface MockEnvironment {
  region: string;
  accountId: string;
}

export const DEFAULT_ENVIRONMENT: MockEnvironment = { region: "us-east-1", accountId: "123456789012" };

/** Managed CloudFront policy ids, as AWS documents them. */
export const MANAGED_CLOUDFRONT_POLICIES: Record<string, string> = {
  "Managed-CachingOptimized": "658327ea-f89d-4fab-a63d-7e88639e58f6",
  "Managed-CachingDisabled": "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
  "Managed-CachingOptimizedForUncompressedObjects": "b2884449-e4de-46a7-ac36-70bc7f1ddd6d",
  "Managed-AllViewer": "216adef6-5c7f-47e4-b989-5492eafa07d3",
  "Managed-AllViewerExceptHostHeader": "b689b0a8-53d0-40ab-baf2-68738e2966ac",
  "Managed-CORS-S3Origin": "88a5eaf4-2fd4-4709-b370-b4c650ea3fcf",
  "Managed-UserAgentRefererHeaders": "acba4595-bd28-49b8-b9fe-13317c0390fa",
  "Managed-SecurityHeadersPolicy": "67f7725c-6f97-4210-82d7-5512b31e9d03",
  "Managed-CORS-With-Preflight": "5cc3b908-e619-4b99-88e5-2cf7f45965bd",
  "Managed-SimpleCORS": "60669652-455b-4ae9-85a4-c4c02393f86c",
};

/** A Pulumi-style autoname: `<logical name>-<7 hex>`, deterministic per name. */
export function autoName(name: string): string {
  return `${name}-${createHash("sha256").update(name).digest("hex").slice(0, 7)}`;
}

const PHYSICAL_NAME_KEYS = [
  "name",
  "bucket",
  "clusterIdentifier",
  "identifier",
  "functionName",
  "dashboardName",
  "alarmName",
  "dbProxyEndpointName",
  "stageName",
];

function physicalName(name: string, inputs: Record<string, unknown>): string {
  for (const k of PHYSICAL_NAME_KEYS) {
    const v = inputs[k];
    if (typeof v === "string" && v.length > 0) return v;
  }
  const prefix = inputs.namePrefix ?? inputs.bucketPrefix;
  return typeof prefix === "string" ? `${prefix}${autoName(name).slice(-7)}` : autoName(name);
}

function hex(seed: string, n: number): string {
  let out = "";
  for (let i = 0; out.length < n; i++) out += createHash("sha256").update(`${seed}:${i}`).digest("hex");
  return out.slice(0, n);
}

/**
 * Custom resource types whose outputs the mocks give generically: the physical name and an ARN
 * built from the type and that name. Nothing the programs here read from them needs more (their
 * ids come from mockId). A type in neither this list nor computedOutputs' cases is refused.
 */
const GENERIC_OUTPUT_TYPES: ReadonlySet<string> = new Set([
  "aws:apigateway/account:Account",
  "aws:apigateway/deployment:Deployment",
  "aws:apigateway/integration:Integration",
  "aws:apigateway/method:Method",
  "aws:apigateway/methodSettings:MethodSettings",
  "aws:apigateway/resource:Resource",
  "aws:apigateway/usagePlan:UsagePlan",
  "aws:apigateway/usagePlanKey:UsagePlanKey",
  "aws:appautoscaling/policy:Policy",
  "aws:appautoscaling/target:Target",
  "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
  "aws:ec2/flowLog:FlowLog",
  "aws:ec2/internetGateway:InternetGateway",
  "aws:ec2/natGateway:NatGateway",
  "aws:ec2/route:Route",
  "aws:ec2/routeTable:RouteTable",
  "aws:ec2/routeTableAssociation:RouteTableAssociation",
  "aws:ec2/securityGroupRule:SecurityGroupRule",
  "aws:ec2/vpcEndpoint:VpcEndpoint",
  "aws:ecr/lifecyclePolicy:LifecyclePolicy",
  "aws:iam/rolePolicy:RolePolicy",
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  "aws:kms/alias:Alias",
  "aws:lambda/permission:Permission",
  "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig",
  "aws:lb/listenerRule:ListenerRule",
  "aws:lb/targetGroupAttachment:TargetGroupAttachment",
  "aws:rds/proxyTarget:ProxyTarget",
  "aws:rds/subnetGroup:SubnetGroup",
  "aws:s3/bucketAcl:BucketAcl",
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  "aws:s3/bucketObjectv2:BucketObjectv2",
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  "aws:s3/bucketPolicy:BucketPolicy",
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  "aws:s3/bucketVersioning:BucketVersioning",
  "aws:sns/topicPolicy:TopicPolicy",
  "aws:sns/topicSubscription:TopicSubscription",
  "aws:sqs/redrivePolicy:RedrivePolicy",
  "aws:ssm/parameter:Parameter",
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  "aws:wafv2/webAclAssociation:WebAclAssociation",
  "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
]);

/**
 * Outputs AWS computes, per resource type, merged over the inputs. Component resources
 * (`custom` false) and providers compute nothing; a custom type not modelled here throws.
 */
export function computedOutputs(env: MockEnvironment, type: string, name: string, inputs: Record<string, unknown>, custom = true): Record<string, unknown> {
  const { accountId: acct } = env;
  const region = typeof inputs.region === "string" ? inputs.region : env.region;
  const physical = physicalName(name, inputs);
  const [, mod = "", cls = ""] = type.split(":");
  const service = mod.split("/")[0] ?? "";
  const base: Record<string, unknown> = { arn: `arn:aws:${service}:${region}:${acct}:${cls.toLowerCase()}/${physical}`, name: physical };
  switch (type) {
    case "aws:s3/bucket:Bucket":
      return {
        arn: `arn:aws:s3:::${physical}`,
        bucket: physical,
        bucketDomainName: `${physical}.s3.amazonaws.com`,
        bucketRegionalDomainName: `${physical}.s3.${region}.amazonaws.com`,
        region,
      };
    case "aws:ecr/repository:Repository":
      return {
        ...base,
        arn: `arn:aws:ecr:${region}:${acct}:repository/${physical}`,
        repositoryUrl: `${acct}.dkr.ecr.${region}.amazonaws.com/${physical}`,
        registryId: acct,
      };
    case "docker-build:index:Image": {
      const digest = `sha256:${hex(name, 64)}`;
      const tags = Array.isArray(inputs.tags) ? (inputs.tags as string[]) : [];
      const repo = (tags[0] ?? physical).replace(/:[^:/]+$/, "");
      return { digest, ref: `${repo}@${digest}` };
    }
    case "aws:lambda/function:Function": {
      const arn = `arn:aws:lambda:${region}:${acct}:function:${physical}`;
      const version = inputs.publish ? "1" : "$LATEST";
      return {
        ...base,
        arn,
        invokeArn: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}/invocations`,
        qualifiedArn: `${arn}:${version}`,
        qualifiedInvokeArn: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}:${version}/invocations`,
        version,
      };
    }
    case "aws:lambda/alias:Alias": {
      const fn = String(inputs.functionName ?? "fn");
      const fnArn = fn.startsWith("arn:") ? fn : `arn:aws:lambda:${region}:${acct}:function:${fn}`;
      return { arn: `${fnArn}:${physical}`, invokeArn: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${fnArn}:${physical}/invocations` };
    }
    case "aws:iam/role:Role":
      return { arn: `arn:aws:iam::${acct}:role/${physical}`, name: physical, uniqueId: `AROA${hex(name, 16).toUpperCase()}` };
    case "aws:iam/policy:Policy":
      return { arn: `arn:aws:iam::${acct}:policy/${physical}`, name: physical, policyId: `ANPA${hex(name, 16).toUpperCase()}` };
    case "aws:rds/cluster:Cluster":
      return {
        arn: `arn:aws:rds:${region}:${acct}:cluster:${physical}`,
        clusterIdentifier: physical,
        endpoint: `${physical}.cluster-${hex(acct, 12)}.${region}.rds.amazonaws.com`,
        readerEndpoint: `${physical}.cluster-ro-${hex(acct, 12)}.${region}.rds.amazonaws.com`,
        clusterResourceId: `cluster-${hex(name, 26).toUpperCase()}`,
        port: 5432,
        // RDS creates the master user's secret itself when it manages the password.
        masterUserSecrets: inputs.manageMasterUserPassword
          ? [
              {
                secretArn: `arn:aws:secretsmanager:${region}:${acct}:secret:rds!cluster-${hex(name, 8)}-AbCdEf`,
                kmsKeyId: inputs.masterUserSecretKmsKeyId,
                secretStatus: "active",
              },
            ]
          : [],
      };
    case "aws:rds/clusterInstance:ClusterInstance":
      return {
        arn: `arn:aws:rds:${region}:${acct}:db:${physical}`,
        identifier: physical,
        endpoint: `${physical}.${hex(acct, 12)}.${region}.rds.amazonaws.com`,
        port: 5432,
        writer: inputs.promotionTier === 0,
      };
    case "aws:rds/proxy:Proxy":
      return {
        arn: `arn:aws:rds:${region}:${acct}:db-proxy:prx-${hex(name, 17)}`,
        name: physical,
        endpoint: `${physical}.proxy-${hex(acct, 12)}.${region}.rds.amazonaws.com`,
      };
    case "aws:rds/proxyEndpoint:ProxyEndpoint":
      return {
        arn: `arn:aws:rds:${region}:${acct}:db-proxy-endpoint:prx-endpoint-${hex(name, 17)}`,
        endpoint: `${physical}.endpoint.proxy-${hex(acct, 12)}.${region}.rds.amazonaws.com`,
      };
    case "aws:lb/loadBalancer:LoadBalancer":
      return {
        ...base,
        arn: `arn:aws:elasticloadbalancing:${region}:${acct}:loadbalancer/app/${physical}/${hex(name, 16)}`,
        dnsName: `${physical}-${hex(name, 9)}.${region}.elb.amazonaws.com`,
        arnSuffix: `app/${physical}/${hex(name, 16)}`,
        zoneId: "Z35SXDOTRQ7X7K",
      };
    case "aws:lb/targetGroup:TargetGroup":
      return {
        ...base,
        arn: `arn:aws:elasticloadbalancing:${region}:${acct}:targetgroup/${physical}/${hex(name, 16)}`,
        arnSuffix: `targetgroup/${physical}/${hex(name, 16)}`,
      };
    case "aws:lb/listener:Listener":
      return { arn: `arn:aws:elasticloadbalancing:${region}:${acct}:listener/app/${physical}/${hex(name, 16)}` };
    case "aws:apigateway/restApi:RestApi": {
      const id = hex(name, 10);
      return {
        ...base,
        arn: `arn:aws:apigateway:${region}::/restapis/${id}`,
        rootResourceId: hex(`${name}root`, 10),
        executionArn: `arn:aws:execute-api:${region}:${acct}:${id}`,
      };
    }
    case "aws:apigateway/stage:Stage": {
      // `restApi` is the API's id, which is also the host name's first label.
      const api = String(inputs.restApi);
      return {
        arn: `arn:aws:apigateway:${region}::/restapis/${api}/stages/${inputs.stageName}`,
        invokeUrl: `https://${api}.execute-api.${region}.amazonaws.com/${inputs.stageName}`,
        executionArn: `arn:aws:execute-api:${region}:${acct}:${api}/${inputs.stageName}`,
      };
    }
    case "aws:apigateway/apiKey:ApiKey":
      // A key created with a value keeps it; otherwise API Gateway generates one.
      return { ...base, value: typeof inputs.value === "string" ? inputs.value : hex(name, 40) };
    case "aws:cloudfront/vpcOrigin:VpcOrigin":
      // CloudFront is global: no region in the ARN.
      return { arn: `arn:aws:cloudfront::${acct}:vpcorigin/vo_${hex(name, 22)}` };
    case "aws:cloudfront/distribution:Distribution":
      return {
        arn: `arn:aws:cloudfront::${acct}:distribution/E${hex(name, 13).toUpperCase()}`,
        domainName: `d${hex(name, 13)}.cloudfront.net`,
        hostedZoneId: "Z2FDTNDATAQYW2",
        etag: "E2QWRUHEXAMPLE",
      };
    case "aws:cloudfront/originAccessControl:OriginAccessControl":
    case "aws:cloudfront/cachePolicy:CachePolicy":
    case "aws:cloudfront/originRequestPolicy:OriginRequestPolicy":
    case "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy":
      return { etag: "E2QWRUHEXAMPLE" };
    case "aws:dynamodb/table:Table":
      return {
        arn: `arn:aws:dynamodb:${region}:${acct}:table/${physical}`,
        name: physical,
        streamArn: `arn:aws:dynamodb:${region}:${acct}:table/${physical}/stream/2026-01-01T00:00:00.000`,
      };
    case "aws:secretsmanager/secret:Secret":
      return { arn: `arn:aws:secretsmanager:${region}:${acct}:secret:${physical}-${hex(name, 6)}`, name: physical };
    case "aws:secretsmanager/secretVersion:SecretVersion":
      return { arn: String(inputs.secretId ?? ""), versionId: hex(name, 32) };
    case "aws:cloudwatch/logGroup:LogGroup":
      return { arn: `arn:aws:logs:${region}:${acct}:log-group:${physical}`, name: physical };
    case "aws:cloudwatch/metricAlarm:MetricAlarm":
      return { arn: `arn:aws:cloudwatch:${region}:${acct}:alarm:${physical}` };
    case "aws:cloudwatch/dashboard:Dashboard":
      return { dashboardArn: `arn:aws:cloudwatch::${acct}:dashboard/${physical}` };
    case "aws:sns/topic:Topic":
      return { arn: `arn:aws:sns:${region}:${acct}:${physical}`, name: physical };
    case "aws:sqs/queue:Queue":
      return { arn: `arn:aws:sqs:${region}:${acct}:${physical}`, url: `https://sqs.${region}.amazonaws.com/${acct}/${physical}`, name: physical };
    case "aws:cloudwatch/eventRule:EventRule":
      return {
        arn: `arn:aws:events:${region}:${acct}:rule/${inputs.eventBusName && inputs.eventBusName !== "default" ? `${inputs.eventBusName}/` : ""}${physical}`,
        name: physical,
      };
    case "aws:cloudwatch/eventTarget:EventTarget":
      // `arn` is an input here (the target's ARN), not an output to compute.
      return { targetId: typeof inputs.targetId === "string" ? inputs.targetId : autoName(name) };
    case "aws:sfn/stateMachine:StateMachine":
      return { arn: `arn:aws:states:${region}:${acct}:stateMachine:${physical}`, name: physical, status: "ACTIVE", revisionId: hex(name, 32) };
    case "aws:ecs/cluster:Cluster":
      return { arn: `arn:aws:ecs:${region}:${acct}:cluster/${physical}`, name: physical };
    case "aws:ecs/taskDefinition:TaskDefinition":
      return {
        arn: `arn:aws:ecs:${region}:${acct}:task-definition/${inputs.family}:1`,
        arnWithoutRevision: `arn:aws:ecs:${region}:${acct}:task-definition/${inputs.family}`,
        revision: 1,
      };
    case "aws:ecs/service:Service":
      return { name: physical };
    case "aws:wafv2/webAcl:WebAcl": {
      // CLOUDFRONT-scope ACLs live in us-east-1 under global/; REGIONAL ones under regional/.
      const global = inputs.scope === "CLOUDFRONT";
      return {
        arn: `arn:aws:wafv2:${global ? "us-east-1" : region}:${acct}:${global ? "global" : "regional"}/webacl/${physical}/${hex(name, 8)}-${hex(name, 4)}-${hex(name, 4)}-${hex(name, 4)}-${hex(name, 12)}`,
        name: physical,
        capacity: 700,
        lockToken: hex(name, 32),
      };
    }
    case "aws:codedeploy/application:Application":
      return { arn: `arn:aws:codedeploy:${region}:${acct}:application:${physical}`, name: physical, applicationId: hex(name, 32) };
    case "aws:codedeploy/deploymentGroup:DeploymentGroup":
      return { arn: `arn:aws:codedeploy:${region}:${acct}:deploymentgroup:${inputs.appName}/${inputs.deploymentGroupName}`, deploymentGroupId: hex(name, 32) };
    case "aws:budgets/budget:Budget":
      return { arn: `arn:aws:budgets::${acct}:budget/${physical}`, name: physical, accountId: acct };
    case "aws:lambda/eventSourceMapping:EventSourceMapping":
      return {
        arn: `arn:aws:lambda:${region}:${acct}:event-source-mapping:${hex(name, 8)}-${hex(name, 4)}-${hex(name, 4)}-${hex(name, 4)}-${hex(name, 12)}`,
        uuid: `${hex(name, 8)}-${hex(name, 4)}-${hex(name, 4)}-${hex(name, 4)}-${hex(name, 12)}`,
        state: "Enabled",
      };
    case "aws:kms/key:Key":
      return {
        arn: `arn:aws:kms:${region}:${acct}:key/${hex(name, 8)}-${hex(name, 4)}-${hex(name, 4)}-${hex(name, 4)}-${hex(name, 12)}`,
        keyId: `${hex(name, 8)}-${hex(name, 4)}-${hex(name, 4)}-${hex(name, 4)}-${hex(name, 12)}`,
      };
    case "aws:ec2/vpc:Vpc":
      return {
        arn: `arn:aws:ec2:${region}:${acct}:vpc/vpc-${hex(name, 17)}`,
        defaultSecurityGroupId: `sg-${hex(name, 17)}`,
        mainRouteTableId: `rtb-${hex(name, 17)}`,
      };
    case "aws:ec2/subnet:Subnet":
      return { arn: `arn:aws:ec2:${region}:${acct}:subnet/subnet-${hex(name, 17)}` };
    case "aws:ec2/securityGroup:SecurityGroup":
      return { arn: `arn:aws:ec2:${region}:${acct}:security-group/sg-${hex(name, 17)}`, name: physical };
    case "aws:ec2/eip:Eip":
      // One address per EIP (documentation range), so several NAT gateways do not share one.
      return { publicIp: `203.0.113.${10 + Number(/(\d+)$/.exec(name)?.[1] ?? 0)}`, allocationId: `eipalloc-${hex(name, 17)}` };
    case "random:index/randomPassword:RandomPassword":
    case "random:index/randomString:RandomString":
      // Distinct per resource and per keepers: new keepers draw a new value, as the provider does.
      return { result: hex(`${name}|${JSON.stringify(inputs.keepers ?? {})}`, Number(inputs.length ?? 32)) };
    case "random:index/randomBytes:RandomBytes": {
      const bytes = Buffer.from(hex(name, Number(inputs.length ?? 32) * 2), "hex");
      return { base64: bytes.toString("base64"), hex: bytes.toString("hex") };
    }
    case "random:index/randomId:RandomId": {
      const bytes = Buffer.from(hex(name, Number(inputs.byteLength ?? 8) * 2), "hex");
      return {
        hex: bytes.toString("hex"),
        b64Url: bytes.toString("base64url"),
        b64Std: bytes.toString("base64"),
        dec: BigInt(`0x${bytes.toString("hex")}`).toString(),
      };
    }
    case "aws:lambda/invocation:Invocation":
      // What the migration function answers when it has nothing to apply.
      return { result: JSON.stringify({ ok: true, applied: [] }) };
    case "aws:cloudfront/function:Function":
      // CloudFront is global: its ARNs carry no region.
      return {
        arn: `arn:aws:cloudfront::${acct}:function/${physical}`,
        name: physical,
        etag: "ETVPDKIKX0DER",
        liveStageEtag: "ETVPDKIKX0DER",
        status: "UNASSOCIATED",
      };
    case "aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup":
      // RDS creates one target group per proxy and always names it "default".
      return { arn: `arn:aws:rds:${region}:${acct}:target-group:prx-tg-${hex(name, 17)}`, name: "default" };
    default:
      if (!custom || type.startsWith("pulumi:providers:")) return {};
      if (GENERIC_OUTPUT_TYPES.has(type)) return base;
      throw new Error(
        `preflight mock: no computed outputs for resource type "${type}" (resource "${name}"); ` +
          "add what AWS returns for it to scripts/pulumi-mocks/answers.ts (or list it among the types with generic outputs)",
      );
  }
}

/** Mock ids: what AWS would return as the resource's id. */
export function mockId(type: string, name: string, inputs: Record<string, unknown>, state: Record<string, unknown>): string {
  switch (type) {
    case "aws:ec2/vpc:Vpc":
      return `vpc-${hex(name, 17)}`;
    case "aws:ec2/subnet:Subnet":
      return `subnet-${hex(name, 17)}`;
    case "aws:ec2/securityGroup:SecurityGroup":
      return `sg-${hex(name, 17)}`;
    case "aws:s3/bucket:Bucket":
      return String(state.bucket);
    case "aws:lambda/function:Function":
    case "aws:dynamodb/table:Table":
    case "aws:iam/role:Role":
    case "aws:cloudwatch/logGroup:LogGroup":
      return String(state.name);
    case "aws:lb/loadBalancer:LoadBalancer":
    case "aws:lb/targetGroup:TargetGroup":
    case "aws:secretsmanager/secret:Secret":
    case "aws:sns/topic:Topic":
    case "aws:iam/policy:Policy":
      return String(state.arn);
    case "aws:rds/cluster:Cluster":
      return String(state.clusterIdentifier);
    case "aws:rds/clusterInstance:ClusterInstance":
      return String(state.identifier);
    case "aws:rds/proxy:Proxy":
      return String(state.name);
    case "aws:apigateway/restApi:RestApi":
      return hex(name, 10);
    default:
      return typeof inputs.name === "string" && type.startsWith("aws:") ? `${inputs.name}` : `${name}-${hex(name, 8)}`;
  }
}

/** Answers one data-source call. */
export type CallHandler = (env: MockEnvironment, args: Record<string, unknown>) => Record<string, unknown>;

/** The password of the mocked ECR authorization token. */
export const MOCK_ECR_PASSWORD = "mock-ecr-password";

interface PolicyStatementInput {
  sid?: string;
  effect?: string;
  actions?: string[];
  notActions?: string[];
  resources?: string[];
  notResources?: string[];
  principals?: { type: string; identifiers: string[] }[];
  conditions?: { test: string; variable: string; values: string[] }[];
}

/** Renders aws.iam.getPolicyDocument's JSON the way the provider does (single values unwrapped). */
export function renderPolicyDocument(args: Record<string, unknown>): string {
  const one = (v: string[] | undefined) => (v && v.length === 1 ? v[0] : v);
  const statements = ((args.statements as PolicyStatementInput[] | undefined) ?? []).map((s) => {
    const out: Record<string, unknown> = {};
    if (s.sid) out.Sid = s.sid;
    out.Effect = s.effect ?? "Allow";
    if (s.actions) out.Action = one(s.actions);
    if (s.notActions) out.NotAction = one(s.notActions);
    if (s.resources) out.Resource = one(s.resources);
    if (s.notResources) out.NotResource = one(s.notResources);
    if (s.principals) {
      const p: Record<string, unknown> = {};
      for (const pr of s.principals) p[pr.type] = one(pr.identifiers);
      // The provider writes a lone {type "*", identifiers ["*"]} as "*" (internal/service/iam/policy_model.go).
      const everyone = s.principals.length === 1 && s.principals[0]!.type === "*" && one(s.principals[0]!.identifiers) === "*";
      out.Principal = everyone ? "*" : p;
    }
    if (s.conditions) {
      const c: Record<string, Record<string, unknown>> = {};
      for (const cond of s.conditions) (c[cond.test] ??= {})[cond.variable] = one(cond.values);
      out.Condition = c;
    }
    return out;
  });
  return JSON.stringify({ Version: (args.version as string) ?? "2012-10-17", Statement: statements }, null, 2);
}

export const CALLS: Record<string, CallHandler> = {
  "aws:index/getAvailabilityZones:getAvailabilityZones": (env) => ({
    id: env.region,
    names: ["a", "b", "c"].map((z) => `${env.region}${z}`),
    zoneIds: [1, 2, 3].map((i) => `${env.region.replace(/-/g, "").slice(0, 4)}-az${i}`),
    groupNames: [env.region],
  }),
  "aws:index/getCallerIdentity:getCallerIdentity": (env) => ({
    id: env.accountId,
    accountId: env.accountId,
    arn: `arn:aws:iam::${env.accountId}:user/preflight`,
    userId: "AIDAPREFLIGHTEXAMPLE",
  }),
  "aws:index/getRegion:getRegion": (env) => ({
    id: env.region,
    name: env.region,
    region: env.region,
    endpoint: `ec2.${env.region}.amazonaws.com`,
    description: env.region,
  }),
  "aws:index/getPartition:getPartition": () => ({ id: "aws", partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" }),
  "aws:iam/getPolicyDocument:getPolicyDocument": (_env, args) => {
    const json = renderPolicyDocument(args);
    return { id: createHash("sha256").update(json).digest("hex").slice(0, 10), json, minifiedJson: JSON.stringify(JSON.parse(json)) };
  },
  "aws:ecr/getAuthorizationToken:getAuthorizationToken": (env, args) => {
    const registryId = typeof args.registryId === "string" ? args.registryId : env.accountId;
    return {
      id: env.region,
      registryId,
      authorizationToken: Buffer.from(`AWS:${MOCK_ECR_PASSWORD}`).toString("base64"),
      userName: "AWS",
      password: MOCK_ECR_PASSWORD,
      proxyEndpoint: `https://${registryId}.dkr.ecr.${env.region}.amazonaws.com`,
      expiresAt: "2099-01-01T00:00:00Z",
      region: env.region,
    };
  },
  "aws:elb/getServiceAccount:getServiceAccount": (env) => {
    // The provider's own table; like the data source, a Region outside it is an error.
    const acct = ELB_LOG_DELIVERY_ACCOUNTS[env.region];
    if (!acct)
      throw new Error(`preflight mock: getServiceAccount: unsupported AWS Region "${env.region}" (Elastic Load Balancing has no log-delivery account there)`);
    return { id: acct, arn: `arn:aws:iam::${acct}:root` };
  },
  "aws:cloudfront/getCachePolicy:getCachePolicy": (_env, args) => managedPolicy("cache", args),
  "aws:cloudfront/getOriginRequestPolicy:getOriginRequestPolicy": (_env, args) => managedPolicy("origin request", args),
  "aws:cloudfront/getResponseHeadersPolicy:getResponseHeadersPolicy": (_env, args) => managedPolicy("response headers", args),
};

function managedPolicy(kind: string, args: Record<string, unknown>): Record<string, unknown> {
  const name = String(args.name ?? "");
  const id = MANAGED_CLOUDFRONT_POLICIES[name];
  if (!id)
    throw new Error(`preflight mock: unknown managed CloudFront ${kind} policy "${name}" (known: ${Object.keys(MANAGED_CLOUDFRONT_POLICIES).join(", ")})`);
  return { id, name };
}

/** Answers a data-source call (from `calls`, by default the built-in answers) or throws naming the token. */
export function answerCall(
  env: MockEnvironment,
  token: string,
  args: Record<string, unknown>,
  calls: Readonly<Record<string, CallHandler>> = CALLS,
): Record<string, unknown> {
  const handler = calls[token];
  if (!handler) {
    throw new Error(
      `preflight mock: no answer for data source "${token}"; it reads existing cloud state, which the offline runner cannot see (add it to scripts/pulumi-mocks/answers.ts if it has a safe placeholder)`,
    );
  }
  return handler(env, args);
}
