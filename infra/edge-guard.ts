/**
 * The Lambda@Edge viewer-request guard (edge/src) as deployed: a zip function
 * in us-east-1 (the only region Lambda@Edge accepts), x86_64, 128 MB, 5 s,
 * published so CloudFront can reference a numbered version by qualified ARN.
 * Lambda@Edge has no environment variables: the bundle carries the ARN of the
 * secret holding the session keys (not a secret), and the function reads the
 * keys from it at run time with a grant on exactly that secret. So the code
 * package holds no key (anyone allowed lambda:GetFunction could read one), and a
 * rotation changes the secret, not the function.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { buildEdgeGuard } from "../edge/build";
import { EDGE_LIMITS, LAMBDA_EDGE_REGION as EDGE_FUNCTION_REGION } from "../policy/lib/limits";
import { createEncryptedLogGroup } from "./encrypted-log-group";
import { edgeGuardLogsPolicy, edgeGuardSessionKeysPolicy, edgeGuardTrustPolicy } from "./iam-policies";
import { instanceSuffix } from "./lifecycle";
import { physicalName } from "./naming";
import { standardTags, type TagContext } from "./tags";

/** The guard runs on viewer requests: CloudFront's tightest Lambda@Edge limits apply. */
const VIEWER_LIMITS = EDGE_LIMITS["viewer-request"]!;

export interface EdgeGuardArgs {
  environmentSuffix: string;
  tags: TagContext;
  /** The Secrets Manager secret holding the session keys (the one the API reads too). */
  sessionKeysSecretArn: pulumi.Input<string>;
  /** The stack's region: replicas serving viewers near it log there (besides us-east-1). Default: us-east-1 only. */
  stackRegion?: string;
  /** Prod: the replica log groups and their keys are protected and retained. Default false. */
  isProd?: boolean;
}

/** Days the replicas' logs are kept. */
export const EDGE_LOG_RETENTION_DAYS = 30;

/**
 * Where replicas of `functionName` log: `/aws/lambda/us-east-1.<name>` in the region of the edge
 * location that ran them (Lambda@Edge creates that group itself, with no expiry, when it is missing).
 */
export function edgeReplicaLogGroupName(functionName: string): string {
  return `/aws/lambda/${EDGE_FUNCTION_REGION}.${functionName}`;
}

/** Regions whose replica log group the stack creates and manages: us-east-1 and the stack's own. */
export function edgeLogRegions(stackRegion: string | undefined): string[] {
  return [...new Set([EDGE_FUNCTION_REGION, ...(stackRegion ? [stackRegion] : [])])];
}

/**
 * The function's zip: `index.js` = the guard bundled with the secret's ARN built in (no key).
 * Only an asset (no resource) is made inside apply.
 */
export function edgeGuardCode(sessionKeysSecretArn: pulumi.Input<string>): pulumi.Output<pulumi.asset.Archive> {
  return pulumi
    .output(sessionKeysSecretArn)
    .apply(
      (arn): pulumi.asset.Archive => new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(buildEdgeGuard({ sessionKeysSecretArn: arn })) }),
    );
}

export class EdgeGuard extends pulumi.ComponentResource {
  /** `arn:...:function:<name>:<version>`: what CloudFront's lambdaFunctionAssociations needs. */
  public readonly qualifiedArn: pulumi.Output<string>;
  public readonly functionName: pulumi.Output<string>;

