/** The Lambda image's handler module (`CMD ["index.handler"]`): configuration is read at cold start. */
import { createLambdaHandler } from "./lambda";

export const handler = createLambdaHandler(process.env);
