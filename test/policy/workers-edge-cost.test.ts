import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { scheduleProblem, stateMachineProblems } from "../../policy/rules/messaging-workflows";
import { check } from "./check";
import { expectClean, expectFindings } from "./deploy-time";

const ROLE = "arn:aws:iam::123456789012:role/r";
const code = new pulumi.asset.AssetArchive({});

describe("sqs-queue-configuration (mandatory, stack)", () => {
  it("flags out-of-range attributes, FIFO naming, a dead-letter queue of the other type and a consumer that outlives the visibility timeout", async () => {
    const e = await check(() => {
      const dlq = new aws.sqs.Queue("dlq", { name: "orders-dlq", messageRetentionSeconds: 1209600 });
      const q = new aws.sqs.Queue("orders", {
        name: "orders",
        fifoQueue: true,
        visibilityTimeoutSeconds: 30,
        receiveWaitTimeSeconds: 25,
        redrivePolicy: dlq.arn.apply((arn) => JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: 0 })),
      });
      const fn = new aws.lambda.Function("worker", { role: ROLE, runtime: "nodejs22.x", handler: "index.handler", code, timeout: 60 });
      new aws.lambda.EventSourceMapping("worker-orders", { eventSourceArn: q.arn, functionName: fn.name, batchSize: 50 });
    });
    expectFindings("sqs-queue-configuration", e, [
      'aws.sqs.Queue "orders": receiveWaitTimeSeconds 25 is outside 0..20.',
      'aws.sqs.Queue "orders": a FIFO queue\'s name must end with ".fifo" (name "orders").',
      "redrivePolicy.maxReceiveCount 0 must be an integer in 1..1000.",
      'dead-letter queue aws.sqs.Queue "dlq" is standard but aws.sqs.Queue "orders" is FIFO',
      'aws.lambda.Function "worker" times out after 60 s but aws.sqs.Queue "orders"\'s visibilityTimeoutSeconds is 30',
      "batchSize 50 is outside 1..10 for a FIFO queue.",
    ]);
  });
  it("accepts a standard queue with a standard DLQ and a consumer within the visibility timeout", async () => {
    const e = await check(() => {
      const dlq = new aws.sqs.Queue("dlq", { name: "orders-dlq", messageRetentionSeconds: 1209600, sqsManagedSseEnabled: true });
      const q = new aws.sqs.Queue("orders", { name: "orders", visibilityTimeoutSeconds: 360, receiveWaitTimeSeconds: 20, sqsManagedSseEnabled: true });
      new aws.sqs.RedrivePolicy("orders-redrive", {
        queueUrl: q.url,
        redrivePolicy: dlq.arn.apply((arn) => JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: 5 })),
      });
      const fn = new aws.lambda.Function("worker", { role: ROLE, runtime: "nodejs22.x", handler: "index.handler", code, timeout: 60 });
      new aws.lambda.EventSourceMapping("worker-orders", { eventSourceArn: q.arn, functionName: fn.name, batchSize: 100, maximumBatchingWindowInSeconds: 5 });
    });
    expectClean(["sqs-queue-configuration"], e);
  });
});

describe("eventbridge-configuration (mandatory, stack)", () => {
  it("parses schedule expressions as EventBridge does", () => {
    expect(scheduleProblem("rate(5 minutes)")).toBeUndefined();
    expect(scheduleProblem("cron(0 3 * * ? *)")).toBeUndefined();
    expect(scheduleProblem("rate(1 minutes)")).toContain("neither rate(");
    expect(scheduleProblem("cron(0 3 * * *)")).toContain("neither rate(");
    expect(scheduleProblem("cron(0 3 * * MON *)")).toContain("exactly one of day-of-month and day-of-week must be '?'");
  });
  it("flags a rule with schedule and pattern, a schedule on a custom bus, and a Step Functions target without a role and with two inputs", async () => {
    const e = await check(() => {
      const r = new aws.cloudwatch.EventRule("nightly", {
        scheduleExpression: "cron(0 3 * * *)",
        eventPattern: JSON.stringify({ source: ["shop"] }),
        eventBusName: "shop",
      });
      new aws.cloudwatch.EventTarget("nightly-sfn", {
        rule: r.name,
        arn: "arn:aws:states:eu-west-1:123456789012:stateMachine:report",
        input: "{}",
        inputPath: "$.detail",
        retryPolicy: { maximumRetryAttempts: 200, maximumEventAgeInSeconds: 3600 },
      });
    });
    expectFindings("eventbridge-configuration", e, [
      "needs exactly one of scheduleExpression or eventPattern (both given).",
      'scheduleExpression "cron(0 3 * * *)" is neither',
      'scheduled rules run only on the default event bus (eventBusName "shop")',
      "input, inputPath are mutually exclusive",
      "target arn:aws:states:eu-west-1:123456789012:stateMachine:report needs roleArn",
      "retryPolicy.maximumRetryAttempts 200 is outside 0..185.",
    ]);
  });
  it("accepts a scheduled rule with a Step Functions target and its role, and a pattern rule on a custom bus", async () => {
    const e = await check(() => {
      const r = new aws.cloudwatch.EventRule("nightly", { scheduleExpression: "cron(0 3 * * ? *)" });
      new aws.cloudwatch.EventTarget("nightly-sfn", {
        rule: r.name,
        arn: "arn:aws:states:eu-west-1:123456789012:stateMachine:report",
        roleArn: ROLE,
        input: "{}",
      });
      new aws.cloudwatch.EventRule("orders", { eventBusName: "shop", eventPattern: JSON.stringify({ source: ["shop.orders"] }) });
    });
    expectClean(["eventbridge-configuration"], e);
  });
});

