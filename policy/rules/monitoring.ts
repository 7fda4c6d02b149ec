/** CloudWatch: dashboard bodies, alarm periods and evaluation limits, log retention and log encryption. */
import * as aws from "@pulumi/aws";
import { validateResourceOfType } from "@pulumi/policy";
import { dashboardBodyProblems } from "../lib/dashboard";
import { resourcePolicy } from "../lib/define";
import { isValidAlarmPeriod, LOG_RETENTION_DAYS, maxEvaluationWindowSeconds } from "../lib/limits";
import { label } from "../lib/stack";

export const cloudwatchDashboardBody = resourcePolicy({
  name: "cloudwatch-dashboard-body",
  description:
    "A dashboard body must be valid JSON that PutDashboard accepts: known widget types, grid within 24 columns, a region on every metric widget, metric rows as [namespace, metric, dimName, dimValue..., {render options}] with only allowed render options.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(aws.cloudwatch.Dashboard, (d, args, report) => {
    for (const problem of dashboardBodyProblems(d.dashboardBody)) report(`${label(args)}: ${problem}.`);
  }),
});

export const cloudwatchAlarmLimits = resourcePolicy({
  name: "cloudwatch-alarm-limits",
  description:
    "Alarm periods must be 10, 20, 30 or a multiple of 60 s; period x evaluationPeriods at most 1 day (7 days for periods of an hour or more); datapointsToAlarm <= evaluationPeriods.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(aws.cloudwatch.MetricAlarm, (a, args, report) => {
    const l = label(args);
    const given = a.evaluationPeriods;
    if (given === undefined || !Number.isInteger(given) || given < 1) report(`${l}: evaluationPeriods ${given ?? "(unset)"} must be an integer >= 1.`);
    const evals = given ?? 1;
    const periods: { where: string; period: number }[] = [];
    if (a.period !== undefined) periods.push({ where: "period", period: a.period });
    (a.metricQueries ?? []).forEach((q, i) => {
      if (q.metric?.period !== undefined) periods.push({ where: `metricQueries[${i}].metric.period`, period: q.metric.period });
      if (q.period !== undefined) periods.push({ where: `metricQueries[${i}].period`, period: q.period });
    });
    if (a.metricName !== undefined && a.period === undefined) report(`${l}: period is required for an alarm on metricName "${a.metricName}".`);
    if (a.metricName === undefined && (a.metricQueries ?? []).length === 0) report(`${l}: needs either metricName or metricQueries.`);
    for (const { where, period } of periods) {
      if (!isValidAlarmPeriod(period)) report(`${l}: ${where} ${period} s is not allowed; use 10, 20, 30 or a multiple of 60.`);
      else if (Number.isInteger(evals)) {
        const window = period * evals;
        const max = maxEvaluationWindowSeconds(period);
        if (window > max) report(`${l}: ${where} ${period} s x evaluationPeriods ${evals} = ${window} s exceeds the ${max} s limit.`);
      }
    }
    if (a.datapointsToAlarm !== undefined && Number.isInteger(evals) && a.datapointsToAlarm > evals) {
      report(`${l}: datapointsToAlarm ${a.datapointsToAlarm} exceeds evaluationPeriods ${evals}.`);
    }
  }),
});

export const logRetentionAllowed = resourcePolicy({
  name: "log-retention-allowed",
  description: `Log group retention must be one of CloudWatch's values: ${LOG_RETENTION_DAYS.join(", ")} days.`,
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(aws.cloudwatch.LogGroup, (g, args, report) => {
    const r = g.retentionInDays;
    if (r !== undefined && r !== 0 && !LOG_RETENTION_DAYS.includes(r)) {
      const next = LOG_RETENTION_DAYS.find((d) => d > r);
      report(`${label(args)}: retentionInDays ${r} is not accepted by CloudWatch Logs${next ? ` (nearest longer: ${next})` : ""}.`);
    }
  }),
});

export const logRetentionSet = resourcePolicy({
  name: "log-retention-set",
  description: "Every log group sets a retention period (logs kept forever cost money and hold data longer than needed).",
  enforcementLevel: "advisory",
  validateResource: validateResourceOfType(aws.cloudwatch.LogGroup, (g, args, report) => {
    if (!g.retentionInDays)
      report(`${label(args)}: retentionInDays is ${g.retentionInDays === 0 ? "0 (never expire)" : "unset (never expire)"}; set a retention period.`);
  }),
});

export const logGroupKms = resourcePolicy({
  name: "log-group-kms",
  description: "Log groups are encrypted with a customer KMS key (kmsKeyId), so access to log contents is controlled by key policy.",
  enforcementLevel: "advisory",
  validateResource: validateResourceOfType(aws.cloudwatch.LogGroup, (g, args, report) => {
    if (!g.kmsKeyId) report(`${label(args)}: kmsKeyId is unset; logs are encrypted with a CloudWatch-owned key only.`);
  }),
});

export const monitoringPolicies = [cloudwatchDashboardBody, cloudwatchAlarmLimits, logRetentionAllowed, logRetentionSet, logGroupKms];
