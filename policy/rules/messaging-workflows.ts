/**
 * SQS queues and their consumers, EventBridge rules and targets, Step Functions state machines:
 * the arguments and cross-resource settings their APIs reject at deploy time.
 */
import type { PolicyResource } from "@pulumi/policy";
import { forType, resourcePolicy, stackPolicy } from "../lib/define";
import { asArray, label, ofType, parseJsonDocument, refersTo } from "../lib/stack";

const QUEUE = "aws:sqs/queue:Queue";
/** SQS API SetQueueAttributes ranges (seconds / bytes). MaximumMessageSize is 1 KiB..1 MiB since 2025. */
export const SQS_RANGES: Record<string, [number, number]> = {
  delaySeconds: [0, 900],
  maxMessageSize: [1024, 1048576],
  messageRetentionSeconds: [60, 1209600],
  receiveWaitTimeSeconds: [0, 20],
  visibilityTimeoutSeconds: [0, 43200],
  kmsDataKeyReusePeriodSeconds: [60, 86400],
};

function isFifo(q: PolicyResource): boolean {
  return q.props.fifoQueue === true;
}

function queueNamed(queues: PolicyResource[], from: PolicyResource, prop: string, arn: unknown): PolicyResource | undefined {
  return queues.find((q) => refersTo(from, q, [prop])) ?? queues.find((q) => q.props.arn === arn);
}

