/**
 * Elastic Load Balancing's log-delivery account per Region, for Regions that existed before
 * August 2022; Regions opened since accept only the log-delivery service principal, which
 * is always granted too.
 *
 * Checked on 2026-11-25 against the map behind `aws.elb.getServiceAccount`
 * (hashicorp/terraform-provider-aws, internal/service/elb/service_account_data_source.go,
 * `accountIDPerRegionMap`), which follows AWS's "Enable access logs for your Application
 * Load Balancer" (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html).
 * All 24 ids kept here matched; the two China Regions were missing and are added.
 *
 * Why a map and not `aws.elb.getServiceAccount`: the data source holds this same map and
 * fails with "unsupported AWS Region" everywhere else, i.e. in every Region opened since
 * August 2022 (eu-central-2, ap-southeast-5, il-central-1, ...), so the stack could not
 * deploy there; with the map those Regions get the service principal alone, as AWS asks.
 *
 * Kept free of Pulumi so the program (infra/iam-policies.ts) and the offline mocks' answer to
 * `aws.elb.getServiceAccount` (scripts/pulumi-mocks/answers.ts) read this one table.
 */
export const ELB_LOG_DELIVERY_ACCOUNTS: Readonly<Record<string, string>> = {
  "us-east-1": "127311923021",
  "us-east-2": "033677994240",
  "us-west-1": "027434742980",
  "us-west-2": "797873946194",
  "af-south-1": "098369216593",
  "ap-east-1": "754344448648",
  "ap-southeast-3": "589379963580",
  "ap-south-1": "718504428378",
  "ap-northeast-3": "383597477331",
  "ap-northeast-2": "600734575887",
  "ap-southeast-1": "114774131450",
  "ap-southeast-2": "783225319266",
  "ap-northeast-1": "582318560864",
  "ca-central-1": "985666609251",
  "eu-central-1": "054676820928",
  "eu-west-1": "156460612806",
  "eu-west-2": "652711504416",
  "eu-south-1": "635631232127",
  "eu-west-3": "009996457667",
  "eu-north-1": "897822967062",
  "me-south-1": "076674570225",
  "sa-east-1": "507241528517",
  "us-gov-west-1": "048591011584",
  "us-gov-east-1": "190560391635",
  "cn-north-1": "638102146993",
  "cn-northwest-1": "037604701340",
};

/** Prefix under which the ALB writes access logs in the logs bucket. */
export const ALB_LOG_PREFIX = "alb";
