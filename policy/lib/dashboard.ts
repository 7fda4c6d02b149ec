/**
 * CloudWatch dashboard body rules that PutDashboard enforces at deploy time
 * (see "Dashboard Body Structure and Syntax" in the CloudWatch API reference).
 * Pure: the policy pack checks any program's dashboards with it, and
 * infra/dashboard.ts checks the platform's own body at preview time.
 */

/** The render options a metric row's trailing object may carry. */
export const METRIC_RENDER_OPTIONS = ["color", "label", "period", "stat", "visible", "yAxis", "id", "region", "accountId"] as const;
/** The grid is 24 units wide. */
export const GRID_WIDTH = 24;
/** A body holds 0 to 500 widgets ("Overall Structure"). */
export const MAX_WIDGETS = 500;
/** Widget types of the "Widgets Array Structure"; `custom` is a Lambda-rendered widget (CloudWatch User Guide, "Use custom widgets"). */
export const WIDGET_TYPES = ["metric", "text", "log", "alarm", "explorer", "custom"];
/**
 * CloudWatch statistics (CloudWatch User Guide, "CloudWatch statistics definitions"): the named ones,
 * percentiles pNN(.N), trimmed/winsorized forms tmNN, wmNN, tcNN, tsNN and their ranges TM(a%:b%), and
 * percentile rank PR(a:b).
 */
const STATISTIC =
  /^(?:SampleCount|Average|Sum|Minimum|Maximum|IQM|p(?:\d{1,2}(?:\.\d+)?|100)|(?:tm|wm|tc|ts)(?:\d{1,2}(?:\.\d+)?|100)|(?:TM|WM|TC|TS)\((?:\d+(?:\.\d+)?%?)?:(?:\d+(?:\.\d+)?%?)?\)|PR\((?:\d+(?:\.\d+)?)?:(?:\d+(?:\.\d+)?)?\))$/;

/** True for a statistic CloudWatch computes (`Median`, say, is not one). */
export function isCloudWatchStatistic(stat: unknown): boolean {
  return typeof stat === "string" && STATISTIC.test(stat);
}
const VIEWS = ["timeSeries", "singleValue", "gauge", "bar", "pie", "table"];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Valid metric/dashboard periods: 1, 5, 10, 30 or a multiple of 60 seconds. */
export function isValidDashboardPeriod(p: unknown): boolean {
  return typeof p === "number" && Number.isInteger(p) && p > 0 && ([1, 5, 10, 30].includes(p) || p % 60 === 0);
}

function metricRowProblems(where: string, row: unknown): string[] {
  if (!Array.isArray(row)) return [`${where} is not an array; a metric row is [namespace, metric, dimName, dimValue, ..., {options}]`];
  const problems: string[] = [];
  const last = row[row.length - 1];
  const hasOptions = isObject(last);
  const parts = hasOptions ? row.slice(0, -1) : row;
  const options = hasOptions ? last : undefined;
  const nonString = parts.findIndex((p) => typeof p !== "string");
  if (nonString >= 0) {
    problems.push(`${where}[${nonString}] is ${JSON.stringify(parts[nonString])}; only the last element may be an object and the others must be strings`);
    return problems;
  }
  const isExpression = parts.length === 0 && options !== undefined && typeof options.expression === "string";
  if (!isExpression) {
    if (parts.length === 0) problems.push(`${where} is empty; it needs at least [namespace, metricName]`);
    else if (parts[0] !== "..." && (parts.length < 2 || parts.length % 2 !== 0)) {
      problems.push(
        `${where} has ${parts.length} strings; after namespace and metric name, dimensions must come as name/value pairs (an even count of at least 2)`,
      );
    }
  }
  if (options) {
    const allowed: readonly string[] = isExpression ? [...METRIC_RENDER_OPTIONS, "expression"] : METRIC_RENDER_OPTIONS;
    for (const key of Object.keys(options)) {
      if (!allowed.includes(key)) {
        const hint = key === "dimensions" ? " (dimensions go in the row as name/value strings)" : "";
        problems.push(`${where} has render option "${key}"${hint}; allowed: ${allowed.join(", ")}`);
      }
    }
    if (options.period !== undefined && !isValidDashboardPeriod(options.period)) {
      problems.push(`${where} has period ${JSON.stringify(options.period)}; allowed: 1, 5, 10, 30 or a multiple of 60`);
    }
    if (options.stat !== undefined && !isCloudWatchStatistic(options.stat))
      problems.push(`${where} has stat ${JSON.stringify(options.stat)}, which is not a CloudWatch statistic`);
    if (options.yAxis !== undefined && options.yAxis !== "left" && options.yAxis !== "right")
      problems.push(`${where} has yAxis ${JSON.stringify(options.yAxis)}; allowed: left, right`);
  }
  return problems;
}

