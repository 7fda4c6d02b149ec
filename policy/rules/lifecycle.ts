/**
 * Lifecycle hazards: programs whose first `pulumi up` works but whose second `up`, an update or
 * `pulumi destroy` fails or harms other stacks. Resource options are read from `args.opts` as the
 * engine hands them to an analyzer (protect, ignoreChanges, deleteBeforeReplace, customTimeouts);
 * the engine does not hand over `retainOnDelete`, so where a fix may be that option a rule says it
 * cannot see it instead of guessing.
 */
import type { PolicyResource, PolicyResourceOptions, ResourceValidationArgs } from "@pulumi/policy";
import { resourcePolicy, stackPolicy } from "../lib/define";
import { edgeAssociations } from "../lib/edge";
import { LAMBDA_MIN_UNRESERVED_CONCURRENCY } from "../lib/limits";
import { asArray, known, label, ofType, refersTo, transitiveDependencies } from "../lib/stack";

const FUNCTION = "aws:lambda/function:Function";
const ALIAS = "aws:lambda/alias:Alias";

/** What every "cannot see retainOnDelete" finding tells the reader. */
export const RETAIN_ON_DELETE_UNSEEN =
  "The policy engine does not pass `retainOnDelete` to analyzers, so this rule cannot see it: if the resource sets it, waive this finding in the pack config with that reason.";

/** A new account's Lambda concurrency quota. */
export const NEW_ACCOUNT_CONCURRENCY = 10;

export const lambdaReservedConcurrencyQuota = resourcePolicy({
  name: "lambda-reserved-concurrency-quota",
  description: "Reserving Lambda concurrency only deploys where the account's quota leaves the unreserved minimum: new accounts (quota 10) cannot reserve any.",
  enforcementLevel: "advisory",
  validateResource: (args, report) => {
    if (args.type !== FUNCTION) return;
    const reserved = known(() => args.props.reservedConcurrentExecutions);
    if (typeof reserved !== "number" || reserved < 1) return;
    report(
      `${label(args)}: reserves ${reserved} concurrent executions. Lambda refuses a reservation that leaves the region's unreserved concurrency below its minimum ` +
        `(${LAMBDA_MIN_UNRESERVED_CONCURRENCY}, or the whole quota where the quota is lower), so the account needs a concurrency quota of at least ${reserved + LAMBDA_MIN_UNRESERVED_CONCURRENCY} here. ` +
        `New accounts start at ${NEW_ACCOUNT_CONCURRENCY} and fail with "decreases account's UnreservedConcurrentExecution below its minimum value of [${NEW_ACCOUNT_CONCURRENCY}]". ` +
        "Check `aws lambda get-account-settings` (ConcurrentExecutions); request an increase, or leave the function unreserved (-1).",
    );
  },
});

function isAbsolutePath(p: unknown): p is string {
  return typeof p === "string" && (p.startsWith("/") || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith("\\\\"));
}

export const dockerBuildRelativePaths = resourcePolicy({
  name: "docker-build-relative-paths",
  description:
    "A docker-build Image's context and Dockerfile locations must be relative to the project directory: the provider diffs them as strings, so an absolute path rebuilds and redeploys from every other checkout path.",
  enforcementLevel: "advisory",
  validateResource: (args, report) => {
    if (args.type !== "docker-build:index:Image") return;
    const where: [string, unknown][] = [
      ["context.location", known(() => args.props.context?.location)],
      ["dockerfile.location", known(() => args.props.dockerfile?.location)],
    ];
    for (const [prop, value] of where) {
      if (isAbsolutePath(value)) {
        report(`${label(args)}: ${prop} "${value}" is absolute; use a path relative to the Pulumi project directory (e.g. path.relative(process.cwd(), dir)).`);
      }
    }
  },
});

const RDS_CLUSTER = "aws:rds/cluster:Cluster";
const RDS_CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance";
const RDS_INSTANCE = "aws:rds/instance:Instance";
/** PostgreSQL engines number versions <major>.<minor>; AWS upgrades the minor in place. */
const POSTGRES_ENGINES = new Set(["aurora-postgresql", "postgres"]);

function pinnedMinor(r: PolicyResource): string | undefined {
  const engine = known(() => r.props.engine);
  const version = known(() => r.props.engineVersion);
  if (typeof engine !== "string" || !POSTGRES_ENGINES.has(engine) || typeof version !== "string") return undefined;
  return /^\d+\.\d+/.test(version) ? version : undefined;
}

