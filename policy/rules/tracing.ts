/** X-Ray: Lambda functions trace actively and API Gateway stages trace requests. */
import { stackPolicy } from "../lib/define";
import { edgeFunctionUrns } from "../lib/edge";
import { label, ofType } from "../lib/stack";

export const xrayTracing = stackPolicy({
  name: "xray-tracing",
  description:
    "Lambda functions use tracingConfig.mode Active and API Gateway stages set xrayTracingEnabled (Lambda@Edge functions excepted: X-Ray does not run there).",
  enforcementLevel: "advisory",
  validateStack: (args, report) => {
    const fns = ofType(args.resources, "aws:lambda/function:Function");
    const stages = ofType(args.resources, "aws:apigateway/stage:Stage");
    if (fns.length + stages.length === 0) return args.notApplicable("no functions or stages");
    const edge = edgeFunctionUrns(args.resources);
    for (const f of fns) {
      if (edge.has(f.urn)) continue;
      if (f.props.tracingConfig?.mode !== "Active")
        report(`${label(f)}: tracingConfig.mode is ${f.props.tracingConfig?.mode ?? "unset (PassThrough)"}; set "Active".`, f.urn);
    }
    for (const s of stages) {
      if (s.props.xrayTracingEnabled !== true) report(`${label(s)}: xrayTracingEnabled is not true.`, s.urn);
    }
  },
});

export const tracingPolicies = [xrayTracing];
