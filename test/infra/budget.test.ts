/** Config monthlyBudgetUsd: an AWS Budgets cost budget notifying the alarm topic at 80% and 100%. */
import { beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../infra/config";
import { alarmTopicPolicy } from "../../infra/iam-policies";
import { alarmTopicKeyPolicy } from "../../infra/kms-policies";
import { Monitoring } from "../../infra/monitoring";
import { MOCK_ACCOUNT_ID, dependsOn, installMocks, ofType, oneOfType, settle, testTags } from "./harness";

const RESOURCES = { apiFunction: { functionName: "ecommerce-api-bud1" } };

/** The stack region's resource of a type (the us-east-1 alarm topic's resources carry a region). */
const home = (type: string) => {
  const found = ofType(type).filter((r) => r.inputs.region === undefined);
  expect(found, type).toHaveLength(1);
  return found[0]!;
};

beforeAll(async () => {
  await installMocks({ environmentSuffix: "bud1" });
  new Monitoring("monitoring", { environmentSuffix: "bud1", tags: testTags("bud1"), resources: RESOURCES, monthlyBudgetUsd: 500 });
  await settle();
});

describe("monthly budget", () => {
  it("is a monthly USD cost budget notifying the alarm topic when actual spend passes 80% and 100%", () => {
    const budget = oneOfType("aws:budgets/budget:Budget").inputs;
    const topicArn = home("aws:sns/topic:Topic").state.arn;
    expect(budget).toMatchObject({ name: "ecommerce-monthly-budget-bud1", budgetType: "COST", timeUnit: "MONTHLY", limitAmount: "500.00", limitUnit: "USD" });
    expect(budget.notifications).toEqual(
      [80, 100].map((threshold) => ({
        notificationType: "ACTUAL",
        comparisonOperator: "GREATER_THAN",
        threshold,
        thresholdType: "PERCENTAGE",
        subscriberSnsTopicArns: [topicArn],
      })),
    );
    expect(budget.tags.Name).toBe("ecommerce-monthly-budget-bud1");
  });

  it("lets this account's AWS Budgets publish to the topic and use its key, and is created after both policies", () => {
    const topicArn = home("aws:sns/topic:Topic").state.arn;
    const policy = JSON.parse(home("aws:sns/topicPolicy:TopicPolicy").inputs.policy);
    const publish = policy.Statement.find((s: any) => s.Principal?.Service === "budgets.amazonaws.com");
    expect(publish).toEqual({
      Sid: "BudgetsPublish",
      Effect: "Allow",
      Principal: { Service: "budgets.amazonaws.com" },
      Action: "sns:Publish",
      Resource: topicArn,
      Condition: { ArnLike: { "aws:SourceArn": `arn:aws:budgets::${MOCK_ACCOUNT_ID}:*` }, StringEquals: { "aws:SourceAccount": MOCK_ACCOUNT_ID } },
    });
    const keyPolicy = JSON.parse(home("aws:kms/key:Key").inputs.policy);
    const kms = keyPolicy.Statement.find((s: any) => s.Principal?.Service === "budgets.amazonaws.com");
    expect(kms.Action).toEqual(["kms:Decrypt", "kms:GenerateDataKey*"]);
    expect(kms.Condition).toEqual({ StringEquals: { "aws:SourceAccount": MOCK_ACCOUNT_ID } });
    const budget = oneOfType("aws:budgets/budget:Budget");
    expect(dependsOn(budget, home("aws:sns/topicPolicy:TopicPolicy"))).toBe(true);
    expect(dependsOn(budget, home("aws:kms/key:Key"))).toBe(true);
  });

  it("grants AWS Budgets nothing on the us-east-1 topic (CloudFront's alarms), which the budget does not notify", () => {
    const inUsEast1 = (type: string) => ofType(type).filter((r) => r.inputs.region === "us-east-1");
    expect(inUsEast1("aws:sns/topicPolicy:TopicPolicy")).toHaveLength(1);
    for (const type of ["aws:sns/topicPolicy:TopicPolicy", "aws:kms/key:Key"]) {
      for (const r of inUsEast1(type)) expect(r.inputs.policy, type).not.toContain("budgets.amazonaws.com");
    }
  });

  it("grants AWS Budgets nothing when no budget is configured", () => {
    const topic = alarmTopicPolicy("arn:aws:sns:eu-west-1:123456789012:t", "aws", "eu-west-1", MOCK_ACCOUNT_ID);
    const key = alarmTopicKeyPolicy("aws", MOCK_ACCOUNT_ID);
    for (const doc of [topic, key]) expect(JSON.stringify(doc)).not.toContain("budgets.amazonaws.com");
  });
});

describe("config monthlyBudgetUsd", () => {
  const base = { environmentSuffix: "dev" };
  it("is optional and parses dollar amounts", () => {
    expect(parseConfig(base).monthlyBudgetUsd).toBeUndefined();
    expect(parseConfig({ ...base, monthlyBudgetUsd: "500" }).monthlyBudgetUsd).toBe(500);
    expect(parseConfig({ ...base, monthlyBudgetUsd: "1250.50" }).monthlyBudgetUsd).toBe(1250.5);
  });
  it.each(["0", "-5", "abc", "12.345", "1e3", "0.5"])("refuses %s naming the key and what is allowed", (value) => {
    expect(() => parseConfig({ ...base, monthlyBudgetUsd: value })).toThrow(
      `ecommerce-platform:monthlyBudgetUsd is "${value}"; allowed: a US-dollar amount of at least 1 with at most 2 decimals`,
    );
  });
});