describe("step-functions-arguments (mandatory)", () => {
  it("checks Amazon States Language structure", () => {
    expect(
      stateMachineProblems(
        JSON.stringify({
          StartAt: "Go",
          States: {
            Start: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Next: "Nowhere" },
            Done: { Type: "Succeed", End: true },
            Wait: { Type: "Sleep" },
          },
        }),
      ),
    ).toEqual([
      'definition StartAt "Go" names no state (states: Start, Done, Wait)',
      'state "Start" Next "Nowhere" names no state',
      'state "Wait" Type "Sleep" must be one of Task, Pass, Choice, Wait, Succeed, Fail, Parallel, Map',
    ]);
  });
  it("flags a definition without a start, logging without a destination and an EXPRESS typo", async () => {
    const e = await check(() => {
      new aws.sfn.StateMachine("report", {
        roleArn: ROLE,
        type: "EXPRESS_SYNC",
        definition: JSON.stringify({ States: { A: { Type: "Pass", End: true } } }),
        loggingConfiguration: { level: "ALL", includeExecutionData: true },
      });
    });
    expectFindings("step-functions-arguments", e, [
      'definition StartAt "undefined" names no state',
      'type "EXPRESS_SYNC" must be STANDARD or EXPRESS.',
      "loggingConfiguration.level ALL needs logDestination",
    ]);
  });
  it("accepts a state machine with a Choice, a Task and logging to a log group ARN with :*", async () => {
    const e = await check(() => {
      new aws.sfn.StateMachine("report", {
        roleArn: ROLE,
        type: "STANDARD",
        definition: JSON.stringify({
          StartAt: "Check",
          States: {
            Check: { Type: "Choice", Choices: [{ Variable: "$.n", NumericGreaterThan: 0, Next: "Run" }], Default: "Done" },
            Run: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Next: "Done" },
            Done: { Type: "Succeed" },
          },
        }),
        loggingConfiguration: { level: "ERROR", logDestination: "arn:aws:logs:eu-west-1:123456789012:log-group:/sfn/report:*" },
      });
    });
    expectClean(["step-functions-arguments"], e);
  });
});

const container = (o: Record<string, unknown> = {}) =>
  JSON.stringify([
    {
      name: "worker",
      image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/worker@sha256:abc",
      essential: true,
      logConfiguration: { logDriver: "awslogs", options: {} },
      ...o,
    },
  ]);

