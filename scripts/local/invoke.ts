/**
 * `npm run invoke -- <event.json>`: runs the Lambda handler on an event file
 * (ALB, API Gateway REST, or {"shopAction":"migrate"}) against the local stores
 * and prints the handler's response JSON on stdout; logs go to stderr.
 * Uses the stores of a running `npm start`, else starts them, invokes, stops.
 */
import { readFileSync } from "node:fs";
import { createLambdaHandler } from "../../app/src/lambda";
import { runningPlatform, settingsFromEnv, silenceSdkNodeVersionWarning, startLocalStores, toApiEnv } from "./platform";

async function main(): Promise<number> {
  const file = process.argv[2];
  if (!file) {
    console.error("usage: npm run invoke -- <event.json>   (sample events in events/)");
    return 2;
  }
  let event: unknown;
  try {
    event = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    console.error(`cannot read event ${file}: ${(err as Error).message}`);
    return 2;
  }

  silenceSdkNodeVersionWarning();
  const settings = settingsFromEnv();
  const running = runningPlatform(settings.dataDir);
  const started = running ? undefined : await startLocalStores(settings);
  const info = running ?? started!.info;
  settings.log(running ? `using the running local platform (pid ${running.pid})` : "started the local stores for this invocation");

  // Powertools writes logs and metrics to stdout; keep stdout for the response only.
  const stdoutWrite = process.stdout.write.bind(process.stdout);
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  let exitCode = 0;
  let output: string | undefined;
  const handler = createLambdaHandler({ ...toApiEnv(info), LOG_LEVEL: process.env.LOG_LEVEL ?? "INFO" });
  try {
    const result = await handler(event, { awsRequestId: "local-invoke", functionName: "ecommerce-api-local" });
    output = JSON.stringify(result, null, 2);
  } catch (err) {
    console.error(`handler failed: ${(err as Error).stack ?? String(err)}`);
    exitCode = 1;
  } finally {
    await handler.close();
    await started?.stop();
    process.stdout.write = stdoutWrite;
  }
  if (output !== undefined) process.stdout.write(output + "\n");
  return exitCode;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`invoke failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
