/**
 * A local stand-in for Secrets Manager's GetSecretValue (the JSON 1.1 protocol the AWS SDK speaks),
 * so the bundled edge guard can be run (tests, bench) with its real SDK client: point the SDK at it with
 * AWS_ENDPOINT_URL_SECRETS_MANAGER. It answers only GetSecretValue, for the secrets it was given.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface LocalKeyStore {
  endpoint: string;
  /** Sets (or replaces) a secret's string value. */
  put(secretArn: string, secretString: string): void;
  /** GetSecretValue calls answered so far. */
  reads(): number;
  close(): Promise<void>;
}

export async function startLocalKeyStore(): Promise<LocalKeyStore> {
  const secrets = new Map<string, string>();
  let reads = 0;
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      const reply = (status: number, payload: object) => {
        res.writeHead(status, { "content-type": "application/x-amz-json-1.1" });
        res.end(JSON.stringify(payload));
      };
      if (req.headers["x-amz-target"] !== "secretsmanager.GetSecretValue") {
        reply(400, { __type: "InvalidRequestException", message: `unsupported operation ${String(req.headers["x-amz-target"])}` });
        return;
      }
      const secretId = (JSON.parse(body || "{}") as { SecretId?: string }).SecretId ?? "";
      const value = secrets.get(secretId);
      if (value === undefined) {
        reply(400, { __type: "ResourceNotFoundException", message: "Secrets Manager can't find the specified secret." });
        return;
      }
      reads++;
      reply(200, { ARN: secretId, Name: secretId.split(":").pop(), SecretString: value, VersionId: "v1", VersionStages: ["AWSCURRENT"] });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    put: (arn, value) => void secrets.set(arn, value),
    reads: () => reads,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
