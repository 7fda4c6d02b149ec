/**
 * A second realistic program (test/fixtures/worker-program) built from the types a platform team
 * adds next to this one: SQS with a Lambda and an ECS Fargate consumer, EventBridge starting Step
 * Functions, WAFv2 in front of CloudFront, a CodeDeploy canary and a cost budget. Written the way
 * AWS accepts it, it must pass the whole pack with no finding and no waiver.
 */
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { preflight, type PreflightResult } from "../../scripts/preflight/run";
import { cli } from "./cli";

const WORKER = path.resolve(__dirname, "../fixtures/worker-program");

let result: PreflightResult;
beforeAll(async () => {
  result = await preflight({ programDir: WORKER });
});

describe("preflight on the worker program", () => {
  it("registers the likely-addition types", () => {
    const types = new Set(Object.values(result.resources).map((r) => r.type));
    for (const t of [
      "aws:sqs/queue:Queue",
      "aws:sqs/redrivePolicy:RedrivePolicy",
      "aws:lambda/eventSourceMapping:EventSourceMapping",
      "aws:ecs/taskDefinition:TaskDefinition",
      "aws:ecs/service:Service",
      "aws:cloudwatch/eventRule:EventRule",
      "aws:cloudwatch/eventTarget:EventTarget",
      "aws:sfn/stateMachine:StateMachine",
      "aws:wafv2/webAcl:WebAcl",
      "aws:codedeploy/deploymentGroup:DeploymentGroup",
      "aws:budgets/budget:Budget",
    ]) {
      expect(types, t).toContain(t);
    }
  });
  it("passes with no mandatory or advisory finding and no waiver", () => {
    expect(result.violations.map((v) => `${v.level} [${v.policy}] ${v.detail}`)).toEqual([]);
    expect(result.waived).toEqual([]);
    expect(result.passed).toBe(true);
  });
  it("is checked by the new rules: a visibility timeout below the consumer's timeout fails it", async () => {
    // A child process: a program module runs once per process.
    const broken = await cli("--program", WORKER, "--config", "queueVisibilityTimeoutSeconds=30", "--json");
    expect(broken.code).toBe(1);
    expect((JSON.parse(broken.stdout) as PreflightResult).violations.map((v) => `${v.policy}: ${v.detail}`)).toEqual([
      'sqs-queue-configuration: aws.lambda.EventSourceMapping "worker-orders": aws.lambda.Function "worker-fn" times out after 60 s but aws.sqs.Queue "orders"\'s visibilityTimeoutSeconds is 30; set the visibility timeout to at least the function timeout (AWS recommends 6x).',
    ]);
  });
});