export const sqsQueueConfiguration = stackPolicy({
  name: "sqs-queue-configuration",
  description:
    "SQS: attribute ranges (delay 0..900 s, message size 1 KiB..1 MiB, retention 60 s..14 days, long polling 0..20 s, visibility 0..12 h, KMS data key reuse 60..86400 s), FIFO queues named .fifo (and only they), FIFO-only settings only on FIFO queues, SSE-KMS and SQS-managed SSE not both; a redrive policy's maxReceiveCount 1..1000 and a dead-letter queue of the same type (FIFO or standard); a Lambda consumer's function timeout not above the queue's visibility timeout, batch size 1..10 (up to 10,000 for standard queues with a batching window).",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const queues = ofType(args.resources, QUEUE);
    if (queues.length === 0) return args.notApplicable("no SQS queues");
    // Source: SQS API CreateQueue / SetQueueAttributes (attribute ranges; FifoQueue, ContentBasedDeduplication,
    // DeduplicationScope, FifoThroughputLimit; KmsMasterKeyId vs SqsManagedSseEnabled); provider internal/service/sqs/queue.go.
    for (const q of queues) {
      const p = q.props;
      const l = label(q);
      for (const [k, [min, max]] of Object.entries(SQS_RANGES)) {
        if (p[k] !== undefined && (p[k] < min || p[k] > max)) report(`${l}: ${k} ${p[k]} is outside ${min}..${max}.`, q.urn);
      }
      const fifoName = typeof p.name === "string" && p.name.endsWith(".fifo");
      if (isFifo(q) && typeof p.name === "string" && !fifoName) report(`${l}: a FIFO queue's name must end with ".fifo" (name "${p.name}").`, q.urn);
      if (!isFifo(q) && fifoName) report(`${l}: name "${p.name}" ends with ".fifo" but fifoQueue is not true.`, q.urn);
      if (!isFifo(q)) {
        const fifoOnly = ["contentBasedDeduplication", "deduplicationScope", "fifoThroughputLimit"].filter((k) => p[k] !== undefined && p[k] !== false);
        if (fifoOnly.length > 0) report(`${l}: ${fifoOnly.join(", ")} apply only to FIFO queues.`, q.urn);
      }
      if (p.kmsMasterKeyId && p.sqsManagedSseEnabled === true) report(`${l}: kmsMasterKeyId and sqsManagedSseEnabled are mutually exclusive; keep one.`, q.urn);
    }
    // Source: SQS Developer Guide "Using dead-letter queues" (the DLQ of a FIFO queue must be FIFO, of a standard queue standard;
    // maxReceiveCount 1..1000).
    const redrives: { from: PolicyResource; owner: PolicyResource | undefined; doc: unknown; prop: string }[] = [
      ...queues.filter((q) => q.props.redrivePolicy).map((q) => ({ from: q, owner: q, doc: q.props.redrivePolicy, prop: "redrivePolicy" })),
      ...ofType(args.resources, "aws:sqs/redrivePolicy:RedrivePolicy").map((r) => ({
        from: r,
        owner: queues.find((q) => refersTo(r, q, ["queueUrl"])),
        doc: r.props.redrivePolicy,
        prop: "redrivePolicy",
      })),
    ];
    for (const { from, owner, doc, prop } of redrives) {
      const parsed = parseJsonDocument(doc);
      if (!parsed.ok) {
        report(`${label(from)}: ${prop} is not valid JSON (${parsed.error}).`, from.urn);
        continue;
      }
      const r = (parsed.value ?? {}) as { maxReceiveCount?: number | string; deadLetterTargetArn?: string };
      const n = Number(r.maxReceiveCount);
      if (!Number.isInteger(n) || n < 1 || n > 1000)
        report(`${label(from)}: ${prop}.maxReceiveCount ${r.maxReceiveCount} must be an integer in 1..1000.`, from.urn);
      const dlq = queues.find((q) => q !== owner && (refersTo(from, q, [prop]) || q.props.arn === r.deadLetterTargetArn));
      if (owner && dlq && isFifo(owner) !== isFifo(dlq)) {
        report(
          `${label(from)}: dead-letter queue ${label(dlq)} is ${isFifo(dlq) ? "FIFO" : "standard"} but ${label(owner)} is ${isFifo(owner) ? "FIFO" : "standard"}; they must be the same type.`,
          from.urn,
        );
      }
    }
    // Source: Lambda Developer Guide "Using Lambda with Amazon SQS" (CreateEventSourceMapping fails when the queue's visibility
    // timeout is less than the function timeout; BatchSize 1..10, up to 10,000 for standard queues with MaximumBatchingWindowInSeconds >= 1).
    const fns = ofType(args.resources, "aws:lambda/function:Function");
    const aliases = ofType(args.resources, "aws:lambda/alias:Alias");
    for (const m of ofType(args.resources, "aws:lambda/eventSourceMapping:EventSourceMapping")) {
      const q = queueNamed(queues, m, "eventSourceArn", m.props.eventSourceArn);
      if (!q) continue;
      const l = label(m);
      // The mapping names the function directly or through an alias (as with CodeDeploy traffic shifting).
      const alias = aliases.find((a) => refersTo(m, a, ["functionName"]));
      const fn = fns.find((f) => (alias ? refersTo(alias, f, ["functionName"]) : refersTo(m, f, ["functionName"])));
      const visibility = q.props.visibilityTimeoutSeconds ?? 30;
      const timeout = fn?.props.timeout ?? 3;
      if (fn && timeout > visibility)
        report(
          `${l}: ${label(fn)} times out after ${timeout} s but ${label(q)}'s visibilityTimeoutSeconds is ${visibility}; set the visibility timeout to at least the function timeout (AWS recommends 6x).`,
          m.urn,
        );
      const batch = m.props.batchSize;
      const window = m.props.maximumBatchingWindowInSeconds ?? 0;
      const max = isFifo(q) || window < 1 ? 10 : 10000;
      if (batch !== undefined && (batch < 1 || batch > max))
        report(
          `${l}: batchSize ${batch} is outside 1..${max} for ${isFifo(q) ? "a FIFO queue" : window < 1 ? "a queue without maximumBatchingWindowInSeconds" : "a standard queue"}.`,
          m.urn,
        );
      if (isFifo(q) && window > 0) report(`${l}: maximumBatchingWindowInSeconds is not supported for FIFO queues.`, m.urn);
    }
  },
});

/** EventBridge schedule expressions: rate(1 minute|N minutes|...) or cron with 6 fields. */
const RATE = /^rate\((1 (minute|hour|day)|([2-9]|[1-9]\d+) (minutes|hours|days))\)$/;
const CRON = /^cron\((\S+ ){5}\S+\)$/;

/** Validates EventBridge's 6-field cron: one of day-of-month / day-of-week must be '?'. */
export function scheduleProblem(expr: string): string | undefined {
  if (RATE.test(expr)) return undefined;
  if (!CRON.test(expr)) return `"${expr}" is neither rate(<n> <unit>) (singular unit for 1) nor cron(<min> <hour> <day-of-month> <month> <day-of-week> <year>)`;
  const fields = expr.slice(5, -1).split(" ");
  if ((fields[2] === "?") === (fields[4] === "?")) return `"${expr}": exactly one of day-of-month and day-of-week must be '?'`;
  return undefined;
}

/** Target services that EventBridge can only reach with a role (EventBridge User Guide "Permissions for targets"). */
const ROLE_TARGETS = [":states:", ":ecs:", ":kinesis:", ":codebuild:", ":codepipeline:", ":ssm:", ":batch:", ":sagemaker:", ":firehose:"];

