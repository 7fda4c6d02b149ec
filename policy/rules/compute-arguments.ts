/** Lambda, API Gateway, load balancer and CloudFront arguments their APIs reject at deploy time. */
import { forType, resourcePolicy, stackPolicy } from "../lib/define";
import { subnetZones } from "../lib/subnets";
import { asArray, isSet, label, ofType, parseJsonDocument, refersTo } from "../lib/stack";

/** Lambda "Defined runtime environment variables": keys Lambda reserves. */
export const RESERVED_LAMBDA_ENV = [
  "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME",
  "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME",
  "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
  "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
]; // prettier-ignore
/** Lambda quotas: 4 KB of environment variables in total. */
export const LAMBDA_ENV_BYTES = 4096;

export const lambdaArguments = resourcePolicy({
  name: "lambda-arguments",
  description:
    "Lambda arguments the API rejects: environment variable keys (letters, digits, '_', letter first, not reserved) within 4 KB, vpcConfig with both subnets and security groups, a role given as an IAM role ARN, tracing mode Active/PassThrough, architectures x86_64/arm64, a zip function with handler and runtime, invocations with a JSON input, aliases on $LATEST or a version number (weighted routing only on a published version); permissions with a service:Action action, a statement id of at most 100 letters/digits/-/_, and sourceArn/sourceAccount only where the principal is a service.",
  enforcementLevel: "mandatory",
  validateResource: [
    // Source: Lambda API CreateFunction (Environment.Variables key pattern [a-zA-Z]([a-zA-Z0-9_])+, 4 KB; VpcConfig;
    // Role pattern arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+; TracingConfig.Mode; Architectures);
    // Lambda Developer Guide "Defined runtime environment variables" (reserved keys).
    forType("aws:lambda/function:Function", (p, args, report) => {
      const l = label(args);
      const vars = (p.environment?.variables ?? {}) as Record<string, unknown>;
      for (const k of Object.keys(vars)) {
        if (!/^[a-zA-Z][a-zA-Z0-9_]+$/.test(k))
          report(`${l}: environment variable "${k}" must start with a letter and contain only letters, digits and '_' (at least 2 characters).`);
        if (RESERVED_LAMBDA_ENV.includes(k)) report(`${l}: environment variable "${k}" is reserved by Lambda; rename it.`);
      }
      const bytes = Buffer.byteLength(JSON.stringify(vars), "utf8");
      if (bytes > LAMBDA_ENV_BYTES)
        report(`${l}: environment variables take ${bytes} bytes; Lambda allows ${LAMBDA_ENV_BYTES}. Move large values to SSM or Secrets Manager.`);
      const v = p.vpcConfig;
      if (v && asArray(v.subnetIds).length > 0 !== asArray(v.securityGroupIds).length > 0)
        report(`${l}: vpcConfig needs both subnetIds and securityGroupIds (or neither).`);
      if (typeof p.role === "string" && !/^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(p.role))
        report(`${l}: role "${p.role}" must be an IAM role ARN.`);
      const mode = p.tracingConfig?.mode;
      if (mode !== undefined && !["Active", "PassThrough"].includes(mode)) report(`${l}: tracingConfig.mode "${mode}" must be Active or PassThrough.`);
      for (const a of asArray<string>(p.architectures)) if (!["x86_64", "arm64"].includes(a)) report(`${l}: architecture "${a}" must be x86_64 or arm64.`);
      if ((p.packageType ?? "Zip") === "Zip" && !p.s3Bucket && (!p.handler || !p.runtime)) report(`${l}: a zip function needs handler and runtime.`);
    }),
    // Source: Lambda API CreateAlias (FunctionVersion: $LATEST or a version number; RoutingConfig.AdditionalVersionWeights 0..1,
    // "The alias must point to a published version, not $LATEST, to use weighted routing").
    forType("aws:lambda/alias:Alias", (p, args, report) => {
      const l = label(args);
      if (typeof p.functionVersion === "string" && !/^(\$LATEST|\d+)$/.test(p.functionVersion))
        report(`${l}: functionVersion "${p.functionVersion}" must be $LATEST or a published version number.`);
      const weights = (p.routingConfig?.additionalVersionWeights ?? {}) as Record<string, number>;
      for (const [v, w] of Object.entries(weights)) if (!(w >= 0 && w <= 1)) report(`${l}: routingConfig weight ${w} for version ${v} must be within 0..1.`);
      if (Object.keys(weights).length > 0 && p.functionVersion === "$LATEST") report(`${l}: weighted routing needs a published functionVersion, not $LATEST.`);
    }),
    // Source: Lambda API Invoke (Payload: JSON); provider lambda/invocation.go (input validation.StringIsJSON).
    forType("aws:lambda/invocation:Invocation", (p, args, report) => {
      if (typeof p.input === "string" && !parseJsonDocument(p.input).ok) report(`${label(args)}: input is not valid JSON; Invoke takes a JSON payload.`);
    }),
    // Source: Lambda API AddPermission (Action pattern (lambda:[*]|lambda:[a-zA-Z]+|[*]); StatementId 1..100 ([a-zA-Z0-9-_]+)).
    forType("aws:lambda/permission:Permission", (p, args, report) => {
      const l = label(args);
      if (typeof p.action === "string" && !/^(lambda:\*|lambda:[a-zA-Z]+|\*)$/.test(p.action))
        report(`${l}: action "${p.action}" must be lambda:<Action> (e.g. lambda:InvokeFunction).`);
      if (typeof p.statementId === "string" && !/^[a-zA-Z0-9_-]{1,100}$/.test(p.statementId))
        report(`${l}: statementId "${p.statementId}" must be 1..100 letters, digits, '-' or '_'.`);
      if (typeof p.principal === "string" && /^\d{12}$|^arn:/.test(p.principal) && (p.sourceArn || p.sourceAccount))
        report(`${l}: sourceArn/sourceAccount apply to service principals, not to account principal ${p.principal}.`);
    }),
  ],
});

