/**
 * Lambda proxy events (ALB, API Gateway REST) in and out of the Hono app,
 * through hono/aws-lambda plus the two fixes it needs:
 * - GET/HEAD events that carry a body (the ALB sample event does) make the
 *   Fetch API throw; the body is dropped first.
 * - ALB needs `statusDescription` ("200 OK") in the result.
 */
import type { ALBEvent, ALBResult, APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import type { Hono } from "hono";
import { handle } from "hono/aws-lambda";
import { STATUS_CODES } from "node:http";

export type ProxyEvent = ALBEvent | APIGatewayProxyEvent;
export type ProxyResult = ALBResult | APIGatewayProxyResult;

export function isAlbEvent(event: unknown): event is ALBEvent {
  return typeof event === "object" && event !== null && "requestContext" in event && !!(event as ALBEvent).requestContext?.elb;
}

export function isRestEvent(event: unknown): event is APIGatewayProxyEvent {
  const e = event as APIGatewayProxyEvent;
  return typeof event === "object" && event !== null && typeof e.httpMethod === "string" && !!e.requestContext && "resourcePath" in e.requestContext;
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
    const result = (await honoHandler(withoutBodyOnGetOrHead(event) as never, context)) as ProxyResult;
    if (isAlbEvent(event)) return { ...result, statusDescription: statusDescription(result.statusCode) } as ALBResult;
    return result;
  };
}