export const eventbridgeConfiguration = stackPolicy({
  name: "eventbridge-configuration",
  description:
    "EventBridge: a rule has exactly one of scheduleExpression (valid rate()/cron()) and eventPattern (valid JSON object), a schedule only on the default bus, state ENABLED/DISABLED/ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS; a target uses at most one of input/inputPath/inputTransformer, has a roleArn when it is Step Functions, ECS, Kinesis, CodeBuild and the like, ECS targets have ecsTarget (with networkConfiguration for awsvpc tasks), retry policy within 60..86400 s and 0..185 attempts.",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const rules = ofType(args.resources, "aws:cloudwatch/eventRule:EventRule");
    const targets = ofType(args.resources, "aws:cloudwatch/eventTarget:EventTarget");
    if (rules.length + targets.length === 0) return args.notApplicable("no EventBridge rules");
    // Source: EventBridge API PutRule (ScheduleExpression or EventPattern; "scheduled rules are supported only on the default event bus"; State);
    // EventBridge User Guide "Schedule expressions for rules" (rate/cron syntax).
    for (const r of rules) {
      const p = r.props;
      const l = label(r);
      const hasSchedule = typeof p.scheduleExpression === "string" && p.scheduleExpression !== "";
      const hasPattern = typeof p.eventPattern === "string" && p.eventPattern !== "";
      if (hasSchedule === hasPattern)
        report(`${l}: needs exactly one of scheduleExpression or eventPattern (${hasSchedule ? "both" : "neither"} given).`, r.urn);
      if (hasSchedule) {
        const problem = scheduleProblem(p.scheduleExpression);
        if (problem) report(`${l}: scheduleExpression ${problem}.`, r.urn);
        if (p.eventBusName && p.eventBusName !== "default")
          report(
            `${l}: scheduled rules run only on the default event bus (eventBusName "${p.eventBusName}"); use EventBridge Scheduler or the default bus.`,
            r.urn,
          );
      }
      if (hasPattern) {
        const parsed = parseJsonDocument(p.eventPattern);
        if (!parsed.ok || !parsed.value || typeof parsed.value !== "object" || Array.isArray(parsed.value))
          report(`${l}: eventPattern must be a JSON object (e.g. {"source": ["shop.orders"]}).`, r.urn);
      }
      if (p.state !== undefined && !["ENABLED", "DISABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"].includes(p.state))
        report(`${l}: state "${p.state}" must be ENABLED or DISABLED.`, r.urn);
    }
    // Source: EventBridge API PutTargets (Input, InputPath, InputTransformer mutually exclusive; RoleArn for ECS, Step Functions,
    // Kinesis...; EcsParameters; RetryPolicy MaximumEventAgeInSeconds 60..86400, MaximumRetryAttempts 0..185).
    const taskDefs = ofType(args.resources, "aws:ecs/taskDefinition:TaskDefinition");
    for (const t of targets) {
      const p = t.props;
      const l = label(t);
      const inputs = ["input", "inputPath", "inputTransformer"].filter((k) => p[k] !== undefined);
      if (inputs.length > 1) report(`${l}: ${inputs.join(", ")} are mutually exclusive; keep one.`, t.urn);
      const arn = String(p.arn ?? "");
      const needsRole = ROLE_TARGETS.find((s) => arn.includes(s));
      if (needsRole && !p.roleArn) report(`${l}: target ${arn} needs roleArn (a role events.amazonaws.com can assume, allowed to call the target).`, t.urn);
      if (arn.includes(":ecs:") && !p.ecsTarget)
        report(`${l}: an ECS cluster target needs ecsTarget (taskDefinitionArn, launch type, network configuration).`, t.urn);
      if (p.ecsTarget) {
        const td = taskDefs.find((d) => refersTo(t, d, ["ecsTarget"]));
        if (td?.props.networkMode === "awsvpc" && !p.ecsTarget.networkConfiguration)
          report(`${l}: ecsTarget runs ${label(td)} (networkMode awsvpc) and needs networkConfiguration with subnets.`, t.urn);
      }
      const rp = p.retryPolicy;
      if (rp?.maximumEventAgeInSeconds !== undefined && (rp.maximumEventAgeInSeconds < 60 || rp.maximumEventAgeInSeconds > 86400))
        report(`${l}: retryPolicy.maximumEventAgeInSeconds ${rp.maximumEventAgeInSeconds} is outside 60..86400.`, t.urn);
      if (rp?.maximumRetryAttempts !== undefined && (rp.maximumRetryAttempts < 0 || rp.maximumRetryAttempts > 185))
        report(`${l}: retryPolicy.maximumRetryAttempts ${rp.maximumRetryAttempts} is outside 0..185.`, t.urn);
    }
  },
});

