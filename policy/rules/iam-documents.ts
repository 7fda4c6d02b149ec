/**
 * IAM documents and roles: policy grammar by where a document is used, size limits, role
 * arguments, and the service a role is handed to being one that may assume it.
 */
import type { PolicyResource, ResourceValidationArgs } from "@pulumi/policy";
import { resourcePolicy, stackPolicy } from "../lib/define";
import { trustedServices } from "../lib/iam";
import { policyGrammarProblems, policySize, type PolicyKind } from "../lib/iam-grammar";
import { asArray, known, label, ofType, parseJsonDocument, refersTo } from "../lib/stack";

interface DocumentSite {
  prop: string;
  kind: PolicyKind;
  /** Size limit in characters (IAM: without whitespace) and what it is. */
  limit?: { chars: number; what: string };
  /** ECR repository policies apply to the repository itself and take no Resource. */
  resourceOptional?: boolean;
}

// Sizes: IAM and AWS STS quotas (managed 6,144; inline per role 10,240; trust 2,048 by default),
// S3 "Bucket policy size" (20 KB), SNS "Topic policy" (30 KB), KMS "Key policy document size" (32 KB),
// Secrets Manager "resource-based policy" (20,480 characters).
const SITES: Record<string, DocumentSite[]> = {
  "aws:iam/policy:Policy": [{ prop: "policy", kind: "identity", limit: { chars: 6144, what: "a managed policy" } }],
  "aws:iam/rolePolicy:RolePolicy": [{ prop: "policy", kind: "identity", limit: { chars: 10240, what: "the inline policies of a role" } }],
  "aws:iam/userPolicy:UserPolicy": [{ prop: "policy", kind: "identity", limit: { chars: 2048, what: "the inline policies of a user" } }],
  "aws:iam/groupPolicy:GroupPolicy": [{ prop: "policy", kind: "identity", limit: { chars: 5120, what: "the inline policies of a group" } }],
  "aws:iam/role:Role": [{ prop: "assumeRolePolicy", kind: "trust", limit: { chars: 2048, what: "a role trust policy (default quota; adjustable to 8,192)" } }],
  "aws:s3/bucketPolicy:BucketPolicy": [{ prop: "policy", kind: "resource", limit: { chars: 20480, what: "a bucket policy" } }],
  "aws:sns/topicPolicy:TopicPolicy": [{ prop: "policy", kind: "resource", limit: { chars: 30720, what: "a topic policy" } }],
  "aws:sns/topic:Topic": [{ prop: "policy", kind: "resource", limit: { chars: 30720, what: "a topic policy" } }],
  "aws:sqs/queuePolicy:QueuePolicy": [{ prop: "policy", kind: "resource" }],
  "aws:sqs/queue:Queue": [{ prop: "policy", kind: "resource" }],
  "aws:kms/key:Key": [{ prop: "policy", kind: "resource", limit: { chars: 32768, what: "a key policy" } }],
  "aws:secretsmanager/secretPolicy:SecretPolicy": [{ prop: "policy", kind: "resource", limit: { chars: 20480, what: "a secret's resource policy" } }],
  "aws:ecr/repositoryPolicy:RepositoryPolicy": [{ prop: "policy", kind: "resource", resourceOptional: true }],
};

/** The documents of a resource; one unknown during preview (built from ARNs not created yet) reads as absent. */
function documents(args: ResourceValidationArgs): { where: string; doc: unknown; site: DocumentSite }[] {
  const out = (SITES[args.type] ?? []).map((site) => ({ where: site.prop, doc: known(() => args.props[site.prop]), site }));
  if (args.type === "aws:iam/role:Role") {
    (known(() => asArray<{ name?: string; policy?: unknown }>(args.props.inlinePolicies)) ?? []).forEach((p, i) =>
      out.push({
        where: `inlinePolicies[${i}]${p.name ? ` (${p.name})` : ""}`,
        doc: known(() => p.policy),
        site: { prop: "inlinePolicies", kind: "identity" },
      }),
    );
  }
  return out;
}

