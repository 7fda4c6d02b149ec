/**
 * Region and partition rules: ARNs from another partition than the stack's region, and
 * references that a service accepts only within its own region (KMS keys, ACM certificates,
 * SNS alarm actions, SQS event sources, EventBridge targets).
 */
import type { PolicyResource } from "@pulumi/policy";
import { stackPolicy } from "../lib/define";
import { arnParts, partitionOf, regionOf } from "../lib/region";
import { asArray, known, label, stringLeaves } from "../lib/stack";

/** Properties whose ARN must be in the resource's own region, by type, with the service's word for it. */
export const SAME_REGION_REFERENCES: { type: string; path: string[]; what: string; source: string }[] = [
  { type: "aws:lb/listener:Listener", path: ["certificateArn"], what: "ACM certificate", source: "ELB: certificates must be in the load balancer's Region" },
  {
    type: "aws:lb/listenerCertificate:ListenerCertificate",
    path: ["certificateArn"],
    what: "ACM certificate",
    source: "ELB: certificates must be in the load balancer's Region",
  },
  {
    type: "aws:cloudwatch/logGroup:LogGroup",
    path: ["kmsKeyId"],
    what: "KMS key",
    source: "CloudWatch Logs AssociateKmsKey: the key must be in the log group's Region",
  },
  { type: "aws:sqs/queue:Queue", path: ["kmsMasterKeyId"], what: "KMS key", source: "SQS SSE: the KMS key must be in the queue's Region" },
  { type: "aws:sns/topic:Topic", path: ["kmsMasterKeyId"], what: "KMS key", source: "SNS SSE: the KMS key must be in the topic's Region" },
  { type: "aws:secretsmanager/secret:Secret", path: ["kmsKeyId"], what: "KMS key", source: "Secrets Manager: the KMS key must be in the secret's Region" },
  {
    type: "aws:dynamodb/table:Table",
    path: ["serverSideEncryption", "kmsKeyArn"],
    what: "KMS key",
    source: "DynamoDB SSESpecification: the key must be in the table's Region",
  },
  { type: "aws:lambda/function:Function", path: ["kmsKeyArn"], what: "KMS key", source: "Lambda CreateFunction KMSKeyArn" },
  {
    type: "aws:rds/cluster:Cluster",
    path: ["kmsKeyId"],
    what: "KMS key",
    source: "RDS CreateDBCluster KmsKeyId (a key in another Region needs a cross-Region replica)",
  },
  { type: "aws:ecr/repository:Repository", path: ["encryptionConfigurations"], what: "KMS key", source: "ECR EncryptionConfiguration.kmsKey" },
  {
    type: "aws:cloudwatch/metricAlarm:MetricAlarm",
    path: ["alarmActions"],
    what: "alarm action",
    source: "CloudWatch PutMetricAlarm: actions must be in the alarm's Region",
  },
  {
    type: "aws:cloudwatch/metricAlarm:MetricAlarm",
    path: ["okActions"],
    what: "alarm action",
    source: "CloudWatch PutMetricAlarm: actions must be in the alarm's Region",
  },
  {
    type: "aws:lambda/eventSourceMapping:EventSourceMapping",
    path: ["eventSourceArn"],
    what: "event source",
    source: "Lambda CreateEventSourceMapping: the queue or stream must be in the function's Region",
  },
  {
    type: "aws:cloudwatch/eventTarget:EventTarget",
    path: ["arn"],
    what: "target",
    source: "EventBridge PutTargets: only event buses may be in another Region",
  },
];

function at(r: PolicyResource, path: string[]): unknown {
  return known(() => path.reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined), r.props));
}

export const awsRegionPartition = stackPolicy({
  name: "aws-region-partition",
  description:
    "ARNs belong to the partition of the region the resource is created in (aws, aws-cn, aws-us-gov...), and keys, certificates, alarm actions, event sources and event targets are in the resource's own region (EventBridge event buses excepted).",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const regional = args.resources.filter((r) => r.type.startsWith("aws:") && !r.type.startsWith("pulumi:providers:"));
    if (regional.length === 0) return args.notApplicable("no AWS resources");
    for (const r of regional) {
      const region = regionOf(r);
      if (!region) continue;
      // Source: AWS General Reference "Amazon Resource Names" (arn:partition:...), "AWS partitions": a resource
      // cannot reference an ARN of another partition (cross-partition access does not exist).
      const partition = partitionOf(region);
      const foreign = [
        ...new Set(
          (known(() => stringLeaves(r.props)) ?? [])
            .map(arnParts)
            .filter((a) => a && a.partition !== partition)
            .map((a) => a!.partition),
        ),
      ];
      if (foreign.length > 0)
        report(
          `${label(r)}: refers to ARNs in partition ${foreign.join(", ")} but ${region} is in partition ${partition}; build ARNs with aws.getPartition() instead of writing "arn:aws:".`,
          r.urn,
        );
    }
    for (const ref of SAME_REGION_REFERENCES) {
      for (const r of regional.filter((x) => x.type === ref.type)) {
        const region = regionOf(r);
        if (!region) continue;
        for (const value of stringLeaves(asArray(at(r, ref.path)))) {
          const arn = arnParts(value);
          if (!arn || !arn.region || arn.region === region) continue;
          if (ref.type === "aws:cloudwatch/eventTarget:EventTarget" && arn.service === "events") continue;
          report(
            `${label(r)}: ${ref.path.join(".")} ${ref.what} ${value} is in ${arn.region} but the resource is in ${region}; ${ref.source}. Use one in ${region}.`,
            r.urn,
          );
        }
      }
    }
  },
});

export const regionPartitionPolicies = [awsRegionPartition];
