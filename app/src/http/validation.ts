/** Request parsing at the edge of a route: JSON bodies, query strings and headers through zod. */
import type { Context } from "hono";
import type * as z from "zod";
import { badRequest, validationFailed } from "./errors";

function describe(error: z.ZodError, where: string): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.length ? issue.path.join(".") : where;
      return `${path}: ${issue.message}`;
    })
    .join("; ");
}

/** Parses `value` with `schema`, or throws 400 validation_failed naming each wrong field. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationFailed(describe(result.error, where));
  return result.data;
}

/** The request body as JSON validated by `schema`; malformed JSON is 400 bad_request. */
export async function jsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const text = await c.req.text();
  if (text.trim() === "") throw badRequest("a JSON request body is required");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw badRequest("the request body is not valid JSON");
  }
  return parseWith(schema, parsed, "body");
}
