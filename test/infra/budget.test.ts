/** Config monthlyBudgetUsd: an AWS Budgets cost budget notifying the alarm topic at 80% and 100%. */
import { beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../infra/config";
import { Monitoring, alarmTopicKeyPolicy, alarmTopicPolicy } from "../../infra/monitoring";
import { MOCK_ACCOUNT_ID, dependsOn, installMocks, oneOfType, settle, testTags } from "./harness";

const RESOURCES = { apiFunction: { functionName: "ecommerce-api-bud1" } };

beforeAll(async () => {
  await installMocks({ environmentSuffix: "bud1" });
  new Monitoring("monitoring", { environmentSuffix: "bud1", tags: testTags("bud1"), resources: RESOURCES, monthlyBudgetUsd: 500 });
  await settle();
});

describe("monthly budget", () => {
  it("is a monthly USD cost budget notifying the alarm topic when actual spend passes 80% and 100%", () => {
    const budget = oneOfType("aws:budgets/budget:Budget").inputs;
    const topicArn = oneOfType("aws:sns/topic:Topic").state.arn;
    expect(budget).toMatchObject({ name: "ecommerce-monthly-budget-bud1", budgetType: "COST", timeUnit: "MONTHLY", limitAmount: "500.00", limitUnit: "USD" });
    expect(budget.notifications).toEqual(
      [80, 100].map((threshold) => ({ notificationType: "ACTUAL", comparisonOperator: "GREATER_THAN", threshold, thresholdType: "PERCENTAGE", subscriberSnsTopicArns: [topicArn] })),
    );
    expect(budget.tags.Name).toBe("ecommerce-monthly-budget-bud1");
  });

  it("lets this account's AWS Budgets publish to the topic and use its key, and is created after both policies", () => {
    const topicArn = oneOfType("aws:sns/topic:Topic").state.arn;
    const policy = JSON.parse(oneOfType("aws:sns/topicPolicy:TopicPolicy").inputs.policy);
    const publish = policy.Statement.find((s: any) => s.Principal?.Service === "budgets.amazonaws.com");
    expect(publish).toEqual({
      Sid: "BudgetsPublish",
      Effect: "Allow",
      Principal: { Service: "budgets.amazonaws.com" },
      Action: "sns:Publish",
      Resource: topicArn,
      Condition: { ArnLike: { "aws:SourceArn": `arn:aws:budgets::${MOCK_ACCOUNT_ID}:*` }, StringEquals: { "aws:SourceAccount": MOCK_ACCOUNT_ID } },
    });
    const keyPolicy = JSON.parse(oneOfType("aws:kms/key:Key").inputs.policy);
    const kms = keyPolicy.Statement.find((s: any) => s.Principal?.Service === "budgets.amazonaws.com");
    expect(kms.Action).toEqual(["kms:Decrypt", "kms:GenerateDataKey*"]);
    expect(kms.Condition).toEqual({ StringEquals: { "aws:SourceAccount": MOCK_ACCOUNT_ID } });
    const budget = oneOfType("aws:budgets/budget:Budget");
    expect(dependsOn(budget, oneOfType("aws:sns/topicPolicy:TopicPolicy"))).toBe(true);
    expect(dependsOn(budget, oneOfType("aws:kms/key:Key"))).toBe(true);
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
