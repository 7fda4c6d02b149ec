/** API Gateway REST: deployments that redeploy, logging that has its account role, throttles within the account. */
import * as aws from "@pulumi/aws";
import type { PolicyResource } from "@pulumi/policy";
import { validateResourceOfType } from "@pulumi/policy";
import { resourcePolicy, stackPolicy } from "../lib/define";
import { asArray, label, ofType, refersTo, transitiveDependencies } from "../lib/stack";

/** API Gateway's per-account, per-region default throttle. */
export const ACCOUNT_THROTTLE = { rateLimit: 10_000, burstLimit: 5_000 } as const;
const STAGE = "aws:apigateway/stage:Stage";
const METHOD_SETTINGS = "aws:apigateway/methodSettings:MethodSettings";
const ACCOUNT = "aws:apigateway/account:Account";

export const apigatewayDeploymentTriggers = resourcePolicy({
  name: "apigateway-deployment-triggers",
  description: "An API Gateway Deployment needs `triggers` (a hash of its methods and integrations); without them changes never redeploy.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(aws.apigateway.Deployment, (d, args, report) => {
    if (Object.keys(d.triggers ?? {}).length === 0) {
      report(`${label(args)}: triggers is empty; set triggers to a hash of the API's resources, methods and integrations so changes create a new deployment.`);
    }
  }),
});

function logsToCloudWatch(stage: PolicyResource, settings: PolicyResource[]): string | undefined {
  if (stage.props.accessLogSettings?.destinationArn) return "accessLogSettings";
  for (const ms of settings) {
    if (!refersTo(ms, stage, ["stageName"])) continue;
    const s = ms.props.settings ?? {};
    if ((s.loggingLevel && s.loggingLevel !== "OFF") || s.dataTraceEnabled === true) return `execution logging in ${label(ms)}`;
  }
  return undefined;
}

export const apigatewayAccountLoggingRole = stackPolicy({
  name: "apigateway-account-logging-role",
  description:
    "API Gateway logging to CloudWatch needs the account-level aws.apigateway.Account with a CloudWatch role ARN, created before the stage that logs (else: 'CloudWatch Logs role ARN must be set in account settings').",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const stages = ofType(args.resources, STAGE);
    if (stages.length === 0) return args.notApplicable("no API Gateway stages");
    const settings = ofType(args.resources, METHOD_SETTINGS);
    const accounts = ofType(args.resources, ACCOUNT).filter((a) => typeof a.props.cloudwatchRoleArn === "string" && a.props.cloudwatchRoleArn.length > 0);
    for (const stage of stages) {
      const why = logsToCloudWatch(stage, settings);
      if (!why) continue;
      if (accounts.length === 0) {
        report(`${label(stage)}: ${why} sends logs to CloudWatch but the stack has no aws.apigateway.Account with cloudwatchRoleArn.`, stage.urn);
        continue;
      }
      const deps = transitiveDependencies(stage);
      if (!accounts.some((a) => deps.has(a))) {
        report(`${label(stage)}: ${why} needs the account's CloudWatch role first; add dependsOn ${label(accounts[0]!)}.`, stage.urn);
      }
    }
  },
});

interface Throttle {
  rateLimit?: number;
  burstLimit?: number;
}

function throttleProblems(where: string, t: Throttle | undefined): string[] {
  const out: string[] = [];
  if (!t) return out;
  if (t.rateLimit !== undefined && t.rateLimit > ACCOUNT_THROTTLE.rateLimit) {
    out.push(`${where} rateLimit ${t.rateLimit} req/s exceeds the account default ${ACCOUNT_THROTTLE.rateLimit} req/s`);
  }
  if (t.burstLimit !== undefined && t.burstLimit > ACCOUNT_THROTTLE.burstLimit) {
    out.push(`${where} burstLimit ${t.burstLimit} exceeds the account default ${ACCOUNT_THROTTLE.burstLimit}`);
  }
  return out;
}

export const apigatewayThrottleWithinAccount = resourcePolicy({
  name: "apigateway-throttle-within-account",
  description: `Usage plan throttles above the account default (${ACCOUNT_THROTTLE.rateLimit} req/s, burst ${ACCOUNT_THROTTLE.burstLimit}) are never reached without a quota increase.`,
  enforcementLevel: "advisory",
  validateResource: validateResourceOfType(aws.apigateway.UsagePlan, (u, args, report) => {
    const problems = throttleProblems("throttleSettings", u.throttleSettings);
    (u.apiStages ?? []).forEach((s, i) => asArray(s.throttles).forEach((t, j) => problems.push(...throttleProblems(`apiStages[${i}].throttles[${j}]`, t))));
    for (const p of problems) report(`${label(args)}: ${p}; request a quota increase or lower it.`);
  }),
});

export const apigatewayPolicies = [apigatewayDeploymentTriggers, apigatewayAccountLoggingRole, apigatewayThrottleWithinAccount];
