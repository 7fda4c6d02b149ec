/**
 * The Lambda@Edge viewer-request guard (edge/src) as deployed: a zip function
 * in us-east-1 (the only region Lambda@Edge accepts), x86_64, 128 MB, 5 s,
 * published so CloudFront can reference a numbered version by qualified ARN.
 * Lambda@Edge has no environment variables: the session signing key is built
 * into the bundle, so the code asset is derived from the (secret) key.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { buildEdgeGuard } from "../edge/build";
import { physicalName } from "./naming";
import { standardTags, type TagContext } from "./tags";

/** Lambda@Edge functions must be created in us-east-1; CloudFront replicates them. */
export const EDGE_FUNCTION_REGION = "us-east-1";

export interface EdgeGuardArgs {
  environmentSuffix: string;
  tags: TagContext;
  /** The key the API signs `sid` cookies with (a secret; shared through Secrets Manager with the API). */
  sessionSigningKey: pulumi.Input<string>;
}

interface Statement {
  Effect: "Allow";
  Principal?: { Service: string[] };
  Action: string | string[];
  Resource?: string[];
}

/** Trust policy: Lambda runs the function, and Lambda@Edge (edgelambda) runs its replicas. */
export function edgeGuardTrustPolicy(): { Version: "2012-10-17"; Statement: Statement[] } {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: ["lambda.amazonaws.com", "edgelambda.amazonaws.com"] }, Action: "sts:AssumeRole" }],
  };
}

/**
 * Logging permissions, scoped to the function's own log groups: replicas log to
 * `/aws/lambda/us-east-1.<name>` in whichever region served the viewer (hence the
 * `*` region), test invocations to `/aws/lambda/<name>` in us-east-1.
 */
export function edgeGuardLogsPolicy(partition: string, accountId: string, functionName: string): { Version: "2012-10-17"; Statement: Statement[] } {
  const replicaGroup = `arn:${partition}:logs:*:${accountId}:log-group:/aws/lambda/${EDGE_FUNCTION_REGION}.${functionName}`;
  const originGroup = `arn:${partition}:logs:${EDGE_FUNCTION_REGION}:${accountId}:log-group:/aws/lambda/${functionName}`;
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: [replicaGroup, `${replicaGroup}:*`, originGroup, `${originGroup}:*`],
      },
    ],
  };
}

/**
 * The function's zip: `index.js` = the guard bundled with the key built in.
 * Only an asset (no resource) is made inside apply; the result is always
 * secret, because the code contains the signing key.
 */
export function edgeGuardCode(sessionSigningKey: pulumi.Input<string>): pulumi.Output<pulumi.asset.Archive> {
  return pulumi
    .secret(sessionSigningKey)
    .apply((signingKey): pulumi.asset.Archive => new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(buildEdgeGuard({ signingKey })) }));
}

export class EdgeGuard extends pulumi.ComponentResource {
  /** `arn:...:function:<name>:<version>`: what CloudFront's lambdaFunctionAssociations needs. */
  public readonly qualifiedArn: pulumi.Output<string>;
  public readonly functionName: pulumi.Output<string>;

  constructor(name: string, args: EdgeGuardArgs, opts?: pulumi.ComponentResourceOptions) {
    super("shop:edge:EdgeGuard", name, {}, opts);

    const functionName = physicalName("lambda", "edge-guard", args.environmentSuffix);
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
          .all([partition.partition, identity.accountId])
          .apply(([p, account]) => JSON.stringify(edgeGuardLogsPolicy(p, account, functionName))),
      },
      { parent: this },
    );

    const code = edgeGuardCode(args.sessionSigningKey);

    const fn = new aws.lambda.Function(
      `${name}-function`,
      {
        name: functionName,
        region: EDGE_FUNCTION_REGION,
        description: "Viewer-request guard: refuses /api/admin/*, forged sid cookies; adds x-request-id",
        role: role.arn,
        runtime: aws.lambda.Runtime.NodeJS22dX,
        handler: "index.handler",
        packageType: "Zip",
        code,
        architectures: ["x86_64"],
        memorySize: 128,
        timeout: 5,
        publish: true,
        tags: standardTags(args.tags, functionName),
      },
      // Lambda@Edge replicas can take hours to disappear after the distribution lets go
      // of them; see docs/edge-monitoring.md for the teardown sequence.
      { parent: this },
    );

    this.qualifiedArn = fn.qualifiedArn;
    this.functionName = fn.name;
    this.registerOutputs({ qualifiedArn: this.qualifiedArn, functionName: this.functionName });
  }
}
