import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { wildcardProblems } from "../../policy/lib/iam";
import { isConditionOperator, policyGrammarProblems } from "../../policy/lib/iam-grammar";
import { check } from "./check";
import { expectClean, expectFindings } from "./deploy-time";

const trust = (service: string) =>
  JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: service } }] });

describe("IAM policy grammar (pure)", () => {
  it("names each malformed element by where the document is used", () => {
    const doc = {
      Version: "2012-10-18",
      Statement: [
        { Sid: "a-1", Effect: "allow", Action: "s3:GetObject", NotAction: "s3:PutObject", Resource: "*" },
        { Effect: "Allow", Action: "GetObject", Principal: { AWS: "*" } },
        { Effect: "Deny", Action: "s3:*", Resource: "*", Condition: { StringEqualz: { "aws:x": "y" }, NullIfExists: {} } },
      ],
    };
    expect(policyGrammarProblems(doc, "identity")).toEqual([
      'Version "2012-10-18" is not valid; use "2012-10-17"',
      'Statement[0] (a-1) Sid "a-1" may contain only ASCII letters and digits',
      'Statement[0] (a-1) Effect "allow" is invalid; use "Allow" or "Deny"',
      "Statement[0] (a-1) needs exactly one of Action or NotAction (both given)",
      'Statement[1] action "GetObject" must be "*" or "<service>:<action>"',
      "Statement[1] needs Resource or NotResource",
      "Statement[1] has a Principal, which an identity policy must not have (the principal is whoever holds the policy); remove it",
      'Statement[2] Condition operator "StringEqualz" is not an IAM condition operator',
      'Statement[2] Condition operator "NullIfExists" is not an IAM condition operator',
    ]);
    expect(policyGrammarProblems({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" }] }, "trust")).toEqual([
      "Statement[0] has Resource, which a role trust policy must not have; remove it",
      "Statement[0] needs a Principal (a trust policy names who it applies to)",
    ]);
    expect(
      policyGrammarProblems(
        { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Principal: { Service: "cloudfront" }, Resource: "arn:aws:s3:::b/*" }] },
        "resource",
      ),
    ).toEqual(['Statement[0] Principal.Service "cloudfront" is not a service principal (<service>.amazonaws.com)']);
  });
  it('rejects "*" as a trust policy principal but accepts upper-case service prefixes (SNS:Publish)', () => {
    expect(policyGrammarProblems({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: "*" }] }, "trust")).toEqual([
      'Statement[0] Principal "*" is not accepted in a role trust policy; name the service or account that assumes the role',
    ]);
    expect(
      policyGrammarProblems(
        {
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Action: "SNS:Publish", Principal: { Service: "budgets.amazonaws.com" }, Resource: "arn:aws:sns:eu-west-1:123456789012:t" },
          ],
        },
        "resource",
      ),
    ).toEqual([]);
  });
  it('least privilege: vended log delivery actions are granted on "*" only, so they are not findings', () => {
    expect(
      wildcardProblems({
        Statement: [
          {
            Effect: "Allow",
            Action: ["logs:CreateLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery", "logs:PutResourcePolicy", "logs:GetLogDelivery"],
            Resource: "*",
          },
        ],
      }),
    ).toEqual([]);
  });
  it("accepts qualified operators and well-formed documents of every kind", () => {
    expect(["ForAnyValue:StringLike", "StringEqualsIfExists", "ForAllValues:ArnLikeIfExists", "Null"].every(isConditionOperator)).toBe(true);
    expect(policyGrammarProblems(trust("lambda.amazonaws.com"), "trust")).toEqual([]);
    expect(
      policyGrammarProblems(
        {
          Version: "2012-10-17",
          Statement: [
            { Sid: "Read", Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::b/*", Condition: { Bool: { "aws:SecureTransport": "true" } } },
          ],
        },
        "identity",
      ),
    ).toEqual([]);
  });
});

describe("iam-policy-grammar (mandatory)", () => {
  it("flags a role policy with a Principal, a trust policy with Resource, a bucket policy without Principal and an oversized managed policy", async () => {
    const e = await check(() => {
      const role = new aws.iam.Role("r", {
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: "lambda.amazonaws.com" }, Resource: "*" }],
        }),
      });
      new aws.iam.RolePolicy("rp", {
        role: role.id,
        policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*", Principal: "*" }] }),
      });
      const b = new aws.s3.Bucket("b", { bucket: "shop-b" });
      new aws.s3.BucketPolicy("bp", {
        bucket: b.id,
        policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::shop-b/*" }] }),
      });
      new aws.iam.Policy("big", {
        policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: Array.from({ length: 200 }, (_, i) => `arn:aws:s3:::bucket-number-${i}/*`) }],
        }),
      });
    });
    expectFindings("iam-policy-grammar", e, [
      'aws.iam.Role "r": assumeRolePolicy Statement[0] has Resource, which a role trust policy must not have; remove it.',
      'aws.iam.RolePolicy "rp": policy Statement[0] has a Principal, which an identity policy must not have',
      'aws.s3.BucketPolicy "bp": policy Statement[0] needs a Principal (a resource-based policy names who it applies to).',
      'aws.iam.Policy "big": policy is 6',
    ]);
    expect(e.violations.find((v) => v.policy === "iam-policy-grammar")!.level).toBe("mandatory");
  });
  it("accepts well-formed identity, trust and resource policies", async () => {
    const e = await check(() => {
      const role = new aws.iam.Role("r", { assumeRolePolicy: trust("lambda.amazonaws.com") });
      new aws.iam.RolePolicy("rp", {
        role: role.id,
        policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::shop-b/*" }] }),
      });
      const b = new aws.s3.Bucket("b", { bucket: "shop-b" });
      new aws.s3.BucketPolicy("bp", {
        bucket: b.id,
        policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "arn:aws:s3:::shop-b/*", Condition: { Bool: { "aws:SecureTransport": "false" } } },
          ],
        }),
      });
    });
    expectClean(["iam-policy-grammar"], e);
  });
});

describe("iam-role-arguments (mandatory, stack)", () => {
  it("flags session duration, path, the inline policy total and too many managed policies", async () => {
    const e = await check(() => {
      const big = JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: Array.from({ length: 150 }, (_, i) => `arn:aws:s3:::bucket-number-${i}/*`) }],
      });
      const role = new aws.iam.Role("r", {
        assumeRolePolicy: trust("lambda.amazonaws.com"),
        maxSessionDuration: 600,
        path: "service-roles",
        inlinePolicies: [{ name: "a", policy: big }],
      });
      new aws.iam.RolePolicy("rp", { role: role.id, policy: big });
      for (let i = 0; i < 11; i++) new aws.iam.RolePolicyAttachment(`att-${i}`, { role: role.name, policyArn: `arn:aws:iam::aws:policy/P${i}` });
    });
    expectFindings("iam-role-arguments", e, [
      "maxSessionDuration 600 s is outside 3600..43200 s",
      'path "service-roles" must be "/"',
      "its inline policies total",
      "11 managed policies attached",
    ]);
  });
  it("accepts a role within the limits", async () => {
    const e = await check(() => {
      new aws.iam.Role("r", { assumeRolePolicy: trust("lambda.amazonaws.com"), maxSessionDuration: 3600, path: "/service/" });
    });
    expectClean(["iam-role-arguments"], e);
  });
});

describe("iam-service-role-trust (mandatory, stack)", () => {
  it("flags a flow log and a function whose roles trust another service", async () => {
    const e = await check(() => {
      const role = new aws.iam.Role("ec2-role", { assumeRolePolicy: trust("ec2.amazonaws.com") });
      new aws.ec2.FlowLog("fl", {
        vpcId: "vpc-1",
        trafficType: "ALL",
        logDestination: "arn:aws:logs:eu-west-1:123456789012:log-group:f",
        iamRoleArn: role.arn,
      });
      new aws.lambda.Function("fn", { role: role.arn, runtime: "nodejs22.x", handler: "index.handler", code: new pulumi.asset.AssetArchive({}) });
    });
    expectFindings("iam-service-role-trust", e, [
      'aws.ec2.FlowLog "fl": iamRoleArn is aws.iam.Role "ec2-role", whose trust policy does not let vpc-flow-logs.amazonaws.com assume it (trusts: ec2.amazonaws.com)',
      'aws.lambda.Function "fn": role is aws.iam.Role "ec2-role", whose trust policy does not let lambda.amazonaws.com assume it',
    ]);
  });
  it("accepts roles that trust their service", async () => {
    const e = await check(() => {
      const role = new aws.iam.Role("flow-role", { assumeRolePolicy: trust("vpc-flow-logs.amazonaws.com") });
      new aws.ec2.FlowLog("fl", {
        vpcId: "vpc-1",
        trafficType: "ALL",
        logDestination: "arn:aws:logs:eu-west-1:123456789012:log-group:f",
        iamRoleArn: role.arn,
      });
    });
    expectClean(["iam-service-role-trust"], e);
  });
});
