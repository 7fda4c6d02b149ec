/** WAFv2 web ACLs, CodeDeploy applications and deployment groups, Budgets: arguments their APIs reject at deploy time. */
import { forType, resourcePolicy, stackPolicy } from "../lib/define";
import { WAF_RATE_LIMIT } from "../lib/limits";
import { regionOf } from "../lib/region";
import { asArray, label, ofType, refersTo } from "../lib/stack";

/** WAFv2 VisibilityConfig.MetricName: 1..255 of letters, digits, '-' and '_' ("All" and "Default_Action" reserved). */
const WAF_METRIC = /^[\w#:.-]{1,255}$/;
const WAF_NAME = /^[\w-]{1,128}$/;

interface WafRule {
  name?: string;
  priority?: number;
  action?: unknown;
  overrideAction?: unknown;
  statement?: {
    managedRuleGroupStatement?: unknown;
    ruleGroupReferenceStatement?: unknown;
    rateBasedStatement?: { limit?: number; evaluationWindowSec?: number };
  };
  visibilityConfig?: { metricName?: string };
}

export const wafv2WebAclConfiguration = stackPolicy({
  name: "wafv2-web-acl-configuration",
  description:
    "WAFv2 web ACLs: scope CLOUDFRONT created in us-east-1, exactly one default action, unique rule names and priorities, rule-group rules with overrideAction and other rules with action (not both), rate-based limits 10..2,000,000,000 over 60/120/300/600 s windows, metric names of letters/digits/-/_; associations only for REGIONAL ACLs (CloudFront takes the ACL in the distribution's webAclId).",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const acls = ofType(args.resources, "aws:wafv2/webAcl:WebAcl");
    if (acls.length === 0) return args.notApplicable("no WAFv2 web ACLs");
    const stackRegion = args.resources.map((r) => r.provider?.props.region).find((r): r is string => typeof r === "string");
    // Source: WAFv2 API CreateWebACL (Scope CLOUDFRONT "must also specify the Region US East (N. Virginia)"; DefaultAction
    // Allow|Block; Rule.Action vs OverrideAction; RateBasedStatement.Limit 10..2e9, EvaluationWindowSec 60|120|300|600;
    // VisibilityConfig.MetricName pattern); WAFv2 API AssociateWebACL ("For Amazon CloudFront, don't use this call").
    for (const acl of acls) {
      const p = acl.props;
      const l = label(acl);
      if (p.scope !== "CLOUDFRONT" && p.scope !== "REGIONAL") report(`${l}: scope "${p.scope}" must be CLOUDFRONT or REGIONAL.`, acl.urn);
      const region = regionOf(acl) ?? stackRegion;
      if (p.scope === "CLOUDFRONT" && region !== "us-east-1")
        report(
          `${l}: scope CLOUDFRONT web ACLs must be created in us-east-1 (this one is in ${region ?? "an unset region"}); use a us-east-1 provider.`,
          acl.urn,
        );
      if (typeof p.name === "string" && !WAF_NAME.test(p.name)) report(`${l}: name "${p.name}" must be 1..128 letters, digits, '-' or '_'.`, acl.urn);
      const da = p.defaultAction ?? {};
      if (Boolean(da.allow) === Boolean(da.block)) report(`${l}: defaultAction needs exactly one of allow or block.`, acl.urn);
      if (p.visibilityConfig?.metricName !== undefined && !WAF_METRIC.test(p.visibilityConfig.metricName))
        report(`${l}: visibilityConfig.metricName "${p.visibilityConfig.metricName}" may contain only letters, digits and -_#:. (1..255).`, acl.urn);
      const names = new Set<string>();
      const priorities = new Set<number>();
      asArray<WafRule>(p.rules).forEach((r, i) => {
        const where = `${l}: rules[${i}]${r.name ? ` (${r.name})` : ""}`;
        if (r.name !== undefined) {
          if (names.has(r.name)) report(`${where} name is used twice; rule names must be unique.`, acl.urn);
          names.add(r.name);
        }
        if (r.priority !== undefined) {
          if (priorities.has(r.priority)) report(`${where} priority ${r.priority} is used twice; priorities must be unique.`, acl.urn);
          priorities.add(r.priority);
        }
        const group = Boolean(r.statement?.managedRuleGroupStatement || r.statement?.ruleGroupReferenceStatement);
        if (group && !r.overrideAction) report(`${where} references a rule group and needs overrideAction (none or count), not action.`, acl.urn);
        if (group && r.action) report(`${where} references a rule group; use overrideAction instead of action.`, acl.urn);
        if (!group && !r.action) report(`${where} needs an action (allow, block, count, captcha or challenge).`, acl.urn);
        if (!group && r.overrideAction) report(`${where} overrideAction applies only to rule group references; use action.`, acl.urn);
        const rate = r.statement?.rateBasedStatement;
        if (rate?.limit !== undefined && (rate.limit < WAF_RATE_LIMIT.min || rate.limit > WAF_RATE_LIMIT.max)) {
          report(`${where} rateBasedStatement.limit ${rate.limit} is outside ${WAF_RATE_LIMIT.min}..${WAF_RATE_LIMIT.max}.`, acl.urn);
        }
        if (rate?.evaluationWindowSec !== undefined && ![60, 120, 300, 600].includes(rate.evaluationWindowSec))
          report(`${where} rateBasedStatement.evaluationWindowSec ${rate.evaluationWindowSec} must be 60, 120, 300 or 600.`, acl.urn);
        if (!r.visibilityConfig?.metricName) report(`${where} needs visibilityConfig with a metricName.`, acl.urn);
        else if (!WAF_METRIC.test(r.visibilityConfig.metricName))
          report(`${where} visibilityConfig.metricName "${r.visibilityConfig.metricName}" may contain only letters, digits and -_#:. (1..255).`, acl.urn);
      });
    }
    for (const a of ofType(args.resources, "aws:wafv2/webAclAssociation:WebAclAssociation")) {
      const acl = acls.find((x) => refersTo(a, x, ["webAclArn"]));
      if (acl?.props.scope === "CLOUDFRONT" || String(a.props.resourceArn ?? "").includes(":cloudfront::")) {
        report(
          `${label(a)}: CloudFront distributions are not associated with WebAclAssociation; set the distribution's webAclId to the CLOUDFRONT web ACL's ARN.`,
          a.urn,
        );
      }
    }
  },
});

