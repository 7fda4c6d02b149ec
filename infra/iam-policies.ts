/**
 * Every IAM document the program builds (identity, trust and resource policies), as pure
 * functions over plain strings so every action and resource can be asserted without Pulumi;
 * KMS key policies are in kms-policies.ts, on the same types. Components resolve their ARNs
 * and call these inside `.apply` (no resources are created there).
 */
import { LAMBDA_EDGE_REGION } from "../policy/lib/limits";
import { ALB_LOG_PREFIX, ELB_LOG_DELIVERY_ACCOUNTS } from "./elb-log-delivery";

export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: Record<string, string | string[]> | "*";
  Action: string | string[];
  /** Absent only in trust policies. */
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

/** Trust policy letting one AWS service assume a role. */
export function serviceAssumeRolePolicy(...services: string[]): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: services.length === 1 ? services[0]! : services }, Action: "sts:AssumeRole" }],
  };
}

/**
 * DynamoDB actions the API performs on its two tables (sessions + carts, cache): single-item
 * reads and writes by key (app/src/session, app/src/catalog/cache.ts). No delete (sessions and cache
 * entries expire by TTL, which DynamoDB applies itself), no Query, Scan or batch:
 * add an action here only together with the code that needs it.
 */
export const API_TABLE_ACTIONS = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"] as const;

/** X-Ray's segment APIs do not support resource-level permissions: "*" is the only valid resource. */
export const XRAY_ACTIONS = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"] as const;

export interface ApiFunctionPolicyInput {
  /** ARNs of the sessions and cache tables. */
  tableArns: string[];
  /** `arn:aws:rds-db:...:dbuser:<proxy resource id>/<user>` per database user the function connects as (see proxyDbUserArn). */
  dbUserArns: string[];
  /** Session signing key and admin token secrets. */
  secretArns: string[];
  /** Customer-managed KMS keys encrypting those secrets, if any (AWS-managed keys need no grant). */
  kmsKeyArns?: string[];
}

/**
 * The API function's inline policy: exact actions on exact ARNs.
 * The only wildcard resource is X-Ray's, which AWS requires.
 */
export function apiFunctionPolicy(input: ApiFunctionPolicyInput): PolicyDocument {
  if (input.tableArns.length === 0) throw new Error("apiFunctionPolicy: tableArns must name the sessions and cache tables");
  if (input.secretArns.length === 0) throw new Error("apiFunctionPolicy: secretArns must name the secrets the API reads");
  if (input.dbUserArns.length === 0) throw new Error("apiFunctionPolicy: dbUserArns must name each database user");
  const statements: PolicyStatement[] = [
    { Sid: "Tables", Effect: "Allow", Action: [...API_TABLE_ACTIONS], Resource: [...input.tableArns] },
    { Sid: "DatabaseViaProxy", Effect: "Allow", Action: "rds-db:connect", Resource: [...input.dbUserArns] },
    { Sid: "Secrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: [...input.secretArns] },
    // Documented exception: PutTraceSegments/PutTelemetryRecords accept no resource-level scoping.
    { Sid: "XRayTraces", Effect: "Allow", Action: [...XRAY_ACTIONS], Resource: "*" },
  ];
  if (input.kmsKeyArns && input.kmsKeyArns.length > 0) {
    statements.push({
      Sid: "DecryptSecrets",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: [...input.kmsKeyArns],
      Condition: { StringEquals: { "kms:ViaService": input.secretArns.map(secretsManagerViaService) } },
    });
  }
  return { Version: "2012-10-17", Statement: statements };
}

function secretsManagerViaService(secretArn: string): string {
  return secretsManagerService(secretArn.split(":")[3]!);
}

/** Secrets Manager in `region`, as `kms:ViaService` names it: a key grant usable only through it. */
function secretsManagerService(region: string): string {
  return `secretsmanager.${region}.amazonaws.com`;
}

/** The condition of a Deny that refuses every request not made over TLS. */
const WITHOUT_TLS = { Bool: { "aws:SecureTransport": "false" } };

/**
 * The IAM resource for `rds-db:connect` through an RDS Proxy:
 * `arn:<partition>:rds-db:<region>:<account>:dbuser:<proxy resource id>/<db user>`,
 * where the resource id is the `prx-...` part of the proxy ARN.
 */
export function proxyDbUserArn(proxyArn: string, dbUser: string): string {
  const match = /^arn:([^:]+):rds:([^:]+):(\d{12}):db-proxy:(prx-[a-z0-9]+)$/.exec(proxyArn);
  if (!match) throw new Error(`proxyDbUserArn: "${proxyArn}" is not an RDS Proxy ARN (arn:<partition>:rds:<region>:<account>:db-proxy:prx-...)`);
  if (!/^[A-Za-z_][A-Za-z0-9_$]{0,62}$/.test(dbUser)) throw new Error(`proxyDbUserArn: "${dbUser}" is not a PostgreSQL user name`);
  const [, partition, region, account, resourceId] = match;
  return `arn:${partition}:rds-db:${region}:${account}:dbuser:${resourceId}/${dbUser}`;
}

/**
 * The static bucket's policy: the TLS-only statement every bucket carries
 * (`tlsOnlyStatement`), and objects readable by exactly one
 * CloudFront distribution through Origin Access Control (no public access).
 */
export function staticBucketPolicy(bucketArn: string, distributionArn: string, tlsOnly: PolicyStatement): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      tlsOnly,
      {
        Sid: "AllowCloudFrontOriginAccessControl",
        Effect: "Allow",
        Principal: { Service: "cloudfront.amazonaws.com" },
        Action: "s3:GetObject",
        Resource: `${bucketArn}/*`,
        Condition: { StringEquals: { "AWS:SourceArn": distributionArn } },
      },
    ],
  };
}

