/** Names and character sets AWS accepts, checked before the API rejects them mid-deploy. */
import { nameProblems, NAME_RULES } from "../lib/names";
import { resourcePolicy } from "../lib/define";
import { label } from "../lib/stack";

export const awsNameLimits = resourcePolicy({
  name: "aws-name-limits",
  description: "Physical names must fit the service's length limit and character set (AWS rejects them at deploy time).",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    const rules = NAME_RULES[args.type];
    if (!rules) return args.notApplicable(`no naming rule for ${args.type}`);
    for (const [prop, rule] of Object.entries(rules)) {
      const value: unknown = args.props[prop];
      if (typeof value !== "string") continue;
      for (const problem of nameProblems(rule, value)) report(`${label(args)}: ${prop} "${value}" ${problem}.`);
    }
  },
});

export const namingPolicies = [awsNameLimits];
