/** Lambda function limits, container-image packaging and the account memory quota. */
import * as aws from "@pulumi/aws";
import { validateResourceOfType } from "@pulumi/policy";
import { resourcePolicy, stackPolicy } from "../lib/define";
import { fitsReservedConcurrency, LAMBDA_LIMITS } from "../lib/limits";
import { asArray, label, ofType, refersTo } from "../lib/stack";

/** Memory many accounts are capped at until a quota increase. */
export const DEFAULT_ACCOUNT_MEMORY_CAP_MB = 3008;
const DIGEST = /@sha256:[a-f0-9]{64}$/;

export const lambdaFunctionLimits = resourcePolicy({
  name: "lambda-function-limits",
  description: "Lambda memory, timeout, ephemeral storage and reserved concurrency must be within the service's bounds.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(aws.lambda.Function, (fn, args, report) => {
    const l = LAMBDA_LIMITS;
    if (fn.memorySize !== undefined && (!Number.isInteger(fn.memorySize) || fn.memorySize < l.memoryMin || fn.memorySize > l.memoryMax)) {
      report(`${label(args)}: memorySize ${fn.memorySize} MB is outside ${l.memoryMin}..${l.memoryMax} MB.`);
    }
    if (fn.timeout !== undefined && (!Number.isInteger(fn.timeout) || fn.timeout < 1 || fn.timeout > l.timeoutMax)) {
      report(`${label(args)}: timeout ${fn.timeout} s is outside 1..${l.timeoutMax} s.`);
    }
    const eph = fn.ephemeralStorage?.size;
    if (eph !== undefined && (eph < l.ephemeralMin || eph > l.ephemeralMax)) {
      report(`${label(args)}: ephemeralStorage.size ${eph} MB is outside ${l.ephemeralMin}..${l.ephemeralMax} MB.`);
    }
    const rc = fn.reservedConcurrentExecutions;
    if (rc !== undefined && (!Number.isInteger(rc) || rc < -1)) {
      report(`${label(args)}: reservedConcurrentExecutions ${rc} must be -1 (unreserved) or an integer >= 0.`);
    }
  }),
});

export const lambdaImagePackage = resourcePolicy({
  name: "lambda-image-package",
  description:
    "A container-image Lambda takes no handler, runtime or layers, names its architecture, and pins its image by digest (a tag fails the first deploy and never updates).",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(aws.lambda.Function, (fn, args, report) => {
    if (fn.packageType !== "Image") {
      if (fn.imageUri !== undefined) report(`${label(args)}: imageUri is set but packageType is "${fn.packageType ?? "Zip"}"; set packageType "Image".`);
      return;
    }
    for (const prop of ["handler", "runtime"] as const) {
      if (fn[prop] !== undefined)
        report(`${label(args)}: ${prop} "${fn[prop]}" must not be set on an Image function (the image's CMD and base image decide it).`);
    }
    if ((fn.layers ?? []).length > 0) report(`${label(args)}: layers are not supported on an Image function (${fn.layers!.length} given).`);
    if (typeof fn.imageUri !== "string" || !DIGEST.test(fn.imageUri)) {
      report(`${label(args)}: imageUri "${fn.imageUri ?? ""}" must be pinned by digest (repository@sha256:<64 hex>), not a tag.`);
    }
    const arch = fn.architectures ?? [];
    if (arch.length !== 1) {
      report(`${label(args)}: architectures must name exactly one of x86_64 or arm64 to match the image's platform (given: ${JSON.stringify(arch)}).`);
    }
  }),
});

export const lambdaMemoryQuota = resourcePolicy({
  name: "lambda-memory-quota",
  description: `Many accounts cap Lambda memory at ${DEFAULT_ACCOUNT_MEMORY_CAP_MB} MB until a quota increase; more fails there at deploy time.`,
  enforcementLevel: "advisory",
  validateResource: validateResourceOfType(aws.lambda.Function, (fn, args, report) => {
    if ((fn.memorySize ?? 128) > DEFAULT_ACCOUNT_MEMORY_CAP_MB) {
      report(
        `${label(args)}: memorySize ${fn.memorySize} MB exceeds ${DEFAULT_ACCOUNT_MEMORY_CAP_MB} MB; confirm the account's Lambda memory quota or use <= ${DEFAULT_ACCOUNT_MEMORY_CAP_MB}.`,
      );
    }
  }),
});

