import * as aws from "@pulumi/aws";
import { describe, expect, it } from "vitest";
import { parseCidr } from "../../policy/rules/vpc-configuration";
import { check } from "./check";
import { expectClean, expectFindings } from "./deploy-time";

const publicRead = (arn: string) =>
  JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `${arn}/*` }] });
const viaCloudFront = (arn: string) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: "cloudfront.amazonaws.com" },
        Action: "s3:GetObject",
        Resource: `${arn}/*`,
        Condition: { StringEquals: { "AWS:SourceArn": "arn:aws:cloudfront::123456789012:distribution/E1" } },
      },
    ],
  });

function site(o: { ownership?: string; acl?: string; policy: (arn: string) => string }) {
  return () => {
    const b = new aws.s3.Bucket("site", { bucket: "shop-site" });
    const pab = new aws.s3.BucketPublicAccessBlock("site-pab", {
      bucket: b.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    if (o.ownership) new aws.s3.BucketOwnershipControls("site-own", { bucket: b.id, rule: { objectOwnership: o.ownership } });
    if (o.acl) new aws.s3.BucketAcl("site-acl", { bucket: b.id, acl: o.acl });
    new aws.s3.BucketPolicy("site-policy", { bucket: b.id, policy: b.arn.apply(o.policy) }, { dependsOn: [pab] });
  };
}

describe("s3-bucket-access-settings (mandatory, stack)", () => {
  it("flags an ACL on a bucket with ACLs disabled, a public ACL and a public policy under the bucket's public access block", async () => {
    const e = await check(site({ acl: "public-read", policy: publicRead }));
    expectFindings("s3-bucket-access-settings", e, [
      'aws.s3.BucketAcl "site-acl": sets ACL "public-read" but aws.s3.Bucket "site" has ACLs disabled (object ownership BucketOwnerEnforced, the default); S3 answers AccessControlListNotSupported.',
      'aws.s3.BucketAcl "site-acl": ACL "public-read" is public but aws.s3.BucketPublicAccessBlock "site-pab" sets blockPublicAcls; S3 refuses it with AccessDenied.',
      'aws.s3.BucketPolicy "site-policy": allows Principal "*" without a Condition (a public policy) but aws.s3.BucketPublicAccessBlock "site-pab" sets blockPublicPolicy',
    ]);
  });
  it("accepts a private ACL with ACLs enabled and a policy for CloudFront only", async () => {
    expectClean(["s3-bucket-access-settings"], await check(site({ ownership: "BucketOwnerPreferred", acl: "private", policy: viaCloudFront })));
  });
});

describe("s3-bucket-arguments (mandatory)", () => {
  it("flags lifecycle, versioning, encryption and object arguments S3 rejects", async () => {
    const e = await check(() => {
      const b = new aws.s3.Bucket("logs", { bucket: "shop-logs" });
      new aws.s3.BucketLifecycleConfiguration("logs-lc", {
        bucket: b.id,
        rules: [
          { id: "tier", status: "enabled", transitions: [{ days: 10, storageClass: "STANDARD_IA" }], expiration: { days: 5 } },
          { id: "tier", status: "Enabled", filter: { tag: { key: "k", value: "v" } }, abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } },
          { id: "empty", status: "Enabled" },
        ],
      });
      new aws.s3.BucketVersioning("logs-v", { bucket: b.id, versioningConfiguration: { status: "On" } });
      new aws.s3.BucketServerSideEncryptionConfiguration("logs-sse", {
        bucket: b.id,
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256", kmsMasterKeyId: "arn:aws:kms:eu-west-1:123456789012:key/k" } }],
      });
    });
    expectFindings("s3-bucket-arguments", e, [
      'rules[0] (tier) status "enabled" must be "Enabled" or "Disabled".',
      "rules[0] (tier) transitions[0] moves objects to STANDARD_IA after 10 days; S3 requires at least 30.",
      "rules[0] (tier) expiration.days 5 must be greater than transitions[0].days 10.",
      'rules[1] (tier) repeats id "tier"',
      "rules[1] (tier) abortIncompleteMultipartUpload cannot be used with a tag filter",
      "rules[2] (empty) has no action",
      'versioningConfiguration.status "On" must be Enabled or Suspended.',
      "rules[0] kmsMasterKeyId is only allowed with sseAlgorithm aws:kms",
    ]);
  });
  it("accepts valid lifecycle, versioning and encryption", async () => {
    const e = await check(() => {
      const b = new aws.s3.Bucket("logs", { bucket: "shop-logs" });
      new aws.s3.BucketLifecycleConfiguration("logs-lc", {
        bucket: b.id,
        rules: [
          {
            id: "tier",
            status: "Enabled",
            filter: { prefix: "" },
            transitions: [{ days: 30, storageClass: "STANDARD_IA" }],
            expiration: { days: 90 },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
          },
        ],
      });
      new aws.s3.BucketVersioning("logs-v", { bucket: b.id, versioningConfiguration: { status: "Enabled" } });
      new aws.s3.BucketServerSideEncryptionConfiguration("logs-sse", {
        bucket: b.id,
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: "arn:aws:kms:eu-west-1:123456789012:key/k" } }],
      });
      new aws.s3.BucketObjectv2("index", { bucket: b.id, key: "index.html", content: "<html></html>" });
    });
    expectClean(["s3-bucket-arguments"], e);
  });
});