/** CodeDeploy predefined deployment configurations start with the compute platform's prefix. */
const PLATFORM_CONFIG_PREFIX: Record<string, string> = { Lambda: "CodeDeployDefault.Lambda", ECS: "CodeDeployDefault.ECS", Server: "CodeDeployDefault." };

export const codedeployConfiguration = stackPolicy({
  name: "codedeploy-configuration",
  description:
    "CodeDeploy: computePlatform Server/Lambda/ECS; a deployment group's predefined deployment config belongs to its application's platform; Lambda and ECS groups use BLUE_GREEN with WITH_TRAFFIC_CONTROL; ECS groups name an ecsService and a loadBalancerInfo.targetGroupPairInfo with two target groups; auto rollback events are DEPLOYMENT_FAILURE/DEPLOYMENT_STOP_ON_ALARM/DEPLOYMENT_STOP_ON_REQUEST.",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const apps = ofType(args.resources, "aws:codedeploy/application:Application");
    const groups = ofType(args.resources, "aws:codedeploy/deploymentGroup:DeploymentGroup");
    if (apps.length + groups.length === 0) return args.notApplicable("no CodeDeploy resources");
    // Source: CodeDeploy API CreateApplication (computePlatform), CreateDeploymentGroup (deploymentStyle: "Lambda and ECS
    // deployments support only BLUE_GREEN with WITH_TRAFFIC_CONTROL"; ECS requires ecsServices and targetGroupPairInfoList;
    // InvalidDeploymentConfigNameException for a config of another platform; AutoRollbackConfiguration events).
    for (const a of apps) {
      const cp = a.props.computePlatform ?? "Server";
      if (!["Server", "Lambda", "ECS"].includes(cp)) report(`${label(a)}: computePlatform "${cp}" must be Server, Lambda or ECS.`, a.urn);
    }
    for (const g of groups) {
      const p = g.props;
      const l = label(g);
      const app = apps.find((a) => refersTo(g, a, ["appName"]));
      const platform: string = app?.props.computePlatform ?? "Server";
      const cfg = p.deploymentConfigName;
      if (app && typeof cfg === "string" && cfg.startsWith("CodeDeployDefault.")) {
        const isLambda = cfg.startsWith("CodeDeployDefault.Lambda");
        const isEcs = cfg.startsWith("CodeDeployDefault.ECS");
        const ok = platform === "Lambda" ? isLambda : platform === "ECS" ? isEcs : !isLambda && !isEcs;
        if (!ok)
          report(`${l}: deploymentConfigName ${cfg} is not a ${platform} configuration (use one starting with ${PLATFORM_CONFIG_PREFIX[platform]}).`, g.urn);
      }
      if (app && platform !== "Server") {
        const s = p.deploymentStyle ?? {};
        if (s.deploymentType !== "BLUE_GREEN" || s.deploymentOption !== "WITH_TRAFFIC_CONTROL")
          report(`${l}: a ${platform} deployment group needs deploymentStyle BLUE_GREEN with WITH_TRAFFIC_CONTROL.`, g.urn);
      }
      if (platform === "ECS" && app) {
        if (!p.ecsService) report(`${l}: an ECS deployment group needs ecsService (cluster and service names).`, g.urn);
        const pairs = asArray<{ targetGroups?: unknown[] }>(p.loadBalancerInfo?.targetGroupPairInfo);
        if (pairs.length === 0 || asArray(pairs[0]!.targetGroups).length !== 2)
          report(`${l}: an ECS deployment group needs loadBalancerInfo.targetGroupPairInfo with exactly two target groups (blue and green).`, g.urn);
      }
      for (const e of asArray<string>(p.autoRollbackConfiguration?.events)) {
        if (!["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM", "DEPLOYMENT_STOP_ON_REQUEST"].includes(e))
          report(`${l}: autoRollbackConfiguration event "${e}" must be DEPLOYMENT_FAILURE, DEPLOYMENT_STOP_ON_ALARM or DEPLOYMENT_STOP_ON_REQUEST.`, g.urn);
      }
      if (asArray(p.autoRollbackConfiguration?.events).includes("DEPLOYMENT_STOP_ON_ALARM") && asArray(p.alarmConfiguration?.alarms).length === 0) {
        report(`${l}: auto rollback on DEPLOYMENT_STOP_ON_ALARM needs alarmConfiguration.alarms.`, g.urn);
      }
    }
  },
});

