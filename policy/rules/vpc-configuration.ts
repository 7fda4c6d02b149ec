/**
 * VPC arguments EC2 rejects at deploy time: flow log destinations and their co-required
 * arguments, CIDR sizes and containment, security group rule targets, route targets,
 * VPC endpoint arguments by type, NAT gateways.
 */
import type { PolicyResource, ReportViolation, ResourceValidationArgs } from "@pulumi/policy";
import { forType, resourcePolicy, stackPolicy } from "../lib/define";
import { asArray, isSet, known, label, ofType, refersTo } from "../lib/stack";

/** CreateFlowLogs: LogDestinationType, TrafficType, MaxAggregationInterval. */
export const FLOW_LOG_DESTINATIONS = ["cloud-watch-logs", "s3", "kinesis-data-firehose"];
export const FLOW_LOG_TRAFFIC = ["ACCEPT", "REJECT", "ALL"];
export const FLOW_LOG_AGGREGATION_SECONDS = [60, 600];
const FLOW_LOG_SOURCES = ["vpcId", "subnetId", "eniId", "transitGatewayId", "transitGatewayAttachmentId"];
/** The ARN service of each destination type. */
const DESTINATION_ARN: Record<string, RegExp> = {
  "cloud-watch-logs": /^arn:aws[\w-]*:logs:[^:]+:\d{12}:log-group:[^:]+(?::\*)?$/,
  s3: /^arn:aws[\w-]*:s3:::[^/]+(\/.*)?$/,
  "kinesis-data-firehose": /^arn:aws[\w-]*:firehose:[^:]+:\d{12}:deliverystream\/.+$/,
};

export const vpcFlowLogConfiguration = resourcePolicy({
  name: "vpc-flow-log-configuration",
  description:
    "A flow log has exactly one source (VPC, subnet, ENI, transit gateway), a destination type of cloud-watch-logs/s3/kinesis-data-firehose with a destination ARN of that kind, an IAM role for CloudWatch Logs and none for S3/Firehose, destinationOptions only for S3, traffic type ACCEPT/REJECT/ALL and maxAggregationInterval 60 or 600.",
  enforcementLevel: "mandatory",
  // Source: EC2 API CreateFlowLogs; AWS::EC2::FlowLog ("If you specify LogDestinationType as s3 or
  // kinesis-data-firehose, do not specify DeliverLogsPermissionArn or LogGroupName"); provider
  // internal/service/ec2/vpc_flow_log.go (max_aggregation_interval IntInSlice 60, 600; ExactlyOneOf sources).
  validateResource: forType("aws:ec2/flowLog:FlowLog", (p, args, report) => {
    const l = label(args);
    // ARNs and ids of resources not created yet are unknown during preview: they count as given.
    const given = (k: string) => isSet(() => p[k]);
    const sources = FLOW_LOG_SOURCES.filter(given);
    if (sources.length !== 1)
      report(`${l}: needs exactly one of ${FLOW_LOG_SOURCES.join(", ")} (${sources.length === 0 ? "none given" : `given: ${sources.join(", ")}`}).`);
    const type: string = p.logDestinationType ?? "cloud-watch-logs";
    if (!FLOW_LOG_DESTINATIONS.includes(type)) report(`${l}: logDestinationType "${type}" must be one of ${FLOW_LOG_DESTINATIONS.join(", ")}.`);
    if (p.trafficType !== undefined && !FLOW_LOG_TRAFFIC.includes(p.trafficType))
      report(`${l}: trafficType "${p.trafficType}" must be one of ${FLOW_LOG_TRAFFIC.join(", ")}.`);
    if (p.trafficType === undefined && !given("transitGatewayId") && !given("transitGatewayAttachmentId"))
      report(`${l}: trafficType is required for a VPC, subnet or ENI flow log; set ALL, ACCEPT or REJECT.`);
    if (p.maxAggregationInterval !== undefined && !FLOW_LOG_AGGREGATION_SECONDS.includes(p.maxAggregationInterval)) {
      report(`${l}: maxAggregationInterval ${p.maxAggregationInterval} s must be 60 or 600.`);
    }
    if (type === "cloud-watch-logs") {
      if (!given("iamRoleArn"))
        report(`${l}: a cloud-watch-logs flow log needs iamRoleArn (a role vpc-flow-logs.amazonaws.com can assume, allowed to write to the log group).`);
      if (!given("logDestination") && !given("logGroupName")) report(`${l}: a cloud-watch-logs flow log needs logDestination (the log group's ARN).`);
      if (p.destinationOptions) report(`${l}: destinationOptions apply only to s3 destinations; remove them.`);
    } else if (FLOW_LOG_DESTINATIONS.includes(type)) {
      if (given("iamRoleArn")) report(`${l}: iamRoleArn must not be set for a ${type} flow log (EC2 delivers with its service-linked permissions); remove it.`);
      if (given("logGroupName")) report(`${l}: logGroupName must not be set for a ${type} flow log.`);
      if (!given("logDestination")) report(`${l}: a ${type} flow log needs logDestination (the ${type === "s3" ? "bucket" : "delivery stream"} ARN).`);
      if (type !== "s3" && p.destinationOptions) report(`${l}: destinationOptions apply only to s3 destinations; remove them.`);
      const fmt = p.destinationOptions?.fileFormat;
      if (fmt !== undefined && !["plain-text", "parquet"].includes(fmt)) report(`${l}: destinationOptions.fileFormat "${fmt}" must be plain-text or parquet.`);
    }
    const dest = known(() => p.logDestination);
    const arn = DESTINATION_ARN[type];
    if (typeof dest === "string" && dest !== "" && arn && !arn.test(dest))
      report(
        `${l}: logDestination "${dest}" is not a ${type} ARN; point it at a ${type === "cloud-watch-logs" ? "log group" : type === "s3" ? "bucket" : "delivery stream"}.`,
      );
  }),
});

