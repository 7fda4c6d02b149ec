/**
 * Which data store an error says is unavailable, or null when the error is not
 * an outage. Each store classifies its own errors (db/outage.ts for
 * PostgreSQL; runtime/dynamo.ts wraps every DynamoDB outage in
 * DynamoUnavailable at the call), so an error of another AWS client (Secrets
 * Manager, the RDS signer's credentials) is never taken for DynamoDB's.
 */
import { isDatabaseOutage } from "../db/outage";
import { DynamoUnavailable } from "./dynamo";

export type Store = "database" | "dynamodb";

export function outageOf(err: unknown): Store | null {
  if (err instanceof DynamoUnavailable) return "dynamodb";
  if (isDatabaseOutage(err)) return "database";
  return null;
}
