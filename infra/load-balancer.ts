/**
 * The internet-facing ALB in front of the API function. It forwards to the
 * function only requests carrying CloudFront's secret origin header; anything
 * else gets a 403 in the API's error shape.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ALB_LOG_PREFIX } from "./elb-log-delivery";
import { physicalName } from "./naming";
import { ORIGIN_VERIFY_HEADER } from "./secrets";
import { standardTags, type TagContext } from "./tags";

/** TLS 1.3 + 1.2 only. */
export const ALB_TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/** Body of the ALB's 403 for requests that did not come through CloudFront (contract error shape). */
export const FORBIDDEN_BODY = JSON.stringify({
  error: { code: "forbidden", message: "This endpoint only accepts requests through the storefront's CDN" },
});

export const HEALTH_CHECK = {
  enabled: true,
  // Liveness only: the deep /health would query Aurora and both tables on every probe of every node.
  path: "/health/live",
  interval: 5,
  timeout: 2,
  matcher: "200",
  healthyThreshold: 2,
  unhealthyThreshold: 2,
} as const;

/**
 * Checks the origin secret can be an ALB http-header condition value: at most
 * 128 characters, and no `*` or `?` (ALB treats them as wildcards).
 */
export function originHeaderConditionValue(secret: string): string {
  if (secret.length < 16 || secret.length > 128) {
    throw new Error(`the origin-verify secret must be 16-128 characters for an ALB header condition, got ${secret.length}`);
  }
  if (/[*?]/.test(secret)) throw new Error("the origin-verify secret must not contain '*' or '?' (ALB header conditions treat them as wildcards)");
  return secret;
}

/** The ALB accepts at most three values in one http-header condition. */
export const MAX_HEADER_CONDITION_VALUES = 3;

/** Each accepted origin-verify value, checked and kept secret, for the listener rule's condition. */
export function originVerifyConditionValues(values: pulumi.Input<string>[]): pulumi.Output<string>[] {
  if (values.length < 1 || values.length > MAX_HEADER_CONDITION_VALUES) {
    throw new Error(`the ALB accepts 1-${MAX_HEADER_CONDITION_VALUES} origin-verify values in one header condition, got ${values.length}`);
  }
  return values.map((value) => pulumi.secret(pulumi.output(value).apply(originHeaderConditionValue)));
}

export interface LoadBalancerArgs {
  environmentSuffix: string;
  tags: TagContext;
  vpcId: pulumi.Input<string>;
  /** The VPC CIDR: the ALB's only ingress source (CloudFront's VPC origin interfaces) and egress destination. */
  vpcCidr: pulumi.Input<string>;
  /** Private subnets: the ALB is internal, reached by CloudFront only through its VPC origin. */
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Logs bucket (SSE-S3, with a policy for the ELB log delivery principal). */
  logsBucketName: pulumi.Input<string>;
  /** ACM certificate in the stack region: enables 443 and turns 80 into a redirect. Default: none (HTTP on 80 only). */
  certificateArn?: pulumi.Input<string>;
  /** The function (and alias, when provisioned concurrency is on) the target group invokes. */
  functionName: pulumi.Input<string>;
  /** The alias the permission names. Default: none (the unqualified function). */
  functionQualifier?: pulumi.Input<string | undefined>;
  targetArn: pulumi.Input<string>;
  /**
   * The origin-verify header values the ALB accepts (secrets): the previous, current and next
   * generation, so a rotation never refuses what CloudFront sends while its change deploys.
   */
  originVerifyValues: pulumi.Input<string>[];
  /** Prod stacks: ALB deletion protection on. Default false. */
  isProd?: boolean;
  /** Resources the access log delivery needs first (the logs bucket policy), or the ALB fails to create. Default: none. */
  accessLogsDependsOn?: pulumi.Input<pulumi.Resource>[];
}

export class LoadBalancer extends pulumi.ComponentResource {
  public readonly albArn: pulumi.Output<string>;
  /** `app/<name>/<id>`: the CloudWatch LoadBalancer dimension. */
  public readonly albArnSuffix: pulumi.Output<string>;
  public readonly dnsName: pulumi.Output<string>;
  public readonly zoneId: pulumi.Output<string>;
  public readonly securityGroupId: pulumi.Output<string>;
  public readonly targetGroupArn: pulumi.Output<string>;
  /** `targetgroup/<name>/<id>`: the CloudWatch TargetGroup dimension. */
  public readonly targetGroupArnSuffix: pulumi.Output<string>;
  /** The port CloudFront reaches the ALB on (443 with a certificate, else 80). */
  public readonly originPort: number;

  constructor(name: string, args: LoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("shop:compute:LoadBalancer", name, {}, opts);
    const suffix = args.environmentSuffix;
    const tagsFor = (physical: string) => standardTags(args.tags, physical);
    const tls = args.certificateArn !== undefined;

    const sgName = physicalName("securityGroup", "alb", suffix);
    const sg = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      {
        name: sgName,
        description: "Storefront ALB (internal): HTTP(S) from the CloudFront VPC origin in the VPC, egress to the VPC only",
        vpcId: args.vpcId,
        tags: tagsFor(sgName),
      },
      { parent: this },
    );