/** Parses an IPv4 CIDR into [network as number, prefix length]. */
export function parseCidr(cidr: string): [number, number] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const ip = octets.reduce((a, o) => a * 256 + o, 0);
  return [ip, prefix];
}

function contains(outer: [number, number], inner: [number, number]): boolean {
  const size = 2 ** (32 - outer[1]);
  const start = Math.floor(outer[0] / size) * size;
  return inner[1] >= outer[1] && inner[0] >= start && inner[0] < start + size;
}

const RULE_TARGETS = ["cidrIpv4", "cidrIpv6", "prefixListId", "referencedSecurityGroupId"];
const ROUTE_TARGETS = [
  "gatewayId",
  "natGatewayId",
  "networkInterfaceId",
  "transitGatewayId",
  "vpcEndpointId",
  "vpcPeeringConnectionId",
  "egressOnlyGatewayId",
  "carrierGatewayId",
  "localGatewayId",
  "coreNetworkArn",
];
const ROUTE_DESTINATIONS = ["destinationCidrBlock", "destinationIpv6CidrBlock", "destinationPrefixListId"];

function ruleChecks(type: string) {
  // Source: EC2 API AuthorizeSecurityGroupIngress/Egress (IpPermission); provider vpc_security_group_ingress_rule.go
  // (ExactlyOneOf cidr_ipv4, cidr_ipv6, prefix_list_id, referenced_security_group_id; from/to port -1 for protocol -1).
  return forType(type, (p, args, report) => {
    const l = label(args);
    const targets = RULE_TARGETS.filter((k) => p[k] !== undefined && p[k] !== "");
    if (targets.length !== 1)
      report(`${l}: needs exactly one of ${RULE_TARGETS.join(", ")} (${targets.length === 0 ? "none given" : `given: ${targets.join(", ")}`}).`);
    const proto = String(p.ipProtocol ?? "");
    const all = proto === "-1" || proto === "all";
    if (!all && ["tcp", "udp", "6", "17"].includes(proto)) {
      if (p.fromPort === undefined || p.toPort === undefined) report(`${l}: ipProtocol ${proto} needs fromPort and toPort.`);
      else if (p.fromPort > p.toPort || p.fromPort < 0 || p.toPort > 65535)
        report(`${l}: ports ${p.fromPort}..${p.toPort} must satisfy 0 <= fromPort <= toPort <= 65535.`);
    }
    if (all && ((p.fromPort !== undefined && p.fromPort !== -1) || (p.toPort !== undefined && p.toPort !== -1))) {
      report(`${l}: ipProtocol -1 (all traffic) takes no ports; remove fromPort/toPort.`);
    }
    for (const k of ["cidrIpv4", "cidrIpv6"]) {
      const c = p[k];
      if (k === "cidrIpv4" && typeof c === "string" && !parseCidr(c)) report(`${l}: cidrIpv4 "${c}" is not an IPv4 CIDR (a.b.c.d/n).`);
    }
  });
}