export const iamPolicyGrammar = resourcePolicy({
  name: "iam-policy-grammar",
  description:
    "Policy documents are what IAM accepts for where they are used (else MalformedPolicyDocument): valid JSON, Version 2012-10-17, Effect Allow/Deny, exactly one of Action/NotAction as service:action, Resource in identity and resource policies, no Resource in trust policies, no Principal in identity policies and a Principal in trust and resource policies, known condition operators, unique Sids, within the size limit.",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    const docs = documents(args);
    if (docs.length === 0) return args.notApplicable(`no policy document on ${args.type}`);
    for (const { where, doc, site } of docs) {
      if (doc === undefined || doc === null || doc === "") continue;
      for (const p of policyGrammarProblems(doc, site.kind, { resourceOptional: site.resourceOptional })) report(`${label(args)}: ${where} ${p}.`);
      const parsed = parseJsonDocument(doc);
      if (parsed.ok && site.limit) {
        const size = policySize(parsed.value);
        if (size > site.limit.chars)
          report(
            `${label(args)}: ${where} is ${size} characters (without whitespace); ${site.limit.what} allows ${site.limit.chars}. Split it or use managed policies.`,
          );
      }
    }
  },
});

/** IAM and AWS STS quotas: inline policies of one role, together. */
export const ROLE_INLINE_POLICY_CHARS = 10240;
/** CreateRole: MaxSessionDuration. */
export const ROLE_SESSION_SECONDS = { min: 3600, max: 43200 } as const;
/** IAM and AWS STS quotas: managed policies attached to a role (default; adjustable to 20). */
export const ROLE_MANAGED_POLICIES = 10;

export const iamRoleArguments = stackPolicy({
  name: "iam-role-arguments",
  description: `A role's maxSessionDuration is ${ROLE_SESSION_SECONDS.min}..${ROLE_SESSION_SECONDS.max} s, its path starts and ends with '/', its description is at most 1000 characters, its inline policies together stay within ${ROLE_INLINE_POLICY_CHARS} characters, and it has at most ${ROLE_MANAGED_POLICIES} managed policies attached (the default quota), each by an IAM managed policy ARN.`,
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const roles = ofType(args.resources, "aws:iam/role:Role");
    if (roles.length === 0) return args.notApplicable("no IAM roles");
    const rolePolicies = ofType(args.resources, "aws:iam/rolePolicy:RolePolicy");
    const attachments = ofType(args.resources, "aws:iam/rolePolicyAttachment:RolePolicyAttachment");
    for (const r of roles) {
      const p = r.props;
      const l = label(r);
      // Source: IAM API CreateRole (MaxSessionDuration 3600..43200, Path pattern (\u002F)|(\u002F[\u0021-\u007E]+\u002F), Description <= 1000).
      if (p.maxSessionDuration !== undefined && (p.maxSessionDuration < ROLE_SESSION_SECONDS.min || p.maxSessionDuration > ROLE_SESSION_SECONDS.max)) {
        report(`${l}: maxSessionDuration ${p.maxSessionDuration} s is outside ${ROLE_SESSION_SECONDS.min}..${ROLE_SESSION_SECONDS.max} s.`, r.urn);
      }
      if (typeof p.path === "string" && !/^\/(?:[\x21-\x7e]+\/)?$/.test(p.path))
        report(`${l}: path "${p.path}" must be "/" or start and end with "/" (printable ASCII, no spaces).`, r.urn);
      if (typeof p.description === "string" && p.description.length > 1000)
        report(`${l}: description is ${p.description.length} characters; the limit is 1000.`, r.urn);
      const inline = [
        ...(known(() => asArray<{ policy?: unknown }>(p.inlinePolicies).map((ip) => ip.policy)) ?? []),
        ...rolePolicies.filter((rp) => refersTo(rp, r, ["role"])).map((rp) => known(() => rp.props.policy)),
      ];
      const total = inline.reduce<number>((sum, d) => {
        const parsed = parseJsonDocument(d);
        return sum + (parsed.ok && parsed.value ? policySize(parsed.value) : 0);
      }, 0);
      if (total > ROLE_INLINE_POLICY_CHARS)
        report(
          `${l}: its inline policies total ${total} characters (without whitespace); a role allows ${ROLE_INLINE_POLICY_CHARS}. Move statements into managed policies.`,
          r.urn,
        );
      const attached = attachments.filter((a) => refersTo(a, r, ["role"]));
      // Source: IAM API AttachRolePolicy PolicyArn (an IAM managed policy ARN: arn:<partition>:iam::aws|<account>:policy/...).
      for (const a of attached) {
        const arn = known(() => String(a.props.policyArn ?? ""));
        if (arn !== undefined && !/^arn:aws[\w-]*:iam::(aws|\d{12}):policy\/.+$/.test(arn))
          report(
            `${label(a)}: policyArn "${arn}" is not an IAM managed policy ARN (arn:aws:iam::aws:policy/<name> or arn:aws:iam::<account>:policy/<name>).`,
            a.urn,
          );
      }
      const managed = asArray(p.managedPolicyArns).length + attached.length;
      if (managed > ROLE_MANAGED_POLICIES)
        report(`${l}: ${managed} managed policies attached; a role allows ${ROLE_MANAGED_POLICIES} by default. Merge policies or raise the quota.`, r.urn);
    }
  },
});

