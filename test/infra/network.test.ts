/**
 * The network under Pulumi mocks: VPC, subnets over 3 AZs, gateways,
 * routes, flow logs with a least-privilege role, gateway endpoints, the default
 * security group stripped, and the function security group.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { natLayout, pickAvailabilityZones, planSubnets, type NetworkArgs, type Network } from "../../infra/network";
import { parseIpv4Cidr } from "../../infra/config";
import {
  MOCK_ACCOUNT_ID,
  MOCK_AZS,
  MOCK_REGION,
  addCallMock,
  installMocks,
  ofType,
  oneOfType,
  resolve,
  settle,
  type RegisteredResource,
  testTags,
} from "./harness";

const TAGS = testTags("t1");

/** Arguments of every getAvailabilityZones call the program makes (the mock answers as the harness does). */
const azQueries: Record<string, any>[] = [];
addCallMock("aws:index/getAvailabilityZones:getAvailabilityZones", (args) => {
  azQueries.push(args);
  return { id: MOCK_REGION, names: MOCK_AZS, zoneIds: ["euw1-az1", "euw1-az2", "euw1-az3"] };
});

async function build(overrides: Partial<NetworkArgs> = {}): Promise<Network> {
  await installMocks({ environmentSuffix: "t1" });
  const { Network } = await import("../../infra/network");
  const network = new Network("network", { environmentSuffix: "t1", tags: TAGS, vpcCidr: "10.0.0.0/16", natGateways: "perAz", ...overrides });
  await settle();
  return network;
}

const byTier = (tier: string) => ofType("aws:ec2/subnet:Subnet").filter((s) => s.inputs.tags.Tier === tier);
const idOf = (r: RegisteredResource) => r.id;

function cidrRange(cidr: string): [number, number] {
  const p = parseIpv4Cidr(cidr)!;
  return [p.address, p.address + 2 ** (32 - p.prefix) - 1];
}

describe("subnet plan (pure)", () => {
  it("gives 3 public and 3 private subnets inside the VPC range, none overlapping", () => {
    for (const vpc of ["10.0.0.0/16", "172.16.0.0/20", "192.168.4.0/24"]) {
      const plan = planSubnets(vpc);
      const all = [...plan.publicCidrs, ...plan.privateCidrs];
      expect(new Set(all).size).toBe(6);
      const [lo, hi] = cidrRange(vpc);
      const ranges = all.map(cidrRange).sort((a, b) => a[0] - b[0]);
      ranges.forEach(([s, e], i) => {
        expect(s).toBeGreaterThanOrEqual(lo);
        expect(e).toBeLessThanOrEqual(hi);
        if (i > 0) expect(s).toBeGreaterThan(ranges[i - 1]![1]);
      });
    }
    expect(planSubnets("10.0.0.0/16")).toEqual({
      publicCidrs: ["10.0.0.0/19", "10.0.32.0/19", "10.0.64.0/19"],
      privateCidrs: ["10.0.128.0/19", "10.0.160.0/19", "10.0.192.0/19"],
    });
    expect(planSubnets("192.168.4.0/24").privateCidrs).toEqual(["192.168.4.128/27", "192.168.4.160/27", "192.168.4.192/27"]);
  });

  it("refuses a range too small to split", () => {
    expect(() => planSubnets("10.0.0.0/26")).toThrow(/\/24 or larger/);
  });

  it("uses the first 3 availability zones and refuses a region with fewer", () => {
    expect(pickAvailabilityZones(["a", "b", "c", "d"])).toEqual(["a", "b", "c"]);
    expect(() => pickAvailabilityZones(["a", "b"])).toThrow(/offers 2 availability zone\(s\) \(a, b\); 3 are needed/);
  });

  it("NAT layout: one per AZ by default, one shared when asked", () => {
    expect(natLayout("perAz")).toEqual({ natCount: 3, natForAz: [0, 1, 2] });
    expect(natLayout("single")).toEqual({ natCount: 1, natForAz: [0, 0, 0] });
  });
});

