/** Configuration read once at cold start: both shapes, and errors that name the variable. */
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../app/src/config";

const AWS_ENV = {
  AWS_REGION: "eu-west-1",
  ENVIRONMENT_SUFFIX: "dev",
  DB_PROXY_ENDPOINT: "ecommerce-proxy-dev.proxy-abc.eu-west-1.rds.amazonaws.com",
  DB_PROXY_READ_ENDPOINT: "ecommerce-proxy-ro-dev.endpoint.proxy-abc.eu-west-1.rds.amazonaws.com",
  DB_PORT: "5432",
  DB_NAME: "shop",
  DB_USER: "shop_app",
  SESSIONS_TABLE: "ecommerce-sessions-dev",
  CACHE_TABLE: "ecommerce-cache-dev",
  SESSION_KEYS_SECRET_ARN: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:session-key",
  ADMIN_TOKEN_SECRET_ARN: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:admin-token",
  POWERTOOLS_SERVICE_NAME: "shop-api",
  POWERTOOLS_METRICS_NAMESPACE: "EcommercePlatform",
  LOG_LEVEL: "info",
};

describe("loadConfig", () => {
  it("reads the AWS shape: IAM-authenticated writer and reader endpoints, secrets by ARN, small pools", () => {
    const config = loadConfig(AWS_ENV);
    expect(config.mode).toBe("aws");
    expect(config.db.writer).toEqual({ kind: "iam", host: AWS_ENV.DB_PROXY_ENDPOINT, port: 5432, database: "shop", user: "shop_app", region: "eu-west-1" });
    expect(config.db.reader).toMatchObject({ kind: "iam", host: AWS_ENV.DB_PROXY_READ_ENDPOINT });
    expect(config.db.poolMax).toBeLessThanOrEqual(2);
    expect(config.sessionKeys).toEqual({ kind: "secretsManager", arn: AWS_ENV.SESSION_KEYS_SECRET_ARN });
    expect(config.adminToken).toEqual({ kind: "secretsManager", arn: AWS_ENV.ADMIN_TOKEN_SECRET_ARN });
    expect(config.dynamo).toEqual({ sessionsTable: "ecommerce-sessions-dev", cacheTable: "ecommerce-cache-dev" });
    expect(config.logLevel).toBe("INFO");
  });

  it("migrates as the owner user and sets the application role's password from its proxy secret", () => {
    const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:aurora-app";
    const config = loadConfig({ ...AWS_ENV, DB_OWNER_USER: "shop_owner", DB_APP_SECRET_ARN: arn });
    expect(config.db.owner).toEqual({ ...config.db.writer, user: "shop_owner" });
    expect(config.db.appRolePassword).toEqual({ kind: "secretsManager", arn, jsonKey: "password" });
  });

  it("takes the local application role's password from DATABASE_URL when the owner has its own URL", () => {
    const config = loadConfig({
      DATABASE_URL: "postgres://shop_app:s%40cret-0123456789@127.0.0.1:5433/shop",
      DATABASE_OWNER_URL: "postgres://postgres:p@127.0.0.1:5433/shop",
      DYNAMODB_ENDPOINT: "http://127.0.0.1:8000",
      SESSION_SIGNING_KEY: "k",
    });
    expect(config.db.owner).toEqual({ kind: "url", url: "postgres://postgres:p@127.0.0.1:5433/shop" });
    expect(config.db.appRolePassword).toEqual({ kind: "value", value: "s@cret-0123456789" });
  });

  it("falls back to the writer when no read endpoint is set", () => {
    const config = loadConfig({ ...AWS_ENV, DB_PROXY_READ_ENDPOINT: "" });
    expect(config.db.reader).toEqual(config.db.writer);
  });

  it("reads the local shape with DATABASE_READ_URL defaulting to DATABASE_URL", () => {
    const config = loadConfig({ DATABASE_URL: "postgres://u:p@127.0.0.1:5433/shop", DYNAMODB_ENDPOINT: "http://127.0.0.1:8000", SESSION_SIGNING_KEY: "k" });
    expect(config.mode).toBe("local");
    expect(config.db.reader).toEqual({ kind: "url", url: "postgres://u:p@127.0.0.1:5433/shop" });
    expect(config.adminToken).toEqual({ kind: "value", value: "local-admin-token" });
    expect(config.port).toBe(3000);
  });

  it.each([
    [{ ...AWS_ENV, DB_USER: undefined }, "DB_USER"],
    [{ ...AWS_ENV, SESSIONS_TABLE: " " }, "SESSIONS_TABLE"],
    [{ ...AWS_ENV, SESSION_KEYS_SECRET_ARN: undefined }, "SESSION_KEYS_SECRET_ARN"],
    [{ ...AWS_ENV, AWS_REGION: undefined }, "AWS_REGION"],
    [{ ...AWS_ENV, DB_PORT: "70000" }, "DB_PORT"],
    [{ ...AWS_ENV, LOG_LEVEL: "chatty" }, "LOG_LEVEL"],
    [{ DATABASE_URL: "mysql://x", DYNAMODB_ENDPOINT: "http://x", SESSION_SIGNING_KEY: "k" }, "DATABASE_URL"],
    [{ DATABASE_URL: "postgres://x/db", SESSION_SIGNING_KEY: "k" }, "DYNAMODB_ENDPOINT"],
    [{}, "DB_PROXY_ENDPOINT"],
  ])("names the key that is wrong (%#)", (env, key) => {
    expect(() => loadConfig(env as Record<string, string | undefined>)).toThrow(ConfigError);
    expect(() => loadConfig(env as Record<string, string | undefined>)).toThrow(key);
  });
});