/**
 * Which service assumes the role a resource is given, by type and property. The service
 * principals are the ones each service's user guide names for its service role.
 */
export const SERVICE_ROLES: { type: string; prop: string; service: string }[] = [
  { type: "aws:lambda/function:Function", prop: "role", service: "lambda.amazonaws.com" },
  { type: "aws:ec2/flowLog:FlowLog", prop: "iamRoleArn", service: "vpc-flow-logs.amazonaws.com" },
  { type: "aws:apigateway/account:Account", prop: "cloudwatchRoleArn", service: "apigateway.amazonaws.com" },
  { type: "aws:rds/proxy:Proxy", prop: "roleArn", service: "rds.amazonaws.com" },
  { type: "aws:sfn/stateMachine:StateMachine", prop: "roleArn", service: "states.amazonaws.com" },
  { type: "aws:ecs/taskDefinition:TaskDefinition", prop: "executionRoleArn", service: "ecs-tasks.amazonaws.com" },
  { type: "aws:ecs/taskDefinition:TaskDefinition", prop: "taskRoleArn", service: "ecs-tasks.amazonaws.com" },
  { type: "aws:cloudwatch/eventTarget:EventTarget", prop: "roleArn", service: "events.amazonaws.com" },
  { type: "aws:codedeploy/deploymentGroup:DeploymentGroup", prop: "serviceRoleArn", service: "codedeploy.amazonaws.com" },
  { type: "aws:rds/cluster:Cluster", prop: "iamRoles", service: "rds.amazonaws.com" },
];

function roleFor(resource: PolicyResource, prop: string, roles: PolicyResource[]): PolicyResource | undefined {
  return roles.find((r) => refersTo(resource, r, [prop]));
}

export const iamServiceRoleTrust = stackPolicy({
  name: "iam-service-role-trust",
  description:
    "A role handed to a service trusts that service's principal with sts:AssumeRole (Lambda: lambda.amazonaws.com, flow logs: vpc-flow-logs.amazonaws.com, API Gateway account: apigateway.amazonaws.com, RDS Proxy: rds.amazonaws.com, Step Functions: states.amazonaws.com, ECS tasks: ecs-tasks.amazonaws.com, EventBridge targets: events.amazonaws.com, CodeDeploy: codedeploy.amazonaws.com); else the create call fails or the service cannot act.",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const roles = ofType(args.resources, "aws:iam/role:Role");
    if (roles.length === 0) return args.notApplicable("no IAM roles in the stack");
    for (const { type, prop, service } of SERVICE_ROLES) {
      for (const res of ofType(args.resources, type)) {
        const role = roleFor(res, prop, roles);
        if (!role) continue;
        const policy = known(() => role.props.assumeRolePolicy);
        if (policy === undefined) continue;
        const trusted = trustedServices(policy);
        if (!trusted.has(service)) {
          report(
            `${label(res)}: ${prop} is ${label(role)}, whose trust policy does not let ${service} assume it (trusts: ${[...trusted].join(", ") || "no service"}); add an Allow sts:AssumeRole statement for Service "${service}".`,
            res.urn,
          );
        }
      }
    }
  },
});

export const iamDocumentPolicies = [iamPolicyGrammar, iamRoleArguments, iamServiceRoleTrust];