function ignoresEngineVersion(opts: PolicyResourceOptions): boolean {
  return opts.ignoreChanges.includes("engineVersion");
}

export const rdsEngineMajorOnly = stackPolicy({
  name: "rds-engine-major-only",
  description:
    "An RDS/Aurora PostgreSQL engine version pinned to a minor, with automatic minor upgrades on, plans a downgrade after AWS upgrades the database, and the update fails; pin the major only (or ignoreChanges engineVersion).",
  enforcementLevel: "advisory",
  validateStack: (args, report) => {
    const clusters = ofType(args.resources, RDS_CLUSTER);
    const instances = [...ofType(args.resources, RDS_CLUSTER_INSTANCE), ...ofType(args.resources, RDS_INSTANCE)];
    if (clusters.length + instances.length === 0) return args.notApplicable("no RDS databases");
    for (const c of clusters) {
      const version = pinnedMinor(c);
      if (!version || ignoresEngineVersion(c.opts)) continue;
      // Aurora applies minor upgrades through the instances' autoMinorVersionUpgrade (default true).
      const members = ofType(args.resources, RDS_CLUSTER_INSTANCE).filter((i) => refersTo(i, c, ["clusterIdentifier"]));
      const automatic = members.length === 0 || members.some((i) => known(() => i.props.autoMinorVersionUpgrade) !== false);
      if (!automatic) continue;
      report(
        `${label(c)}: engineVersion "${version}" pins a minor while AWS upgrades minors automatically; after the next upgrade the provider reads the new version back and the following \`pulumi up\` plans a downgrade to ${version}, which RDS refuses. ` +
          `Set engineVersion to the major ("${version.split(".")[0]}"), or add ignoreChanges ["engineVersion"] (with allowMajorVersionUpgrade for a planned major change).`,
        c.urn,
      );
    }
    for (const i of ofType(args.resources, RDS_INSTANCE)) {
      const version = pinnedMinor(i);
      if (!version || ignoresEngineVersion(i.opts) || known(() => i.props.autoMinorVersionUpgrade) === false) continue;
      report(
        `${label(i)}: engineVersion "${version}" pins a minor while autoMinorVersionUpgrade is on; the update after AWS's next minor upgrade plans a downgrade that fails. Set the major ("${version.split(".")[0]}") or ignoreChanges ["engineVersion"].`,
        i.urn,
      );
    }
  },
});

/** A provider retries DeleteFunction on "replicated function" within the delete timeout: replicas can take this long to go. */
export const EDGE_REPLICA_DELETE_SECONDS = 3 * 3600;

export const lambdaEdgeDeleteHandling = stackPolicy({
  name: "lambda-edge-delete-handling",
  description:
    "A Lambda@Edge function cannot be deleted while CloudFront replicas exist (hours after the distribution lets go), so `pulumi destroy` fails on it unless deletion is handled: skipDestroy (and a later cleanup), or a delete timeout the replicas fit in.",
  enforcementLevel: "advisory",
  validateStack: (args, report) => {
    const fns = [...new Set(edgeAssociations(args.resources).flatMap((a) => (a.fn ? [a.fn] : [])))];
    if (fns.length === 0) return args.notApplicable("no Lambda@Edge function in this stack");
    for (const fn of fns) {
      if (known(() => fn.props.skipDestroy) === true) continue;
      const deleteSeconds = fn.opts.customTimeouts.deleteSeconds;
      if (deleteSeconds >= EDGE_REPLICA_DELETE_SECONDS) continue;
      report(
        `${label(fn)} runs at the edge: DeleteFunction fails with "because it is a replicated function" until CloudFront removes its replicas, hours after the distribution stops using it, so \`pulumi destroy\` (and a replacement) fails here. ` +
          `Set skipDestroy: true and delete the function later (aws lambda delete-function --region us-east-1 --function-name <name>), or give it customTimeouts { delete: "${EDGE_REPLICA_DELETE_SECONDS / 3600}h" } so the provider keeps retrying` +
          `${deleteSeconds > 0 ? ` (it has ${deleteSeconds} s)` : ""}. ${RETAIN_ON_DELETE_UNSEEN}`,
        fn.urn,
      );
    }
  },
});

/** Resources that are one setting per account and region: deleting one changes every stack there. */
export const ACCOUNT_SINGLETONS: Readonly<Record<string, string>> = {
  "aws:apigateway/account:Account":
    "deleting it resets the region's API Gateway CloudWatch role (@pulumi/aws v7 always resets on delete: terraform-provider-aws#42226), breaking the logging of every API in the account and region",
};