  constructor(name: string, args: EdgeGuardArgs, opts?: pulumi.ComponentResourceOptions) {
    super("shop:edge:EdgeGuard", name, {}, opts);

    // The name carries a random suffix: the function is left in place on destroy and on replacement (below),
    // so the next function of this stack must not collide with one CloudFront still holds.
    const functionName = instanceSuffix(`${name}-name`, this).apply((unique) => physicalName("lambda", `edge-guard-${unique}`, args.environmentSuffix));
    const roleName = physicalName("iamRole", "edge-guard-role", args.environmentSuffix);

    const role = new aws.iam.Role(
      `${name}-role`,
      {
        name: roleName,
        description: "Lambda@Edge viewer-request guard (CloudFront /api/*)",
        assumeRolePolicy: JSON.stringify(edgeGuardTrustPolicy()),
        tags: standardTags(args.tags, roleName),
      },
      { parent: this },
    );

    const identity = aws.getCallerIdentityOutput({}, { parent: this });
    const partition = aws.getPartitionOutput({}, { parent: this });
    new aws.iam.RolePolicy(
      `${name}-logs`,
      {
        role: role.name,
        name: "edge-guard-logs",
        policy: pulumi
          .all([partition.partition, identity.accountId, functionName])
          .apply(([p, account, fnName]) => JSON.stringify(edgeGuardLogsPolicy(p, account, fnName))),
      },
      { parent: this },
    );

    const sessionKeysGrant = new aws.iam.RolePolicy(
      `${name}-session-keys`,
      {
        role: role.name,
        name: "edge-guard-session-keys",
        policy: pulumi.output(args.sessionKeysSecretArn).apply((arn) => JSON.stringify(edgeGuardSessionKeysPolicy(arn))),
      },
      { parent: this },
    );

    const code = edgeGuardCode(args.sessionKeysSecretArn);

    // Replica log groups, created before the function so Lambda@Edge finds them instead of creating its
    // own (no expiry, no key, left behind). Other regions' groups appear only if viewers are served from
    // there; the cleanup command lists them.
    const replicaLogs = edgeLogRegions(args.stackRegion).map((region) => {
      const keyName = physicalName("generic", `edge-logs-key-${region}`, args.environmentSuffix);
      return createEncryptedLogGroup(
        `${name}-replica-logs-${region}`,
        {
          logGroupName: functionName.apply(edgeReplicaLogGroupName),
          retentionInDays: EDGE_LOG_RETENTION_DAYS,
          keyName,
          keyDescription: `Encrypts the edge guard's replica logs in ${region}`,
          keyTags: standardTags(args.tags, keyName),
          logGroupTags: standardTags(args.tags, physicalName("logGroup", `edge-guard-replica-logs-${region}`, args.environmentSuffix)),
          isProd: args.isProd,
          region,
        },
        this,
      ).logGroup;
    });

    const fn = new aws.lambda.Function(
      `${name}-function`,
      {
        name: functionName,
        region: EDGE_FUNCTION_REGION,
        description: "Viewer-request guard: refuses /api/admin/*, forged session cookies; adds x-request-id",
        role: role.arn,
        runtime: aws.lambda.Runtime.NodeJS22dX,
        handler: "index.handler",
        packageType: "Zip",
        code,
        architectures: ["x86_64"],
        memorySize: VIEWER_LIMITS.memory,
        timeout: VIEWER_LIMITS.timeout,
        publish: true,
        tags: functionName.apply((n) => standardTags(args.tags, n)),
        // Lambda refuses DeleteFunction while CloudFront replicas exist, for hours after the distribution
        // let go of them ("Lambda was unable to delete ... because it is a replicated function";
        // terraform-provider-aws#29646, pulumi/pulumi#11047), which would fail every `pulumi destroy`.
        // With skipDestroy the provider's Delete returns without calling DeleteFunction
        // (terraform-provider-aws internal/service/lambda/function.go, resourceFunctionDelete: "Retaining
        // Lambda Function"), on destroy and on replacement alike; unlike `retainOnDelete` the policy pack
        // can see it. The README ("Life of a stack") gives the command that deletes it later.
        skipDestroy: true,
      },
      // The grant first: a version published before it could not read the keys on its first requests.
      { parent: this, dependsOn: [...replicaLogs, sessionKeysGrant] },
    );

    this.qualifiedArn = fn.qualifiedArn;
    this.functionName = fn.name;
    this.registerOutputs({ qualifiedArn: this.qualifiedArn, functionName: this.functionName });
  }
}