/** The partition (`aws`, `aws-cn`, `aws-us-gov`, ...) an ARN belongs to. */
export function arnPartition(arn: string): string {
  const m = /^arn:(aws[a-z-]*):/.exec(arn);
  if (!m) throw new Error(`arnPartition: "${arn}" is not an ARN`);
  return m[1]!;
}

/** Denies every request to the bucket or its objects that does not use TLS. */
export function tlsOnlyStatement(bucketArn: string): PolicyStatement {
  return {
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [bucketArn, `${bucketArn}/*`],
    Condition: WITHOUT_TLS,
  };
}

/** Lets Elastic Load Balancing write access logs under `<prefix>/AWSLogs/<account>/` only. */
export function albLogDeliveryStatements(bucketArn: string, accountId: string, region: string): PolicyStatement[] {
  const resource = `${bucketArn}/${ALB_LOG_PREFIX}/AWSLogs/${accountId}/*`;
  const statements: PolicyStatement[] = [
    {
      Sid: "AlbLogDeliveryService",
      Effect: "Allow",
      Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: resource,
    },
  ];
  const legacyAccount = ELB_LOG_DELIVERY_ACCOUNTS[region];
  if (legacyAccount) {
    statements.push({
      Sid: "AlbLogDeliveryRegionalAccount",
      Effect: "Allow",
      // The bucket's partition is the Region's (GovCloud and China have their own).
      Principal: { AWS: `arn:${arnPartition(bucketArn)}:iam::${legacyAccount}:root` },
      Action: "s3:PutObject",
      Resource: resource,
    });
  }
  return statements;
}

/** A document of `statements`, as the JSON a policy input takes. */
export function policyDocument(statements: PolicyStatement[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

/** RDS Proxy's role: read its secrets (one per database user), decrypt them only through Secrets Manager. */
export function proxyPolicyDocument(secretArns: string[], kmsKeyArn: string, region: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "ReadDatabaseSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: secretArns },
      {
        Sid: "DecryptDatabaseSecret",
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: kmsKeyArn,
        Condition: { StringEquals: { "kms:ViaService": secretsManagerService(region) } },
      },
    ],
  };
}

/** Trust for RDS Proxy, limited to this account (confused-deputy guard). */
export function proxyTrustDocument(accountId: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: "rds.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": accountId } },
      },
    ],
  };
}