const LOG_GROUP = "arn:aws:logs:eu-west-1:123456789012:log-group:flow";

describe("vpc-flow-log-configuration (mandatory)", () => {
  it("flags a missing role for CloudWatch Logs, a role for S3, a bad interval, a destination of the wrong kind and two sources", async () => {
    const e = await check(() => {
      new aws.ec2.FlowLog("cw", { vpcId: "vpc-1", trafficType: "ALL", logDestination: LOG_GROUP, maxAggregationInterval: 300 });
      new aws.ec2.FlowLog("s3", {
        vpcId: "vpc-1",
        subnetId: "subnet-1",
        trafficType: "ALL",
        logDestinationType: "s3",
        logDestination: LOG_GROUP,
        iamRoleArn: "arn:aws:iam::123456789012:role/f",
      });
    });
    expectFindings("vpc-flow-log-configuration", e, [
      'aws.ec2.FlowLog "cw": maxAggregationInterval 300 s must be 60 or 600.',
      'aws.ec2.FlowLog "cw": a cloud-watch-logs flow log needs iamRoleArn',
      'aws.ec2.FlowLog "s3": needs exactly one of vpcId, subnetId, eniId, transitGatewayId, transitGatewayAttachmentId (given: vpcId, subnetId).',
      'aws.ec2.FlowLog "s3": iamRoleArn must not be set for a s3 flow log',
      `aws.ec2.FlowLog "s3": logDestination "${LOG_GROUP}" is not a s3 ARN; point it at a bucket.`,
    ]);
  });
  it("accepts a CloudWatch Logs flow log with its role and an S3 flow log without one", async () => {
    const e = await check(() => {
      new aws.ec2.FlowLog("cw", {
        vpcId: "vpc-1",
        trafficType: "ALL",
        logDestination: LOG_GROUP,
        iamRoleArn: "arn:aws:iam::123456789012:role/f",
        maxAggregationInterval: 60,
      });
      new aws.ec2.FlowLog("s3", {
        vpcId: "vpc-1",
        trafficType: "REJECT",
        logDestinationType: "s3",
        logDestination: "arn:aws:s3:::shop-flow-logs/vpc/",
        destinationOptions: { fileFormat: "parquet" },
      });
    });
    expectClean(["vpc-flow-log-configuration"], e);
  });
});

function vpc(o: { subnetCidr?: string; secondSameZone?: boolean; ruleBoth?: boolean; endpointSubnets?: boolean }) {
  return () => {
    const v = new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16" });
    const a = new aws.ec2.Subnet("a", { vpcId: v.id, cidrBlock: o.subnetCidr ?? "10.0.0.0/24", availabilityZone: "eu-west-1a" });
    const b = new aws.ec2.Subnet("b", { vpcId: v.id, cidrBlock: "10.0.1.0/24", availabilityZone: o.secondSameZone ? "eu-west-1a" : "eu-west-1b" });
    const sg = new aws.ec2.SecurityGroup("sg", { vpcId: v.id, description: "app" });
    new aws.vpc.SecurityGroupEgressRule("sg-out", {
      securityGroupId: sg.id,
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: "0.0.0.0/0",
      ...(o.ruleBoth ? { referencedSecurityGroupId: "sg-1" } : {}),
    });
    new aws.ec2.VpcEndpoint("s3-endpoint", {
      vpcId: v.id,
      serviceName: "com.amazonaws.eu-west-1.s3",
      vpcEndpointType: "Gateway",
      ...(o.endpointSubnets ? { subnetIds: [a.id] } : { routeTableIds: ["rtb-1"] }),
    });
    new aws.ec2.VpcEndpoint("sm-endpoint", {
      vpcId: v.id,
      serviceName: "com.amazonaws.eu-west-1.secretsmanager",
      vpcEndpointType: "Interface",
      subnetIds: [a.id, b.id],
      securityGroupIds: [sg.id],
      privateDnsEnabled: true,
    });
    new aws.rds.SubnetGroup("db", { subnetIds: [a.id, b.id] });
  };
}

