/** The Availability Zones a resource's subnets are in, for services that need several. */
import type { PolicyResource } from "@pulumi/policy";
import { asArray, known, ofType, refersTo } from "./stack";

const SUBNET = "aws:ec2/subnet:Subnet";

export interface SubnetZones {
  /** Zones of the subnets defined in this stack. */
  zones: Set<string>;
  /** How many subnets are listed in all. */
  count: number;
  /** Subnets listed that are not in this stack (their zone is only known in the account). */
  outside: number;
}

/** Zones of the subnets `from` lists in `prop` (by dependency or id). */
export function subnetZones(resources: readonly PolicyResource[], from: PolicyResource, prop: string): SubnetZones {
  const listed = known(() => asArray<unknown>(from.props[prop])) ?? [];
  const subnets = ofType(resources, SUBNET).filter((s) => refersTo(from, s, [prop]));
  const zones = new Set<string>();
  for (const s of subnets) {
    const z = s.props.availabilityZone ?? s.props.availabilityZoneId;
    if (typeof z === "string") zones.add(z);
  }
  return { zones, count: listed.length, outside: Math.max(0, listed.length - subnets.length) };
}
