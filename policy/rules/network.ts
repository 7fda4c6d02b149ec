/** VPC: no world-open ingress except HTTP(S) on the load balancer; flow logs on every VPC. */
import type { PolicyResource } from "@pulumi/policy";
import { stackPolicy } from "../lib/define";
import { asArray, label, ofType, refersTo } from "../lib/stack";

const SG = "aws:ec2/securityGroup:SecurityGroup";
const SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
const SG_INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const LB = "aws:lb/loadBalancer:LoadBalancer";
const WORLD = ["0.0.0.0/0", "::/0"];
export const PUBLIC_LB_PORTS = [80, 443];

interface Ingress {
  where: string;
  /** The resource that declares the rule. */
  urn: string;
  sg: PolicyResource | undefined;
  fromPort?: number;
  toPort?: number;
  protocol?: string;
  cidrs: string[];
}

function ingressRules(resources: readonly PolicyResource[]): Ingress[] {
  const sgs = ofType(resources, SG);
  const out: Ingress[] = [];
  for (const sg of sgs) {
    asArray<Record<string, unknown>>(sg.props.ingress).forEach((r, i) =>
      out.push({
        where: `${label(sg)} ingress[${i}]`,
        urn: sg.urn,
        sg,
        fromPort: r.fromPort as number,
        toPort: r.toPort as number,
        protocol: r.protocol as string,
        cidrs: [...asArray(r.cidrBlocks as string[]), ...asArray(r.ipv6CidrBlocks as string[])],
      }),
    );
  }
  for (const r of ofType(resources, SG_RULE)) {
    if (r.props.type !== "ingress") continue;
    out.push({
      where: label(r),
      urn: r.urn,
      sg: sgs.find((s) => refersTo(r, s, ["securityGroupId"])),
      fromPort: r.props.fromPort,
      toPort: r.props.toPort,
      protocol: r.props.protocol,
      cidrs: [...asArray<string>(r.props.cidrBlocks), ...asArray<string>(r.props.ipv6CidrBlocks)],
    });
  }
  for (const r of ofType(resources, SG_INGRESS)) {
    out.push({
      where: label(r),
      urn: r.urn,
      sg: sgs.find((s) => refersTo(r, s, ["securityGroupId"])),
      fromPort: r.props.fromPort,
      toPort: r.props.toPort,
      protocol: r.props.ipProtocol,
      cidrs: [r.props.cidrIpv4, r.props.cidrIpv6].filter((c): c is string => typeof c === "string"),
    });
  }
  return out;
}

export const noOpenIngress = stackPolicy({
  name: "no-open-ingress",
  description: "No security group admits 0.0.0.0/0 or ::/0, except TCP 80/443 on a load balancer's security group.",
  enforcementLevel: "advisory",
  validateStack: (args, report) => {
    const rules = ingressRules(args.resources);
    if (rules.length === 0) return args.notApplicable("no ingress rules");
    const lbs = ofType(args.resources, LB);
    for (const r of rules) {
      const open = r.cidrs.filter((c) => WORLD.includes(c));
      if (open.length === 0) continue;
      const webPort = r.fromPort === r.toPort && PUBLIC_LB_PORTS.includes(r.fromPort ?? -1) && ["tcp", "6"].includes(String(r.protocol));
      const onLb = r.sg !== undefined && lbs.some((lb) => refersTo(lb, r.sg!, ["securityGroups"]));
      if (webPort && onLb) continue;
      const ports = r.fromPort === r.toPort ? `port ${r.fromPort}` : `ports ${r.fromPort}-${r.toPort}`;
      const why = webPort ? "but the security group is not attached to a load balancer" : `only TCP ${PUBLIC_LB_PORTS.join("/")} may be open to the world`;
      report(`${r.where}: admits ${open.join(", ")} on ${r.protocol} ${ports}; ${why}.`, r.urn);
    }
  },
});

export const vpcFlowLogs = stackPolicy({
  name: "vpc-flow-logs",
  description: "Every VPC has a flow log.",
  enforcementLevel: "advisory",
  validateStack: (args, report) => {
    const vpcs = ofType(args.resources, "aws:ec2/vpc:Vpc");
    if (vpcs.length === 0) return args.notApplicable("no VPCs");
    const logs = ofType(args.resources, "aws:ec2/flowLog:FlowLog");
    for (const v of vpcs) {
      if (!logs.some((f) => refersTo(f, v, ["vpcId"]))) report(`${label(v)}: no aws.ec2.FlowLog has vpcId = this VPC.`, v.urn);
    }
  },
});

export const networkPolicies = [noOpenIngress, vpcFlowLogs];
