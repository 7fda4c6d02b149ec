/**
 * Monitoring: the alarm topic (KMS-encrypted, optional e-mail subscription),
 * the platform dashboard and the alarms that notify the topic. What the
 * dashboard shows and what the alarms watch is pure logic in ./dashboard.
 *
 * The topic is encrypted with a customer-managed key, not the AWS-managed
 * `alias/aws/sns`: that key's policy cannot be edited and does not let
 * CloudWatch alarms use it, so alarms on such a topic silently fail to notify.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { alarmDefinitions, dashboardBody, defaultAlarmThresholds, validateDashboardBody, type AlarmThresholds, type MonitoredResources } from "./dashboard";
import { CLOUDFRONT_METRICS_REGION } from "./dashboard";
import { alarmTopicPolicy } from "./iam-policies";
import { alarmTopicKeyPolicy } from "./kms-policies";
import { checkName, physicalName } from "./naming";
import { standardTags, type TagContext } from "./tags";

export interface MonitoringArgs {
  environmentSuffix: string;
  tags: TagContext;
  /** Names and ids the metrics need; groups left out are not monitored. */
  resources: MonitoredResources<pulumi.Input<string>>;
  /** E-mail address subscribed to the alarm topic (the recipient must confirm the subscription). Default: none. */
  alarmEmail?: string;
  /** Region of the monitored resources; defaults to the provider's region. */
  region?: pulumi.Input<string>;
  /** The stack's region as configured (aws:region): in us-east-1 one topic serves CloudFront's alarms too. */
  stackRegion?: string;
  /** The Aurora cluster's max ACU, which sizes the connections alarm (default 16). */
  dbMaxCapacityAcu?: number;
  /** Overrides of the alarm thresholds. Default: defaultAlarmThresholds(dbMaxCapacityAcu). */
  thresholds?: Partial<AlarmThresholds>;
  /** Prod: the topic's key gets the longest deletion window (30 days, else 7). Default false. */
  isProd?: boolean;
  /** Monthly cost budget (USD): AWS Budgets notifies the alarm topic at 80% and 100% of it. Default: none (no budget). */
  monthlyBudgetUsd?: number;
}

/** Budget notification thresholds, in percent of the budget (actual spend). */
export const BUDGET_THRESHOLDS_PERCENT = [80, 100] as const;

export class Monitoring extends pulumi.ComponentResource {
  public readonly dashboardName: pulumi.Output<string>;
  public readonly alarmTopicArn: pulumi.Output<string>;
  public readonly alarmTopicName: pulumi.Output<string>;
  /** The topic alarms on CloudFront's metrics notify: in us-east-1 (the home topic when the stack is there). */
  public readonly cloudfrontAlarmTopicArn: pulumi.Output<string>;
  /** Physical names of the alarms, in definition order. */
  public readonly alarmNames: pulumi.Output<string>[];

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("shop:monitoring:Monitoring", name, {}, opts);
    const suffix = args.environmentSuffix;

    const budgets = args.monthlyBudgetUsd !== undefined;
    const identity = aws.getCallerIdentityOutput({}, { parent: this });
    const partition = aws.getPartitionOutput({}, { parent: this });
    const region = args.region !== undefined ? pulumi.output(args.region) : aws.getRegionOutput({}, { parent: this }).region;

    const { topic, key, topicPolicy } = this.alarmTopic(name, {
      suffix,
      tags: args.tags,
      isProd: args.isProd,
      budgets,
      alarmEmail: args.alarmEmail,
      region,
      identity,
      partition,
    });
    // CloudFront's metrics (and so its WAF alarm) exist only in us-east-1, and an alarm can notify only a
    // topic in its own region ("Invalid region <r> specified. Only us-east-1 is supported": PutMetricAlarm's
    // answer, e.g. cds-snc/notification-terraform#128). Outside us-east-1 a second topic lives there.
    const edgeTopic =
      args.stackRegion === CLOUDFRONT_METRICS_REGION
        ? topic
        : this.alarmTopic(`${name}-${CLOUDFRONT_METRICS_REGION}`, {
            suffix,
            tags: args.tags,
            isProd: args.isProd,
            budgets: false,
            alarmEmail: args.alarmEmail,
            region: pulumi.output(CLOUDFRONT_METRICS_REGION),
            identity,
            partition,
            placeIn: CLOUDFRONT_METRICS_REGION,
          }).topic;

    if (args.monthlyBudgetUsd !== undefined) {
      // The account's whole monthly cost (a tag filter would show $0 until the tag is activated
      // as a cost allocation tag in the payer account). Budgets checks it may publish when the
      // budget is created, so it waits for the topic and key policies.
      const budgetName = physicalName("generic", "monthly-budget", suffix);
      new aws.budgets.Budget(
        `${name}-monthly-budget`,
        {
          name: budgetName,
          budgetType: "COST",
          timeUnit: "MONTHLY",
          // AWS echoes "500.0" for "500.00"; the provider compares amounts as numbers
          // (suppressEquivalentBudgetLimitAmount, terraform-provider-aws), so a second up shows no diff.
          limitAmount: args.monthlyBudgetUsd.toFixed(2),
          limitUnit: "USD",
          notifications: BUDGET_THRESHOLDS_PERCENT.map((threshold) => ({
            notificationType: "ACTUAL",
            comparisonOperator: "GREATER_THAN",
            threshold,
            thresholdType: "PERCENTAGE",
            subscriberSnsTopicArns: [topic.arn],
          })),
          tags: standardTags(args.tags, budgetName),
        },
        { parent: this, dependsOn: [topicPolicy, key] },
      );
    }

