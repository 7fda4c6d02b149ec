/** Application Load Balancer: Lambda targets and health checks. */
import * as aws from "@pulumi/aws";
import type { PolicyResource } from "@pulumi/policy";
import { validateResourceOfType } from "@pulumi/policy";
import { resourcePolicy, stackPolicy } from "../lib/define";
import { label, ofType, refersTo, transitiveDependencies } from "../lib/stack";

const TARGET_GROUP = "aws:lb/targetGroup:TargetGroup";
const ATTACHMENT = "aws:lb/targetGroupAttachment:TargetGroupAttachment";
const PERMISSION = "aws:lambda/permission:Permission";
const ELB_PRINCIPAL = "elasticloadbalancing.amazonaws.com";

/** Health check defaults by target type (AWS's documented defaults). */
export const HEALTH_CHECK_DEFAULTS: Record<string, { interval: number; timeout: number }> = {
  lambda: { interval: 35, timeout: 30 },
  instance: { interval: 30, timeout: 5 },
  ip: { interval: 30, timeout: 5 },
  alb: { interval: 30, timeout: 5 },
};

function isElbPermission(p: PolicyResource): boolean {
  return p.props.principal === ELB_PRINCIPAL && p.props.action === "lambda:InvokeFunction";
}

export const albLambdaPermissionFirst = stackPolicy({
  name: "alb-lambda-permission-before-attachment",
  description:
    "An ALB can register a Lambda target only after a lambda.Permission lets elasticloadbalancing.amazonaws.com invoke it (source = the target group): the attachment must depend on that permission.",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const lambdaGroups = ofType(args.resources, TARGET_GROUP).filter((tg) => tg.props.targetType === "lambda");
    if (lambdaGroups.length === 0) return args.notApplicable("no Lambda target groups");
    const permissions = ofType(args.resources, PERMISSION).filter(isElbPermission);
    for (const att of ofType(args.resources, ATTACHMENT)) {
      const tg = lambdaGroups.find((g) => refersTo(att, g, ["targetGroupArn"]));
      if (!tg) continue;
      const forGroup = permissions.filter((p) => refersTo(p, tg, ["sourceArn"]));
      if (forGroup.length === 0) {
        report(`${label(att)}: no lambda.Permission grants ${ELB_PRINCIPAL} lambda:InvokeFunction with sourceArn = ${label(tg)}'s ARN.`, att.urn);
        continue;
      }
      const deps = transitiveDependencies(att);
      if (!forGroup.some((p) => deps.has(p))) {
        report(
          `${label(att)}: must depend on ${label(forGroup[0]!)} (add dependsOn); otherwise the registration can run first and fail with AccessDenied.`,
          att.urn,
        );
      }
    }
  },
});

export const lbHealthCheckTiming = resourcePolicy({
  name: "lb-health-check-timing",
  description: "A target group's health check interval must be greater than its timeout (interval 5..300 s, timeout 2..120 s).",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(aws.lb.TargetGroup, (tg, args, report) => {
    const hc = tg.healthCheck;
    if (!hc || hc.enabled === false) return;
    const defaults = HEALTH_CHECK_DEFAULTS[tg.targetType ?? "instance"] ?? HEALTH_CHECK_DEFAULTS.instance!;
    const interval = hc.interval ?? defaults.interval;
    const timeout = hc.timeout ?? defaults.timeout;
    const l = label(args);
    if (interval < 5 || interval > 300) report(`${l}: healthCheck.interval ${interval} s is outside 5..300 s.`);
    if (timeout < 2 || timeout > 120) report(`${l}: healthCheck.timeout ${timeout} s is outside 2..120 s.`);
    if (interval <= timeout) report(`${l}: healthCheck.interval ${interval} s must be greater than healthCheck.timeout ${timeout} s.`);
  }),
});

export const albLambdaMultiValueHeaders = resourcePolicy({
  name: "alb-lambda-multi-value-headers",
  description: "Lambda target groups enable multi-value headers; without them the ALB keeps only one Set-Cookie header.",
  enforcementLevel: "advisory",
  validateResource: validateResourceOfType(aws.lb.TargetGroup, (tg, args, report) => {
    if (tg.targetType === "lambda" && tg.lambdaMultiValueHeadersEnabled !== true) {
      report(`${label(args)}: lambdaMultiValueHeadersEnabled is not true; responses with two Set-Cookie headers lose one.`);
    }
  }),
});

export const loadBalancerPolicies = [albLambdaPermissionFirst, lbHealthCheckTiming, albLambdaMultiValueHeaders];
