/** CloudWatch alarm argument combinations and log group arguments that PutMetricAlarm / CreateLogGroup reject. */
import { forType, resourcePolicy } from "../lib/define";
import { asArray, known, label } from "../lib/stack";

export const ALARM_STATISTICS = ["SampleCount", "Average", "Sum", "Minimum", "Maximum"];
export const COMPARISON_OPERATORS = [
  "GreaterThanOrEqualToThreshold", "GreaterThanThreshold", "LessThanThreshold", "LessThanOrEqualToThreshold",
  "LessThanLowerOrGreaterThanUpperThreshold", "LessThanLowerThreshold", "GreaterThanUpperThreshold",
]; // prettier-ignore
const ANOMALY_OPERATORS = ["LessThanLowerOrGreaterThanUpperThreshold", "LessThanLowerThreshold", "GreaterThanUpperThreshold"];
export const TREAT_MISSING_DATA = ["missing", "ignore", "breaching", "notBreaching"];
/** Percentile and other extended statistics (provider regex, from the CloudWatch statistics definitions). */
const EXTENDED_STATISTIC = /^((p|tm|wm|tc|ts)((\d{1,2}(\.\d{1,2})?)|100)|IQM|(TM|WM|PR|TC|TS)\((\d+(\.\d+)?%?)?:(\d+(\.\d+)?%?)?\))$/;
/** Metric math ids: a lowercase letter first, then letters, digits and '_'. */
const QUERY_ID = /^[a-z][a-zA-Z0-9_]*$/;
/** PutMetricAlarm: at most 5 actions per state. */
const MAX_ACTIONS = 5;

interface MetricQuery {
  id?: string;
  expression?: string;
  metric?: { metricName?: string; stat?: string; period?: number };
  returnData?: boolean;
}

export const cloudwatchAlarmArguments = resourcePolicy({
  name: "cloudwatch-alarm-arguments",
  description:
    "Alarm argument combinations PutMetricAlarm rejects: metricName with namespace and exactly one of statistic/extendedStatistic, or metricQueries (not both, and no dimensions/period/statistic beside them); query ids unique and lowercase-first, each query exactly one of expression/metric, exactly one query returning data; threshold or thresholdMetricId by operator; known operator, statistic, treatMissingData and evaluateLowSampleCountPercentiles values; at most 5 actions per state.",
  enforcementLevel: "mandatory",
  // Source: CloudWatch API PutMetricAlarm; provider internal/service/cloudwatch/metric_alarm.go (ConflictsWith metric_query
  // for metric_name/namespace/period/statistic/extended_statistic/dimensions, CustomizeDiff "One of statistic or
  // extended_statistic must be set", "No metric_query may have both expression and a metric", MaxItems 5 actions).
  validateResource: forType("aws:cloudwatch/metricAlarm:MetricAlarm", (p, args, report) => {
    const l = label(args);
    const queries = asArray<MetricQuery>(p.metricQueries);
    if (p.comparisonOperator !== undefined && !COMPARISON_OPERATORS.includes(p.comparisonOperator))
      report(`${l}: comparisonOperator "${p.comparisonOperator}" must be one of ${COMPARISON_OPERATORS.join(", ")}.`);
    if (p.treatMissingData !== undefined && !TREAT_MISSING_DATA.includes(p.treatMissingData))
      report(`${l}: treatMissingData "${p.treatMissingData}" must be one of ${TREAT_MISSING_DATA.join(", ")}.`);
    if (p.metricName !== undefined && queries.length > 0) report(`${l}: metricName and metricQueries are mutually exclusive; use one.`);
    if (queries.length > 0) {
      const beside = ["namespace", "period", "statistic", "extendedStatistic", "dimensions"].filter((k) => p[k] !== undefined);
      if (beside.length > 0) report(`${l}: ${beside.join(", ")} cannot be set with metricQueries; put them in the query's metric.`);
    }
    if (p.metricName !== undefined) {
      if (!p.namespace) report(`${l}: metricName "${p.metricName}" needs namespace.`);
      const stats = ["statistic", "extendedStatistic"].filter((k) => p[k] !== undefined);
      if (stats.length !== 1)
        report(`${l}: an alarm on metricName needs exactly one of statistic or extendedStatistic (${stats.length === 0 ? "neither" : "both"} given).`);
    }
    if (p.statistic !== undefined && !ALARM_STATISTICS.includes(p.statistic))
      report(`${l}: statistic "${p.statistic}" must be one of ${ALARM_STATISTICS.join(", ")} (use extendedStatistic for percentiles such as p99).`);
    if (p.extendedStatistic !== undefined && !EXTENDED_STATISTIC.test(p.extendedStatistic))
      report(`${l}: extendedStatistic "${p.extendedStatistic}" is not a percentile or trimmed statistic (e.g. p99, tm90).`);
    if (p.evaluateLowSampleCountPercentiles !== undefined && !["evaluate", "ignore"].includes(p.evaluateLowSampleCountPercentiles))
      report(`${l}: evaluateLowSampleCountPercentiles must be "evaluate" or "ignore".`);
    const ids = new Set<string>();
    queries.forEach((q, i) => {
      const where = `${l}: metricQueries[${i}]${q.id ? ` (${q.id})` : ""}`;
      if (typeof q.id !== "string" || !QUERY_ID.test(q.id)) report(`${where} id must start with a lowercase letter and contain only letters, digits and '_'.`);
      else if (ids.has(q.id)) report(`${where} repeats id "${q.id}"; query ids must be unique.`);
      if (typeof q.id === "string") ids.add(q.id);
      if ((q.expression !== undefined) === (q.metric !== undefined)) report(`${where} needs exactly one of expression or metric.`);
      if (q.metric?.stat !== undefined && !ALARM_STATISTICS.includes(q.metric.stat) && !EXTENDED_STATISTIC.test(q.metric.stat))
        report(`${where} metric.stat "${q.metric.stat}" is not a CloudWatch statistic.`);
    });
    if (queries.length > 0) {
      const returning = queries.filter((q) => q.returnData === true).length;
      if (returning !== 1) report(`${l}: exactly one metricQueries entry must set returnData true (the alarm's series); ${returning} do.`);
    }
    const anomaly = ANOMALY_OPERATORS.includes(p.comparisonOperator);
    if (anomaly && !p.thresholdMetricId)
      report(`${l}: comparisonOperator ${p.comparisonOperator} is for anomaly detection and needs thresholdMetricId (an ANOMALY_DETECTION_BAND query id).`);
    if (!anomaly && p.thresholdMetricId) report(`${l}: thresholdMetricId needs an anomaly detection comparisonOperator (${ANOMALY_OPERATORS.join(", ")}).`);
    if (!anomaly && p.threshold === undefined) report(`${l}: threshold is required with comparisonOperator ${p.comparisonOperator}.`);
    if (p.threshold !== undefined && p.thresholdMetricId) report(`${l}: threshold and thresholdMetricId are mutually exclusive.`);
    if (p.thresholdMetricId && !queries.some((q) => q.id === p.thresholdMetricId))
      report(`${l}: thresholdMetricId "${p.thresholdMetricId}" names no metricQueries id.`);
    for (const k of ["alarmActions", "okActions", "insufficientDataActions"]) {
      const n = asArray(p[k]).length;
      if (n > MAX_ACTIONS) report(`${l}: ${k} has ${n} actions; CloudWatch allows ${MAX_ACTIONS} per state.`);
    }
  }),
});

