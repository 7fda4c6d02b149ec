/** Finds the Lambda functions a CloudFront distribution runs at the edge. */
import type { PolicyResource } from "@pulumi/policy";
import { asArray, known, ofType } from "./stack";

export const DISTRIBUTION = "aws:cloudfront/distribution:Distribution";
export const FUNCTION = "aws:lambda/function:Function";

export interface EdgeAssociation {
  distribution: PolicyResource;
  eventType: string;
  lambdaArn: string | undefined;
  /** The function behind lambdaArn, when it is in this stack. */
  fn: PolicyResource | undefined;
}

interface Assoc {
  eventType?: string;
  lambdaArn?: string;
}

function behaviors(d: PolicyResource): { prop: string; assocs: Assoc[] }[] {
  const out: { prop: string; assocs: Assoc[] }[] = [];
  out.push({ prop: "defaultCacheBehavior", assocs: asArray(d.props.defaultCacheBehavior?.lambdaFunctionAssociations) });
  for (const b of asArray(d.props.orderedCacheBehaviors)) {
    out.push({ prop: "orderedCacheBehaviors", assocs: asArray((b as { lambdaFunctionAssociations?: Assoc[] }).lambdaFunctionAssociations) });
  }
  return out;
}

function functionFor(arn: string | undefined, fns: PolicyResource[], viaDeps: PolicyResource[]): PolicyResource | undefined {
  if (arn) {
    const byArn = fns.find((f) => {
      const a = known(() => f.props.arn);
      const q = known(() => f.props.qualifiedArn);
      return (typeof q === "string" && q === arn) || (typeof a === "string" && (arn === a || arn.startsWith(`${a}:`)));
    });
    if (byArn) return byArn;
  }
  // Under preview the ARN is unknown: fall back to the function the behavior depends on, if it is the only one.
  return viaDeps.length === 1 ? viaDeps[0] : undefined;
}

export function edgeAssociations(resources: readonly PolicyResource[]): EdgeAssociation[] {
  // lambdaArn is unknown during preview for a function created in the same update.
  const fns = ofType(resources, FUNCTION);
  const out: EdgeAssociation[] = [];
  for (const d of ofType(resources, DISTRIBUTION)) {
    for (const { prop, assocs } of behaviors(d)) {
      const viaDeps = (d.propertyDependencies[prop] ?? []).filter((r) => r.type === FUNCTION);
      for (const a of assocs) {
        const arn = known(() => a.lambdaArn);
        out.push({ distribution: d, eventType: a.eventType ?? "", lambdaArn: arn, fn: functionFor(arn, fns, viaDeps) });
      }
    }
  }
  return out;
}

/** URNs of the functions that run at the edge. */
export function edgeFunctionUrns(resources: readonly PolicyResource[]): Set<string> {
  return new Set(edgeAssociations(resources).flatMap((a) => (a.fn ? [a.fn.urn] : [])));
}
