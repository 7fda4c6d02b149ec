import * as aws from "@pulumi/aws";
import * as dockerBuild from "@pulumi/docker-build";
import * as pulumi from "@pulumi/pulumi";
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { check, details } from "./check";

const DIGEST = "sha256:" + "ab".repeat(32);
const assumeLambda = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: "lambda.amazonaws.com" } }],
});
const assumeEdge = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: ["lambda.amazonaws.com", "edgelambda.amazonaws.com"] } }],
});

function imageFunction(name: string, extra: Partial<aws.lambda.FunctionArgs> = {}) {
  return new aws.lambda.Function(name, {
    name,
    role: "arn:aws:iam::123456789012:role/r",
    packageType: "Image",
    imageUri: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop@${DIGEST}`,
    architectures: ["arm64"],
    memorySize: 1024,
    timeout: 30,
    tracingConfig: { mode: "Active" },
    ...extra,
  });
}

describe("lambda-function-limits (mandatory)", () => {
  it("rejects memory, timeout and ephemeral storage outside Lambda's bounds", async () => {
    const e = await check(() => {
      imageFunction("too-big", { memorySize: 10241, timeout: 901, ephemeralStorage: { size: 256 } });
    });
    const d = details("lambda-function-limits", e);
    expect(d).toContain('aws.lambda.Function "too-big": memorySize 10241 MB is outside 128..10240 MB.');
    expect(d).toContain('aws.lambda.Function "too-big": timeout 901 s is outside 1..900 s.');
    expect(d).toContain('aws.lambda.Function "too-big": ephemeralStorage.size 256 MB is outside 512..10240 MB.');
    expect(e.violations.find((v) => v.policy === "lambda-function-limits")!.level).toBe("mandatory");
  });
  it("accepts a function within bounds", async () => {
    const e = await check(() => {
      imageFunction("fine");
    });
    expect(details("lambda-function-limits", e)).toEqual([]);
  });
});

describe("lambda-image-package (mandatory)", () => {
  it("rejects handler/runtime/layers, a tag instead of a digest and a missing architecture", async () => {
    const e = await check(() => {
      new aws.lambda.Function("tagged", {
        role: "arn:aws:iam::123456789012:role/r",
        packageType: "Image",
        imageUri: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop:latest",
        handler: "index.handler",
        runtime: "nodejs22.x",
        layers: ["arn:aws:lambda:eu-west-1:123456789012:layer:l:1"],
      });
    });
    const d = details("lambda-image-package", e);
    expect(d).toHaveLength(5);
    expect(d.some((m) => m.includes('handler "index.handler" must not be set'))).toBe(true);
    expect(d.some((m) => m.includes('runtime "nodejs22.x" must not be set'))).toBe(true);
    expect(d.some((m) => m.includes("layers are not supported"))).toBe(true);
    expect(d.some((m) => m.includes('imageUri "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop:latest" must be pinned by digest'))).toBe(true);
    expect(d.some((m) => m.includes("architectures must name exactly one"))).toBe(true);
  });
  it("accepts an image pinned by digest with its architecture", async () => {
    expect(details("lambda-image-package", await check(() => void imageFunction("pinned")))).toEqual([]);
  });
});

function imageBuild(platforms: string[] | undefined, architectures: string[]) {
  return () => {
    const image = new dockerBuild.Image("api-image", {
      context: { location: "." },
      push: true,
      tags: ["123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop:latest"],
      ...(platforms ? { platforms: platforms as dockerBuild.Platform[] } : {}),
    });
    imageFunction("api", { imageUri: image.ref, architectures });
  };
}

describe("lambda-image-platform (mandatory, stack)", () => {
  it("rejects a multi-platform build and a platform that does not match the architecture", async () => {
    expect(details("lambda-image-platform", await check(imageBuild(["linux/arm64", "linux/amd64"], ["arm64"])))).toEqual([
      'docker-build.Image "api-image": builds 2 platforms (linux/arm64, linux/amd64) for aws.lambda.Function "api"; set platforms to exactly ["linux/arm64"].',
    ]);
    expect(details("lambda-image-platform", await check(imageBuild(["linux/amd64"], ["arm64"])))).toEqual([
      'docker-build.Image "api-image": builds linux/amd64 but aws.lambda.Function "api" runs on arm64; set platforms ["linux/arm64"] or architectures to match.',
    ]);
  });
  it("accepts one platform matching the function", async () => {
    expect(details("lambda-image-platform", await check(imageBuild(["linux/arm64"], ["arm64"])))).toEqual([]);
  });
});

describe("lambda-memory-quota (advisory)", () => {
  it("flags memory above 3008 MB, the default account cap", async () => {
    const e = await check(() => void imageFunction("seed", { memorySize: 3072 }));
    const v = e.violations.filter((x) => x.policy === "lambda-memory-quota");
    expect(v).toHaveLength(1);
    expect(v[0]!.level).toBe("advisory");
    expect(v[0]!.detail).toContain("memorySize 3072 MB exceeds 3008 MB");
  });
  it("accepts 3008 MB", async () => {
    expect(details("lambda-memory-quota", await check(() => void imageFunction("ok", { memorySize: 3008 })))).toEqual([]);
  });
});

function provisioned(o: { qualifier?: string; executions?: number; resourceId?: string; dimension?: string; max?: number }) {
  return () => {
    const fn = imageFunction("api", { reservedConcurrentExecutions: 20, publish: true });
    const alias = new aws.lambda.Alias("live", { name: "live", functionName: fn.name, functionVersion: fn.version });
    new aws.lambda.ProvisionedConcurrencyConfig("warm", {
      functionName: fn.name,
      qualifier: o.qualifier ?? alias.name,
      provisionedConcurrentExecutions: o.executions ?? 5,
    });
    new aws.appautoscaling.Target("scaling", {
      serviceNamespace: "lambda",
      resourceId: o.resourceId ?? pulumi.interpolate`function:${fn.name}:${alias.name}`,
      scalableDimension: o.dimension ?? "lambda:function:ProvisionedConcurrency",
      minCapacity: o.executions ?? 5,
      maxCapacity: o.max ?? 10,
    });
  };
}

describe("lambda-provisioned-concurrency (mandatory, stack)", () => {
  it("rejects $LATEST, more provisioned than reserved, a malformed scaling target and the wrong dimension", async () => {
    const d = details(
      "lambda-provisioned-concurrency",
      await check(provisioned({ qualifier: "$LATEST", executions: 25, resourceId: "api:live", dimension: "lambda:function:Concurrency", max: 30 })),
    );
    expect(d.sort()).toEqual([
      'aws.appautoscaling.Target "scaling": resourceId "api:live" must be function:<name>:<alias or version>.',
      'aws.appautoscaling.Target "scaling": scalableDimension "lambda:function:Concurrency" must be "lambda:function:ProvisionedConcurrency".',
      'aws.lambda.ProvisionedConcurrencyConfig "warm": 25 provisioned executions exceed the function\'s reserved concurrency 20.',
      'aws.lambda.ProvisionedConcurrencyConfig "warm": qualifier $LATEST is not allowed; use an alias or a published version.',
    ]);
  });
  it("rejects auto scaling beyond the reserved concurrency", async () => {
    expect(details("lambda-provisioned-concurrency", await check(provisioned({ max: 30 })))).toEqual([
      'aws.appautoscaling.Target "scaling": maxCapacity 30 exceeds the function\'s reserved concurrency 20.',
    ]);
  });
  it("accepts an alias with 5 warm executions scaling to 10 within 20 reserved", async () => {
    expect(details("lambda-provisioned-concurrency", await check(provisioned({})))).toEqual([]);
  });
});

function edgeProgram(fn: Partial<aws.lambda.FunctionArgs>, opts: { eventType?: string; useUnqualifiedArn?: boolean; trust?: string } = {}) {
  return () => {
    const role = new aws.iam.Role("edge-role", { assumeRolePolicy: opts.trust ?? assumeEdge });
    const f = new aws.lambda.Function("guard", {
      role: role.arn,
      runtime: "nodejs22.x",
      handler: "index.handler",
      code: new pulumi.asset.AssetArchive({}),
      region: "us-east-1",
      publish: true,
      memorySize: 128,
      timeout: 5,
      ...fn,
    });
    new aws.cloudfront.Distribution("cdn", {
      enabled: true,
      origins: [
        {
          domainName: "example.com",
          originId: "o",
          customOriginConfig: { httpPort: 80, httpsPort: 443, originProtocolPolicy: "https-only", originSslProtocols: ["TLSv1.2"] },
        },
      ],
      defaultCacheBehavior: {
        targetOriginId: "o",
        viewerProtocolPolicy: "redirect-to-https",
        allowedMethods: ["GET", "HEAD"],
        cachedMethods: ["GET", "HEAD"],
        lambdaFunctionAssociations: [{ eventType: opts.eventType ?? "viewer-request", lambdaArn: opts.useUnqualifiedArn ? f.arn : f.qualifiedArn }],
      },
      restrictions: { geoRestriction: { restrictionType: "none" } },
      viewerCertificate: { cloudfrontDefaultCertificate: true },
    });
  };
}

describe("lambda-edge-constraints (mandatory, stack)", () => {
  it("catches every Lambda@Edge restriction on a function associated with a distribution", async () => {
    const e = await check(
      edgeProgram(
        {
          region: "eu-west-1",
          publish: false,
          architectures: ["arm64"],
          environment: { variables: { KEY: "v" } },
          vpcConfig: { subnetIds: ["subnet-1"], securityGroupIds: ["sg-1"] },
          layers: ["arn:aws:lambda:us-east-1:123456789012:layer:l:1"],
          reservedConcurrentExecutions: 5,
          memorySize: 256,
          timeout: 10,
        },
        { trust: assumeLambda, useUnqualifiedArn: true },
      ),
    );
    const d = details("lambda-edge-constraints", e);
    const expected = [
      "must reference a numbered version",
      "memorySize 256 MB exceeds 128 MB allowed for viewer-request",
      "timeout 10 s exceeds 5 s allowed for viewer-request",
      "region is eu-west-1; Lambda@Edge functions must be created in us-east-1",
      "publish must be true",
      'architectures ["arm64"]; Lambda@Edge supports only x86_64',
      "environment variables are not allowed",
      "vpcConfig is not allowed",
      "layers are not allowed",
      "reservedConcurrentExecutions 5 is not allowed",
      "must trust edgelambda.amazonaws.com",
    ];
    for (const fragment of expected)
      expect(
        d.some((m) => m.includes(fragment)),
        fragment,
      ).toBe(true);
    expect(d).toHaveLength(expected.length);
  });
  it("uses the provider's region when the function sets none", async () => {
    const e = await check(edgeProgram({ region: undefined }), { region: "eu-central-1" });
    expect(details("lambda-edge-constraints", e)).toEqual([
      'aws.lambda.Function "guard": region is eu-central-1; Lambda@Edge functions must be created in us-east-1.',
    ]);
  });
  it("rejects a viewer-trigger package over 1 MB zipped, which an origin trigger may have", async () => {
    const bulky = new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(`exports.blob = "${randomBytes(1_200_000).toString("base64")}";`) });
    const viewer = details("lambda-edge-constraints", await check(edgeProgram({ code: bulky })));
    expect(viewer).toHaveLength(1);
    expect(viewer[0]).toMatch(/^aws\.lambda\.Function "guard": code is about 1\.\d\d MB zipped; viewer-request triggers allow 1 MB\.$/);
    expect(details("lambda-edge-constraints", await check(edgeProgram({ code: bulky, timeout: 5 }, { eventType: "origin-request" })))).toEqual([]);
  });
  it("allows origin triggers more memory and time than viewer triggers", async () => {
    const e = await check(edgeProgram({ memorySize: 512, timeout: 30 }, { eventType: "origin-request" }));
    expect(details("lambda-edge-constraints", e)).toEqual([]);
  });
  it("accepts a published x86_64 zip function in us-east-1 whose role trusts edgelambda", async () => {
    const e = await check(edgeProgram({}));
    expect(details("lambda-edge-constraints", e)).toEqual([]);
  });
});
