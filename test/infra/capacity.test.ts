/** Little's law and the provisioned concurrency plan. */
import { describe, expect, it } from "vitest";
import { aliasScalingResourceId, provisionedConcurrencyPlan, requiredConcurrency, sustainableRequestsPerSecond } from "../../infra/capacity";

describe("Little's law", () => {
  it("10 reserved executions at 20 ms serve 500 req/s, not 10,000", () => {
    expect(sustainableRequestsPerSecond(10, 0.02)).toBe(500);
  });

  it("10,000 req/s at 20 ms needs 200 concurrent executions; at 100 ms, 1,000", () => {
    expect(requiredConcurrency(10_000, 0.02)).toBe(200);
    expect(requiredConcurrency(10_000, 0.1)).toBe(1000);
    expect(requiredConcurrency(1, 0.02)).toBe(1);
  });

  it("rejects a non-positive latency", () => {
    expect(() => sustainableRequestsPerSecond(10, 0)).toThrow(/secondsPerRequest/);
    expect(() => requiredConcurrency(10, -1)).toThrow(/secondsPerRequest/);
  });
});

describe("provisionedConcurrencyPlan", () => {
  it("is off at 0", () => {
    expect(provisionedConcurrencyPlan(0, 0, 10)).toBeUndefined();
  });

  it("scales between N and M at 70% utilization", () => {
    expect(provisionedConcurrencyPlan(2, 4, 10)).toEqual({ min: 2, max: 4, targetUtilization: 0.7 });
    expect(provisionedConcurrencyPlan(50, 100, -1)).toEqual({ min: 50, max: 100, targetUtilization: 0.7 });
  });

  it("rejects max < N, fractional N, and a max above the reserved pool", () => {
    expect(() => provisionedConcurrencyPlan(4, 2, 10)).toThrow(/max \(2\) must be an integer >= provisioned concurrency \(4\)/);
    expect(() => provisionedConcurrencyPlan(1.5, 3, 10)).toThrow(/integer >= 0/);
    expect(() => provisionedConcurrencyPlan(5, 20, 10)).toThrow(/exceeds the function's reserved concurrency \(10\)/);
  });

  it("names the alias as Application Auto Scaling expects", () => {
    expect(aliasScalingResourceId("ecommerce-api-dev", "live")).toBe("function:ecommerce-api-dev:live");
  });
});