export const API_AUTHORIZATIONS = ["NONE", "AWS_IAM", "CUSTOM", "COGNITO_USER_POOLS"];
export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"];
export const INTEGRATION_TYPES = ["HTTP", "HTTP_PROXY", "AWS", "AWS_PROXY", "MOCK"];

export const apigatewayArguments = resourcePolicy({
  name: "apigateway-arguments",
  description:
    "API Gateway REST arguments the API rejects: method httpMethod and authorization values (an authorizerId for CUSTOM/COGNITO_USER_POOLS), integration type values with integrationHttpMethod POST and a Lambda invocation URI for AWS_PROXY, method settings paths */* or resource/METHOD with loggingLevel OFF/ERROR/INFO, resource path parts, usage plan quota periods and key types, API key values of at least 20 characters, stage cache sizes and access log settings (format with $context.requestId, a log group ARN without ':*'), one REST API endpoint type.",
  enforcementLevel: "mandatory",
  validateResource: [
    // Source: API Gateway API PutMethod (authorizationType NONE/AWS_IAM/CUSTOM/COGNITO_USER_POOLS; authorizerId for CUSTOM/COGNITO).
    forType("aws:apigateway/method:Method", (p, args, report) => {
      const l = label(args);
      if (!HTTP_METHODS.includes(String(p.httpMethod))) report(`${l}: httpMethod "${p.httpMethod}" must be one of ${HTTP_METHODS.join(", ")}.`);
      if (!API_AUTHORIZATIONS.includes(String(p.authorization)))
        report(`${l}: authorization "${p.authorization}" must be one of ${API_AUTHORIZATIONS.join(", ")}.`);
      if (["CUSTOM", "COGNITO_USER_POOLS"].includes(p.authorization) && !p.authorizerId) report(`${l}: authorization ${p.authorization} needs authorizerId.`);
    }),
    // Source: API Gateway API PutIntegration ("Lambda function integrations must use POST"; AWS_PROXY uri arn:aws:apigateway:<region>:lambda:path/...).
    forType("aws:apigateway/integration:Integration", (p, args, report) => {
      const l = label(args);
      if (!INTEGRATION_TYPES.includes(String(p.type))) report(`${l}: type "${p.type}" must be one of ${INTEGRATION_TYPES.join(", ")}.`);
      if (p.type !== "MOCK" && !p.uri) report(`${l}: type ${p.type} needs uri.`);
      if (["AWS", "AWS_PROXY", "HTTP", "HTTP_PROXY"].includes(p.type) && !p.integrationHttpMethod) report(`${l}: type ${p.type} needs integrationHttpMethod.`);
      const lambda = typeof p.uri === "string" && p.uri.includes(":lambda:path/");
      if (lambda && p.integrationHttpMethod !== undefined && p.integrationHttpMethod !== "POST")
        report(`${l}: a Lambda integration is invoked with POST; integrationHttpMethod is "${p.integrationHttpMethod}".`);
      if (p.type === "AWS_PROXY" && typeof p.uri === "string" && !p.uri.startsWith("arn:"))
        report(`${l}: an AWS_PROXY integration's uri must be an ARN (the function's invokeArn).`);
    }),
    // Source: API Gateway API UpdateStage patch paths /{resourcePath}/{httpMethod}/..., "*/*" for all; logging/loglevel OFF|ERROR|INFO.
    forType("aws:apigateway/methodSettings:MethodSettings", (p, args, report) => {
      const l = label(args);
      if (typeof p.methodPath === "string" && p.methodPath !== "*/*" && !/^[^/].*\/(\*|GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|ANY)$/.test(p.methodPath)) {
        report(`${l}: methodPath "${p.methodPath}" must be "*/*" or "<resource path without leading slash>/<METHOD>".`);
      }
      const level = p.settings?.loggingLevel;
      if (level !== undefined && !["OFF", "ERROR", "INFO"].includes(level)) report(`${l}: settings.loggingLevel "${level}" must be OFF, ERROR or INFO.`);
    }),
    // Source: API Gateway API CreateResource (pathPart: letters, digits and ._-:+ or a {param} / greedy {param+} segment).
    forType("aws:apigateway/resource:Resource", (p, args, report) => {
      if (typeof p.pathPart === "string" && !/^([A-Za-z0-9._:+-]+|\{[A-Za-z0-9._-]+\+?\})$/.test(p.pathPart)) {
        report(`${label(args)}: pathPart "${p.pathPart}" must be one path segment of letters, digits and ._-:+ or a {parameter} / {proxy+} variable.`);
      }
    }),
    // Source: API Gateway API CreateUsagePlanKey (keyType API_KEY).
    forType("aws:apigateway/usagePlanKey:UsagePlanKey", (p, args, report) => {
      if (p.keyType !== "API_KEY") report(`${label(args)}: keyType "${p.keyType}" must be "API_KEY".`);
    }),
    // Source: API Gateway API CreateUsagePlan QuotaSettings (period DAY/WEEK/MONTH; offset 0..6 for WEEK, 0..27 for MONTH, 0 for DAY).
    forType("aws:apigateway/usagePlan:UsagePlan", (p, args, report) => {
      const q = p.quotaSettings;
      if (!q) return;
      const l = label(args);
      const max: Record<string, number> = { DAY: 0, WEEK: 6, MONTH: 27 };
      if (!(q.period in max)) report(`${l}: quotaSettings.period "${q.period}" must be DAY, WEEK or MONTH.`);
      else if (q.offset !== undefined && (q.offset < 0 || q.offset > max[q.period]!))
        report(`${l}: quotaSettings.offset ${q.offset} must be within 0..${max[q.period]} for period ${q.period}.`);
    }),
    // Source: API Gateway API CreateApiKey (value: at least 20 characters).
    forType("aws:apigateway/apiKey:ApiKey", (p, args, report) => {
      if (typeof p.value === "string" && (p.value.length < 20 || p.value.length > 128))
        report(`${label(args)}: value is ${p.value.length} characters; an API key value must be 20..128.`);
    }),
    // Source: API Gateway API CreateStage cacheClusterSize; API Gateway Developer Guide "Set up CloudWatch logging"
    // (access log format must include $context.requestId or $context.extendedRequestId; destination is a log group
    // ARN or a Firehose stream whose name starts with amazon-apigateway-).
    forType("aws:apigateway/stage:Stage", (p, args, report) => {
      const l = label(args);
      const sizes = ["0.5", "1.6", "6.1", "13.5", "28.4", "58.2", "118", "237"];
      if (p.cacheClusterSize !== undefined && !sizes.includes(String(p.cacheClusterSize)))
        report(`${l}: cacheClusterSize "${p.cacheClusterSize}" must be one of ${sizes.join(", ")} (GB).`);
      const log = p.accessLogSettings;
      if (log) {
        if (typeof log.format === "string" && !/\$context\.(requestId|extendedRequestId)/.test(log.format))
          report(`${l}: accessLogSettings.format must include $context.requestId or $context.extendedRequestId.`);
        const dest = String(log.destinationArn ?? "");
        if (dest.endsWith(":*")) report(`${l}: accessLogSettings.destinationArn must be the log group ARN without the trailing ":*".`);
        if (/:firehose:/.test(dest) && !/deliverystream\/amazon-apigateway-/.test(dest))
          report(`${l}: a Firehose access log destination's stream name must start with "amazon-apigateway-".`);
      }
    }),
    // Source: API Gateway API CreateRestApi EndpointConfiguration (types EDGE | REGIONAL | PRIVATE, one type; vpcEndpointIds only for PRIVATE).
    forType("aws:apigateway/restApi:RestApi", (p, args, report) => {
      const ec = p.endpointConfiguration;
      if (!ec) return;
      const types = asArray<string>(ec.types);
      if (types.length !== 1 || !["EDGE", "REGIONAL", "PRIVATE"].includes(types[0]!))
        report(`${label(args)}: endpointConfiguration.types must be exactly one of EDGE, REGIONAL or PRIVATE (given: ${JSON.stringify(types)}).`);
      if (asArray(ec.vpcEndpointIds).length > 0 && types[0] !== "PRIVATE")
        report(`${label(args)}: endpointConfiguration.vpcEndpointIds apply only to PRIVATE APIs.`);
    }),
  ],
});

