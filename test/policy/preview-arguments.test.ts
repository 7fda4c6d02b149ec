/**
 * The deploy-time argument rules under `pulumi preview` against AWS: ARNs, ids and documents built
 * from resources not yet created are unknown. A rule must not mistake an unknown value for a
 * missing one, and one resource's unknown value must not stop a stack rule from checking the others.
 */
import { describe, expect, it } from "vitest";
import { policies } from "../../policy/policies";
import { analyze } from "../../scripts/preflight/analyze";
import type { RecordedResource } from "../../scripts/preflight/program";

/** The engine's sentinel for an unknown value. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const urn = (type: string, name: string) => `urn:pulumi:dev::preview::${type}::${name}`;

function resource(type: string, name: string, props: Record<string, unknown>, deps: Record<string, string[]> = {}): RecordedResource {
  return {
    urn: urn(type, name),
    type,
    name,
    custom: true,
    dependencies: [...new Set(Object.values(deps).flat())],
    propertyDependencies: deps,
    protect: false,
    ignoreChanges: [],
    aliases: [],
    additionalSecretOutputs: [],
    customTimeouts: { create: 0, update: 0, delete: 0 },
    inputs: props,
    outputs: { ...props, arn: UNKNOWN, id: UNKNOWN },
  };
}

const trust = (service: string) =>
  JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: service } }] });

describe("deploy-time argument rules during preview (unknown ARNs and documents)", () => {
  it("report only the real error and no rule that cannot run", async () => {
    const SUBNET = "aws:ec2/subnet:Subnet";
    const resources = [
      resource("aws:ec2/vpc:Vpc", "vpc", { cidrBlock: "10.0.0.0/16" }),
      resource(SUBNET, "a", { vpcId: UNKNOWN, cidrBlock: "10.0.0.0/24", availabilityZone: "eu-west-1a" }, { vpcId: [urn("aws:ec2/vpc:Vpc", "vpc")] }),
      resource(SUBNET, "b", { vpcId: UNKNOWN, cidrBlock: "10.0.1.0/24", availabilityZone: "eu-west-1b" }, { vpcId: [urn("aws:ec2/vpc:Vpc", "vpc")] }),
      resource("aws:rds/subnetGroup:SubnetGroup", "db", { name: "db", subnetIds: [UNKNOWN, UNKNOWN] }, { subnetIds: [urn(SUBNET, "a"), urn(SUBNET, "b")] }),
      resource("aws:iam/role:Role", "flow-role", { assumeRolePolicy: trust("vpc-flow-logs.amazonaws.com") }),
      resource(
        "aws:iam/rolePolicy:RolePolicy",
        "flow-policy",
        { role: UNKNOWN, policy: UNKNOWN },
        { role: [urn("aws:iam/role:Role", "flow-role")], policy: [urn("aws:cloudwatch/logGroup:LogGroup", "flow")] },
      ),
      resource("aws:cloudwatch/logGroup:LogGroup", "flow", { name: "/vpc/flow", retentionInDays: 30, kmsKeyId: UNKNOWN }),
      resource(
        "aws:ec2/flowLog:FlowLog",
        "flow",
        { vpcId: UNKNOWN, trafficType: "ALL", logDestination: UNKNOWN, iamRoleArn: UNKNOWN },
        { vpcId: [urn("aws:ec2/vpc:Vpc", "vpc")], iamRoleArn: [urn("aws:iam/role:Role", "flow-role")] },
      ),
      resource(
        "aws:ec2/vpcEndpoint:VpcEndpoint",
        "sm",
        {
          vpcId: UNKNOWN,
          serviceName: "com.amazonaws.eu-west-1.secretsmanager",
          vpcEndpointType: "Interface",
          subnetIds: [UNKNOWN, UNKNOWN],
          securityGroupIds: [UNKNOWN],
        },
        { subnetIds: [urn(SUBNET, "a"), urn(SUBNET, "b")] },
      ),
      resource("aws:lb/targetGroup:TargetGroup", "ip-tg", { name: "ip-tg", targetType: "ip", port: 8080, protocol: "HTTP", vpcId: UNKNOWN }),
      resource("aws:s3/bucket:Bucket", "site", { bucket: "shop-site" }),
      resource("aws:s3/bucketPolicy:BucketPolicy", "site-policy", { bucket: UNKNOWN, policy: UNKNOWN }, { bucket: [urn("aws:s3/bucket:Bucket", "site")] }),
      resource(
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        "site-pab",
        { bucket: UNKNOWN, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
        { bucket: [urn("aws:s3/bucket:Bucket", "site")] },
      ),
      // The one real error: a subnet outside its VPC.
      resource(SUBNET, "stray", { vpcId: UNKNOWN, cidrBlock: "10.9.0.0/24", availabilityZone: "eu-west-1a" }, { vpcId: [urn("aws:ec2/vpc:Vpc", "vpc")] }),
    ];
    const violations = await analyze({ packName: "p", packVersion: "0.0.0", policies, resources });
    const mine = [
      "iam-policy-grammar",
      "iam-role-arguments",
      "iam-service-role-trust",
      "aws-region-partition",
      "s3-bucket-access-settings",
      "s3-bucket-arguments",
      "vpc-flow-log-configuration",
      "vpc-resource-arguments",
      "vpc-network-consistency",
      "rds-subnet-zones",
      "elb-arguments",
      "cloudwatch-log-group-arguments",
    ];
    expect(violations.filter((v) => mine.includes(v.policy)).map((v) => `${v.policy}: ${v.detail || v.message}`)).toEqual([
      'vpc-network-consistency: aws.ec2.Subnet "stray": cidrBlock 10.9.0.0/24 is not inside aws.ec2.Vpc "vpc"\'s 10.0.0.0/16 (InvalidSubnet.Range).',
    ]);
  });
});