/** docker-build platform for each Lambda architecture. */
export const LAMBDA_PLATFORMS: Record<string, string> = { arm64: "linux/arm64", x86_64: "linux/amd64" };

export const lambdaImagePlatform = stackPolicy({
  name: "lambda-image-platform",
  description:
    "An image built in the stack for a Lambda function is single-platform (Lambda rejects a multi-platform index) and that platform matches the function's architecture (else the function cannot start).",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const images = ofType(args.resources, "docker-build:index:Image");
    if (images.length === 0) return args.notApplicable("no docker-build images");
    for (const fn of ofType(args.resources, "aws:lambda/function:Function")) {
      if (fn.props.packageType !== "Image") continue;
      const image = images.find((i) => refersTo(fn, i, ["imageUri"]));
      if (!image) continue;
      const platforms = asArray<string>(image.props.platforms);
      const arch = asArray<string>(fn.props.architectures)[0] ?? "x86_64";
      const want = LAMBDA_PLATFORMS[arch];
      if (platforms.length !== 1) {
        report(
          `${label(image)}: builds ${platforms.length === 0 ? "the builder's default platform" : `${platforms.length} platforms (${platforms.join(", ")})`} for ${label(fn)}; set platforms to exactly ["${want}"].`,
          image.urn,
        );
      } else if (platforms[0] !== want) {
        report(`${label(image)}: builds ${platforms[0]} but ${label(fn)} runs on ${arch}; set platforms ["${want}"] or architectures to match.`, image.urn);
      }
    }
  },
});

export const lambdaProvisionedConcurrency = stackPolicy({
  name: "lambda-provisioned-concurrency",
  description:
    "Provisioned concurrency targets an alias or numbered version (not $LATEST), stays within the function's reserved concurrency, and its auto scaling target is function:<name>:<qualifier> with dimension lambda:function:ProvisionedConcurrency.",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const configs = ofType(args.resources, "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig");
    const targets = ofType(args.resources, "aws:appautoscaling/target:Target").filter((t) => t.props.serviceNamespace === "lambda");
    if (configs.length + targets.length === 0) return args.notApplicable("no provisioned concurrency");
    const fns = ofType(args.resources, "aws:lambda/function:Function");
    const reservedOf = (r: (typeof fns)[number], prop: string): number | undefined => {
      const fn = fns.find((f) => refersTo(r, f, [prop]));
      const rc = fn?.props.reservedConcurrentExecutions;
      return typeof rc === "number" && rc >= 0 ? rc : undefined;
    };
    for (const c of configs) {
      const l = label(c);
      if (c.props.qualifier === "$LATEST") report(`${l}: qualifier $LATEST is not allowed; use an alias or a published version.`, c.urn);
      const n = c.props.provisionedConcurrentExecutions;
      if (!Number.isInteger(n) || n < 1) report(`${l}: provisionedConcurrentExecutions ${n} must be an integer >= 1.`, c.urn);
      const reserved = reservedOf(c, "functionName");
      if (!fitsReservedConcurrency(n, reserved)) report(`${l}: ${n} provisioned executions exceed the function's reserved concurrency ${reserved}.`, c.urn);
    }
    for (const t of targets) {
      const l = label(t);
      const id = String(t.props.resourceId ?? "");
      const m = /^function:([^:]+):([^:]+)$/.exec(id);
      if (!m) report(`${l}: resourceId "${id}" must be function:<name>:<alias or version>.`, t.urn);
      else if (m[2] === "$LATEST") report(`${l}: resourceId "${id}" targets $LATEST; provisioned concurrency needs an alias or version.`, t.urn);
      if (t.props.scalableDimension !== "lambda:function:ProvisionedConcurrency") {
        report(`${l}: scalableDimension "${t.props.scalableDimension}" must be "lambda:function:ProvisionedConcurrency".`, t.urn);
      }
      if (t.props.minCapacity > t.props.maxCapacity) report(`${l}: minCapacity ${t.props.minCapacity} exceeds maxCapacity ${t.props.maxCapacity}.`, t.urn);
      const reserved = reservedOf(t, "resourceId");
      if (!fitsReservedConcurrency(t.props.maxCapacity, reserved))
        report(`${l}: maxCapacity ${t.props.maxCapacity} exceeds the function's reserved concurrency ${reserved}.`, t.urn);
    }
  },
});

export const lambdaPolicies = [lambdaFunctionLimits, lambdaImagePackage, lambdaImagePlatform, lambdaMemoryQuota, lambdaProvisionedConcurrency];