describe("vpc-resource-arguments and vpc-network-consistency (mandatory)", () => {
  it("flag a subnet outside its VPC, a rule with two targets, subnets on a gateway endpoint and two subnets of one zone on an interface endpoint", async () => {
    const e = await check(vpc({ subnetCidr: "10.1.0.0/24", secondSameZone: true, ruleBoth: true, endpointSubnets: true }));
    expectFindings("vpc-resource-arguments", e, [
      'aws.vpc.SecurityGroupEgressRule "sg-out": needs exactly one of cidrIpv4, cidrIpv6, prefixListId, referencedSecurityGroupId (given: cidrIpv4, referencedSecurityGroupId).',
    ]);
    expectFindings("vpc-network-consistency", e, [
      'aws.ec2.Subnet "a": cidrBlock 10.1.0.0/24 is not inside aws.ec2.Vpc "vpc"\'s 10.0.0.0/16 (InvalidSubnet.Range).',
      'aws.ec2.VpcEndpoint "s3-endpoint": a Gateway endpoint takes routeTableIds, not subnetIds or securityGroupIds.',
      'aws.ec2.VpcEndpoint "sm-endpoint": subnetIds has two subnets in one Availability Zone',
    ]);
    expectFindings("rds-subnet-zones", e, [
      'aws.rds.SubnetGroup "db": its 2 subnets are all in eu-west-1a; a DB subnet group needs subnets in at least 2 Availability Zones (DBSubnetGroupDoesNotCoverEnoughAZs).',
    ]);
  });
  it("flag overlapping subnets, CIDR sizes, route targets and NAT gateways without an Elastic IP", async () => {
    const e = await check(() => {
      const v = new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/8" });
      new aws.ec2.Subnet("a", { vpcId: v.id, cidrBlock: "10.0.0.0/24" });
      new aws.ec2.Subnet("b", { vpcId: v.id, cidrBlock: "10.0.0.128/25" });
      new aws.ec2.Route("r", { routeTableId: "rtb-1", destinationCidrBlock: "0.0.0.0/0", gatewayId: "igw-1", natGatewayId: "nat-1" });
      new aws.ec2.NatGateway("nat", { subnetId: "subnet-1" });
    });
    expectFindings("vpc-resource-arguments", e, [
      'cidrBlock "10.0.0.0/8" is a /8; a VPC takes /16 to /28.',
      'aws.ec2.Route "r": needs exactly one target',
      'aws.ec2.NatGateway "nat": a public NAT gateway needs allocationId',
    ]);
    expectFindings("vpc-network-consistency", e, ['aws.ec2.Subnet "b": cidrBlock 10.0.0.128/25 overlaps aws.ec2.Subnet "a"\'s 10.0.0.0/24']);
  });
  it("accept subnets in two zones inside the VPC, one-target rules and endpoints of the right kind", async () => {
    const e = await check(vpc({}));
    expectClean(["vpc-resource-arguments", "vpc-network-consistency", "rds-subnet-zones"], e);
  });
  it("parses CIDRs", () => {
    expect(parseCidr("10.0.1.0/24")).toEqual([167772416, 24]);
    expect(parseCidr("10.0.1.0/33")).toBeUndefined();
  });
});

describe("rds-subnet-zones and rds-cluster-arguments (mandatory)", () => {
  it("flag a one-subnet group, overlapping windows, a bad password, a missing final snapshot and a key without encryption", async () => {
    const e = await check(() => {
      new aws.rds.SubnetGroup("one", { subnetIds: ["subnet-1"] });
      new aws.rds.Cluster("db", {
        engine: "aurora-postgresql",
        masterUsername: "app",
        masterPassword: "short/pw",
        preferredBackupWindow: "03:00-03:20",
        preferredMaintenanceWindow: "sun:03:10-sun:04:00",
        kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/k",
      });
      new aws.rds.ProxyDefaultTargetGroup("pool", { dbProxyName: "p", connectionPoolConfig: { maxConnectionsPercent: 50, maxIdleConnectionsPercent: 80 } });
    });
    expectFindings("rds-subnet-zones", e, ['aws.rds.SubnetGroup "one": subnetIds has 1 subnet(s)']);
    expectFindings("rds-cluster-arguments", e, [
      'preferredBackupWindow "03:00-03:20" is 20 minutes; it must be at least 30.',
      "preferredBackupWindow 03:00-03:20 overlaps preferredMaintenanceWindow sun:03:10-sun:04:00",
      "masterPassword must be 8..128 printable ASCII characters without '/'",
      "skipFinalSnapshot is false but finalSnapshotIdentifier is unset",
      "kmsKeyId is set but storageEncrypted is not true",
      "connectionPoolConfig.maxIdleConnectionsPercent 80 must be within 0..maxConnectionsPercent (50).",
    ]);
  });
  it("accept separate windows, managed credentials and a final snapshot", async () => {
    const e = await check(() => {
      new aws.rds.Cluster("db", {
        engine: "aurora-postgresql",
        masterUsername: "app",
        manageMasterUserPassword: true,
        preferredBackupWindow: "02:00-02:30",
        preferredMaintenanceWindow: "sun:03:00-sun:04:00",
        storageEncrypted: true,
        kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/k",
        finalSnapshotIdentifier: "db-final",
      });
    });
    expectClean(["rds-cluster-arguments"], e);
  });
});

