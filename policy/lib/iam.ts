/**
 * Least-privilege analysis of IAM policy documents: which Allow statements grant
 * wildcard write actions or write actions on every resource. Pure functions.
 */
import { asArray, parseJsonDocument } from "./stack";

/** Action name prefixes that only read. */
const READ_VERBS = /^(Get|List|Describe|BatchGet|Query|Scan|Head|Lookup|Search|Select|View|Read|Check|Validate)/i;

/**
 * Actions that AWS only grants on Resource "*" (no resource-level permissions):
 * the ENI actions a Lambda in a VPC needs, X-Ray segment upload, metric publishing,
 * the ECR login token and vended log delivery.
 */
export const RESOURCE_STAR_EXCEPTIONS = [
  "ec2:CreateNetworkInterface",
  "ec2:DescribeNetworkInterfaces",
  "ec2:DeleteNetworkInterface",
  "ec2:AssignPrivateIpAddresses",
  "ec2:UnassignPrivateIpAddresses",
  "xray:PutTraceSegments",
  "xray:PutTelemetryRecords",
  "xray:GetSamplingRules",
  "xray:GetSamplingTargets",
  "xray:GetSamplingStatisticSummaries",
  "cloudwatch:PutMetricData",
  "ecr:GetAuthorizationToken",
  // Vended log delivery (Step Functions, API Gateway v2 and others): CloudWatch Logs grants these on "*" only
  // (Step Functions Developer Guide, "IAM policies for logging to CloudWatch Logs").
  "logs:CreateLogDelivery",
  "logs:UpdateLogDelivery",
  "logs:DeleteLogDelivery",
  "logs:PutResourcePolicy",
];

export function isReadOnlyAction(action: string): boolean {
  const name = action.includes(":") ? action.split(":")[1]! : action;
  if (name === "*" || name === "") return false;
  return READ_VERBS.test(name);
}

function isException(action: string): boolean {
  return RESOURCE_STAR_EXCEPTIONS.some((e) => e.toLowerCase() === action.toLowerCase());
}

interface Statement {
  Sid?: string;
  Effect?: string;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
}

/** Problems with one policy document (a JSON string or object); empty when least-privilege. */
export function wildcardProblems(document: unknown): string[] {
  let doc = document;
  if (typeof document === "string") {
    try {
      doc = JSON.parse(document);
    } catch (e) {
      return [`policy document is not valid JSON: ${(e as Error).message}`];
    }
  }
  const statements = asArray((doc as { Statement?: Statement | Statement[] } | undefined)?.Statement);
  const problems: string[] = [];
  statements.forEach((s, i) => {
    if (s.Effect !== "Allow") return;
    const where = `Statement[${i}]${s.Sid ? ` (${s.Sid})` : ""}`;
    if (s.NotAction !== undefined) problems.push(`${where} allows NotAction, which grants every other action`);
    if (s.NotResource !== undefined) problems.push(`${where} allows NotResource, which grants every other resource`);
    const actions = asArray(s.Action).map(String);
    const resources = asArray(s.Resource).map(String);
    const wildActions = actions.filter((a) => a.includes("*") && !isReadOnlyAction(a));
    if (wildActions.length > 0) problems.push(`${where} allows wildcard actions ${wildActions.join(", ")}; list the specific actions`);
    if (resources.includes("*")) {
      const writes = actions.filter((a) => !a.includes("*") && !isReadOnlyAction(a) && !isException(a));
      if (writes.length > 0) problems.push(`${where} allows write actions ${writes.join(", ")} on Resource "*"; name the resources`);
    }
  });
  return problems;
}

/** AWS managed policies that grant (nearly) everything. */
export const OVERLY_BROAD_MANAGED_POLICIES = ["AdministratorAccess", "PowerUserAccess", "IAMFullAccess"];

/** The service principals an assume-role (trust) policy lets assume the role with sts:AssumeRole. */
export function trustedServices(assumeRolePolicy: unknown): Set<string> {
  const parsed = parseJsonDocument(assumeRolePolicy);
  const services = new Set<string>();
  if (!parsed.ok) return services;
  for (const s of asArray((parsed.value as { Statement?: unknown[] } | undefined)?.Statement)) {
    const st = s as { Effect?: string; Action?: string | string[]; Principal?: { Service?: string | string[] } };
    if (st.Effect !== "Allow" || !asArray(st.Action).includes("sts:AssumeRole")) continue;
    for (const svc of asArray(st.Principal?.Service)) services.add(svc);
  }
  return services;
}
