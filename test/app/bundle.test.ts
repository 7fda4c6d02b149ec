/**
 * The Lambda image's contents: app/Dockerfile's shape (arm64 Node 22 Lambda
 * base, only the bundle - entry and chunks - copied, the handler CMD) and the bundle itself - built
 * with esbuild and imported by plain Node (no TypeScript loader), answering an
 * ALB event against real stores the way the Lambda runtime would call it.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundle, type BundleResult } from "../../scripts/bundle";
import { seedDemoCatalog } from "../../scripts/local/demo-catalog";
import { ADMIN_TOKEN, SIGNING_KEY, startStack, TABLES, type TestStack } from "./support/stack";

const ROOT = path.resolve(__dirname, "../..");
const dockerfile = readFileSync(path.join(ROOT, "app/Dockerfile"), "utf8");
const instructions = dockerfile
  .split("\n")
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith("#"));

describe("app/Dockerfile", () => {
  const froms = instructions.filter((line) => line.startsWith("FROM "));

  it("bundles on the Node 22 image of the build machine's platform and ships on the AWS Lambda Node.js 22 base for arm64", () => {
    expect(froms).toHaveLength(2);
    // The bundle is plain JavaScript: building it natively spares x86_64 machines arm64 emulation.
    expect(froms[0]).toBe("FROM --platform=$BUILDPLATFORM public.ecr.aws/docker/library/node:22 AS build");
    expect(froms[1]).toBe("FROM --platform=linux/arm64 public.ecr.aws/lambda/nodejs:22");
  });

  it("installs from the lockfile and bundles in the build stage", () => {
    const build = instructions.slice(0, instructions.indexOf(froms[1]!));
    expect(build).toContain("RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts --no-audit --no-fund");
    expect(build).toContain("RUN npm run bundle");
  });

  it("copies only the bundle (index.mjs and its chunks) into the runtime image and runs index.handler", () => {
    const runtime = instructions.slice(instructions.indexOf(froms[1]!) + 1);
    expect(runtime).toEqual(["COPY --from=build /src/dist/app/ ${LAMBDA_TASK_ROOT}/", 'CMD ["index.handler"]']);
  });

  it("copies build inputs that exist and that .dockerignore lets into the context", () => {
    const ignore = readFileSync(path.join(ROOT, ".dockerignore"), "utf8");
    const sources = instructions.filter((line) => line.startsWith("COPY ") && !line.includes("--from=")).flatMap((line) => line.split(/\s+/).slice(1, -1));
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect(existsSync(path.join(ROOT, source)), source).toBe(true);
      expect(ignore, source).toMatch(new RegExp(`^!${source.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(/\\*\\*)?$`, "m"));
    }
  });
});

describe("the bundle", () => {
  let stack: TestStack;
  let outDir: string;
  let result: BundleResult;

  beforeAll(async () => {
    outDir = mkdtempSync(path.join(os.tmpdir(), "shop-bundle-"));
    [stack, result] = await Promise.all([startStack(), bundle({ outfile: path.join(outDir, "index.mjs"), root: ROOT })]);
    await seedDemoCatalog(stack.database.writer);
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(outDir, { recursive: true, force: true });
  });
  const allCode = () => result.files.map((file) => readFileSync(file, "utf8")).join("\n");

  it("is an ESM entry plus chunks (all in the entry's directory), each with the createRequire banner, pg-native left out", () => {
    expect(result.files).toContain(result.outfile);
    expect(result.files.length).toBeGreaterThan(1);
    for (const file of result.files) {
      expect(path.relative(outDir, file).startsWith(".."), file).toBe(false);
      expect(readFileSync(file, "utf8").startsWith("import { createRequire as __shopCreateRequire } from 'node:module';"), file).toBe(true);
    }
    expect(allCode()).toContain('"pg-native"');
    expect(result.bytes).toBeGreaterThan(0);
    expect(result.gzipBytes).toBeLessThan(result.bytes);
  });

  it("loads at start none of the code only dynamic imports reach: zod and the request schemas, Secrets Manager, the DynamoDB client, the schema's SQL", () => {
    const read = (files: string[]) => files.map((file) => readFileSync(file, "utf8")).join("\n");
    const atStart = read(result.startFiles);
    const onDemand = read(result.files.filter((file) => !result.startFiles.includes(file)));
    expect(result.startFiles).toContain(result.outfile);
    expect(result.startBytes).toBe(result.startFiles.reduce((sum, file) => sum + readFileSync(file).length, 0));
    expect(result.startBytes).toBeLessThan(result.bytes);
    // Texts only zod, the Secrets Manager client, the DynamoDB client and the migrations carry.
    for (const marker of ["Invalid discriminator value", "secretsmanager", "com.amazonaws.dynamodb", "CREATE TABLE"]) {
      expect(atStart, marker).not.toContain(marker);
      expect(onDemand, marker).toContain(marker);
    }
  });

  it("carries only the environment link of the SDK's credential chain (Lambda passes credentials in the environment)", () => {
    const code = allCode();
    expect(code).toContain("Unable to find environment variable credentials");
    // Markers of the providers left out: web identity (STS), credential_process, SSO, container credentials.
    for (const marker of ["AssumeRoleWithWebIdentity", "credential_process", "sso_start_url", "AWS_CONTAINER_CREDENTIALS_FULL_URI"]) {
      expect(code, marker).not.toContain(marker);
    }
  });

  /** Imports the bundle with plain Node, as the Lambda runtime does, and hands it one event file; resolves with its response. */
  async function invokeBundle(eventFile: string): Promise<{ statusCode: number; body: string }> {
    const runner = path.join(outDir, "run.mjs");
    writeFileSync(
      runner,
      `const { handler } = await import(${JSON.stringify(result.outfile)});
       const event = JSON.parse(process.argv[2]);
       const res = await handler(event, { awsRequestId: "bundle-test" });
       process.stderr.write("RESULT " + JSON.stringify(res) + "\\n");
       process.exit(0);`,
    );
    const event = readFileSync(path.join(ROOT, "events", eventFile), "utf8");
    // Asynchronous: dynalite runs in this process and must keep answering.
    const child = await promisify(execFile)(process.execPath, [runner, event], {
      encoding: "utf8",
      timeout: 60_000,
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: stack.postgres.url(),
        DYNAMODB_ENDPOINT: stack.dynamo.endpoint,
        SESSIONS_TABLE: TABLES.sessions,
        CACHE_TABLE: TABLES.cache,
        SESSION_SIGNING_KEY: SIGNING_KEY,
        ADMIN_TOKEN,
        LOG_LEVEL: "WARN",
        POWERTOOLS_METRICS_DISABLED: "true",
      },
    });
    const line = child.stderr.split("\n").find((l) => l.startsWith("RESULT "));
    expect(line, child.stderr).toBeDefined();
    return JSON.parse(line!.slice("RESULT ".length));
  }

  it("answers an ALB event when imported by plain Node, like the Lambda runtime", async () => {
    const response = await invokeBundle("alb-get-product-multivalue.json");
    expect(response).toMatchObject({ statusCode: 200, statusDescription: "200 OK" });
    expect(JSON.parse(response.body)).toMatchObject({ sku: "COF-001" });
  });

  it("loads its DynamoDB chunk when a request needs a table (a cart write)", async () => {
    const response = await invokeBundle("alb-put-cart-item.json");
    expect(response, response.body).toMatchObject({ statusCode: 200 });
    expect(JSON.parse(response.body)).toMatchObject({ items: [expect.objectContaining({ sku: expect.any(String) })] });
  });
});
