/** Lambda@Edge: what CloudFront requires of a function it replicates to the edge. */
import { stackPolicy } from "../lib/define";
import { edgeAssociations } from "../lib/edge";
import { estimatedZipBytes } from "../lib/package-size";
import { trustedServices } from "../lib/iam";
import { EDGE_LIMITS, LAMBDA_EDGE_REGION as EDGE_REGION } from "../lib/limits";
import { regionOf } from "../lib/region";
import { asArray, label, ofType, refersTo } from "../lib/stack";

export const lambdaEdgeConstraints = stackPolicy({
  name: "lambda-edge-constraints",
  description:
    "A Lambda@Edge function must be in us-east-1, a published numbered version, a zip on x86_64, without environment, VPC, layers or reserved/provisioned concurrency, within the event type's memory, timeout and package size, with a role that edgelambda.amazonaws.com can assume.",
  enforcementLevel: "mandatory",
  validateStack: async (args, report) => {
    const assocs = edgeAssociations(args.resources);
    if (assocs.length === 0) return args.notApplicable("no CloudFront Lambda@Edge associations");
    const roles = ofType(args.resources, "aws:iam/role:Role");
    const pcs = ofType(args.resources, "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig");
    const checked = new Set<string>();
    for (const a of assocs) {
      const where = `${label(a.distribution)} ${a.eventType || "(no eventType)"} association`;
      const limits = EDGE_LIMITS[a.eventType];
      if (!limits) report(`${where}: eventType "${a.eventType}" must be one of ${Object.keys(EDGE_LIMITS).join(", ")}.`, a.distribution.urn);
      if (a.lambdaArn !== undefined && !/:\d+$/.test(a.lambdaArn)) {
        report(
          `${where}: lambdaArn "${a.lambdaArn}" must reference a numbered version (publish: true, use qualifiedArn), not $LATEST or an unqualified ARN.`,
          a.distribution.urn,
        );
      }
      const fn = a.fn;
      if (!fn) continue;
      const f = fn.props;
      const fl = label(fn);
      const key = `${fn.urn}|${a.eventType}`;
      if (checked.has(key)) continue;
      checked.add(key);
      if (limits) {
        const mem = f.memorySize ?? 128;
        const timeout = f.timeout ?? 3;
        if (mem > limits.memory) report(`${fl}: memorySize ${mem} MB exceeds ${limits.memory} MB allowed for ${a.eventType} triggers.`, fn.urn);
        if (timeout > limits.timeout) report(`${fl}: timeout ${timeout} s exceeds ${limits.timeout} s allowed for ${a.eventType} triggers.`, fn.urn);
        const bytes = await estimatedZipBytes(f.code);
        if (bytes !== undefined && bytes > limits.packageBytes) {
          report(
            `${fl}: code is about ${(bytes / 1024 / 1024).toFixed(2)} MB zipped; ${a.eventType} triggers allow ${limits.packageBytes / 1024 / 1024} MB.`,
            fn.urn,
          );
        }
      }
      if (checked.has(fn.urn)) continue;
      checked.add(fn.urn);
      const region = regionOf(fn);
      if (region !== EDGE_REGION) report(`${fl}: region is ${region ?? "unset"}; Lambda@Edge functions must be created in ${EDGE_REGION}.`, fn.urn);
      if (f.publish !== true) report(`${fl}: publish must be true; CloudFront can only associate a numbered version.`, fn.urn);
      if ((f.packageType ?? "Zip") !== "Zip") report(`${fl}: packageType "${f.packageType}" is not supported at the edge; use a zip package.`, fn.urn);
      const arch = asArray<string>(f.architectures);
      if (arch.some((x) => x !== "x86_64")) report(`${fl}: architectures ${JSON.stringify(arch)}; Lambda@Edge supports only x86_64.`, fn.urn);
      if (Object.keys(f.environment?.variables ?? {}).length > 0) report(`${fl}: environment variables are not allowed at the edge.`, fn.urn);
      if (asArray(f.vpcConfig?.subnetIds).length > 0) report(`${fl}: vpcConfig is not allowed at the edge.`, fn.urn);
      if (asArray(f.layers).length > 0) report(`${fl}: layers are not allowed at the edge.`, fn.urn);
      if (typeof f.reservedConcurrentExecutions === "number" && f.reservedConcurrentExecutions >= 0) {
        report(`${fl}: reservedConcurrentExecutions ${f.reservedConcurrentExecutions} is not allowed at the edge (leave it -1).`, fn.urn);
      }
      for (const pc of pcs) {
        if (refersTo(pc, fn, ["functionName"])) report(`${fl}: provisioned concurrency (${label(pc)}) is not allowed at the edge.`, fn.urn);
      }
      const role = roles.find((r) => refersTo(fn, r, ["role"]));
      if (role) {
        const trusted = trustedServices(role.props.assumeRolePolicy);
        for (const svc of ["lambda.amazonaws.com", "edgelambda.amazonaws.com"]) {
          if (!trusted.has(svc))
            report(`${fl}: its role ${label(role)} must trust ${svc} in assumeRolePolicy (trusts: ${[...trusted].join(", ") || "none"}).`, fn.urn);
        }
      }
    }
  },
});

export const edgePolicies = [lambdaEdgeConstraints];
