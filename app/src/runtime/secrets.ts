/** Secrets: given directly (local) or read from Secrets Manager once per container. */
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { SecretSource } from "../config";

export async function resolveSecret(source: SecretSource, client: () => Promise<SecretsManagerClient>, name: string): Promise<string> {
  if (source.kind === "value") return source.value;
  const { GetSecretValueCommand } = await import("@aws-sdk/client-secrets-manager");
  const result = await (await client()).send(new GetSecretValueCommand({ SecretId: source.arn }));
  const value = result.SecretString?.trim();
  if (!value) throw new Error(`secret ${name} (${source.arn}) has no string value`);
  if (source.jsonKey === undefined) return value;
  let field: unknown;
  try {
    field = (JSON.parse(value) as Record<string, unknown>)[source.jsonKey];
  } catch {
    throw new Error(`secret ${name} (${source.arn}) is not a JSON object`);
  }
  if (typeof field !== "string" || field === "") throw new Error(`secret ${name} (${source.arn}) has no string "${source.jsonKey}"`);
  return field;
}
