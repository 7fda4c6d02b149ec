/**
 * The VPC: 3 public + 3 private subnets over 3 AZs, internet and NAT gateways,
 * flow logs, gateway endpoints for S3/DynamoDB, a locked-down default security
 * group, and the API function's security group (the start of the
 * function -> proxy -> database chain; the database component adds the 5432 rules).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { parseIpv4Cidr, type NatGatewayMode } from "./config";
import { createEncryptedLogGroup } from "./encrypted-log-group";
import { flowLogPolicyDocument, flowLogTrustDocument } from "./iam-policies";
import { physicalName } from "./naming";
import { standardTags, type TagContext } from "./tags";

export const AZ_COUNT = 3;
export const FLOW_LOG_RETENTION_DAYS = 7;

function formatIpv4(address: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join(".");
}

export interface SubnetPlan {
  readonly publicCidrs: string[];
  readonly privateCidrs: string[];
}

/**
 * Splits the VPC range into 8 equal blocks (prefix + 3): blocks 0..azCount-1 are
 * public, blocks 4..4+azCount-1 private; the rest stays free for growth.
 * A /16 gives /19 subnets (8,187 usable addresses each); a /24 gives /27s.
 */
export function planSubnets(vpcCidr: string, azCount: number = AZ_COUNT): SubnetPlan {
  const parsed = parseIpv4Cidr(vpcCidr);
  if (!parsed || parsed.prefix > 24) throw new Error(`planSubnets: "${vpcCidr}" is not an IPv4 CIDR of /24 or larger`);
  if (azCount < 1 || azCount > 4) throw new Error(`planSubnets: azCount ${azCount} must be 1..4`);
  const prefix = parsed.prefix + 3;
  const blockSize = 2 ** (32 - prefix);
  const block = (i: number) => `${formatIpv4(parsed.address + i * blockSize)}/${prefix}`;
  return {
    publicCidrs: Array.from({ length: azCount }, (_, i) => block(i)),
    privateCidrs: Array.from({ length: azCount }, (_, i) => block(4 + i)),
  };
}

/** The first AZ_COUNT zones of the region, or an error saying the region has too few. */
export function pickAvailabilityZones(names: string[]): string[] {
  if (names.length < AZ_COUNT) {
    throw new Error(`Network: the region offers ${names.length} availability zone(s) (${names.join(", ")}); ${AZ_COUNT} are needed`);
  }
  return names.slice(0, AZ_COUNT);
}

/** How many NAT gateways and which one each private route table uses. */
export function natLayout(mode: NatGatewayMode, azCount: number = AZ_COUNT): { natCount: number; natForAz: number[] } {
  const natCount = mode === "single" ? 1 : azCount;
  return { natCount, natForAz: Array.from({ length: azCount }, (_, i) => (mode === "single" ? 0 : i)) };
}

export interface NetworkArgs {
  readonly environmentSuffix: string;
  readonly tags: TagContext;
  readonly vpcCidr: string;
  readonly natGateways: NatGatewayMode;
  /** Prod: the flow log group and its key are protected and retained. Default false. */
  readonly isProd?: boolean;
}

export class Network extends pulumi.ComponentResource {
  public readonly vpcId: pulumi.Output<string>;
  public readonly vpcCidrBlock: pulumi.Output<string>;
  public readonly availabilityZones: pulumi.Output<string[]>;
  public readonly publicSubnetIds: pulumi.Output<string[]>;
  public readonly privateSubnetIds: pulumi.Output<string[]>;
  public readonly privateRouteTableIds: pulumi.Output<string[]>;
  public readonly natGatewayPublicIps: pulumi.Output<string[]>;
  public readonly flowLogGroupName: pulumi.Output<string>;
  public readonly flowLogGroupArn: pulumi.Output<string>;
  public readonly functionSecurityGroupId: pulumi.Output<string>;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("shop:network:Network", name, {}, opts);
    const suffix = args.environmentSuffix;
    const tags = (n: string, extra: Record<string, string> = {}) => standardTags(args.tags, n, extra);
    const parent = { parent: this };

