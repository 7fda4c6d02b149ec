/** Where a resource is created: its own `region` argument, else its provider's region. Partitions by region. */
import type { PolicyResource } from "@pulumi/policy";

export function regionOf(r: PolicyResource): string | undefined {
  const own = r.props.region;
  if (typeof own === "string" && own) return own;
  const p = r.provider?.props.region;
  return typeof p === "string" ? p : undefined;
}

/** The partition a region belongs to (AWS General Reference, "AWS partitions"). */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  if (region.startsWith("us-iso-")) return "aws-iso";
  if (region.startsWith("us-isob-")) return "aws-iso-b";
  if (region.startsWith("eusc-")) return "aws-eusc";
  return "aws";
}

/** Partition and region of an ARN (`arn:<partition>:<service>:<region>:...`), if it is one. */
export function arnParts(value: string): { partition: string; service: string; region: string } | undefined {
  const m = /^arn:([\w-]+):([\w-]+):([\w-]*):/.exec(value);
  return m ? { partition: m[1]!, service: m[2]!, region: m[3]! } : undefined;
}
