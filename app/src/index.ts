/** The Lambda image's handler module (`CMD ["index.handler"]`): configuration is read at cold start. */
import { createLambdaHandler } from "./lambda";

export const handler = createLambdaHandler(process.env);

// Under provisioned concurrency, open the connections within the Init phase, before Lambda freezes the container.
await handler.ready();