describe("ecs-configuration (mandatory, stack)", () => {
  it("flags a Fargate task in bridge mode with an unsupported size and no execution role, and a Fargate service without subnets", async () => {
    const e = await check(() => {
      const td = new aws.ecs.TaskDefinition("worker", {
        family: "worker",
        requiresCompatibilities: ["FARGATE"],
        networkMode: "bridge",
        cpu: "256",
        memory: "4096",
        containerDefinitions: container(),
      });
      new aws.ecs.Service("worker", {
        cluster: "arn:aws:ecs:eu-west-1:123456789012:cluster/shop",
        taskDefinition: td.arn,
        launchType: "FARGATE",
        desiredCount: 1,
        deploymentMinimumHealthyPercent: 150,
        healthCheckGracePeriodSeconds: 60,
      });
    });
    expectFindings("ecs-configuration", e, [
      'Fargate tasks need networkMode "awsvpc" (given: bridge).',
      "Fargate memory 4096 MiB is not allowed with cpu 256",
      "containers log with awslogs, pull from ECR or read secrets, which needs executionRoleArn",
      "a Fargate service needs networkConfiguration.subnets.",
      "deploymentMinimumHealthyPercent 150 is outside 0..100.",
      "healthCheckGracePeriodSeconds applies only to services with loadBalancers.",
    ]);
  });
  it("flags container definitions that are not an array of named containers", async () => {
    const e = await check(() => {
      new aws.ecs.TaskDefinition("bad", { family: "bad", containerDefinitions: JSON.stringify([{ image: "nginx", essential: false }]) });
    });
    expectFindings("ecs-configuration", e, ["containerDefinitions[0] needs a name.", "no container is essential; at least one must be."]);
  });
  it("accepts a Fargate worker with its execution role and subnets", async () => {
    const e = await check(() => {
      const td = new aws.ecs.TaskDefinition("worker", {
        family: "worker",
        requiresCompatibilities: ["FARGATE"],
        networkMode: "awsvpc",
        cpu: "512",
        memory: "1024",
        executionRoleArn: ROLE,
        containerDefinitions: container(),
      });
      new aws.ecs.Service("worker", {
        cluster: "arn:aws:ecs:eu-west-1:123456789012:cluster/shop",
        taskDefinition: td.arn,
        launchType: "FARGATE",
        desiredCount: 2,
        deploymentMinimumHealthyPercent: 50,
        deploymentMaximumPercent: 200,
        networkConfiguration: { subnets: ["subnet-1", "subnet-2"], securityGroups: ["sg-1"] },
      });
    });
    expectClean(["ecs-configuration"], e);
  });
});

const visibility = (metricName: string) => ({ cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName });

describe("wafv2-web-acl-configuration (mandatory, stack)", () => {
  it("flags a CLOUDFRONT ACL outside us-east-1, a managed group with action, duplicate priorities, a low rate limit and an association with CloudFront", async () => {
    const e = await check(() => {
      const acl = new aws.wafv2.WebAcl("edge", {
        name: "shop-edge",
        scope: "CLOUDFRONT",
        defaultAction: { allow: {} },
        visibilityConfig: visibility("shop-edge"),
        rules: [
          {
            name: "common",
            priority: 1,
            action: { block: {} },
            statement: { managedRuleGroupStatement: { name: "AWSManagedRulesCommonRuleSet", vendorName: "AWS" } },
            visibilityConfig: visibility("common"),
          },
          {
            name: "rate",
            priority: 1,
            action: { block: {} },
            statement: { rateBasedStatement: { limit: 5, aggregateKeyType: "IP" } },
            visibilityConfig: visibility("rate limit"),
          },
        ],
      });
      new aws.wafv2.WebAclAssociation("edge-cdn", { webAclArn: acl.arn, resourceArn: "arn:aws:cloudfront::123456789012:distribution/E1" });
    });
    expectFindings("wafv2-web-acl-configuration", e, [
      "scope CLOUDFRONT web ACLs must be created in us-east-1 (this one is in eu-west-1)",
      "rules[0] (common) references a rule group and needs overrideAction",
      "rules[0] (common) references a rule group; use overrideAction instead of action.",
      "rules[1] (rate) priority 1 is used twice",
      "rules[1] (rate) rateBasedStatement.limit 5 is outside 10..2000000000.",
      'rules[1] (rate) visibilityConfig.metricName "rate limit" may contain only',
      'aws.wafv2.WebAclAssociation "edge-cdn": CloudFront distributions are not associated with WebAclAssociation',
    ]);
  });
  it("accepts a CLOUDFRONT ACL in us-east-1 with a managed group and a rate rule", async () => {
    const e = await check(
      () => {
        new aws.wafv2.WebAcl("edge", {
          name: "shop-edge",
          scope: "CLOUDFRONT",
          defaultAction: { allow: {} },
          visibilityConfig: visibility("shop-edge"),
          rules: [
            {
              name: "common",
              priority: 1,
              overrideAction: { none: {} },
              statement: { managedRuleGroupStatement: { name: "AWSManagedRulesCommonRuleSet", vendorName: "AWS" } },
              visibilityConfig: visibility("common"),
            },
            {
              name: "rate",
              priority: 2,
              action: { block: {} },
              statement: { rateBasedStatement: { limit: 2000, aggregateKeyType: "IP" } },
              visibilityConfig: visibility("rate-limit"),
            },
          ],
        });
      },
      { region: "us-east-1" },
    );
    expectClean(["wafv2-web-acl-configuration"], e);
  });
});