/** Match values of one listener rule condition: `{pathPattern: {values}}`, `{httpHeader: {httpHeaderName, values}}`, `{queryStrings: [...]}`. */
function matchValues(condition: Record<string, unknown>): number {
  let n = 0;
  for (const v of Object.values(condition)) {
    if (Array.isArray(v)) n += v.length;
    else if (v && typeof v === "object") n += asArray((v as { values?: unknown[] }).values).length;
  }
  return n;
}

export const LISTENER_PROTOCOLS = ["HTTP", "HTTPS", "TCP", "TLS", "UDP", "TCP_UDP", "GENEVE"];

export const elbArguments = stackPolicy({
  name: "elb-arguments",
  description:
    "Load balancer arguments ELB rejects: an application load balancer in subnets of at least two Availability Zones, idle timeout 1..4000 s; HTTPS/TLS listeners with a certificate (and none on HTTP), ports 1..65535; listener rules with 1..5 match values (3 per condition) and priorities 1..50000, unique per listener; lambda target groups (and their attachments) without port/protocol/vpcId, other target groups with all three, deregistration delay 0..3600 s, thresholds 2..10.",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const lbs = ofType(args.resources, "aws:lb/loadBalancer:LoadBalancer");
    const tgs = ofType(args.resources, "aws:lb/targetGroup:TargetGroup");
    const listeners = ofType(args.resources, "aws:lb/listener:Listener");
    const rules = ofType(args.resources, "aws:lb/listenerRule:ListenerRule");
    if (lbs.length + tgs.length + listeners.length + rules.length === 0) return args.notApplicable("no load balancer resources");
    // Source: ELB API CreateLoadBalancer ("you must specify subnets from at least two Availability Zones" for ALBs); idle_timeout 1..4000.
    for (const lb of lbs) {
      const l = label(lb);
      if ((lb.props.loadBalancerType ?? "application") === "application") {
        const viaMappings = asArray(lb.props.subnetMappings).length;
        const z = subnetZones(args.resources, lb, "subnets");
        if (z.count + viaMappings < 2)
          report(`${l}: an application load balancer needs subnets in at least 2 Availability Zones (${z.count + viaMappings} given).`, lb.urn);
        else if (z.outside === 0 && viaMappings === 0 && z.zones.size < 2)
          report(`${l}: its subnets are all in ${[...z.zones].join(", ")}; an application load balancer needs at least 2 Availability Zones.`, lb.urn);
      }
      const idle = lb.props.idleTimeout;
      if (idle !== undefined && (idle < 1 || idle > 4000)) report(`${l}: idleTimeout ${idle} s is outside 1..4000.`, lb.urn);
    }
    // Source: ELB API CreateListener (Certificates required for HTTPS/TLS; SslPolicy only for HTTPS/TLS; Port 1..65535).
    for (const li of listeners) {
      const l = label(li);
      const proto = li.props.protocol ?? "HTTP";
      if (!LISTENER_PROTOCOLS.includes(proto)) report(`${l}: protocol "${proto}" must be one of ${LISTENER_PROTOCOLS.join(", ")}.`, li.urn);
      const secure = proto === "HTTPS" || proto === "TLS";
      if (secure && !isSet(() => li.props.certificateArn))
        report(`${l}: protocol ${proto} needs certificateArn (an ACM certificate in the load balancer's region).`, li.urn);
      if (!secure && (isSet(() => li.props.certificateArn) || li.props.sslPolicy))
        report(`${l}: certificateArn/sslPolicy apply only to HTTPS or TLS listeners.`, li.urn);
      if (li.props.port !== undefined && (li.props.port < 1 || li.props.port > 65535)) report(`${l}: port ${li.props.port} is outside 1..65535.`, li.urn);
    }
    // Source: ELB API CreateRule (Priority 1..50000, unique per listener; PriorityInUse).
    const byListener = new Map<string, Set<number>>();
    for (const r of rules) {
      const pr = r.props.priority;
      // Source: ELB User Guide "Listener rules: Rule condition types" (up to three match evaluations per condition, five per rule).
      const conditions = asArray<Record<string, unknown>>(r.props.conditions);
      const evaluations = conditions.map(matchValues);
      if (conditions.length === 0) report(`${label(r)}: needs at least one condition.`, r.urn);
      evaluations.forEach((n, i) => {
        if (n > 3) report(`${label(r)}: conditions[${i}] has ${n} values; a condition allows 3 (split it into several conditions).`, r.urn);
      });
      const total = evaluations.reduce((a, b) => a + b, 0);
      if (total > 5) report(`${label(r)}: ${total} match values across its conditions; a rule allows 5.`, r.urn);
      if (pr === undefined) continue;
      if (pr < 1 || pr > 50000) report(`${label(r)}: priority ${pr} is outside 1..50000.`, r.urn);
      const li = listeners.find((x) => refersTo(r, x, ["listenerArn"]));
      const key = li?.urn ?? String(r.props.listenerArn);
      const set = byListener.get(key) ?? new Set<number>();
      if (set.has(pr)) report(`${label(r)}: priority ${pr} is already used on this listener (PriorityInUse).`, r.urn);
      set.add(pr);
      byListener.set(key, set);
    }
    // Source: ELB API RegisterTargets (TargetDescription.Port "not used if the target is a Lambda function").
    for (const att of ofType(args.resources, "aws:lb/targetGroupAttachment:TargetGroupAttachment")) {
      const tg = tgs.find((g) => refersTo(att, g, ["targetGroupArn"]));
      if (tg?.props.targetType === "lambda" && isSet(() => att.props.port)) report(`${label(att)}: port is not used for a Lambda target; remove it.`, att.urn);
    }
    // Source: ELB API CreateTargetGroup ("If the target type is lambda, you can't specify Protocol, Port or VpcId"; otherwise required);
    // deregistration_delay 0..3600, HealthyThresholdCount/UnhealthyThresholdCount 2..10.
    for (const tg of tgs) {
      const p = tg.props;
      const l = label(tg);
      const type = p.targetType ?? "instance";
      const net = ["port", "protocol", "vpcId"].filter((k) => isSet(() => p[k]));
      if (type === "lambda" && net.length > 0) report(`${l}: a lambda target group takes no ${net.join(", ")}; remove them.`, tg.urn);
      if (["instance", "ip"].includes(type) && net.length < 3)
        report(
          `${l}: a ${type} target group needs port, protocol and vpcId (missing: ${["port", "protocol", "vpcId"].filter((k) => !net.includes(k)).join(", ")}).`,
          tg.urn,
        );
      const delay = p.deregistrationDelay;
      if (delay !== undefined && (Number(delay) < 0 || Number(delay) > 3600)) report(`${l}: deregistrationDelay ${delay} s is outside 0..3600.`, tg.urn);
      for (const k of ["healthyThreshold", "unhealthyThreshold"]) {
        const v = p.healthCheck?.[k];
        if (v !== undefined && (v < 2 || v > 10)) report(`${l}: healthCheck.${k} ${v} is outside 2..10.`, tg.urn);
      }
    }
  },
});

