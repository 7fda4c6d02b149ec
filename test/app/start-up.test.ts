/**
 * What a container does while it starts: it always opens its database pools,
 * and it loads the DynamoDB client and connects to DynamoDB then only where
 * starting is off the request path (provisioned concurrency, SnapStart). On
 * demand, the first request that needs a table does it, so a cold start
 * answering a catalog read never pays for it.
 */
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../app/src/app";
import { loadConfig } from "../../app/src/config";
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

function runtimeFor(initializationType: string | undefined): Promise<Runtime> {
  const { port } = dynamo.address() as net.AddressInfo;
  return createRuntime(
    loadConfig({
      DATABASE_URL: stack.postgres.urlAs(APP_ROLE, APP_ROLE_PASSWORD),
      DYNAMODB_ENDPOINT: `http://127.0.0.1:${port}`,
      SESSIONS_TABLE: TABLES.sessions,
      CACHE_TABLE: TABLES.cache,
      SESSION_SIGNING_KEY: SIGNING_KEY,
      AWS_LAMBDA_INITIALIZATION_TYPE: initializationType,
    }),
  );
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

describe("starting a container", () => {
  it("on demand: answers a catalog read without touching DynamoDB, and connects at the first request that needs a table", async () => {
    connections = 0;
    const runtime = await runtimeFor("on-demand");
    try {
      const app = new ShopClient(createApp(runtime.deps));
      expect((await app.get("/api/products/START-1")).status).toBe(200);
      await settle();
      expect(connections).toBe(0);
      // The stand-in answers nothing: the cart read is a 503, after the client has connected.
      expect((await app.get("/api/cart")).status).toBe(503);
      expect(connections).toBeGreaterThan(0);
    } finally {
      await runtime.close();
    }
  });

  for (const initializationType of ["provisioned-concurrency", "snap-start"]) {
    it(`${initializationType}: connects to DynamoDB while starting, before any request`, async () => {
      connections = 0;
      const runtime = await runtimeFor(initializationType);
      try {
        await settle();
        expect(connections).toBeGreaterThan(0);
      } finally {
        await runtime.close();
      }
    });
  }

  it("outside Lambda (the local platform): connects at the first request that needs a table", async () => {
    connections = 0;
    const runtime = await runtimeFor(undefined);
    try {
      await settle();
      expect(connections).toBe(0);
    } finally {
      await runtime.close();
    }
  });
});
