/**
 * Under `pulumi preview` against AWS, outputs of resources not yet created are unknown and the
 * analyzer throws on reading them. Stack policies must still decide from dependencies: here the
 * engine's requests are built by hand with unknown values, as the engine sends them.
 */
import { describe, expect, it } from "vitest";
import { policies } from "../../policy/policies";
import { analyze } from "../../scripts/preflight/analyze";
import type { RecordedResource } from "../../scripts/preflight/program";

/** The engine's sentinel for an unknown string. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const urn = (type: string, name: string) => `urn:pulumi:dev::preview::${type}::${name}`;

function resource(type: string, name: string, props: Record<string, unknown>, deps: Record<string, string[]> = {}, dependsOn: string[] = []): RecordedResource {
  const all = [...new Set([...Object.values(deps).flat(), ...dependsOn])];
  return {
    urn: urn(type, name),
    type,
    name,
    custom: true,
    dependencies: all,
    propertyDependencies: deps,
    protect: false,
    ignoreChanges: [],
    aliases: [],
    additionalSecretOutputs: [],
    customTimeouts: { create: 0, update: 0, delete: 0 },
    inputs: props,
    outputs: { ...props, arn: UNKNOWN, id: UNKNOWN },
  };
}

const TG = "aws:lb/targetGroup:TargetGroup";
const PERM = "aws:lambda/permission:Permission";
const ATT = "aws:lb/targetGroupAttachment:TargetGroupAttachment";

describe("stack policies during preview (unknown ARNs)", () => {
  it("still find the missing dependency, and do not stumble over other resources' unknown values", async () => {
    const perm = (name: string, tg: string) =>
      resource(
        PERM,
        name,
        { action: "lambda:InvokeFunction", principal: "elasticloadbalancing.amazonaws.com", function: "api", sourceArn: UNKNOWN },
        { sourceArn: [urn(TG, tg)] },
      );
    const resources = [
      resource(TG, "tg-a", { name: "tg-a", targetType: "lambda", lambdaMultiValueHeadersEnabled: true }),
      resource(TG, "tg-b", { name: "tg-b", targetType: "lambda", lambdaMultiValueHeadersEnabled: true }),
      perm("perm-a", "tg-a"),
      perm("perm-b", "tg-b"),
      // deleteBeforeReplace: safe to replace (lambda-target-attachment-replacement finds Lambda groups by dependency too).
      {
        ...resource(ATT, "att-a", { targetGroupArn: UNKNOWN, targetId: UNKNOWN }, { targetGroupArn: [urn(TG, "tg-a")] }, [urn(PERM, "perm-a")]),
        deleteBeforeReplace: true,
      },
      { ...resource(ATT, "att-b", { targetGroupArn: UNKNOWN, targetId: UNKNOWN }, { targetGroupArn: [urn(TG, "tg-b")] }), deleteBeforeReplace: true },
    ];
    const violations = await analyze({ packName: "p", packVersion: "0.0.0", policies, resources });
    expect(violations.filter((v) => v.message.includes("can't run"))).toEqual([]);
    expect(violations.map((v) => `${v.level} ${v.policy}: ${v.detail}`)).toEqual([
      'mandatory alb-lambda-permission-before-attachment: aws.lb.TargetGroupAttachment "att-b": must depend on aws.lambda.Permission "perm-b" (add dependsOn); otherwise the registration can run first and fail with AccessDenied.',
    ]);
  });
});