export const BUDGET_TYPES = ["USAGE", "COST", "RI_UTILIZATION", "RI_COVERAGE", "SAVINGS_PLANS_UTILIZATION", "SAVINGS_PLANS_COVERAGE"];
export const BUDGET_TIME_UNITS = ["DAILY", "MONTHLY", "QUARTERLY", "ANNUALLY"];

export const budgetsArguments = resourcePolicy({
  name: "budgets-arguments",
  description:
    "AWS Budgets: budget type and time unit values, limitAmount with limitUnit unless plannedLimits/autoAdjust are used, a name without ':' or '\\', notifications with ACTUAL/FORECASTED, a comparison operator, a positive threshold (PERCENTAGE at most 1,000,000) and 1..10 email plus at most 1 SNS subscriber; FORECASTED notifications not on DAILY budgets.",
  enforcementLevel: "mandatory",
  // Source: AWS Budgets API CreateBudget (Budget.BudgetType, TimeUnit, BudgetLimit Amount+Unit, BudgetName pattern ^(?![^:\\]*/action/|(?i).*<script>.*</script>.*)[^:\\]+$,
  // Notification NotificationType/ComparisonOperator/Threshold 0..1e9, ThresholdType; Subscribers 1..11 (10 email, 1 SNS));
  // Budgets User Guide: forecasted alerts are not available for daily budgets.
  validateResource: forType("aws:budgets/budget:Budget", (p, args, report) => {
    const l = label(args);
    if (!BUDGET_TYPES.includes(String(p.budgetType))) report(`${l}: budgetType "${p.budgetType}" must be one of ${BUDGET_TYPES.join(", ")}.`);
    if (!BUDGET_TIME_UNITS.includes(String(p.timeUnit))) report(`${l}: timeUnit "${p.timeUnit}" must be one of ${BUDGET_TIME_UNITS.join(", ")}.`);
    if (typeof p.name === "string" && (/[:\\]/.test(p.name) || p.name.length > 100))
      report(`${l}: name "${p.name}" must be 1..100 characters without ':' or '\\'.`);
    const planned = asArray(p.plannedLimits).length > 0 || p.autoAdjustData;
    if ((p.limitAmount === undefined) !== (p.limitUnit === undefined))
      report(`${l}: limitAmount and limitUnit go together (given only ${p.limitAmount === undefined ? "limitUnit" : "limitAmount"}).`);
    if (
      p.limitAmount === undefined &&
      !planned &&
      !["RI_UTILIZATION", "RI_COVERAGE", "SAVINGS_PLANS_UTILIZATION", "SAVINGS_PLANS_COVERAGE"].includes(p.budgetType)
    ) {
      report(`${l}: a ${p.budgetType} budget needs limitAmount and limitUnit (or plannedLimits / autoAdjustData).`);
    }
    if (planned && p.limitAmount !== undefined && asArray(p.plannedLimits).length > 0) report(`${l}: plannedLimits and limitAmount are mutually exclusive.`);
    if (p.limitAmount !== undefined && !(Number(p.limitAmount) > 0)) report(`${l}: limitAmount "${p.limitAmount}" must be a positive number.`);
    asArray<Record<string, unknown>>(p.notifications).forEach((n, i) => {
      const where = `${l}: notifications[${i}]`;
      if (!["ACTUAL", "FORECASTED"].includes(String(n.notificationType)))
        report(`${where} notificationType "${n.notificationType}" must be ACTUAL or FORECASTED.`);
      if (n.notificationType === "FORECASTED" && p.timeUnit === "DAILY")
        report(`${where} FORECASTED notifications are not available for DAILY budgets; use ACTUAL.`);
      if (!["GREATER_THAN", "LESS_THAN", "EQUAL_TO"].includes(String(n.comparisonOperator)))
        report(`${where} comparisonOperator "${n.comparisonOperator}" must be GREATER_THAN, LESS_THAN or EQUAL_TO.`);
      const t = Number(n.threshold);
      if (!(t > 0)) report(`${where} threshold ${n.threshold} must be positive.`);
      if ((n.thresholdType ?? "PERCENTAGE") === "PERCENTAGE" && t > 1_000_000) report(`${where} threshold ${t}% exceeds 1000000.`);
      const emails = asArray(n.subscriberEmailAddresses as string[]).length;
      const sns = asArray(n.subscriberSnsTopicArns as string[]).length;
      if (emails + sns === 0) report(`${where} needs at least one subscriber (subscriberEmailAddresses or subscriberSnsTopicArns).`);
      if (emails > 10) report(`${where} has ${emails} email subscribers; a notification allows 10.`);
      if (sns > 1) report(`${where} has ${sns} SNS subscribers; a notification allows 1.`);
    });
  }),
});

export const wafDeployBudgetPolicies = [wafv2WebAclConfiguration, codedeployConfiguration, budgetsArguments];