/** The flow-log role's only permissions: write streams and events into its one log group. */
export function flowLogPolicyDocument(logGroupArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "WriteFlowLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
        Resource: [logGroupArn, `${logGroupArn}:*`],
      },
    ],
  };
}

/** Trust for the VPC Flow Logs service, limited to this account's flow logs (confused-deputy guard). */
export function flowLogTrustDocument(partition: string, accountId: string, region: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: "vpc-flow-logs.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: {
          StringEquals: { "aws:SourceAccount": accountId },
          ArnLike: { "aws:SourceArn": `arn:${partition}:ec2:${region}:${accountId}:vpc-flow-log/*` },
        },
      },
    ],
  };
}

/** Trust policy: Lambda runs the function, and Lambda@Edge (edgelambda) runs its replicas. */
export function edgeGuardTrustPolicy(): PolicyDocument {
  return serviceAssumeRolePolicy("lambda.amazonaws.com", "edgelambda.amazonaws.com");
}

/**
 * Logging permissions, scoped to the function's own log groups: replicas log to
 * `/aws/lambda/us-east-1.<name>` in whichever region served the viewer (hence the
 * `*` region), test invocations to `/aws/lambda/<name>` in us-east-1.
 */
export function edgeGuardLogsPolicy(partition: string, accountId: string, functionName: string): PolicyDocument {
  const replicaGroup = `arn:${partition}:logs:*:${accountId}:log-group:/aws/lambda/${LAMBDA_EDGE_REGION}.${functionName}`;
  const originGroup = `arn:${partition}:logs:${LAMBDA_EDGE_REGION}:${accountId}:log-group:/aws/lambda/${functionName}`;
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
 * Reading the session keys: GetSecretValue on that one secret and nothing else. The secret is
 * encrypted with the AWS managed key aws/secretsmanager, which any principal allowed to read the
 * secret in the account may use through Secrets Manager, so no kms: grant is needed
 * (https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html).
 */
export function edgeGuardSessionKeysPolicy(secretArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: [secretArn] }],
  };
}

/** Actions the account keeps on its topic (what SNS's default topic policy grants the owner). */
export const TOPIC_OWNER_ACTIONS = [
  "sns:GetTopicAttributes",
  "sns:SetTopicAttributes",
  "sns:AddPermission",
  "sns:RemovePermission",
  "sns:DeleteTopic",
  "sns:Subscribe",
  "sns:ListSubscriptionsByTopic",
  "sns:Publish",
] as const;

/**
 * Topic policy: the owner account manages it, this account's CloudWatch alarms (and, with `budgets`,
 * its AWS Budgets: https://docs.aws.amazon.com/cost-management/latest/userguide/budgets-sns-policy.html)
 * publish to it, nothing without TLS.
 */
export function alarmTopicPolicy(topicArn: string, partition: string, region: string, accountId: string, budgets = false): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "OwnerManagesTopic",
        Effect: "Allow",
        Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
        Action: [...TOPIC_OWNER_ACTIONS],
        Resource: topicArn,
      },
      {
        Sid: "CloudWatchAlarmsPublish",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: "sns:Publish",
        Resource: topicArn,
        Condition: {
          ArnLike: { "aws:SourceArn": `arn:${partition}:cloudwatch:${region}:${accountId}:alarm:*` },
          StringEquals: { "aws:SourceAccount": accountId },
        },
      },
      ...(budgets
        ? [
            {
              Sid: "BudgetsPublish",
              Effect: "Allow" as const,
              Principal: { Service: "budgets.amazonaws.com" },
              Action: "sns:Publish",
              Resource: topicArn,
              Condition: {
                ArnLike: { "aws:SourceArn": `arn:${partition}:budgets::${accountId}:*` },
                StringEquals: { "aws:SourceAccount": accountId },
              },
            },
          ]
        : []),
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "sns:Publish",
        Resource: topicArn,
        Condition: WITHOUT_TLS,
      },
    ],
  };
}