export const accountSingletonDestroy = resourcePolicy({
  name: "account-singleton-destroy",
  description:
    "An account-level singleton (one per account and region) must not be deleted by one stack's destroy: every other stack there depends on it. Keep it on destroy (retainOnDelete) or manage it outside per-stack programs.",
  enforcementLevel: "advisory",
  validateResource: (args, report) => {
    const why = ACCOUNT_SINGLETONS[args.type];
    if (!why || args.opts.protect) return;
    report(
      `${label(args)} is one per account and region: ${why}. Keep it with retainOnDelete (or protect), or set it once per account outside this stack. ${RETAIN_ON_DELETE_UNSEEN}`,
    );
  },
});

/** Resource types that hold data or guard it: a destroy must not reach them in production. */
export const STATEFUL_TYPES = [
  "aws:rds/cluster:Cluster",
  "aws:rds/clusterInstance:ClusterInstance",
  "aws:rds/instance:Instance",
  "aws:dynamodb/table:Table",
  "aws:s3/bucket:Bucket",
  "aws:s3/bucketV2:BucketV2",
  "aws:kms/key:Key",
  "aws:secretsmanager/secret:Secret",
  "aws:ecr/repository:Repository",
  "aws:cloudwatch/logGroup:LogGroup",
  "aws:efs/fileSystem:FileSystem",
  "aws:elasticache/replicationGroup:ReplicationGroup",
] as const;

/** Inputs that turn on AWS-side deletion protection, per type. */
const DELETION_PROTECTION_PROPS = ["deletionProtection", "deletionProtectionEnabled", "enableDeletionProtection"];

interface ProtectConfig {
  production?: boolean;
}

function deletionProtected(args: ResourceValidationArgs): string | undefined {
  return DELETION_PROTECTION_PROPS.find((p) => known(() => args.props[p]) === true);
}

export const statefulProtect = resourcePolicy({
  name: "stateful-protect",
  description:
    "In a production stack every stateful resource needs `protect`, so `pulumi destroy` refuses before deleting anything; AWS deletion protection alone fails the destroy half-way, after the stateless resources are gone.",
  enforcementLevel: "advisory",
  config: {
    production: { type: "boolean", default: false, description: "This stack is production: every stateful resource must be protected." },
  },
  validateResource: (args, report) => {
    if (!(STATEFUL_TYPES as readonly string[]).includes(args.type) || args.opts.protect) return;
    const production = args.getConfig<ProtectConfig>().production === true;
    const guard = deletionProtected(args);
    if (guard) {
      report(
        `${label(args)}: ${guard} is on but the resource is not protected: \`pulumi destroy\` deletes the stateless resources first and fails only when it reaches this one. Add protect: true so the destroy refuses before deleting anything.`,
      );
    } else if (production) {
      report(
        `${label(args)} holds data in a production stack but is not protected; add protect: true (and retainOnDelete: true so an intended removal keeps it).`,
      );
    }
  },
});

const METHOD_SETTINGS = "aws:apigateway/methodSettings:MethodSettings";
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
const REST_API = "aws:apigateway/restApi:RestApi";
const EXECUTION_LOGS_PREFIX = "API-Gateway-Execution-Logs_";

/** Log groups that are (or, while names are unknown during preview, are built from a REST API to be) execution log groups. */
function executionLogGroups(resources: readonly PolicyResource[]): PolicyResource[] {
  return ofType(resources, LOG_GROUP).filter((g) => {
    const name = known(() => g.props.name);
    if (typeof name === "string") return name.startsWith(EXECUTION_LOGS_PREFIX);
    return (g.propertyDependencies["name"] ?? []).some((d) => d.type === REST_API);
  });
}

export const apigatewayExecutionLogsManaged = stackPolicy({
  name: "apigateway-execution-logs-managed",
  description:
    "API Gateway execution logging creates API-Gateway-Execution-Logs_<api id>/<stage> itself (no retention, no key, left after destroy) unless the stack creates that log group first.",
  enforcementLevel: "advisory",
  validateStack: (args, report) => {
    const logging = ofType(args.resources, METHOD_SETTINGS).filter((ms) => {
      const s = known(() => ms.props.settings) ?? {};
      return (typeof s.loggingLevel === "string" && s.loggingLevel !== "OFF") || s.dataTraceEnabled === true;
    });
    if (logging.length === 0) return args.notApplicable("no API Gateway execution logging");
    const groups = executionLogGroups(args.resources);
    for (const ms of logging) {
      const deps = transitiveDependencies(ms);
      if (groups.some((g) => deps.has(g))) continue;
      report(
        `${label(ms)} turns on execution logging, but no log group "${EXECUTION_LOGS_PREFIX}<rest api id>/<stage>" exists before it: API Gateway will create one with no retention and no encryption, which destroy leaves behind. ` +
          "Create that aws.cloudwatch.LogGroup (retentionInDays, kmsKeyId) and make the stage and the method settings depend on it.",
        ms.urn,
      );
    }
  },
});