describe("cloudwatch-alarm-arguments (mandatory)", () => {
  it("flags metricName without namespace, statistic with extendedStatistic, queries beside metricName and queries without one returnData", async () => {
    const e = await check(() => {
      new aws.cloudwatch.MetricAlarm("both-stats", {
        comparisonOperator: "GreaterThanThreshold",
        evaluationPeriods: 1,
        metricName: "Errors",
        period: 60,
        statistic: "Sum",
        extendedStatistic: "p99",
        threshold: 1,
      });
      new aws.cloudwatch.MetricAlarm("mixed", {
        comparisonOperator: "GreaterThanThreshold",
        evaluationPeriods: 1,
        threshold: 1,
        namespace: "AWS/Lambda",
        metricQueries: [
          { id: "Errors", metric: { metricName: "Errors", namespace: "AWS/Lambda", period: 60, stat: "Sum" } },
          { id: "rate", expression: "Errors / 60" },
        ],
      });
      new aws.cloudwatch.MetricAlarm("anomaly", {
        comparisonOperator: "GreaterThanUpperThreshold",
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        metricName: "Latency",
        namespace: "AWS/ApiGateway",
        period: 60,
        statistic: "Average",
        threshold: 1,
        treatMissingData: "zero",
      });
    });
    expectFindings("cloudwatch-alarm-arguments", e, [
      'aws.cloudwatch.MetricAlarm "both-stats": metricName "Errors" needs namespace.',
      'aws.cloudwatch.MetricAlarm "both-stats": an alarm on metricName needs exactly one of statistic or extendedStatistic (both given).',
      'aws.cloudwatch.MetricAlarm "mixed": namespace cannot be set with metricQueries',
      'aws.cloudwatch.MetricAlarm "mixed": metricQueries[0] (Errors) id must start with a lowercase letter',
      'aws.cloudwatch.MetricAlarm "mixed": exactly one metricQueries entry must set returnData true',
      'aws.cloudwatch.MetricAlarm "anomaly": treatMissingData "zero" must be one of missing, ignore, breaching, notBreaching.',
      'aws.cloudwatch.MetricAlarm "anomaly": comparisonOperator GreaterThanUpperThreshold is for anomaly detection and needs thresholdMetricId',
    ]);
  });
  it("accepts a metric alarm and a metric math alarm", async () => {
    const e = await check(() => {
      new aws.cloudwatch.MetricAlarm("errors", {
        comparisonOperator: "GreaterThanThreshold",
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        metricName: "Errors",
        namespace: "AWS/Lambda",
        period: 60,
        statistic: "Sum",
        threshold: 1,
        treatMissingData: "notBreaching",
      });
      new aws.cloudwatch.MetricAlarm("p99", {
        comparisonOperator: "GreaterThanThreshold",
        evaluationPeriods: 3,
        metricName: "Duration",
        namespace: "AWS/Lambda",
        period: 60,
        extendedStatistic: "p99",
        evaluateLowSampleCountPercentiles: "ignore",
        threshold: 1000,
      });
      new aws.cloudwatch.MetricAlarm("rate", {
        comparisonOperator: "GreaterThanThreshold",
        evaluationPeriods: 1,
        threshold: 0.05,
        metricQueries: [
          { id: "errors", metric: { metricName: "Errors", namespace: "AWS/Lambda", period: 60, stat: "Sum" } },
          { id: "calls", metric: { metricName: "Invocations", namespace: "AWS/Lambda", period: 60, stat: "Sum" } },
          { id: "ratio", expression: "errors / calls", returnData: true },
        ],
      });
    });
    expectClean(["cloudwatch-alarm-arguments", "cloudwatch-alarm-limits"], e);
  });
});

describe("cloudwatch-log-group-arguments (mandatory)", () => {
  it("flags an alias as kmsKeyId, an unknown class and the reserved aws/ prefix; accepts a key ARN", async () => {
    const e = await check(() => {
      new aws.cloudwatch.LogGroup("bad", { name: "aws/app", kmsKeyId: "alias/logs", logGroupClass: "COLD", retentionInDays: 30 });
      new aws.cloudwatch.LogGroup("good", {
        name: "/app/api",
        kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/k",
        logGroupClass: "STANDARD",
        retentionInDays: 30,
      });
    });
    expectFindings("cloudwatch-log-group-arguments", e, [
      'kmsKeyId "alias/logs" must be the KMS key\'s ARN',
      'logGroupClass "COLD" must be one of',
      'name "aws/app" starts with the reserved "aws/" prefix',
    ]);
  });
});
