/** IAM least privilege: no wildcard write actions, no write actions on every resource. */
import type { ResourceValidationArgs } from "@pulumi/policy";
import { resourcePolicy } from "../lib/define";
import { OVERLY_BROAD_MANAGED_POLICIES, RESOURCE_STAR_EXCEPTIONS, wildcardProblems } from "../lib/iam";
import { asArray, label } from "../lib/stack";

/** Where each IAM type carries its policy documents. */
function documents(args: ResourceValidationArgs): { where: string; doc: unknown }[] {
  switch (args.type) {
    case "aws:iam/policy:Policy":
    case "aws:iam/rolePolicy:RolePolicy":
    case "aws:iam/userPolicy:UserPolicy":
    case "aws:iam/groupPolicy:GroupPolicy":
      return [{ where: "policy", doc: args.props.policy }];
    case "aws:iam/role:Role":
      return asArray<{ name?: string; policy?: unknown }>(args.props.inlinePolicies).map((p, i) => ({
        where: `inlinePolicies[${i}]${p.name ? ` (${p.name})` : ""}`,
        doc: p.policy,
      }));
    default:
      return [];
  }
}

export const iamLeastPrivilege = resourcePolicy({
  name: "iam-least-privilege",
  description: `IAM policies name specific actions and resources: no wildcard write actions, no write actions on Resource "*" (except actions without resource-level permissions: ${RESOURCE_STAR_EXCEPTIONS.join(", ")}), no administrator managed policies.`,
  enforcementLevel: "advisory",
  validateResource: (args, report) => {
    if (args.type.endsWith("PolicyAttachment")) {
      const arn = String(args.props.policyArn ?? "");
      const broad = OVERLY_BROAD_MANAGED_POLICIES.find((p) => arn.endsWith(`:policy/${p}`));
      if (broad) report(`${label(args)}: attaches the managed policy ${broad}; grant specific actions instead.`);
      return;
    }
    const docs = documents(args);
    if (docs.length === 0 && !args.type.startsWith("aws:iam/")) return args.notApplicable("not an IAM policy resource");
    for (const { where, doc } of docs) {
      if (doc === undefined || doc === "") continue;
      for (const problem of wildcardProblems(doc)) report(`${label(args)}: ${where} ${problem}.`);
    }
  },
});

export const iamPolicies = [iamLeastPrivilege];
