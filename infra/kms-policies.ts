/**
 * KMS key policies as pure functions. A key policy must let the account administer the
 * key (so IAM policies decide who uses it, as with the default key policy); services
 * that encrypt on the account's behalf get a narrowly conditioned statement.
 */

/** The default key policy's statement: the account (through IAM) controls the key. */
export function accountAdministersKeyStatement(partition: string, accountId: string): Record<string, unknown> {
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
export function logsKeyPolicy(partition: string, region: string, accountId: string, logGroupNames: string[]): object {
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
        Condition: { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": arns.length === 1 ? arns[0] : arns } },
      },
    ],
  };
}
