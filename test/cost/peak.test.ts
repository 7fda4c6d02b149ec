/**
 * The peak the cost model prices: the one the program states (each front door at its own peak),
 * else one derived from the API functions' concurrency within the API Gateway throttle. Resources
 * are written out by hand here, as the model receives them (type, name, inputs).
 */
import { describe, expect, it } from "vitest";
import { costAt, costAtPeak, estimate, requestsPerMonthAt, type CostResource, type StatedPeak } from "../../policy/lib/cost/model";
import { BUILTIN_PRICE_TABLES } from "../../policy/lib/cost/price-table";
import type { RecordedResource } from "../../scripts/preflight/program";
import { statedPeak } from "../../scripts/cost/stated-peak";

const resource = (type: string, name: string, props: Record<string, unknown>): CostResource => ({
  urn: `urn:pulumi:dev::p::${type}::${name}`,
  type,
  name,
  custom: true,
  props,
});

/** A function behind both front doors: a CloudFront distribution (browsers) and a REST API with a usage plan (API clients). */
function twoDoors(throttle: number): CostResource[] {
  const fnArn = "arn:aws:lambda:us-east-1:123456789012:function:api";
  return [
    resource("aws:lambda/function:Function", "api", { name: "api", memorySize: 1024, architectures: ["arm64"] }),
    resource("aws:cloudfront/distribution:Distribution", "cdn", {}),
    resource("aws:apigateway/restApi:RestApi", "rest", { name: "rest" }),
    resource("aws:apigateway/integration:Integration", "lambda", { uri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${fnArn}/invocations` }),
    resource("aws:apigateway/usagePlan:UsagePlan", "plan", { throttleSettings: { rateLimit: throttle } }),
  ];
}

const STATED: StatedPeak = { requestsPerSecondPerFrontDoor: 100, frontDoors: 2, source: "stack output capacity" };
const month = requestsPerMonthAt(1);
const quantity = (lines: { resource: string; dimension: string; quantity: number }[], resource: string, dimension: string) =>
  lines.find((l) => l.resource === resource && l.dimension.startsWith(dimension))!.quantity;

describe("a stated peak", () => {
  it("is the per-door peak times the front doors, each door carrying its own peak (not the mix's 80/20 split)", () => {
    const e = estimate({ resources: twoDoors(100), region: "us-east-1", statedPeak: STATED });
    expect(e.peak).toMatchObject({
      requestsPerSecond: 200,
      stated: true,
      basis: "stated peak: 100 req/s x 2 front doors (stack output capacity), each at its peak",
    });
    const peak = costAtPeak(e, BUILTIN_PRICE_TABLES);
    expect(peak.requestsPerMonth).toBe(200 * month);
    // 100 req/s through API Gateway and 100 through CloudFront (each API request plus one static file).
    expect(quantity(peak.lines, "rest", "REST API requests")).toBeCloseTo((100 * month) / 1e6, 6);
    expect(quantity(peak.lines, "cdn", "HTTPS requests")).toBeCloseTo((100 * 2 * month) / 10_000, 6);
    expect(quantity(peak.lines, "api", "requests")).toBeCloseTo((200 * month) / 1e6, 6);
    // The same load at the mix's split sends 80% through CloudFront: that is the average's split, not the peak's.
    const atMix = costAt(e, BUILTIN_PRICE_TABLES, 200 * month);
    expect(quantity(atMix.lines, "rest", "REST API requests")).toBeCloseTo((40 * month) / 1e6, 6);
  });

  it("does not move with the API Gateway throttle; the derived peak does", () => {
    const stated = (throttle: number) => estimate({ resources: twoDoors(throttle), region: "us-east-1", statedPeak: STATED }).peak.requestsPerSecond;
    const derived = (throttle: number) => estimate({ resources: twoDoors(throttle), region: "us-east-1" }).peak;
    expect(stated(10)).toBe(stated(100));
    // Derived: the throttle over the API clients' 20% share (below the unreserved 1,000 executions / 100 ms).
    expect(derived(10).stated).toBe(false);
    expect(derived(10).requestsPerSecond).toBeCloseTo(50, 6);
    expect(derived(100).requestsPerSecond).toBeCloseTo(500, 6);
    expect(derived(10).basis).toMatch(/^derived \(no stated peak\): API Gateway throttle 10 req\/s for the 20% API-client share/);
  });

  it("with one front door prices the mix's usage lines at the stated rate", () => {
    const e = estimate({ resources: twoDoors(100).filter((r) => r.name !== "cdn"), region: "us-east-1", statedPeak: { ...STATED, frontDoors: 1 } });
    expect(e.peak.usage).toBeUndefined();
    expect(costAtPeak(e, BUILTIN_PRICE_TABLES).totalUsd).toBeCloseTo(costAt(e, BUILTIN_PRICE_TABLES, 100 * month).totalUsd, 9);
  });
});

describe("the stack output that states the peak", () => {
  const stackWith = (outputs: Record<string, unknown>) => [{ type: "pulumi:pulumi:Stack", outputs } as unknown as RecordedResource];

  it("reads capacity.peakRequestsPerSecond and capacity.frontDoors (default 1); none when the program exports no capacity", () => {
    expect(statedPeak(stackWith({ capacity: { peakRequestsPerSecond: 50, frontDoors: 2, concurrency: 10 } }))).toEqual({
      requestsPerSecondPerFrontDoor: 50,
      frontDoors: 2,
      source: "stack output capacity",
    });
    expect(statedPeak(stackWith({ capacity: { peakRequestsPerSecond: 7 } }))?.frontDoors).toBe(1);
    expect(statedPeak(stackWith({ apiUrl: "https://x" }))).toBeUndefined();
    expect(statedPeak([])).toBeUndefined();
  });

  it("names what is wrong with a capacity output that states no usable peak", () => {
    expect(() => statedPeak(stackWith({ capacity: { frontDoors: 2 } }))).toThrow(
      /stack output capacity does not state a peak: capacity\.peakRequestsPerSecond: /,
    );
    expect(() => statedPeak(stackWith({ capacity: { peakRequestsPerSecond: 0 } }))).toThrow(/capacity\.peakRequestsPerSecond: /);
    expect(() => statedPeak(stackWith({ capacity: { peakRequestsPerSecond: 5, frontDoors: 1.5 } }))).toThrow(/capacity\.frontDoors: /);
  });
});