/** Amazon States Language state types. */
export const STATE_TYPES = ["Task", "Pass", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"];

/** Problems with an Amazon States Language definition (States Language specification: top-level fields, state types, transitions). */
export function stateMachineProblems(definition: unknown): string[] {
  const parsed = parseJsonDocument(definition);
  if (!parsed.ok) return [`definition is not valid JSON (${parsed.error})`];
  const d = parsed.value as { StartAt?: unknown; States?: Record<string, Record<string, unknown>> } | null;
  if (!d || typeof d !== "object") return ["definition must be a JSON object with StartAt and States"];
  const out: string[] = [];
  const states = d.States && typeof d.States === "object" ? d.States : undefined;
  if (!states || Object.keys(states).length === 0) return ["definition has no States"];
  if (typeof d.StartAt !== "string" || !(d.StartAt in states))
    out.push(`definition StartAt "${String(d.StartAt)}" names no state (states: ${Object.keys(states).join(", ")})`);
  for (const [name, s] of Object.entries(states)) {
    if (name.length > 80) out.push(`state name "${name.slice(0, 20)}..." is over 80 characters`);
    if (!STATE_TYPES.includes(String(s.Type))) {
      out.push(`state "${name}" Type "${String(s.Type)}" must be one of ${STATE_TYPES.join(", ")}`);
      continue;
    }
    const terminal = ["Succeed", "Fail", "Choice"].includes(String(s.Type));
    if (!terminal && (s.Next === undefined) === (s.End !== true)) out.push(`state "${name}" needs exactly one of Next or End: true`);
    if (typeof s.Next === "string" && !(s.Next in states)) out.push(`state "${name}" Next "${s.Next}" names no state`);
    if (s.Type === "Task" && typeof s.Resource !== "string") out.push(`state "${name}" (Task) needs Resource`);
    if (s.Type === "Choice") {
      if (asArray(s.Choices as unknown[]).length === 0) out.push(`state "${name}" (Choice) needs at least one rule in Choices`);
      for (const c of asArray(s.Choices as { Next?: string }[]))
        if (typeof c.Next === "string" && !(c.Next in states)) out.push(`state "${name}" choice Next "${c.Next}" names no state`);
      if (typeof s.Default === "string" && !(s.Default in states)) out.push(`state "${name}" Default "${s.Default}" names no state`);
    }
  }
  return out;
}

export const stepFunctionsArguments = resourcePolicy({
  name: "step-functions-arguments",
  description:
    "Step Functions: a definition Amazon States Language accepts (StartAt naming a state, known state types, Next/End, Task Resource, Choice targets), type STANDARD/EXPRESS, logging level ALL/ERROR/FATAL/OFF with a log group ARN ending in ':*' when not OFF, name of 1..80 letters, digits, '-' and '_'.",
  enforcementLevel: "mandatory",
  // Source: Step Functions API CreateStateMachine (type, loggingConfiguration: destinations are log group ARNs ending in ":*",
  // name 1..80); Amazon States Language specification; InvalidDefinition error.
  validateResource: forType("aws:sfn/stateMachine:StateMachine", (p, args, report) => {
    const l = label(args);
    for (const problem of stateMachineProblems(p.definition)) report(`${l}: ${problem}.`);
    if (p.type !== undefined && !["STANDARD", "EXPRESS"].includes(p.type)) report(`${l}: type "${p.type}" must be STANDARD or EXPRESS.`);
    const lc = p.loggingConfiguration;
    if (lc) {
      const level = lc.level ?? "OFF";
      if (!["ALL", "ERROR", "FATAL", "OFF"].includes(level)) report(`${l}: loggingConfiguration.level "${level}" must be ALL, ERROR, FATAL or OFF.`);
      if (level !== "OFF" && !lc.logDestination) report(`${l}: loggingConfiguration.level ${level} needs logDestination (a log group ARN ending in ":*").`);
      if (typeof lc.logDestination === "string" && !lc.logDestination.endsWith(":*"))
        report(`${l}: loggingConfiguration.logDestination must be the log group ARN followed by ":*" (e.g. \${logGroup.arn}:*).`);
    }
    if (typeof p.name === "string" && !/^[A-Za-z0-9_-]{1,80}$/.test(p.name)) report(`${l}: name "${p.name}" must be 1..80 letters, digits, '-' or '_'.`);
  }),
});

export const messagingWorkflowPolicies = [sqsQueueConfiguration, eventbridgeConfiguration, stepFunctionsArguments];