    const plan = planSubnets(args.vpcCidr);
    // Regular AZs only: Local and Wavelength Zones (opt-in) lack NAT gateways and most services.
    const azs = aws.getAvailabilityZonesOutput({ state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] }, parent);
    const azNames = azs.names.apply(pickAvailabilityZones);
    const region = aws.getRegionOutput({}, parent).region;
    const accountId = aws.getCallerIdentityOutput({}, parent).accountId;
    const partition = aws.getPartitionOutput({}, parent).partition;

    const vpcName = physicalName("generic", "vpc", suffix);
    const vpc = new aws.ec2.Vpc(`${name}-vpc`, { cidrBlock: args.vpcCidr, enableDnsSupport: true, enableDnsHostnames: true, tags: tags(vpcName) }, parent);

    const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: tags(physicalName("generic", "igw", suffix)) }, parent);

    const publicSubnets = plan.publicCidrs.map(
      (cidr, i) =>
        new aws.ec2.Subnet(
          `${name}-public-${i + 1}`,
          {
            vpcId: vpc.id,
            cidrBlock: cidr,
            availabilityZone: azNames.apply((n) => n[i]!),
            // Only the ALB and NAT gateways live here, with their own addresses.
            mapPublicIpOnLaunch: false,
            tags: tags(physicalName("generic", `public-${i + 1}`, suffix), { Tier: "public" }),
          },
          parent,
        ),
    );
    const privateSubnets = plan.privateCidrs.map(
      (cidr, i) =>
        new aws.ec2.Subnet(
          `${name}-private-${i + 1}`,
          {
            vpcId: vpc.id,
            cidrBlock: cidr,
            availabilityZone: azNames.apply((n) => n[i]!),
            mapPublicIpOnLaunch: false,
            tags: tags(physicalName("generic", `private-${i + 1}`, suffix), { Tier: "private" }),
          },
          parent,
        ),
    );

    const publicRouteTable = new aws.ec2.RouteTable(`${name}-public-rt`, { vpcId: vpc.id, tags: tags(physicalName("generic", "public-rt", suffix)) }, parent);
    new aws.ec2.Route(`${name}-public-default`, { routeTableId: publicRouteTable.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id }, parent);
    publicSubnets.forEach(
      (subnet, i) => new aws.ec2.RouteTableAssociation(`${name}-public-${i + 1}`, { subnetId: subnet.id, routeTableId: publicRouteTable.id }, parent),
    );

    const { natCount, natForAz } = natLayout(args.natGateways);
    const eips = Array.from(
      { length: natCount },
      (_, i) => new aws.ec2.Eip(`${name}-nat-${i + 1}`, { domain: "vpc", tags: tags(physicalName("generic", `nat-eip-${i + 1}`, suffix)) }, parent),
    );
    const nats = eips.map(
      (eip, i) =>
        new aws.ec2.NatGateway(
          `${name}-nat-${i + 1}`,
          { allocationId: eip.id, subnetId: publicSubnets[i]!.id, tags: tags(physicalName("generic", `nat-${i + 1}`, suffix)) },
          { parent: this, dependsOn: [igw] },
        ),
    );

    const privateRouteTables = privateSubnets.map((subnet, i) => {
      const table = new aws.ec2.RouteTable(
        `${name}-private-rt-${i + 1}`,
        { vpcId: vpc.id, tags: tags(physicalName("generic", `private-rt-${i + 1}`, suffix)) },
        parent,
      );
      new aws.ec2.Route(
        `${name}-private-default-${i + 1}`,
        { routeTableId: table.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nats[natForAz[i]!]!.id },
        parent,
      );
      new aws.ec2.RouteTableAssociation(`${name}-private-${i + 1}`, { subnetId: subnet.id, routeTableId: table.id }, parent);
      return table;
    });
    const privateRouteTableIds = privateRouteTables.map((t) => t.id);

    // Gateway endpoints keep S3 and DynamoDB traffic off the NAT gateways (cheaper, private).
    for (const service of ["s3", "dynamodb"]) {
      new aws.ec2.VpcEndpoint(
        `${name}-${service}-endpoint`,
        {
          vpcId: vpc.id,
          serviceName: pulumi.interpolate`com.amazonaws.${region}.${service}`,
          vpcEndpointType: "Gateway",
          routeTableIds: privateRouteTableIds,
          tags: tags(physicalName("generic", `${service}-endpoint`, suffix)),
        },
        parent,
      );
    }

    // Flow logs: every packet decision, kept a week, encrypted with a key only this log group
    // may use, written by a role that can only write there.
    const flowLogBaseName = physicalName("logGroup", "vpc-flow-logs", suffix);
    const flowLogGroupName = `/aws/vpc/${flowLogBaseName}`;
    const flowLogKeyName = physicalName("generic", "flow-logs-key", suffix);
    const { logGroup: flowLogGroup } = createEncryptedLogGroup(
      `${name}-flow-logs`,
      {
        logGroupName: flowLogGroupName,
        retentionInDays: FLOW_LOG_RETENTION_DAYS,
        keyName: flowLogKeyName,
        keyDescription: `Encrypts the VPC flow log group ${flowLogGroupName}`,
        keyTags: tags(flowLogKeyName),
        logGroupTags: tags(flowLogBaseName),
        isProd: args.isProd,
      },
      this,
    );
    const flowLogRoleName = physicalName("iamRole", "vpc-flow-logs", suffix);
    const flowLogRole = new aws.iam.Role(
      `${name}-flow-logs`,
      {
        name: flowLogRoleName,
        assumeRolePolicy: pulumi.all([partition, accountId, region]).apply(([part, acct, reg]) => JSON.stringify(flowLogTrustDocument(part, acct, reg))),
        tags: tags(flowLogRoleName),
      },
      parent,
    );
    new aws.iam.RolePolicy(
      `${name}-flow-logs`,
      { role: flowLogRole.id, policy: flowLogGroup.arn.apply((arn) => JSON.stringify(flowLogPolicyDocument(arn))) },
      parent,
    );
    new aws.ec2.FlowLog(
      `${name}-vpc`,
      {
        vpcId: vpc.id,
        trafficType: "ALL",
        logDestinationType: "cloud-watch-logs",
        logDestination: flowLogGroup.arn,
        iamRoleArn: flowLogRole.arn,
        tags: tags(physicalName("generic", "vpc-flow-log", suffix)),
      },
      parent,
    );

    // Adopt the default security group and strip all its rules, so nothing can use it by accident.
    new aws.ec2.DefaultSecurityGroup(
      `${name}-default`,
      { vpcId: vpc.id, ingress: [], egress: [], tags: tags(physicalName("securityGroup", "default-sg", suffix)) },
      parent,
    );

    const functionSgName = physicalName("securityGroup", "function-sg", suffix);
    const functionSg = new aws.ec2.SecurityGroup(
      `${name}-function`,
      {
        name: functionSgName,
        description: "API function: no ingress; egress to the RDS Proxy (5432) and AWS APIs (443)",
        vpcId: vpc.id,
        tags: tags(functionSgName),
      },
      parent,
    );
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-function-https`,
      {
        securityGroupId: functionSg.id,
        description: "HTTPS to AWS APIs (Secrets Manager via NAT, S3/DynamoDB via gateway endpoints)",
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrIpv4: "0.0.0.0/0",
        tags: tags(physicalName("generic", "function-https-egress", suffix)),
      },
      parent,
    );

    this.vpcId = vpc.id;
    this.vpcCidrBlock = vpc.cidrBlock;
    this.availabilityZones = azNames;
    this.publicSubnetIds = pulumi.all(publicSubnets.map((s) => s.id));
    this.privateSubnetIds = pulumi.all(privateSubnets.map((s) => s.id));
    this.privateRouteTableIds = pulumi.all(privateRouteTableIds);
    this.natGatewayPublicIps = pulumi.all(eips.map((e) => e.publicIp));
    this.flowLogGroupName = flowLogGroup.name;
    this.flowLogGroupArn = flowLogGroup.arn;
    this.functionSecurityGroupId = functionSg.id;

    this.registerOutputs({
      vpcId: this.vpcId,
      vpcCidrBlock: this.vpcCidrBlock,
      publicSubnetIds: this.publicSubnetIds,
      privateSubnetIds: this.privateSubnetIds,
      privateRouteTableIds: this.privateRouteTableIds,
      natGatewayPublicIps: this.natGatewayPublicIps,
      flowLogGroupName: this.flowLogGroupName,
      functionSecurityGroupId: this.functionSecurityGroupId,
    });
  }
}