describe("Network (natGateways: perAz)", () => {
  let network: Network;
  beforeAll(async () => {
    network = await build({ vpcCidr: "10.20.0.0/16" });
  });

  it("VPC uses the configured CIDR with DNS support and DNS hostnames on", async () => {
    const vpc = oneOfType("aws:ec2/vpc:Vpc");
    expect(vpc.inputs).toMatchObject({ cidrBlock: "10.20.0.0/16", enableDnsSupport: true, enableDnsHostnames: true });
    expect(await resolve(network.vpcCidrBlock)).toBe("10.20.0.0/16");
  });

  it("3 public and 3 private subnets, one of each per availability zone from getAvailabilityZones", async () => {
    const publics = byTier("public");
    const privates = byTier("private");
    expect(publics).toHaveLength(3);
    expect(privates).toHaveLength(3);
    // Only available, regular zones: Local/Wavelength Zones (opt-in) have no NAT gateways.
    expect(azQueries.at(-1)).toEqual({ state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] });
    expect(publics.map((s) => s.inputs.availabilityZone)).toEqual(MOCK_AZS);
    expect(privates.map((s) => s.inputs.availabilityZone)).toEqual(MOCK_AZS);
    expect(publics.map((s) => s.inputs.cidrBlock)).toEqual(planSubnets("10.20.0.0/16").publicCidrs);
    expect(privates.map((s) => s.inputs.cidrBlock)).toEqual(planSubnets("10.20.0.0/16").privateCidrs);
    for (const s of [...publics, ...privates]) expect(s.inputs.mapPublicIpOnLaunch).toBe(false);
    expect(await resolve(network.publicSubnetIds)).toEqual(publics.map(idOf));
    expect(await resolve(network.privateSubnetIds)).toEqual(privates.map(idOf));
  });

  it("public subnets route 0.0.0.0/0 to the internet gateway", () => {
    const igw = oneOfType("aws:ec2/internetGateway:InternetGateway");
    const routes = ofType("aws:ec2/route:Route").filter((r) => r.inputs.gatewayId === igw.id);
    expect(routes).toHaveLength(1);
    expect(routes[0]!.inputs.destinationCidrBlock).toBe("0.0.0.0/0");
    const publicTable = routes[0]!.inputs.routeTableId;
    const associated = ofType("aws:ec2/routeTableAssociation:RouteTableAssociation")
      .filter((a) => a.inputs.routeTableId === publicTable)
      .map((a) => a.inputs.subnetId);
    expect(associated.sort()).toEqual(byTier("public").map(idOf).sort());
  });

  it("one NAT gateway per AZ, each with a VPC Elastic IP, each private subnet routed through the NAT in its own AZ", async () => {
    const eips = ofType("aws:ec2/eip:Eip");
    const nats = ofType("aws:ec2/natGateway:NatGateway");
    expect(eips).toHaveLength(3);
    expect(nats).toHaveLength(3);
    for (const eip of eips) expect(eip.inputs.domain).toBe("vpc");
    expect(nats.map((n) => n.inputs.allocationId).sort()).toEqual(eips.map(idOf).sort());
    const publicByAz = new Map(byTier("public").map((s) => [s.inputs.availabilityZone, s.id]));
    const natAz = new Map(nats.map((n) => [n.id, [...publicByAz].find(([, id]) => id === n.inputs.subnetId)![0]]));
    const associations = ofType("aws:ec2/routeTableAssociation:RouteTableAssociation");
    for (const subnet of byTier("private")) {
      const table = associations.find((a) => a.inputs.subnetId === subnet.id)!.inputs.routeTableId;
      const route = ofType("aws:ec2/route:Route").find((r) => r.inputs.routeTableId === table)!;
      expect(route.inputs.destinationCidrBlock).toBe("0.0.0.0/0");
      expect(natAz.get(route.inputs.natGatewayId)).toBe(subnet.inputs.availabilityZone);
    }
    expect(await resolve(network.natGatewayPublicIps)).toEqual(eips.map((e) => e.state.publicIp));
    expect(await resolve(network.privateRouteTableIds)).toHaveLength(3);
  });

  it("VPC flow logs capture ALL traffic into a log group kept 7 days", async () => {
    const flowLog = oneOfType("aws:ec2/flowLog:FlowLog");
    const group = oneOfType("aws:cloudwatch/logGroup:LogGroup");
    expect(flowLog.inputs).toMatchObject({
      vpcId: oneOfType("aws:ec2/vpc:Vpc").id,
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: group.state.arn,
      iamRoleArn: oneOfType("aws:iam/role:Role").state.arn,
    });
    expect(group.inputs.retentionInDays).toBe(7);
    expect(group.inputs.name).toContain("t1");
    expect(await resolve(network.flowLogGroupName)).toBe(group.inputs.name);
  });

  it("the flow-log group is encrypted with a rotating KMS key that CloudWatch Logs may use for that group only", () => {
    const group = oneOfType("aws:cloudwatch/logGroup:LogGroup");
    const key = oneOfType("aws:kms/key:Key");
    expect(group.inputs.kmsKeyId).toBe(key.state.arn);
    expect(key.inputs.enableKeyRotation).toBe(true);
    const policy = JSON.parse(key.inputs.policy);
    const logs = policy.Statement.find((s: any) => s.Principal.Service === `logs.${MOCK_REGION}.amazonaws.com`);
    expect(logs.Condition.ArnEquals["kms:EncryptionContext:aws:logs:arn"]).toBe(
      `arn:aws:logs:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:log-group:${group.inputs.name}`,
    );
    expect(logs.Action).not.toContain("kms:*");
    // The only other statement lets the account (IAM) administer the key.
    expect(policy.Statement.filter((s: any) => s !== logs).map((s: any) => s.Principal)).toEqual([{ AWS: `arn:aws:iam::${MOCK_ACCOUNT_ID}:root` }]);
  });

  it("the flow-log role is least privilege: trusted by vpc-flow-logs for this account, writing only to its log group", () => {
    const role = oneOfType("aws:iam/role:Role");
    const trust = JSON.parse(role.inputs.assumeRolePolicy);
    expect(trust.Statement).toHaveLength(1);
    expect(trust.Statement[0].Principal).toEqual({ Service: "vpc-flow-logs.amazonaws.com" });
    expect(trust.Statement[0].Condition.StringEquals["aws:SourceAccount"]).toBe(MOCK_ACCOUNT_ID);
    expect(trust.Statement[0].Condition.ArnLike["aws:SourceArn"]).toBe(`arn:aws:ec2:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:vpc-flow-log/*`);

    const policy = JSON.parse(oneOfType("aws:iam/rolePolicy:RolePolicy").inputs.policy);
    const groupArn = oneOfType("aws:cloudwatch/logGroup:LogGroup").state.arn;
    expect(policy.Statement).toHaveLength(1);
    expect(policy.Statement[0].Effect).toBe("Allow");
    expect([...policy.Statement[0].Action].sort()).toEqual(["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"]);
    expect(policy.Statement[0].Resource).toEqual([groupArn, `${groupArn}:*`]);
    expect(JSON.stringify(policy)).not.toMatch(/"\*"|logs:\*/);
    expect(ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")).toHaveLength(0);
  });

  it("gateway endpoints for S3 and DynamoDB are attached to every private route table", async () => {
    const endpoints = ofType("aws:ec2/vpcEndpoint:VpcEndpoint");
    expect(endpoints.map((e) => e.inputs.serviceName).sort()).toEqual([`com.amazonaws.${MOCK_REGION}.dynamodb`, `com.amazonaws.${MOCK_REGION}.s3`]);
    const privateTables = await resolve(network.privateRouteTableIds);
    for (const e of endpoints) {
      expect(e.inputs.vpcEndpointType).toBe("Gateway");
      expect([...e.inputs.routeTableIds].sort()).toEqual([...privateTables].sort());
    }
  });

  it("the default security group is adopted with no ingress and no egress rules", () => {
    const sg = oneOfType("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup");
    expect(sg.inputs.vpcId).toBe(oneOfType("aws:ec2/vpc:Vpc").id);
    expect(sg.inputs.ingress ?? []).toEqual([]);
    expect(sg.inputs.egress ?? []).toEqual([]);
  });

  it("the function security group has no ingress and only HTTPS egress (5432 to the proxy is added by the database)", async () => {
    const sg = oneOfType("aws:ec2/securityGroup:SecurityGroup");
    expect(sg.inputs.ingress ?? []).toEqual([]);
    expect(sg.inputs.egress ?? []).toEqual([]);
    expect(ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")).toHaveLength(0);
    const egress = oneOfType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule");
    expect(egress.inputs).toMatchObject({ securityGroupId: sg.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0" });
    expect(await resolve(network.functionSecurityGroupId)).toBe(sg.id);
  });
});

describe("Network (natGateways: single)", () => {
  it("one shared NAT gateway serves all three private route tables (cost option)", async () => {
    await build({ natGateways: "single" });
    const nats = ofType("aws:ec2/natGateway:NatGateway");
    expect(nats).toHaveLength(1);
    expect(ofType("aws:ec2/eip:Eip")).toHaveLength(1);
    const natRoutes = ofType("aws:ec2/route:Route").filter((r) => r.inputs.natGatewayId !== undefined);
    expect(natRoutes).toHaveLength(3);
    for (const r of natRoutes) expect(r.inputs.natGatewayId).toBe(nats[0]!.id);
  });
});