function gridProblems(where: string, w: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const { x, y, width, height } = w;
  const num = (v: unknown) => typeof v === "number" && Number.isInteger(v);
  if (width !== undefined && (!num(width) || (width as number) < 1 || (width as number) > GRID_WIDTH)) {
    problems.push(`${where} width ${JSON.stringify(width)} is outside 1..${GRID_WIDTH}`);
  }
  if (height !== undefined && (!num(height) || (height as number) < 1 || (height as number) > 1000)) {
    problems.push(`${where} height ${JSON.stringify(height)} is outside 1..1000`);
  }
  if (x !== undefined && (!num(x) || (x as number) < 0 || (x as number) > GRID_WIDTH - 1))
    problems.push(`${where} x ${JSON.stringify(x)} is outside 0..${GRID_WIDTH - 1}`);
  if (y !== undefined && (!num(y) || (y as number) < 0)) problems.push(`${where} y ${JSON.stringify(y)} must be an integer >= 0`);
  if (num(x) && num(width) && (x as number) + (width as number) > GRID_WIDTH) {
    problems.push(`${where} spans x=${x} + width=${width} = ${(x as number) + (width as number)} columns; the grid is ${GRID_WIDTH} wide`);
  }
  if ((x === undefined) !== (y === undefined)) problems.push(`${where} sets only one of x and y; set both or neither`);
  return problems;
}

/** Every problem AWS would reject in a dashboard body (empty when it is valid). */
export function dashboardBodyProblems(body: unknown): string[] {
  let doc: unknown = body;
  if (typeof body === "string") {
    try {
      doc = JSON.parse(body);
    } catch (e) {
      return [`body is not valid JSON: ${(e as Error).message}`];
    }
  }
  if (!isObject(doc)) return ['body must be a JSON object with a "widgets" array'];
  if (!Array.isArray(doc.widgets)) return ['body has no "widgets" array'];
  const problems: string[] = [];
  if (doc.widgets.length > MAX_WIDGETS) problems.push(`body has ${doc.widgets.length} widgets; a dashboard holds at most ${MAX_WIDGETS}`);
  if (doc.periodOverride !== undefined && !["auto", "inherit"].includes(doc.periodOverride as string)) {
    problems.push(`periodOverride ${JSON.stringify(doc.periodOverride)} must be "auto" or "inherit"`);
  }
  doc.widgets.forEach((w: unknown, i: number) => {
    const where = `widgets[${i}]`;
    if (!isObject(w)) {
      problems.push(`${where} is not an object`);
      return;
    }
    if (!WIDGET_TYPES.includes(w.type as string)) problems.push(`${where} type ${JSON.stringify(w.type)} is not one of ${WIDGET_TYPES.join(", ")}`);
    problems.push(...gridProblems(where, w));
    const props = w.properties;
    if (!isObject(props)) {
      problems.push(`${where} has no "properties" object`);
      return;
    }
    if (w.type === "metric") {
      if (typeof props.region !== "string" || props.region.length === 0)
        problems.push(`${where} (metric) has no properties.region; every metric widget needs one`);
      if (props.view !== undefined && !VIEWS.includes(props.view as string))
        problems.push(`${where} view ${JSON.stringify(props.view)} is not one of ${VIEWS.join(", ")}`);
      if (props.period !== undefined && !isValidDashboardPeriod(props.period)) {
        problems.push(`${where} period ${JSON.stringify(props.period)}; allowed: 1, 5, 10, 30 or a multiple of 60`);
      }
      if (props.stat !== undefined && !isCloudWatchStatistic(props.stat))
        problems.push(`${where} stat ${JSON.stringify(props.stat)} is not a CloudWatch statistic`);
      const hasAlarmAnnotation = isObject(props.annotations) && Array.isArray(props.annotations.alarms);
      if (props.metrics === undefined && !hasAlarmAnnotation) problems.push(`${where} (metric) has neither properties.metrics nor annotations.alarms`);
      if (props.metrics !== undefined) {
        if (!Array.isArray(props.metrics)) problems.push(`${where} properties.metrics must be an array of metric rows`);
        else props.metrics.forEach((row: unknown, j: number) => problems.push(...metricRowProblems(`${where}.properties.metrics[${j}]`, row)));
      }
      if (props.view === "gauge") {
        const left = isObject(props.yAxis) && isObject(props.yAxis.left) ? props.yAxis.left : undefined;
        if (!left || typeof left.min !== "number" || typeof left.max !== "number") problems.push(`${where} gauge view needs properties.yAxis.left.min and max`);
      }
    } else if (w.type === "text") {
      if (typeof props.markdown !== "string") problems.push(`${where} (text) needs properties.markdown`);
    } else if (w.type === "log") {
      if (typeof props.query !== "string") problems.push(`${where} (log) needs properties.query`);
      if (typeof props.region !== "string") problems.push(`${where} (log) needs properties.region`);
    } else if (w.type === "alarm") {
      if (!Array.isArray(props.alarms) || props.alarms.length === 0) problems.push(`${where} (alarm) needs a non-empty properties.alarms array of alarm ARNs`);
    } else if (w.type === "custom") {
      if (typeof props.endpoint !== "string" || props.endpoint.length === 0)
        problems.push(`${where} (custom) needs properties.endpoint, the ARN of the Lambda function that renders it`);
    }
  });
  return problems;
}