describe("codedeploy-configuration (mandatory, stack)", () => {
  it("flags a Lambda group with a server deployment config and in-place style, and an ECS group without a service or target group pair", async () => {
    const e = await check(() => {
      const fnApp = new aws.codedeploy.Application("api", { name: "shop-api", computePlatform: "Lambda" });
      new aws.codedeploy.DeploymentGroup("api", {
        appName: fnApp.name,
        deploymentGroupName: "api",
        serviceRoleArn: ROLE,
        deploymentConfigName: "CodeDeployDefault.OneAtATime",
      });
      const ecsApp = new aws.codedeploy.Application("worker", { name: "shop-worker", computePlatform: "ECS" });
      new aws.codedeploy.DeploymentGroup("worker", {
        appName: ecsApp.name,
        deploymentGroupName: "worker",
        serviceRoleArn: ROLE,
        deploymentStyle: { deploymentType: "BLUE_GREEN", deploymentOption: "WITH_TRAFFIC_CONTROL" },
        autoRollbackConfiguration: { enabled: true, events: ["DEPLOYMENT_STOP_ON_ALARM"] },
      });
    });
    expectFindings("codedeploy-configuration", e, [
      'aws.codedeploy.DeploymentGroup "api": deploymentConfigName CodeDeployDefault.OneAtATime is not a Lambda configuration',
      'aws.codedeploy.DeploymentGroup "api": a Lambda deployment group needs deploymentStyle BLUE_GREEN with WITH_TRAFFIC_CONTROL.',
      'aws.codedeploy.DeploymentGroup "worker": an ECS deployment group needs ecsService',
      'aws.codedeploy.DeploymentGroup "worker": an ECS deployment group needs loadBalancerInfo.targetGroupPairInfo with exactly two target groups',
      'aws.codedeploy.DeploymentGroup "worker": auto rollback on DEPLOYMENT_STOP_ON_ALARM needs alarmConfiguration.alarms.',
    ]);
  });
  it("accepts a Lambda canary group", async () => {
    const e = await check(() => {
      const app = new aws.codedeploy.Application("api", { name: "shop-api", computePlatform: "Lambda" });
      new aws.codedeploy.DeploymentGroup("api", {
        appName: app.name,
        deploymentGroupName: "api",
        serviceRoleArn: ROLE,
        deploymentConfigName: "CodeDeployDefault.LambdaCanary10Percent5Minutes",
        deploymentStyle: { deploymentType: "BLUE_GREEN", deploymentOption: "WITH_TRAFFIC_CONTROL" },
      });
    });
    expectClean(["codedeploy-configuration"], e);
  });
});

describe("budgets-arguments (mandatory)", () => {
  it("flags a limit without a unit, a daily forecast alert, a missing subscriber and a name with ':'", async () => {
    const e = await check(() => {
      new aws.budgets.Budget("monthly", {
        name: "shop:monthly",
        budgetType: "COST",
        timeUnit: "DAILY",
        limitAmount: "100",
        notifications: [{ notificationType: "FORECASTED", comparisonOperator: "GREATER_THAN", threshold: 80, thresholdType: "PERCENTAGE" }],
      });
    });
    expectFindings("budgets-arguments", e, [
      "name \"shop:monthly\" must be 1..100 characters without ':'",
      "limitAmount and limitUnit go together (given only limitAmount).",
      "notifications[0] FORECASTED notifications are not available for DAILY budgets",
      "notifications[0] needs at least one subscriber",
    ]);
  });
  it("accepts a monthly USD cost budget with email and SNS subscribers", async () => {
    const e = await check(() => {
      new aws.budgets.Budget("monthly", {
        name: "shop-monthly",
        budgetType: "COST",
        timeUnit: "MONTHLY",
        limitAmount: "100",
        limitUnit: "USD",
        notifications: [
          {
            notificationType: "FORECASTED",
            comparisonOperator: "GREATER_THAN",
            threshold: 80,
            thresholdType: "PERCENTAGE",
            subscriberEmailAddresses: ["ops@example.com"],
            subscriberSnsTopicArns: ["arn:aws:sns:us-east-1:123456789012:budget"],
          },
        ],
      });
    });
    expectClean(["budgets-arguments"], e);
  });
});