    const dashboardName = physicalName("dashboard", "platform", suffix);
    const dashboard = new aws.cloudwatch.Dashboard(
      `${name}-dashboard`,
      {
        dashboardName,
        dashboardBody: pulumi.all([pulumi.output(args.resources), region]).apply(([resources, r]) => {
          const body = dashboardBody(resources, r);
          const problems = validateDashboardBody(body);
          if (problems.length > 0) throw new Error(`dashboard ${dashboardName} would be rejected by CloudWatch:\n${problems.join("\n")}`);
          return JSON.stringify(body);
        }),
      },
      { parent: this },
    );

    const thresholds = { ...defaultAlarmThresholds(args.dbMaxCapacityAcu ?? 16), ...args.thresholds };
    this.alarmNames = alarmDefinitions(args.resources, thresholds).map((alarm) => {
      const alarmName = physicalName("alarm", alarm.key, suffix);
      return new aws.cloudwatch.MetricAlarm(
        `${name}-${alarm.key}`,
        {
          name: alarmName,
          alarmDescription: alarm.description,
          namespace: alarm.namespace,
          metricName: alarm.metricName,
          dimensions: alarm.dimensions,
          statistic: alarm.statistic,
          period: alarm.period,
          evaluationPeriods: alarm.evaluationPeriods,
          datapointsToAlarm: alarm.datapointsToAlarm,
          threshold: alarm.threshold,
          comparisonOperator: alarm.comparisonOperator,
          treatMissingData: "notBreaching",
          alarmActions: [topic.arn],
          okActions: [topic.arn],
          tags: standardTags(args.tags, alarmName),
        },
        { parent: this },
      ).name;
    });

    this.dashboardName = dashboard.dashboardName;
    this.alarmTopicArn = topic.arn;
    this.alarmTopicName = topic.name;
    this.cloudfrontAlarmTopicArn = edgeTopic.arn;
    this.registerOutputs({
      dashboardName: this.dashboardName,
      alarmTopicArn: this.alarmTopicArn,
      alarmTopicName: this.alarmTopicName,
      cloudfrontAlarmTopicArn: this.cloudfrontAlarmTopicArn,
    });
  }

  /**
   * An alarm topic with its key, policy and e-mail subscription. `placeIn`: a region other than the
   * provider's (names then carry it, as the stack's two topics may share a region's namespace).
   */
  private alarmTopic(
    name: string,
    opts: {
      suffix: string;
      tags: TagContext;
      isProd?: boolean;
      budgets: boolean;
      alarmEmail?: string;
      region: pulumi.Output<string>;
      identity: pulumi.Output<aws.GetCallerIdentityResult>;
      partition: pulumi.Output<aws.GetPartitionResult>;
      placeIn?: string;
    },
  ): { topic: aws.sns.Topic; key: aws.kms.Key; topicPolicy: aws.sns.TopicPolicy } {
    const base = opts.placeIn ? `alarms-${opts.placeIn}` : "alarms";
    const where = opts.placeIn ? { region: opts.placeIn } : {};
    const keyName = physicalName("generic", `${base}-key`, opts.suffix);
    const topicName = physicalName("snsTopic", base, opts.suffix);
    const key = new aws.kms.Key(
      `${name}-topic-key`,
      {
        ...where,
        description: `Encrypts the ${topicName} SNS topic; usable by CloudWatch alarms`,
        enableKeyRotation: true,
        deletionWindowInDays: opts.isProd ? 30 : 7,
        policy: pulumi
          .all([opts.partition.partition, opts.identity.accountId])
          .apply(([p, account]) => JSON.stringify(alarmTopicKeyPolicy(p, account, opts.budgets))),
        tags: standardTags(opts.tags, keyName),
      },
      { parent: this },
    );
    new aws.kms.Alias(`${name}-topic-key-alias`, { ...where, name: checkName("kmsAlias", `alias/${keyName}`), targetKeyId: key.keyId }, { parent: this });

    const topic = new aws.sns.Topic(
      `${name}-alarm-topic`,
      { ...where, name: topicName, displayName: `ecommerce ${opts.suffix} alarms`, kmsMasterKeyId: key.arn, tags: standardTags(opts.tags, topicName) },
      { parent: this },
    );
    const topicPolicy = new aws.sns.TopicPolicy(
      `${name}-alarm-topic-policy`,
      {
        ...where,
        arn: topic.arn,
        policy: pulumi
          .all([topic.arn, opts.partition.partition, opts.region, opts.identity.accountId])
          .apply(([arn, p, r, account]) => JSON.stringify(alarmTopicPolicy(arn, p, r, account, opts.budgets))),
      },
      { parent: this },
    );
    if (opts.alarmEmail) {
      new aws.sns.TopicSubscription(`${name}-alarm-email`, { ...where, topic: topic.arn, protocol: "email", endpoint: opts.alarmEmail }, { parent: this });
    }
    return { topic, key, topicPolicy };
  }
}