/** CreateLogGroup: logGroupClass. */
export const LOG_GROUP_CLASSES = ["STANDARD", "INFREQUENT_ACCESS", "DELIVERY"];

export const cloudwatchLogGroupArguments = resourcePolicy({
  name: "cloudwatch-log-group-arguments",
  description:
    "Log group arguments CloudWatch Logs rejects: kmsKeyId must be a key ARN (not an alias or key id), logGroupClass STANDARD/INFREQUENT_ACCESS/DELIVERY, names not starting with the reserved 'aws/' prefix.",
  enforcementLevel: "mandatory",
  // Source: CloudWatch Logs API CreateLogGroup (kmsKeyId: "the ARN of the KMS key"; logGroupClass); provider
  // internal/service/logs/group.go (kms_key_id verify.ValidARN). Reserved "aws/" prefix: CloudWatch Logs User Guide.
  validateResource: forType("aws:cloudwatch/logGroup:LogGroup", (p, args, report) => {
    const l = label(args);
    const kms = known(() => p.kmsKeyId);
    if (typeof kms === "string" && !/^arn:aws[\w-]*:kms:[^:]+:\d{12}:key\/.+$/.test(kms))
      report(`${l}: kmsKeyId "${kms}" must be the KMS key's ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias or key id.`);
    if (p.logGroupClass !== undefined && !LOG_GROUP_CLASSES.includes(p.logGroupClass))
      report(`${l}: logGroupClass "${p.logGroupClass}" must be one of ${LOG_GROUP_CLASSES.join(", ")}.`);
    if (typeof p.name === "string" && p.name.startsWith("aws/"))
      report(`${l}: name "${p.name}" starts with the reserved "aws/" prefix; AWS services own those names.`);
  }),
});

export const monitoringArgumentPolicies = [cloudwatchAlarmArguments, cloudwatchLogGroupArguments];
