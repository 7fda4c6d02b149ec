/**
 * A CloudWatch log group encrypted with its own customer-managed KMS key.
 *
 * The key policy (kms-policies.ts) lets the account administer the key, so IAM decides
 * who may read the logs, and lets CloudWatch Logs in the stack's region use the key for
 * this one log group only (encryption context `aws:logs:arn`). The key exists before the
 * group: the group's kmsKeyId is the key's ARN, and CloudWatch Logs checks the key policy
 * when the group is created.
 *
 * A function rather than a component on purpose: the key, alias and group stay direct
 * children of the caller, so stacks deployed before this helper existed keep their URNs
 * (no replacement of a KMS key or a log group on the next update).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { logsKeyPolicy } from "./kms-policies";
import { statefulOptions } from "./lifecycle";
import { checkName } from "./naming";
import type { Tags } from "./tags";

/** KMS waits this long before deleting a key the stack no longer has (the KMS minimum). */
export const LOG_KEY_DELETION_WINDOW_DAYS = 7;

/**
 * The logs key policy as JSON for the stack's own partition, region and account,
 * naming the log groups CloudWatch Logs may encrypt with the key.
 */
export function logsKeyPolicyJson(
  logGroupNames: pulumi.Input<pulumi.Input<string>[]>,
  opts: pulumi.InvokeOutputOptions,
  region?: string,
): pulumi.Output<string> {
  const partition = aws.getPartitionOutput({}, opts).partition;
  const stackRegion = region ?? aws.getRegionOutput({}, opts).region;
  const accountId = aws.getCallerIdentityOutput({}, opts).accountId;
  return pulumi
    .all([partition, stackRegion, accountId, pulumi.output(logGroupNames)])
    .apply(([p, r, acct, names]) => JSON.stringify(logsKeyPolicy(p, r, acct, names)));
}

export interface EncryptedLogGroupArgs {
  /** The log group's name, e.g. `/aws/lambda/<function>` (checked against CloudWatch's limits when known here). */
  readonly logGroupName: pulumi.Input<string>;
  /** One of CloudWatch Logs' allowed retention values. */
  readonly retentionInDays: number;
  /** The key's physical name: its alias is `alias/<keyName>`. */
  readonly keyName: string;
  readonly keyDescription: string;
  readonly keyTags: Tags;
  readonly logGroupTags: Tags;
  /** Days KMS waits before deleting the key after a destroy (7..30). Default: LOG_KEY_DELETION_WINDOW_DAYS. */
  readonly keyDeletionWindowInDays?: number;
  /** Prod: the key and the group are protected and retained (they hold the logs). Default false. */
  readonly isProd?: boolean;
  /** Region of the key and the group when not the stack's (per-resource region, @pulumi/aws v7). Default: the stack's. */
  readonly region?: string;
}

export interface EncryptedLogGroup {
  readonly key: aws.kms.Key;
  readonly logGroup: aws.cloudwatch.LogGroup;
}

/**
 * Registers a rotating KMS key, its alias and the log group encrypted with it, all named
 * `name` (one logical name per resource type) and parented to `parent`.
 */
export function createEncryptedLogGroup(name: string, args: EncryptedLogGroupArgs, parent: pulumi.Resource): EncryptedLogGroup {
  const logGroupName = typeof args.logGroupName === "string" ? checkName("logGroup", args.logGroupName) : args.logGroupName;
  const stateful = { parent, ...statefulOptions(args.isProd ?? false) };
  const region = args.region === undefined ? {} : { region: args.region };
  const key = new aws.kms.Key(
    name,
    {
      ...region,
      description: args.keyDescription,
      enableKeyRotation: true,
      deletionWindowInDays: args.keyDeletionWindowInDays ?? LOG_KEY_DELETION_WINDOW_DAYS,
      policy: logsKeyPolicyJson([logGroupName], { parent }, args.region),
      tags: args.keyTags,
    },
    stateful,
  );
  new aws.kms.Alias(name, { ...region, name: checkName("kmsAlias", `alias/${args.keyName}`), targetKeyId: key.keyId }, { parent });
  const logGroup = new aws.cloudwatch.LogGroup(
    name,
    { ...region, name: logGroupName, retentionInDays: args.retentionInDays, kmsKeyId: key.arn, tags: args.logGroupTags },
    stateful,
  );
  return { key, logGroup };
}
