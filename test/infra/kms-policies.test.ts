/** KMS key policies (pure): the account administers, CloudWatch Logs encrypts only the named log groups. */
import { describe, expect, it } from "vitest";
import { accountAdministersKeyStatement, logsKeyPolicy } from "../../infra/kms-policies";

describe("logsKeyPolicy", () => {
  it("keeps the default account statement and scopes CloudWatch Logs to the named log group", () => {
    const policy = logsKeyPolicy("aws", "eu-west-1", "123456789012", ["/aws/vpc/x"]) as any;
    expect(policy.Statement[0]).toEqual(accountAdministersKeyStatement("aws", "123456789012"));
    expect(policy.Statement[0].Principal).toEqual({ AWS: "arn:aws:iam::123456789012:root" });
    const logs = policy.Statement[1];
    expect(logs.Principal).toEqual({ Service: "logs.eu-west-1.amazonaws.com" });
    expect(logs.Action).not.toContain("kms:*");
    expect(logs.Condition).toEqual({
      ArnEquals: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/vpc/x" },
    });
  });

  it("lists every log group when several share the key, and refuses none", () => {
    const policy = logsKeyPolicy("aws-us-gov", "us-gov-west-1", "123456789012", ["a", "b"]) as any;
    expect(policy.Statement[1].Condition.ArnEquals["kms:EncryptionContext:aws:logs:arn"]).toEqual([
      "arn:aws-us-gov:logs:us-gov-west-1:123456789012:log-group:a",
      "arn:aws-us-gov:logs:us-gov-west-1:123456789012:log-group:b",
    ]);
    expect(() => logsKeyPolicy("aws", "eu-west-1", "123456789012", [])).toThrow(/at least one log group/);
  });
});