    // CloudFront's VPC origin reaches the ALB from network interfaces it places in the ALB's subnets
    // (behind its own CloudFront-VPCOrigins-Service-SG, which exists only once the VPC origin does):
    // the VPC's range is the narrowest source declarable up front; the origin-verify header still gates.
    const ports = tls ? [443] : [80];
    for (const port of ports) {
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-in-${port}-vpc`,
        {
          securityGroupId: sg.id,
          description: `HTTP${port === 443 ? "S" : ""} from the CloudFront VPC origin (VPC range)`,
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          cidrIpv4: args.vpcCidr,
          tags: tagsFor(`${sgName}-in-${port}-vpc`),
        },
        { parent: this },
      );
    }
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-out-vpc`,
      {
        securityGroupId: sg.id,
        description: "To the VPC only",
        ipProtocol: "-1",
        cidrIpv4: args.vpcCidr,
        tags: tagsFor(`${sgName}-out-vpc`),
      },
      { parent: this },
    );

    const albName = physicalName("alb", "alb", suffix);
    const alb = new aws.lb.LoadBalancer(
      `${name}-alb`,
      {
        name: albName,
        loadBalancerType: "application",
        // Internal, in the private subnets: not reachable from the internet at all (CloudFront VPC origin).
        internal: true,
        securityGroups: [sg.id],
        subnets: args.subnetIds,
        dropInvalidHeaderFields: true,
        enableDeletionProtection: args.isProd ?? false,
        accessLogs: { bucket: args.logsBucketName, prefix: ALB_LOG_PREFIX, enabled: true },
        tags: tagsFor(albName),
      },
      { parent: this, dependsOn: args.accessLogsDependsOn ?? [] },
    );

    const tgName = physicalName("targetGroup", "api", suffix);
    const targetGroup = new aws.lb.TargetGroup(
      `${name}-tg`,
      {
        name: tgName,
        targetType: "lambda",
        // Without multi-value headers the ALB keeps only one of several Set-Cookie headers.
        lambdaMultiValueHeadersEnabled: true,
        healthCheck: { ...HEALTH_CHECK },
        tags: tagsFor(tgName),
      },
      { parent: this },
    );

    // The ALB must be allowed to invoke the function before the target is registered.
    const invokePermission = new aws.lambda.Permission(
      `${name}-invoke`,
      {
        action: "lambda:InvokeFunction",
        function: args.functionName,
        qualifier: args.functionQualifier,
        principal: "elasticloadbalancing.amazonaws.com",
        sourceArn: targetGroup.arn,
      },
      { parent: this },
    );

    // Switching provisioned concurrency on or off moves the target between the function and its alias,
    // which replaces this attachment. A Lambda target group holds one function: registering the new
    // target while the old is still registered fails, so the old one goes first (a few seconds of 5xx).
    new aws.lb.TargetGroupAttachment(
      `${name}-target`,
      {
        targetGroupArn: targetGroup.arn,
        targetId: args.targetArn,
      },
      { parent: this, dependsOn: [invokePermission], deleteBeforeReplace: true },
    );

    const forbidden = {
      type: "fixed-response",
      fixedResponse: { contentType: "application/json", statusCode: "403", messageBody: FORBIDDEN_BODY },
    };

    const http = new aws.lb.Listener(
      `${name}-http`,
      {
        loadBalancerArn: alb.arn,
        port: 80,
        protocol: "HTTP",
        defaultActions: [tls ? { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } } : forbidden],
        tags: tagsFor(`${albName}-http`),
      },
      { parent: this },
    );

    const serving = tls
      ? new aws.lb.Listener(
          `${name}-https`,
          {
            loadBalancerArn: alb.arn,
            port: 443,
            protocol: "HTTPS",
            sslPolicy: ALB_TLS_POLICY,
            certificateArn: args.certificateArn,
            defaultActions: [forbidden],
            tags: tagsFor(`${albName}-https`),
          },
          { parent: this },
        )
      : http;

    new aws.lb.ListenerRule(
      `${name}-from-cloudfront`,
      {
        listenerArn: serving.arn,
        priority: 10,
        conditions: [
          {
            httpHeader: {
              httpHeaderName: ORIGIN_VERIFY_HEADER,
              // One condition matches when any of its values does; up to three values a condition
              // (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html).
              values: originVerifyConditionValues(args.originVerifyValues),
            },
          },
        ],
        actions: [{ type: "forward", targetGroupArn: targetGroup.arn }],
        tags: tagsFor(`${albName}-from-cloudfront`),
      },
      { parent: this },
    );

    this.albArn = alb.arn;
    this.albArnSuffix = alb.arnSuffix;
    this.dnsName = alb.dnsName;
    this.zoneId = alb.zoneId;
    this.securityGroupId = sg.id;
    this.targetGroupArn = targetGroup.arn;
    this.targetGroupArnSuffix = targetGroup.arnSuffix;
    this.originPort = tls ? 443 : 80;
    this.registerOutputs({
      albArn: this.albArn,
      albArnSuffix: this.albArnSuffix,
      dnsName: this.dnsName,
      securityGroupId: this.securityGroupId,
      targetGroupArn: this.targetGroupArn,
      targetGroupArnSuffix: this.targetGroupArnSuffix,
    });
  }
}