/** CloudFront CreateDistribution: ViewerCertificate and PriceClass values. */
export const PRICE_CLASSES = ["PriceClass_All", "PriceClass_200", "PriceClass_100"];
/** CloudFront Functions quotas: 10 KB of code. */
export const CLOUDFRONT_FUNCTION_BYTES = 10240;

export const cloudfrontArguments = resourcePolicy({
  name: "cloudfront-arguments",
  description:
    "CloudFront arguments the API rejects: aliases only with an ACM or IAM certificate (not the default one), sslSupportMethod sni-only/vip/static-ip with such a certificate, price class values, a defaultRootObject without a leading '/', unique origin ids that every cache behavior's targetOriginId names, at most one function per event type, a WAF web ACL given as a WAFv2 CLOUDFRONT-scope ARN; CloudFront Functions on cloudfront-js-1.0/2.0 within 10 KB; response headers policy frame option, referrer policy, HSTS max age and CORS methods; origin access control types and signing values.",
  enforcementLevel: "mandatory",
  validateResource: [
    // Source: CloudFront API DistributionConfig (Aliases require a certificate: InvalidViewerCertificate; ViewerCertificate;
    // PriceClass; DefaultRootObject "do not add a / before the object name"; CacheBehavior.TargetOriginId must match an Origin Id;
    // WebACLId "for AWS WAF (v2) use the ACL ARN").
    forType("aws:cloudfront/distribution:Distribution", (p, args, report) => {
      const l = label(args);
      const vc = p.viewerCertificate ?? {};
      const custom = Boolean(vc.acmCertificateArn || vc.iamCertificateId);
      if (asArray(p.aliases).length > 0 && !custom)
        report(
          `${l}: aliases ${asArray(p.aliases).join(", ")} need viewerCertificate.acmCertificateArn (or iamCertificateId) covering them; the default certificate only covers *.cloudfront.net.`,
        );
      if (custom && !["sni-only", "vip", "static-ip"].includes(String(vc.sslSupportMethod)))
        report(`${l}: viewerCertificate.sslSupportMethod must be sni-only (or vip/static-ip) with a custom certificate.`);
      if (vc.cloudfrontDefaultCertificate === true && custom)
        report(`${l}: viewerCertificate sets cloudfrontDefaultCertificate and a custom certificate; keep one.`);
      if (p.priceClass !== undefined && !PRICE_CLASSES.includes(p.priceClass))
        report(`${l}: priceClass "${p.priceClass}" must be one of ${PRICE_CLASSES.join(", ")}.`);
      if (typeof p.defaultRootObject === "string" && p.defaultRootObject.startsWith("/"))
        report(`${l}: defaultRootObject "${p.defaultRootObject}" must not start with '/'.`);
      const ids = asArray<{ originId?: string }>(p.origins).map((o) => o.originId);
      const dup = ids.find((id, i) => ids.indexOf(id) !== i);
      if (dup) report(`${l}: origin id "${dup}" is used twice; origin ids must be unique.`);
      const behaviors = [
        { where: "defaultCacheBehavior", b: p.defaultCacheBehavior },
        ...asArray(p.orderedCacheBehaviors).map((b, i) => ({ where: `orderedCacheBehaviors[${i}]`, b })),
      ];
      for (const { where, b } of behaviors) {
        if (!b) continue;
        if (b.targetOriginId !== undefined && !ids.includes(b.targetOriginId))
          report(`${l}: ${where}.targetOriginId "${b.targetOriginId}" names no origin (origins: ${ids.join(", ")}).`);
        const events = [...asArray<{ eventType?: string }>(b.functionAssociations), ...asArray<{ eventType?: string }>(b.lambdaFunctionAssociations)].map(
          (a) => a.eventType,
        );
        const twice = events.find((e, i) => events.indexOf(e) !== i);
        if (twice) report(`${l}: ${where} has two functions for ${twice}; one function (CloudFront Function or Lambda@Edge) per event type.`);
      }
      if (typeof p.webAclId === "string" && p.webAclId !== "" && !/^arn:aws[\w-]*:wafv2:us-east-1:\d{12}:global\/webacl\//.test(p.webAclId)) {
        report(`${l}: webAclId "${p.webAclId}" must be the ARN of a WAFv2 web ACL with scope CLOUDFRONT (created in us-east-1).`);
      }
    }),
    // Source: CloudFront API CreateFunction (Runtime cloudfront-js-1.0 | cloudfront-js-2.0; FunctionCode up to 10 KB).
    forType("aws:cloudfront/function:Function", (p, args, report) => {
      const l = label(args);
      if (!["cloudfront-js-1.0", "cloudfront-js-2.0"].includes(String(p.runtime)))
        report(`${l}: runtime "${p.runtime}" must be cloudfront-js-1.0 or cloudfront-js-2.0.`);
      if (typeof p.code === "string" && Buffer.byteLength(p.code, "utf8") > CLOUDFRONT_FUNCTION_BYTES)
        report(`${l}: code is ${Buffer.byteLength(p.code, "utf8")} bytes; CloudFront Functions allow ${CLOUDFRONT_FUNCTION_BYTES}.`);
    }),
    // Source: CloudFront API ResponseHeadersPolicyConfig (FrameOption DENY|SAMEORIGIN; ReferrerPolicy values;
    // StrictTransportSecurity AccessControlMaxAgeSec required; CORS AccessControlAllowMethods values; Override required).
    forType("aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy", (p, args, report) => {
      const l = label(args);
      const sh = p.securityHeadersConfig ?? {};
      const frame = sh.frameOptions?.frameOption;
      if (frame !== undefined && !["DENY", "SAMEORIGIN"].includes(frame)) report(`${l}: frameOptions.frameOption "${frame}" must be DENY or SAMEORIGIN.`);
      const referrers = [
        "no-referrer",
        "no-referrer-when-downgrade",
        "origin",
        "origin-when-cross-origin",
        "same-origin",
        "strict-origin",
        "strict-origin-when-cross-origin",
        "unsafe-url",
      ];
      const ref = sh.referrerPolicy?.referrerPolicy;
      if (ref !== undefined && !referrers.includes(ref)) report(`${l}: referrerPolicy "${ref}" must be one of ${referrers.join(", ")}.`);
      if (sh.strictTransportSecurity && sh.strictTransportSecurity.accessControlMaxAgeSec === undefined)
        report(`${l}: strictTransportSecurity needs accessControlMaxAgeSec.`);
      const methods = asArray<string>(p.corsConfig?.accessControlAllowMethods?.items);
      const allowed = ["GET", "POST", "OPTIONS", "PUT", "DELETE", "PATCH", "HEAD", "ALL"];
      for (const m of methods) if (!allowed.includes(m)) report(`${l}: corsConfig method "${m}" must be one of ${allowed.join(", ")}.`);
    }),
    // Source: CloudFront API CreateOriginAccessControl (OriginAccessControlOriginType s3/mediastore/lambda/mediapackagev2; SigningBehavior never/always/no-override; SigningProtocol sigv4).
    forType("aws:cloudfront/originAccessControl:OriginAccessControl", (p, args, report) => {
      const l = label(args);
      if (!["s3", "mediastore", "lambda", "mediapackagev2"].includes(String(p.originAccessControlOriginType)))
        report(`${l}: originAccessControlOriginType "${p.originAccessControlOriginType}" must be s3, mediastore, lambda or mediapackagev2.`);
      if (!["never", "always", "no-override"].includes(String(p.signingBehavior)))
        report(`${l}: signingBehavior "${p.signingBehavior}" must be never, always or no-override.`);
      if (p.signingProtocol !== "sigv4") report(`${l}: signingProtocol "${p.signingProtocol}" must be sigv4.`);
    }),
  ],
});

export const computeArgumentPolicies = [lambdaArguments, apigatewayArguments, elbArguments, cloudfrontArguments];