/** Inline ingress/egress blocks of a (default) security group. */
function inlineRuleChecks(p: Record<string, unknown>, args: ResourceValidationArgs, report: ReportViolation): void {
  for (const dir of ["ingress", "egress"]) {
    asArray(p[dir] as { protocol?: string; fromPort?: number; toPort?: number }[] | undefined).forEach((r, i) => {
      const all = r.protocol === "-1" || r.protocol === "all";
      if (all && (r.fromPort !== 0 || r.toPort !== 0)) report(`${label(args)}: ${dir}[${i}] protocol "-1" (all traffic) needs fromPort 0 and toPort 0.`);
      else if (!all && r.fromPort !== undefined && r.toPort !== undefined && r.fromPort > r.toPort)
        report(`${label(args)}: ${dir}[${i}] fromPort ${r.fromPort} exceeds toPort ${r.toPort}.`);
    });
  }
}

export const vpcResourceArguments = resourcePolicy({
  name: "vpc-resource-arguments",
  description:
    "VPC arguments EC2 rejects: VPC and subnet CIDRs between /16 and /28, security group rules with exactly one target and valid ports, routes with exactly one destination and one target, route table associations with exactly one of subnet or gateway, security group descriptions of ASCII up to 255 characters and inline rules with valid ports, inline routes with one target, public NAT gateways with an Elastic IP, Elastic IPs in the vpc domain.",
  enforcementLevel: "mandatory",
  validateResource: [
    // Source: Amazon VPC User Guide "VPC CIDR blocks" (IPv4 block size /16 to /28).
    forType("aws:ec2/vpc:Vpc", (p, args, report) => {
      if (typeof p.cidrBlock !== "string") return;
      const c = parseCidr(p.cidrBlock);
      if (!c) report(`${label(args)}: cidrBlock "${p.cidrBlock}" is not an IPv4 CIDR.`);
      else if (c[1] < 16 || c[1] > 28) report(`${label(args)}: cidrBlock "${p.cidrBlock}" is a /${c[1]}; a VPC takes /16 to /28.`);
    }),
    forType("aws:ec2/subnet:Subnet", (p, args, report) => {
      if (typeof p.cidrBlock !== "string") return;
      const c = parseCidr(p.cidrBlock);
      if (!c) report(`${label(args)}: cidrBlock "${p.cidrBlock}" is not an IPv4 CIDR.`);
      else if (c[1] < 16 || c[1] > 28) report(`${label(args)}: cidrBlock "${p.cidrBlock}" is a /${c[1]}; a subnet takes /16 to /28.`);
      if (p.availabilityZone && p.availabilityZoneId) report(`${label(args)}: availabilityZone and availabilityZoneId are mutually exclusive; keep one.`);
    }),
    ruleChecks("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"),
    ruleChecks("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"),
    // Source: EC2 API CreateSecurityGroup (GroupDescription: up to 255 characters, a-z A-Z 0-9 spaces ._-:/()#,@[]+=&;{}!$*);
    // provider security_group.go inline rules (from_port <= to_port; protocol "-1" needs ports 0).
    forType("aws:ec2/securityGroup:SecurityGroup", (p, args, report) => {
      const d = p.description;
      if (typeof d === "string" && (d.length > 255 || !/^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]*$/.test(d))) {
        report(
          `${label(args)}: description must be at most 255 ASCII letters, digits, spaces and ._-:/()#,@[]+=&;{}!$* (descriptions cannot be changed later either).`,
        );
      }
      inlineRuleChecks(p, args, report);
    }),
    forType("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", inlineRuleChecks),
    // Source: EC2 API CreateRoute (one target per route), for a route table's inline routes.
    forType("aws:ec2/routeTable:RouteTable", (p, args, report) => {
      asArray<Record<string, unknown>>(p.routes).forEach((r, i) => {
        const targets = ROUTE_TARGETS.filter((k) => r[k]);
        if (targets.length !== 1)
          report(`${label(args)}: routes[${i}] needs exactly one target of ${ROUTE_TARGETS.join(", ")} (given: ${targets.join(", ") || "none"}).`);
      });
    }),
    // Source: EC2 API CreateRoute (one destination; exactly one target); provider vpc_route.go ExactlyOneOf.
    forType("aws:ec2/route:Route", (p, args, report) => {
      const dests = ROUTE_DESTINATIONS.filter((k) => p[k]);
      const targets = ROUTE_TARGETS.filter((k) => p[k]);
      if (dests.length !== 1) report(`${label(args)}: needs exactly one of ${ROUTE_DESTINATIONS.join(", ")} (given: ${dests.join(", ") || "none"}).`);
      if (targets.length !== 1) report(`${label(args)}: needs exactly one target of ${ROUTE_TARGETS.join(", ")} (given: ${targets.join(", ") || "none"}).`);
    }),
    // Source: EC2 API AssociateRouteTable (SubnetId or GatewayId, not both); provider vpc_route_table_association.go ExactlyOneOf.
    forType("aws:ec2/routeTableAssociation:RouteTableAssociation", (p, args, report) => {
      const given = ["subnetId", "gatewayId"].filter((k) => p[k]);
      if (given.length !== 1) report(`${label(args)}: needs exactly one of subnetId or gatewayId (given: ${given.join(", ") || "none"}).`);
    }),
    // Source: EC2 API CreateNatGateway (a public NAT gateway needs AllocationId).
    forType("aws:ec2/natGateway:NatGateway", (p, args, report) => {
      if ((p.connectivityType ?? "public") === "public" && !p.allocationId && p.availabilityMode !== "regional")
        report(`${label(args)}: a public NAT gateway needs allocationId (an Elastic IP).`);
      if (p.connectivityType === "private" && p.allocationId) report(`${label(args)}: a private NAT gateway takes no allocationId.`);
    }),
    forType("aws:ec2/eip:Eip", (p, args, report) => {
      if (p.domain !== undefined && p.domain !== "vpc") report(`${label(args)}: domain "${p.domain}" must be "vpc" (EC2-Classic is retired).`);
    }),
  ],
});

