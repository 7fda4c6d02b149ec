/**
 * Lambda proxy events (ALB, API Gateway REST) in and out of the Hono app,
 * through hono/aws-lambda plus the two fixes it needs:
 * - GET/HEAD events that carry a body (the ALB sample event does) make the
 *   Fetch API throw; the body is dropped first.
 * - ALB needs `statusDescription` ("200 OK") in the result.
 * - An event with missing or wrong-typed request fields (a test console, a
 *   hand-made invoke) gets a 400 in the contract's shape instead of a throw
 *   from deep inside the adapter.
 */
import type { ALBEvent, ALBResult, APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import type { Hono } from "hono";
import { handle } from "hono/aws-lambda";
import { STATUS_CODES } from "node:http";
import { errorBody } from "./errors";

export type ProxyEvent = ALBEvent | APIGatewayProxyEvent;
export type ProxyResult = ALBResult | APIGatewayProxyResult;

export function isAlbEvent(event: unknown): event is ALBEvent {
  return typeof event === "object" && event !== null && "requestContext" in event && !!(event as ALBEvent).requestContext?.elb;
}

/** An API Gateway REST proxy event by its request context (its request fields are checked by proxyEventProblem). */
export function isRestEvent(event: unknown): event is APIGatewayProxyEvent {
  const e = event as APIGatewayProxyEvent;
  return typeof event === "object" && event !== null && isRecord(e.requestContext) && "resourcePath" in e.requestContext;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const absent = (value: unknown) => value === undefined || value === null;
const stringMap = (value: unknown) => absent(value) || (isRecord(value) && Object.values(value).every((v) => absent(v) || typeof v === "string"));
const stringListMap = (value: unknown) =>
  absent(value) || (isRecord(value) && Object.values(value).every((v) => absent(v) || (Array.isArray(v) && v.every((item) => typeof item === "string"))));

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** NUL, CR and LF can never be in a header value (the Fetch API throws on them); non-ASCII the adapter percent-encodes. */
const FORBIDDEN_IN_VALUE = /[\0\r\n]/;

function headerProblem(headers: unknown): string | null {
  if (!isRecord(headers)) return null;
  for (const [name, value] of Object.entries(headers)) {
    if (!TOKEN.test(name)) return `header name ${JSON.stringify(name.slice(0, 40))} is not a token`;
    const values = Array.isArray(value) ? value : [value];
    if (values.some((v) => typeof v === "string" && FORBIDDEN_IN_VALUE.test(v))) return `header ${name} holds NUL, CR or LF`;
  }
  return null;
}

/** The adapter decodes with atob, which throws (not a TypeError) on anything else. */
function isBase64(body: string): boolean {
  try {
    atob(body);
    return true;
  } catch {
    return false;
  }
}

/** What makes a proxy event unreadable as an HTTP request, or null when it is readable. */
export function proxyEventProblem(event: ProxyEvent): string | null {
  const e = event as unknown as Record<string, unknown>;
  if (typeof e.httpMethod !== "string" || !/^[A-Za-z]{1,20}$/.test(e.httpMethod)) return "httpMethod must be an HTTP method";
  if (typeof e.path !== "string" || !e.path.startsWith("/")) return "path must be a string starting with /";
  if (!stringMap(e.headers)) return "headers must map names to strings";
  if (!stringListMap(e.multiValueHeaders)) return "multiValueHeaders must map names to lists of strings";
  if (!stringMap(e.queryStringParameters)) return "queryStringParameters must map names to strings";
  if (!stringListMap(e.multiValueQueryStringParameters)) return "multiValueQueryStringParameters must map names to lists of strings";
  if (!absent(e.body) && typeof e.body !== "string") return "body must be a string or null";
  if (!absent(e.isBase64Encoded) && typeof e.isBase64Encoded !== "boolean") return "isBase64Encoded must be a boolean";
  if (e.isBase64Encoded === true && typeof e.body === "string" && !isBase64(e.body)) return "body is marked base64 but is not";
  return headerProblem(e.headers) ?? headerProblem(e.multiValueHeaders);
}

/** A 400 bad_request result for an event that is not a readable request, in the event's header style. */
export function badEventResult(event: ProxyEvent, problem: string): ProxyResult {
  const type = "application/json; charset=utf-8";
  const multiValue = isRecord((event as { multiValueHeaders?: unknown }).multiValueHeaders);
  return {
    statusCode: 400,
    body: JSON.stringify(errorBody("bad_request", `malformed ${isAlbEvent(event) ? "ALB" : "API Gateway"} event: ${problem}`)),
    isBase64Encoded: false,
    ...(multiValue ? { multiValueHeaders: { "content-type": [type] } } : { headers: { "content-type": type } }),
  };
}

/** The event with any body of a GET or HEAD request removed. */
export function withoutBodyOnGetOrHead<E extends ProxyEvent>(event: E): E {
  const method = event.httpMethod.toUpperCase();
  if ((method === "GET" || method === "HEAD") && event.body) return { ...event, body: null, isBase64Encoded: false };
  return event;
}

export function statusDescription(status: number): string {
  return `${status} ${STATUS_CODES[status] ?? "Unknown"}`;
}

export function createProxyHandler(app: Hono): (event: ProxyEvent, context: Context) => Promise<ProxyResult> {
  const honoHandler = handle(app);
  return async (event, context) => {
    const problem = proxyEventProblem(event);
    const result = problem ? badEventResult(event, problem) : ((await honoHandler(withoutBodyOnGetOrHead(event) as never, context)) as ProxyResult);
    if (isAlbEvent(event)) return { ...result, statusDescription: statusDescription(result.statusCode) } as ALBResult;
    return result;
  };
}
