import * as aws from "@pulumi/aws";
import { describe, expect, it } from "vitest";
import { wildcardProblems } from "../../policy/lib/iam";
import { check, details } from "./check";

function bucket(o: { sse?: boolean; pab?: Partial<aws.s3.BucketPublicAccessBlockArgs> | false; tls?: boolean }) {
  return () => {
    const b = new aws.s3.Bucket("assets", { bucket: "shop-assets-dev" });
    if (o.sse !== false) {
      new aws.s3.BucketServerSideEncryptionConfiguration("assets-sse", {
        bucket: b.id,
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
      });
    }
    if (o.pab !== false) {
      new aws.s3.BucketPublicAccessBlock("assets-pab", {
        bucket: b.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
        ...o.pab,
      });
    }
    if (o.tls !== false) {
      new aws.s3.BucketPolicy("assets-policy", {
        bucket: b.id,
        policy: b.arn.apply((arn) =>
          JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Sid: "TlsOnly",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [arn, `${arn}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
              },
            ],
          }),
        ),
      });
    }
  };
}

describe("S3 bucket protections (advisory, stack)", () => {
  it("flag a bucket without encryption, public access block or TLS-only policy", async () => {
    const e = await check(bucket({ sse: false, pab: false, tls: false }));
    expect(details("s3-bucket-encryption", e)).toEqual(['aws.s3.Bucket "assets": no aws.s3.BucketServerSideEncryptionConfiguration targets this bucket.']);
    expect(details("s3-public-access-block", e)).toEqual(['aws.s3.Bucket "assets": no aws.s3.BucketPublicAccessBlock targets this bucket.']);
    expect(details("s3-tls-only-policy", e)).toEqual([
      'aws.s3.Bucket "assets": no bucket policy denies aws:SecureTransport = false (0 policy resource(s) found).',
    ]);
  });
  it("name the public access settings left off", async () => {
    const e = await check(bucket({ pab: { blockPublicPolicy: false, restrictPublicBuckets: false } }));
    expect(details("s3-public-access-block", e)).toEqual([
      'aws.s3.Bucket "assets": public access block leaves blockPublicPolicy, restrictPublicBuckets not true.',
    ]);
  });
  it("accept an encrypted, blocked, TLS-only bucket", async () => {
    const e = await check(bucket({}));
    for (const p of ["s3-bucket-encryption", "s3-public-access-block", "s3-tls-only-policy"]) expect(details(p, e)).toEqual([]);
  });
});

function network(o: { openPort?: number; attachToLb?: boolean; flowLog?: boolean }) {
  return () => {
    const vpc = new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16" });
    if (o.flowLog !== false) {
      new aws.ec2.FlowLog("vpc-flow", {
        vpcId: vpc.id,
        trafficType: "ALL",
        logDestinationType: "cloud-watch-logs",
        logDestination: "arn:aws:logs:eu-west-1:1:log-group:f",
        iamRoleArn: "arn:aws:iam::1:role/f",
      });
    }
    const sg = new aws.ec2.SecurityGroup("alb-sg", { vpcId: vpc.id, description: "alb" });
    new aws.vpc.SecurityGroupIngressRule("alb-in", {
      securityGroupId: sg.id,
      cidrIpv4: "0.0.0.0/0",
      ipProtocol: "tcp",
      fromPort: o.openPort ?? 443,
      toPort: o.openPort ?? 443,
    });
    if (o.attachToLb !== false) new aws.lb.LoadBalancer("alb", { name: "shop-alb", securityGroups: [sg.id], subnets: ["subnet-a", "subnet-b"] });
  };
}

describe("no-open-ingress (advisory, stack)", () => {
  it("flags 0.0.0.0/0 on a port other than 80/443", async () => {
    expect(details("no-open-ingress", await check(network({ openPort: 22 })))).toEqual([
      'aws.vpc.SecurityGroupIngressRule "alb-in": admits 0.0.0.0/0 on tcp port 22; only TCP 80/443 may be open to the world.',
    ]);
  });
  it("flags 0.0.0.0/0 on 443 when the group is not a load balancer's", async () => {
    expect(details("no-open-ingress", await check(network({ attachToLb: false })))).toEqual([
      'aws.vpc.SecurityGroupIngressRule "alb-in": admits 0.0.0.0/0 on tcp port 443; but the security group is not attached to a load balancer.',
    ]);
  });
  it("accepts 443 open on the load balancer's group", async () => {
    expect(details("no-open-ingress", await check(network({})))).toEqual([]);
  });
});

describe("vpc-flow-logs (advisory, stack)", () => {
  it("flags a VPC without a flow log and accepts one with it", async () => {
    expect(details("vpc-flow-logs", await check(network({ flowLog: false })))).toEqual(['aws.ec2.Vpc "vpc": no aws.ec2.FlowLog has vpcId = this VPC.']);
    expect(details("vpc-flow-logs", await check(network({})))).toEqual([]);
  });
});

describe("iam-least-privilege (advisory)", () => {
  it("analyses statements: wildcard writes and writes on * are findings; reads, ENI and X-Ray actions are not", () => {
    const doc = {
      Statement: [
        { Effect: "Allow", Action: ["dynamodb:*"], Resource: "arn:aws:dynamodb:eu-west-1:1:table/t" },
        { Effect: "Allow", Action: ["s3:PutObject", "s3:GetObject"], Resource: "*" },
        {
          Effect: "Allow",
          Action: ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface", "xray:PutTraceSegments"],
          Resource: "*",
        },
        { Effect: "Allow", Action: ["logs:Describe*", "dynamodb:GetItem"], Resource: "*" },
        { Effect: "Deny", Action: "*", Resource: "*" },
      ],
    };
    expect(wildcardProblems(doc)).toEqual([
      "Statement[0] allows wildcard actions dynamodb:*; list the specific actions",
      'Statement[1] allows write actions s3:PutObject on Resource "*"; name the resources',
    ]);
  });
  it("flags a role policy with Action * and an AdministratorAccess attachment", async () => {
    const e = await check(() => {
      const role = new aws.iam.Role("fn-role", { assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [] }) });
      new aws.iam.RolePolicy("fn-policy", {
        role: role.id,
        policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }),
      });
      new aws.iam.RolePolicyAttachment("admin", { role: role.name, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" });
    });
    expect(details("iam-least-privilege", e).sort()).toEqual([
      'aws.iam.RolePolicy "fn-policy": policy Statement[0] allows wildcard actions *; list the specific actions.',
      'aws.iam.RolePolicyAttachment "admin": attaches the managed policy AdministratorAccess; grant specific actions instead.',
    ]);
  });
  it("accepts specific actions on named resources", async () => {
    const e = await check(() => {
      const role = new aws.iam.Role("fn-role", { assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [] }) });
      const doc = aws.iam.getPolicyDocumentOutput({
        statements: [
          { actions: ["dynamodb:GetItem", "dynamodb:PutItem"], resources: ["arn:aws:dynamodb:eu-west-1:1:table/sessions"] },
          { actions: ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface"], resources: ["*"] },
        ],
      });
      new aws.iam.RolePolicy("fn-policy", { role: role.id, policy: doc.json });
    });
    expect(details("iam-least-privilege", e)).toEqual([]);
  });
});

describe("ecr-scan-on-push and secrets-encrypted (advisory)", () => {
  it("flag a repository without scan on push and a plain String parameter holding a password", async () => {
    const e = await check(() => {
      new aws.ecr.Repository("repo", { name: "shop-api" });
      new aws.ssm.Parameter("db-password", { name: "/shop/db-password", type: "String", value: "hunter22" });
    });
    expect(details("ecr-scan-on-push", e)).toEqual(['aws.ecr.Repository "repo": imageScanningConfiguration.scanOnPush is not true.']);
    expect(details("secrets-encrypted", e)).toEqual([
      'aws.ssm.Parameter "db-password": parameter "/shop/db-password" looks like a secret but has type "String"; use SecureString or Secrets Manager.',
    ]);
  });
  it("accept scan on push and a SecureString", async () => {
    const e = await check(() => {
      new aws.ecr.Repository("repo", { name: "shop-api", imageScanningConfiguration: { scanOnPush: true } });
      new aws.ssm.Parameter("db-password", { name: "/shop/db-password", type: "SecureString", value: "hunter22" });
    });
    expect(details("ecr-scan-on-push", e)).toEqual([]);
    expect(details("secrets-encrypted", e)).toEqual([]);
  });
});

describe("xray-tracing (advisory, stack)", () => {
  it("flags a function without active tracing and a stage without X-Ray; accepts both on", async () => {
    const program = (on: boolean) => () => {
      new aws.lambda.Function("fn", {
        role: "arn:aws:iam::1:role/r",
        packageType: "Image",
        imageUri: `r@sha256:${"d".repeat(64)}`,
        architectures: ["arm64"],
        ...(on ? { tracingConfig: { mode: "Active" } } : {}),
      });
      new aws.apigateway.Stage("stage", { restApi: "abc", deployment: "dep", stageName: "prod", xrayTracingEnabled: on });
    };
    expect(details("xray-tracing", await check(program(false))).sort()).toEqual([
      'aws.apigateway.Stage "stage": xrayTracingEnabled is not true.',
      'aws.lambda.Function "fn": tracingConfig.mode is unset (PassThrough); set "Active".',
    ]);
    expect(details("xray-tracing", await check(program(true)))).toEqual([]);
  });
});
