/**
 * KMS key policies as pure functions. A key policy must let the account administer the
 * key (so IAM policies decide who uses it, as with the default key policy); services
 * that encrypt on the account's behalf get a narrowly conditioned statement.
 */
import type { PolicyDocument, PolicyStatement } from "./iam-policies";

/** The default key policy's statement: the account (through IAM) controls the key. */
export function accountAdministersKeyStatement(partition: string, accountId: string): PolicyStatement {
  return {
    Sid: "AccountAdministersKey",
    Effect: "Allow",
    Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
    Action: "kms:*",
    Resource: "*",
  };
}

/**
 * Key policy for CloudWatch Logs encryption: CloudWatch Logs in `region` may use the key
 * only for the named log groups (the `aws:logs:arn` encryption context).
 */
export function logsKeyPolicy(partition: string, region: string, accountId: string, logGroupNames: string[]): PolicyDocument {
  if (logGroupNames.length === 0) throw new Error("logsKeyPolicy: name at least one log group");
  const arns = logGroupNames.map((n) => `arn:${partition}:logs:${region}:${accountId}:log-group:${n}`);
  return {
    Version: "2012-10-17",
    Statement: [
      accountAdministersKeyStatement(partition, accountId),
      {
        Sid: "CloudWatchLogsEncryptsNamedLogGroups",
        Effect: "Allow",
        Principal: { Service: `logs.${region}.amazonaws.com` },
        Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        Resource: "*",
        Condition: { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": arns.length === 1 ? arns[0]! : arns } },
      },
    ],
  };
}

/**
 * Key policy: the account administers the key (the default, so it is never locked out); CloudWatch
 * (and AWS Budgets when `budgets`) may encrypt for the topic: a service publishing to an SSE topic
 * needs kms:GenerateDataKey* and kms:Decrypt on its key (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html).
 */
export function alarmTopicKeyPolicy(partition: string, accountId: string, budgets = false): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      accountAdministersKeyStatement(partition, accountId),
      {
        Sid: "CloudWatchAlarmsPublishToEncryptedTopic",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
        Resource: "*",
      },
      ...(budgets
        ? [
            {
              Sid: "BudgetsPublishToEncryptedTopic",
              Effect: "Allow" as const,
              Principal: { Service: "budgets.amazonaws.com" },
              Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
              Resource: "*",
              Condition: { StringEquals: { "aws:SourceAccount": accountId } },
            },
          ]
        : []),
    ],
  };
}
