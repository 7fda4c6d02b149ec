/** Request parsing at the edge of a route: JSON bodies, query strings and headers through zod. */
import type { Context } from "hono";
import type * as z from "zod";
import { ApiError, badRequest, notFound, validationFailed } from "./errors";
import { SKU_PATTERN } from "../catalog/product";

/** Issues named in one error message, and characters per issue: a 64 KiB body of junk keys gets a short answer, not an echo. */
const MAX_ISSUES = 10;
const MAX_ISSUE_CHARS = 200;

function describe(error: z.ZodError, where: string): string {
  const named = error.issues.slice(0, MAX_ISSUES).map((issue) => {
    const path = issue.path.length ? issue.path.join(".") : where;
    return clip(`${path}: ${issue.message}`, MAX_ISSUE_CHARS);
  });
  const more = error.issues.length - named.length;
  return named.join("; ") + (more > 0 ? `; and ${more} more` : "");
}

/** A client-supplied value as it may appear in an error message: cut short. */
export function excerpt(value: string, max = 80): string {
  return clip(value, max);
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}

/** Parses `value` with `schema`, or throws 400 validation_failed naming each wrong field. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationFailed(describe(result.error, where));
  return result.data;
}

/**
 * The query string as single values validated by `schema`. A parameter given
 * twice is ambiguous (which limit did the client mean?): 400. Parameters the
 * schema does not name are ignored (cache busters, tracking tags).
 */
export function queryWith<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  const single: Record<string, string> = {};
  for (const [name, values] of Object.entries(c.req.queries())) {
    if (values.length > 1) throw validationFailed(`${name}: must be given at most once`);
    single[name] = values[0]!;
  }
  return parseWith(schema, single, "query");
}

/** A `{sku}` path segment of a route that reads or changes an existing product: one outside the pattern names no product. */
export function existingSkuParam(c: Context): string {
  const sku = c.req.param("sku") ?? "";
  if (!SKU_PATTERN.test(sku)) throw notFound(`no product with SKU ${excerpt(sku)}`);
  return sku;
}

/**
 * JSON is the only request media type (docs/api.md, conventions). A body
 * without Content-Type is read as JSON (curl, API Gateway test events); any
 * other type, a charset other than UTF-8, or a Content-Encoding is refused
 * rather than guessed at (and a form or text/plain post, which a browser sends
 * cross-site without a preflight, never reaches a handler).
 */
function assertJsonMediaType(c: Context): void {
  const type = c.req.header("content-type");
  if (type !== undefined) {
    const [essence, ...params] = type.split(";").map((part) => part.trim().toLowerCase());
    const charset = params
      .find((p) => p.startsWith("charset="))
      ?.slice("charset=".length)
      .replace(/^"|"$/g, "");
    if (essence !== "application/json" || (charset !== undefined && charset !== "utf-8" && charset !== "utf8")) {
      throw new ApiError(415, "unsupported_media_type", `Content-Type must be application/json (UTF-8), not ${JSON.stringify(type.slice(0, 100))}`);
    }
  }
  const encoding = c.req.header("content-encoding")?.trim().toLowerCase();
  if (encoding && encoding !== "identity") {
    throw new ApiError(
      415,
      "unsupported_media_type",
      `Content-Encoding ${JSON.stringify(encoding.slice(0, 100))} is not supported; send the body uncompressed`,
    );
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * The request body as JSON validated by `schema`. Not JSON media type: 415;
 * bytes that are not UTF-8, or malformed JSON: 400 bad_request; JSON of the
 * wrong shape: 400 validation_failed.
 */
export async function jsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  assertJsonMediaType(c);
  let text: string;
  try {
    text = utf8.decode(await c.req.arrayBuffer());
  } catch (err) {
    if (err instanceof TypeError && /decode|encoded data/i.test(err.message)) throw badRequest("the request body is not valid UTF-8");
    throw err;
  }
  if (text.trim() === "") throw badRequest("a JSON request body is required");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw badRequest("the request body is not valid JSON");
  }
  return parseWith(schema, parsed, "body");
}
