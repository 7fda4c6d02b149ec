/** Bench target: the shop API as a plain HTTP server (bundled by the bench like the Lambda code). */
import { loadConfig } from "../../app/src/config";
import { createRuntime } from "../../app/src/runtime/runtime";
import { startServer } from "../../app/src/server";

const config = loadConfig(process.env);
createRuntime(config)
  .then((runtime) => startServer(runtime.deps, { port: config.port }))
  .catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
