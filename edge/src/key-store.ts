/**
 * Reads the session keys from Secrets Manager. Lambda@Edge has no environment variables
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/lambda-at-edge-function-restrictions.html,
 * "Lambda features"), so the secret's ARN (not a secret) is built into the bundle and the keys themselves
 * are read at run time, by the replica in whatever region served the viewer, from the secret's own
 * region (named in its ARN). Only the edge function's role may read it (infra/edge-guard.ts).
 */
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { parseSessionKeys, type SessionKeys } from "../../app/src/session/session-keys";

/**
 * A viewer-request function has 5 s in all (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html,
 * "Quotas on Lambda@Edge"): a read that hangs gives up well inside that and the request goes on.
 */
export const KEY_READ_TIMEOUTS = { connectionTimeout: 1_000, requestTimeout: 1_500 } as const;

/** The region a Secrets Manager ARN names: `arn:<partition>:secretsmanager:<region>:<account>:secret:<name>`. */
export function secretRegion(secretArn: string): string {
  const [, , service, region] = secretArn.split(":");
  if (service !== "secretsmanager" || !region) throw new Error(`edge guard: not a Secrets Manager ARN: ${secretArn}`);
  return region;
}

/** A reader of the key set in `secretArn`, with one client reused across reads. */
export function secretsManagerKeyReader(secretArn: string): () => Promise<SessionKeys> {
  let client: SecretsManagerClient | undefined;
  return async () => {
    client ??= new SecretsManagerClient({ region: secretRegion(secretArn), maxAttempts: 2, requestHandler: KEY_READ_TIMEOUTS });
    const result = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    if (!result.SecretString) throw new Error(`edge guard: secret ${secretArn} has no string value`);
    return parseSessionKeys(result.SecretString);
  };
}
