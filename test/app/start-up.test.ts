/**
 * What a container does while it starts: it always opens its database pools,
 * and it loads the DynamoDB client and connects to DynamoDB then only under
 * provisioned concurrency, where starting is off the request path (and where
 * Lambda freezes the container once the handler module has loaded, so the
 * module waits for those connections: `handler.ready()`). On demand, the first
 * request that needs a table does it, so a cold start answering a catalog read
 * never pays for it.
 */
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../app/src/app";
import { loadConfig } from "../../app/src/config";
import { createLambdaHandler } from "../../app/src/lambda";
import { createRuntime, type Runtime } from "../../app/src/runtime/runtime";
import { APP_ROLE } from "../../app/src/db/roles";
import { adminHeaders, ShopClient } from "./support/client";
import { ADMIN_TOKEN, APP_ROLE_PASSWORD, SIGNING_KEY, startStack, TABLES, type TestStack } from "./support/stack";

let stack: TestStack;
/** Stands in for DynamoDB: counts the connections a runtime opens, and answers none of them. */
let dynamo: net.Server;
let connections = 0;

beforeAll(async () => {
  stack = await startStack();
  const admin = new ShopClient(stack.app);
  expect((await admin.put("/api/admin/products/START-1", { name: "Start", priceCents: 100, stock: 5 }, adminHeaders(ADMIN_TOKEN))).status).toBe(200);
  dynamo = net.createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => dynamo.listen(0, "127.0.0.1", resolve));
});
afterAll(async () => {
  await new Promise((resolve) => dynamo?.close(resolve));
  await stack?.stop();
});

function envFor(initializationType: string | undefined): Record<string, string | undefined> {
  const { port } = dynamo.address() as net.AddressInfo;
  return {
    DATABASE_URL: stack.postgres.urlAs(APP_ROLE, APP_ROLE_PASSWORD),
    DYNAMODB_ENDPOINT: `http://127.0.0.1:${port}`,
    SESSIONS_TABLE: TABLES.sessions,
    CACHE_TABLE: TABLES.cache,
    SESSION_SIGNING_KEY: SIGNING_KEY,
    LOG_LEVEL: "SILENT",
    POWERTOOLS_METRICS_DISABLED: "true",
    AWS_LAMBDA_INITIALIZATION_TYPE: initializationType,
  };
}

const runtimeFor = (initializationType: string | undefined): Promise<Runtime> => createRuntime(loadConfig(envFor(initializationType)));

describe("starting a container", () => {
  it("on demand: answers a catalog read without touching DynamoDB, and connects at the first request that needs a table", async () => {
    connections = 0;
    const runtime = await runtimeFor("on-demand");
    try {
      await runtime.started;
      const app = new ShopClient(createApp(runtime.deps));
      expect((await app.get("/api/products/START-1")).status).toBe(200);
      expect(connections).toBe(0);
      // The stand-in answers nothing: the cart read is a 503, after the client has connected.
      expect((await app.get("/api/cart")).status).toBe(503);
      expect(connections).toBeGreaterThan(0);
    } finally {
      await runtime.close();
    }
  });

  it("under provisioned concurrency: has connected to DynamoDB by the time it has started, before any request", async () => {
    connections = 0;
    const runtime = await runtimeFor("provisioned-concurrency");
    try {
      await runtime.started;
      expect(connections).toBeGreaterThan(0);
    } finally {
      await runtime.close();
    }
  });

  it("outside Lambda (the local platform): connects to DynamoDB at the first request that needs a table", async () => {
    connections = 0;
    const runtime = await runtimeFor(undefined);
    try {
      await runtime.started;
      expect(connections).toBe(0);
      expect((await new ShopClient(createApp(runtime.deps)).get("/api/cart")).status).toBe(503);
      expect(connections).toBeGreaterThan(0);
    } finally {
      await runtime.close();
    }
  });
});

describe("the Lambda handler module's wait before the container is frozen (handler.ready)", () => {
  it("under provisioned concurrency: resolves once the start-up connections are open", async () => {
    connections = 0;
    const handler = createLambdaHandler(envFor("provisioned-concurrency"));
    try {
      await handler.ready();
      expect(connections).toBeGreaterThan(0);
    } finally {
      await handler.close();
    }
  });

  it("on demand: resolves without opening anything (the first request follows at once)", async () => {
    connections = 0;
    const handler = createLambdaHandler(envFor("on-demand"));
    try {
      await handler.ready();
      expect(connections).toBe(0);
    } finally {
      await handler.close();
    }
  });
});
