/**
 * Builders for this pack's policies. They add waiver support to every policy:
 * the `waivers` config property and a reportViolation that drops waived findings.
 * The `__pulumiType` tag that `validateResourceOfType` puts on a validation (the
 * analyzer's fast type filter) is kept on the wrapper.
 */
import type {
  PolicyConfigSchema,
  ResourceValidationArgs,
  ReportViolation,
  ResourceValidation,
  ResourceValidationPolicy,
  StackValidation,
  StackValidationPolicy,
} from "@pulumi/policy";
import { findWaiver, parseWaivers, waivedFindings, waiverSchema } from "./waivers";

type Tagged = { __pulumiType?: string };

function withSchema(extra: PolicyConfigSchema["properties"] | undefined): PolicyConfigSchema {
  return { properties: { ...waiverSchema, ...(extra ?? {}) } };
}

function waivingReporter(policy: string, waivers: ReturnType<typeof parseWaivers>, report: ReportViolation, defaultUrn?: string): ReportViolation {
  return (message: string, urn?: string) => {
    const waiver = findWaiver(waivers, urn ?? defaultUrn);
    if (waiver) {
      waivedFindings.push({ policy, urn: urn ?? defaultUrn, message, waiver });
      return;
    }
    report(message, urn);
  };
}

export interface ResourcePolicyDefinition extends Omit<ResourceValidationPolicy, "validateResource" | "configSchema" | "enforcementLevel"> {
  enforcementLevel: "mandatory" | "advisory";
  validateResource: ResourceValidation | ResourceValidation[];
  config?: PolicyConfigSchema["properties"];
}

function withWaivers(policy: string, inner: ResourceValidation): ResourceValidation {
  const validate: ResourceValidation = (args, report) => inner(args, waivingReporter(policy, parseWaivers(policy, args.getConfig()), report, args.urn));
  const type = (inner as Tagged).__pulumiType;
  if (type) (validate as Tagged).__pulumiType = type;
  return validate;
}

export function resourcePolicy(def: ResourcePolicyDefinition): ResourceValidationPolicy {
  const { validateResource: inner, config, ...rest } = def;
  const validate = Array.isArray(inner) ? inner.map((v) => withWaivers(def.name, v)) : withWaivers(def.name, inner);
  return { ...rest, configSchema: withSchema(config), validateResource: validate };
}

export interface StackPolicyDefinition extends Omit<StackValidationPolicy, "validateStack" | "configSchema" | "enforcementLevel"> {
  enforcementLevel: "mandatory" | "advisory";
  validateStack: StackValidation;
  config?: PolicyConfigSchema["properties"];
}

export function stackPolicy(def: StackPolicyDefinition): StackValidationPolicy {
  const { validateStack: inner, config, ...rest } = def;
  const validate: StackValidation = (args, report) => inner(args, waivingReporter(def.name, parseWaivers(def.name, args.getConfig()), report));
  const type = (inner as Tagged).__pulumiType;
  if (type) (validate as Tagged).__pulumiType = type;
  return { ...rest, configSchema: withSchema(config), validateStack: validate };
}

/**
 * A validation of one resource type (by its type token) on the raw properties, tagged for
 * the analyzer's type filter as validateResourceOfType tags its validations.
 */
export function forType(
  type: string,
  check: (props: Record<string, any>, args: ResourceValidationArgs, report: ReportViolation) => void | Promise<void>, // eslint-disable-line @typescript-eslint/no-explicit-any
): ResourceValidation {
  const validate: ResourceValidation = (args, report) => (args.type === type ? check(args.props, args, report) : undefined);
  (validate as Tagged).__pulumiType = type;
  return validate;
}
