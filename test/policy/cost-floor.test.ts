/** cost-fixed-floor: an advisory when the stack's fixed monthly floor exceeds the configured ceiling. */
import * as aws from "@pulumi/aws";
import { describe, expect, it } from "vitest";
import { check, details, of } from "./check";

/** One NAT gateway and its public IPv4 address: 730 h x ($0.048 + $0.005) = $38.69 a month in eu-west-1. */
function natGateway() {
  const eip = new aws.ec2.Eip("nat-ip", { domain: "vpc" });
  new aws.ec2.NatGateway("nat", { allocationId: eip.id, subnetId: "subnet-0123456789abcdef0" });
}

describe("cost-fixed-floor", () => {
  it("reports a floor above the ceiling with the figures and the largest lines", async () => {
    const e = await check(natGateway, { config: { "cost-fixed-floor": { maxMonthlyFloorUsd: 30 } } });
    expect(of("cost-fixed-floor", e)[0]!.level).toBe("advisory");
    expect(details("cost-fixed-floor", e)).toEqual([
      "the fixed monthly floor is $38.69 (eu-west-1 list prices), above the ceiling of $30.00; the largest: nat $35.04, nat-ip $3.65. " +
        "Run `npm run cost` for every line; fewer NAT gateways, Aurora readers or minimum ACUs lower it, or raise maxMonthlyFloorUsd.",
    ]);
  });

  it("passes a floor within the ceiling, and checks nothing without one", async () => {
    expect(details("cost-fixed-floor", await check(natGateway, { config: { "cost-fixed-floor": { maxMonthlyFloorUsd: 40 } } }))).toEqual([]);
    expect(details("cost-fixed-floor", await check(natGateway))).toEqual([]);
  });

  it("prices with the stack's region: us-east-1 is cheaper", async () => {
    const e = await check(natGateway, { region: "us-east-1", config: { "cost-fixed-floor": { maxMonthlyFloorUsd: 30 } } });
    expect(details("cost-fixed-floor", e)[0]).toMatch(/^the fixed monthly floor is \$36\.50 \(us-east-1 list prices\)/);
  });
});
