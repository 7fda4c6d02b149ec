/** Secrets: given directly (local) or read from Secrets Manager once per container. */
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { SecretSource } from "../config";

export async function resolveSecret(source: SecretSource, client: () => SecretsManagerClient, name: string): Promise<string> {
  if (source.kind === "value") return source.value;
  const result = await client().send(new GetSecretValueCommand({ SecretId: source.arn }));
  const value = result.SecretString?.trim();
  if (!value) throw new Error(`secret ${name} (${source.arn}) has no string value`);
  return value;
}