const TARGET_GROUP_ATTACHMENT = "aws:lb/targetGroupAttachment:TargetGroupAttachment";
const TARGET_GROUP = "aws:lb/targetGroup:TargetGroup";

function targetsLambda(att: PolicyResource, resources: readonly PolicyResource[]): boolean {
  const id = known(() => att.props.targetId);
  if (typeof id === "string" && /^arn:aws[a-z-]*:lambda:/.test(id)) return true;
  if ([...ofType(resources, FUNCTION), ...ofType(resources, ALIAS)].some((f) => refersTo(att, f, ["targetId"]))) return true;
  return ofType(resources, TARGET_GROUP).some((tg) => known(() => tg.props.targetType) === "lambda" && refersTo(att, tg, ["targetGroupArn"]));
}

export const lambdaTargetAttachmentReplacement = stackPolicy({
  name: "lambda-target-attachment-replacement",
  description:
    "A Lambda target group holds one function: replacing its attachment (e.g. switching between a function and its alias) create-before-delete fails; set deleteBeforeReplace.",
  enforcementLevel: "advisory",
  validateStack: (args, report) => {
    const attachments = ofType(args.resources, TARGET_GROUP_ATTACHMENT).filter((a) => targetsLambda(a, args.resources));
    if (attachments.length === 0) return args.notApplicable("no Lambda target group attachment");
    for (const a of attachments) {
      if (a.opts.deleteBeforeReplace === true) continue;
      report(
        `${label(a)} attaches a Lambda target without deleteBeforeReplace: when its target changes (function <-> alias, as turning provisioned concurrency on or off does) Pulumi registers the new target first, which a Lambda target group refuses while it holds the old one. Set deleteBeforeReplace: true.`,
        a.urn,
      );
    }
  },
});

const PROVISIONED = "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig";
const SCALING_TARGET = "aws:appautoscaling/target:Target";

export const autoscaledProvisionedConcurrency = stackPolicy({
  name: "autoscaled-provisioned-concurrency",
  description:
    "Provisioned concurrency under Application Auto Scaling needs ignoreChanges on provisionedConcurrentExecutions, or `pulumi up --refresh` resets the scaled allocation to the configured minimum.",
  enforcementLevel: "advisory",
  validateStack: (args, report) => {
    const scaled = ofType(args.resources, SCALING_TARGET).filter((t) => known(() => t.props.scalableDimension) === "lambda:function:ProvisionedConcurrency");
    const configs = ofType(args.resources, PROVISIONED);
    if (scaled.length === 0 || configs.length === 0) return args.notApplicable("no auto scaled provisioned concurrency");
    for (const pc of configs) {
      const fnName = known(() => pc.props.functionName);
      const qualifier = known(() => pc.props.qualifier);
      const isScaled = scaled.some((t) => {
        const id = known(() => t.props.resourceId);
        if (typeof id === "string" && typeof fnName === "string") return id === `function:${fnName}:${qualifier ?? ""}`;
        return transitiveDependencies(t).has(pc);
      });
      if (!isScaled || asArray(pc.opts.ignoreChanges).includes("provisionedConcurrentExecutions")) continue;
      report(
        `${label(pc)} is auto scaled, but provisionedConcurrentExecutions is not in ignoreChanges: \`pulumi up --refresh\` reads the scaled value back and sets it back to ${known(() => pc.props.provisionedConcurrentExecutions) ?? "the minimum"}. Add ignoreChanges: ["provisionedConcurrentExecutions"].`,
        pc.urn,
      );
    }
  },
});

export const lifecyclePolicies = [
  lambdaReservedConcurrencyQuota,
  dockerBuildRelativePaths,
  rdsEngineMajorOnly,
  lambdaEdgeDeleteHandling,
  accountSingletonDestroy,
  statefulProtect,
  apigatewayExecutionLogsManaged,
  lambdaTargetAttachmentReplacement,
  autoscaledProvisionedConcurrency,
];
