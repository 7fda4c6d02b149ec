/**
 * createEncryptedLogGroup under Pulumi mocks: the key, alias and log group that the
 * network (flow logs), the API function and the REST API (access logs) each get.
 */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import type { EncryptedLogGroupArgs } from "../../infra/encrypted-log-group";
import { MOCK_ACCOUNT_ID, MOCK_REGION, addCallMock, dependsOn, installMocks, oneOfType, registered, settle } from "./harness";

/** The partition the stack runs in; GovCloud checks that no ARN hard-codes `aws`. */
let partition = "aws";
addCallMock("aws:index/getPartition:getPartition", () => ({ id: partition, partition, dnsSuffix: "amazonaws.com" }));

const ARGS: EncryptedLogGroupArgs = {
  logGroupName: "/aws/lambda/ecommerce-api-t1",
  retentionInDays: 30,
  keyName: "ecommerce-api-logs-key-t1",
  keyDescription: "Encrypts /aws/lambda/ecommerce-api-t1",
  keyTags: { Name: "ecommerce-api-logs-key-t1" },
  logGroupTags: { Name: "/aws/lambda/ecommerce-api-t1" },
};

class Holder extends pulumi.ComponentResource {
  constructor(build: (parent: pulumi.Resource) => void) {
    super("test:index:Holder", "holder", {});
    build(this);
    this.registerOutputs({});
  }
}

async function build(args: EncryptedLogGroupArgs = ARGS): Promise<void> {
  await installMocks({ environmentSuffix: "t1" });
  const { createEncryptedLogGroup } = await import("../../infra/encrypted-log-group");
  new Holder((parent) => createEncryptedLogGroup("api-logs", args, parent));
  await settle();
}

const logsStatement = (policy: any) => policy.Statement.find((s: any) => s.Principal.Service === `logs.${MOCK_REGION}.amazonaws.com`);

describe("createEncryptedLogGroup", () => {
  it("creates the key first, then the log group encrypted with it, all children of the caller", async () => {
    partition = "aws";
    await build();
    const key = oneOfType("aws:kms/key:Key");
    const group = oneOfType("aws:cloudwatch/logGroup:LogGroup");
    const alias = oneOfType("aws:kms/alias:Alias");
    expect(group.inputs).toMatchObject({ name: ARGS.logGroupName, retentionInDays: 30, kmsKeyId: key.state.arn, tags: ARGS.logGroupTags });
    expect(dependsOn(group, key)).toBe(true);
    expect(key.inputs).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 7, description: ARGS.keyDescription, tags: ARGS.keyTags });
    expect(alias.inputs).toEqual({ name: "alias/ecommerce-api-logs-key-t1", targetKeyId: key.state.keyId });
    // Same logical name per type as the components used before the helper existed: URNs stay put.
    expect(
      registered
        .filter((r) => r.type.startsWith("aws:"))
        .map((r) => `${r.type} ${r.name}`)
        .sort(),
    ).toEqual(["aws:cloudwatch/logGroup:LogGroup api-logs", "aws:kms/alias:Alias api-logs", "aws:kms/key:Key api-logs"]);
  });

  it("key policy: the account administers the key; CloudWatch Logs in the region may use it for this log group only", async () => {
    partition = "aws";
    await build();
    const policy = JSON.parse(oneOfType("aws:kms/key:Key").inputs.policy);
    expect(policy.Statement).toHaveLength(2);
    const logs = logsStatement(policy);
    expect(logs.Effect).toBe("Allow");
    expect(logs.Action).not.toContain("kms:*");
    expect(logs.Condition).toEqual({
      ArnEquals: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:log-group:${ARGS.logGroupName}` },
    });
    expect(policy.Statement.find((s: any) => s !== logs)).toMatchObject({ Principal: { AWS: `arn:aws:iam::${MOCK_ACCOUNT_ID}:root` }, Action: "kms:*" });
  });

  it("uses the stack's partition in the key policy (GovCloud)", async () => {
    partition = "aws-us-gov";
    await build();
    const policy = JSON.parse(oneOfType("aws:kms/key:Key").inputs.policy);
    expect(logsStatement(policy).Condition.ArnEquals["kms:EncryptionContext:aws:logs:arn"]).toBe(
      `arn:aws-us-gov:logs:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:log-group:${ARGS.logGroupName}`,
    );
    expect(policy.Statement.find((s: any) => s.Principal.AWS).Principal.AWS).toBe(`arn:aws-us-gov:iam::${MOCK_ACCOUNT_ID}:root`);
    partition = "aws";
  });

  it("takes a longer key deletion window when asked", async () => {
    await build({ ...ARGS, keyDeletionWindowInDays: 30 });
    expect(oneOfType("aws:kms/key:Key").inputs.deletionWindowInDays).toBe(30);
  });

  it("refuses a log group name CloudWatch Logs would reject, naming it, before registering anything", async () => {
    await expect(build({ ...ARGS, logGroupName: "/aws/lambda/has space" })).rejects.toThrow(/has space/);
    expect(registered.filter((r) => r.type.startsWith("aws:"))).toHaveLength(0);
  });
});