const VPC = "aws:ec2/vpc:Vpc";

function vpcOf(resources: readonly PolicyResource[], r: PolicyResource): PolicyResource | undefined {
  return ofType(resources, VPC).find((v) => refersTo(r, v, ["vpcId"]));
}

export const vpcNetworkConsistency = stackPolicy({
  name: "vpc-network-consistency",
  description:
    "Subnets lie inside their VPC's CIDR and do not overlap; a VPC has one internet gateway; gateway VPC endpoints (S3, DynamoDB) take route tables, not subnets or security groups; interface endpoints take subnets in distinct Availability Zones and no route tables.",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const subnets = ofType(args.resources, "aws:ec2/subnet:Subnet");
    const endpoints = ofType(args.resources, "aws:ec2/vpcEndpoint:VpcEndpoint");
    if (subnets.length + endpoints.length + ofType(args.resources, VPC).length === 0) return args.notApplicable("no VPC resources");
    // Source: EC2 API CreateSubnet (InvalidSubnet.Range: the CIDR must be within the VPC's; InvalidSubnet.Conflict on overlap).
    const seen: { s: PolicyResource; c: [number, number] }[] = [];
    for (const s of subnets) {
      const c = typeof s.props.cidrBlock === "string" ? parseCidr(s.props.cidrBlock) : undefined;
      if (!c) continue;
      const vpc = vpcOf(args.resources, s);
      const vc = vpc && typeof vpc.props.cidrBlock === "string" ? parseCidr(vpc.props.cidrBlock) : undefined;
      if (vpc && vc && !contains(vc, c))
        report(`${label(s)}: cidrBlock ${s.props.cidrBlock} is not inside ${label(vpc)}'s ${vpc.props.cidrBlock} (InvalidSubnet.Range).`, s.urn);
      for (const o of seen) {
        if (vpc && vpcOf(args.resources, o.s) === vpc && (contains(o.c, c) || contains(c, o.c))) {
          report(`${label(s)}: cidrBlock ${s.props.cidrBlock} overlaps ${label(o.s)}'s ${o.s.props.cidrBlock} (InvalidSubnet.Conflict).`, s.urn);
        }
      }
      seen.push({ s, c });
    }
    // Source: EC2 API AttachInternetGateway ("A VPC can be attached to only one internet gateway"; Resource.AlreadyAssociated).
    const igwByVpc = new Map<PolicyResource, PolicyResource[]>();
    for (const g of [
      ...ofType(args.resources, "aws:ec2/internetGateway:InternetGateway"),
      ...ofType(args.resources, "aws:ec2/internetGatewayAttachment:InternetGatewayAttachment"),
    ]) {
      const vpc = vpcOf(args.resources, g);
      if (vpc) igwByVpc.set(vpc, [...(igwByVpc.get(vpc) ?? []), g]);
    }
    for (const [vpc, gws] of igwByVpc) {
      if (gws.length > 1)
        report(`${label(vpc)}: ${gws.map(label).join(" and ")} both attach an internet gateway; a VPC takes one (Resource.AlreadyAssociated).`, gws[1]!.urn);
    }
    // Source: EC2 API CreateVpcEndpoint (Gateway: RouteTableIds; Interface: SubnetIds, one subnet per AZ, SecurityGroupIds).
    for (const e of endpoints) {
      const type = e.props.vpcEndpointType ?? "Gateway";
      const l = label(e);
      if (type === "Gateway") {
        if (isSet(() => asArray(e.props.subnetIds)[0]) || isSet(() => asArray(e.props.securityGroupIds)[0]))
          report(`${l}: a Gateway endpoint takes routeTableIds, not subnetIds or securityGroupIds.`, e.urn);
        if (e.props.privateDnsEnabled === true) report(`${l}: privateDnsEnabled applies to Interface endpoints only.`, e.urn);
      } else if (type === "Interface") {
        if (isSet(() => asArray(e.props.routeTableIds)[0])) report(`${l}: an Interface endpoint takes subnetIds, not routeTableIds.`, e.urn);
        const zones = ofType(args.resources, "aws:ec2/subnet:Subnet")
          .filter((s) => refersTo(e, s, ["subnetIds"]))
          .map((s) => s.props.availabilityZone ?? s.props.availabilityZoneId)
          .filter((z): z is string => typeof z === "string");
        if (new Set(zones).size < zones.length)
          report(`${l}: subnetIds has two subnets in one Availability Zone; an Interface endpoint takes at most one subnet per zone.`, e.urn);
      }
    }
  },
});

export const vpcConfigurationPolicies = [vpcFlowLogConfiguration, vpcResourceArguments, vpcNetworkConsistency];
