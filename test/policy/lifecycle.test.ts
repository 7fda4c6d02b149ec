/**
 * Lifecycle rules (policy/rules/lifecycle.ts): each with a program that violates it and one that
 * passes, run through the offline runner, which hands resource options to @pulumi/policy's analyzer
 * as `args.opts` the way the engine does (protect, ignoreChanges, deleteBeforeReplace, customTimeouts).
 */
import * as aws from "@pulumi/aws";
import * as dockerBuild from "@pulumi/docker-build";
import type * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { RETAIN_ON_DELETE_UNSEEN } from "../../policy/rules/lifecycle";
import { check, details, of } from "./check";

const ROLE = "arn:aws:iam::123456789012:role/r";

describe("lambda-reserved-concurrency-quota (advisory)", () => {
  const fn = (reserved?: number) => () =>
    void new aws.lambda.Function("api", {
      name: "api",
      role: ROLE,
      runtime: "nodejs22.x",
      handler: "index.handler",
      code: "placeholder.zip" as unknown as pulumi.asset.Archive,
      reservedConcurrentExecutions: reserved,
    });
  it("says how much unreserved concurrency the account must keep, and why, when a reservation is set", async () => {
    const d = details("lambda-reserved-concurrency-quota", await check(fn(10)));
    expect(d).toHaveLength(1);
    expect(d[0]).toContain('aws.lambda.Function "api": reserves 10 concurrent executions');
    expect(d[0]).toContain("a concurrency quota of at least 110 here");
    expect(d[0]).toContain("New accounts start at 10");
    expect(d[0]).toContain("below its minimum value of [10]");
  });
  it("is quiet for an unreserved function", async () => {
    expect(details("lambda-reserved-concurrency-quota", await check(fn(-1)))).toEqual([]);
    expect(details("lambda-reserved-concurrency-quota", await check(fn(undefined)))).toEqual([]);
  });
});

describe("docker-build-relative-paths (advisory)", () => {
  const image = (context: string, dockerfile: string) => () =>
    void new dockerBuild.Image("img", { context: { location: context }, dockerfile: { location: dockerfile }, push: false, platforms: ["linux/arm64"] });
  it("flags an absolute context and Dockerfile (they differ on every other checkout path)", async () => {
    expect(details("docker-build-relative-paths", await check(image("/home/ci/work/shop", "/home/ci/work/shop/app/Dockerfile")))).toEqual([
      'docker-build.Image "img": context.location "/home/ci/work/shop" is absolute; use a path relative to the Pulumi project directory (e.g. path.relative(process.cwd(), dir)).',
      'docker-build.Image "img": dockerfile.location "/home/ci/work/shop/app/Dockerfile" is absolute; use a path relative to the Pulumi project directory (e.g. path.relative(process.cwd(), dir)).',
    ]);
  });
  it("accepts paths relative to the project directory", async () => {
    expect(details("docker-build-relative-paths", await check(image(".", "app/Dockerfile")))).toEqual([]);
  });
});

describe("rds-engine-major-only (advisory)", () => {
  const cluster =
    (engineVersion: string, opts: pulumi.CustomResourceOptions = {}, autoMinor?: boolean) =>
    () => {
      const c = new aws.rds.Cluster(
        "db",
        {
          clusterIdentifier: "db",
          engine: "aurora-postgresql",
          engineMode: "provisioned",
          engineVersion,
          masterUsername: "u",
          masterPassword: "p".repeat(12),
          storageEncrypted: true,
        },
        opts,
      );
      new aws.rds.ClusterInstance("db-1", {
        identifier: "db-1",
        clusterIdentifier: c.id,
        instanceClass: "db.serverless",
        engine: "aurora-postgresql",
        autoMinorVersionUpgrade: autoMinor,
      });
    };
  it("flags a pinned minor with automatic minor upgrades (the update after AWS's upgrade plans a downgrade)", async () => {
    const d = details("rds-engine-major-only", await check(cluster("17.4")));
    expect(d).toHaveLength(1);
    expect(d[0]).toContain('aws.rds.Cluster "db": engineVersion "17.4" pins a minor');
    expect(d[0]).toContain('Set engineVersion to the major ("17")');
  });
  it("accepts the major only, an ignoreChanges on engineVersion (read from args.opts), or minor upgrades turned off", async () => {
    expect(details("rds-engine-major-only", await check(cluster("17")))).toEqual([]);
    expect(details("rds-engine-major-only", await check(cluster("17.4", { ignoreChanges: ["engineVersion"] })))).toEqual([]);
    expect(details("rds-engine-major-only", await check(cluster("17.4", {}, false)))).toEqual([]);
  });
});

describe("lambda-edge-delete-handling (advisory)", () => {
  const edge =
    (extra: Partial<aws.lambda.FunctionArgs>, opts: pulumi.CustomResourceOptions = {}) =>
    () => {
      const fn = new aws.lambda.Function(
        "guard",
        {
          name: "guard",
          region: "us-east-1",
          role: ROLE,
          runtime: "nodejs22.x",
          handler: "index.handler",
          code: "g.zip" as unknown as pulumi.asset.Archive,
          publish: true,
          ...extra,
        },
        opts,
      );
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
          cachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6",
          lambdaFunctionAssociations: [{ eventType: "viewer-request", lambdaArn: fn.qualifiedArn }],
        },
        restrictions: { geoRestriction: { restrictionType: "none" } },
        viewerCertificate: { cloudfrontDefaultCertificate: true },
      });
    };
  it("flags an edge function whose deletion would fail while replicas exist, and says it cannot see retainOnDelete", async () => {
    const d = details("lambda-edge-delete-handling", await check(edge({})));
    expect(d).toHaveLength(1);
    expect(d[0]).toContain('aws.lambda.Function "guard" runs at the edge');
    expect(d[0]).toContain("Set skipDestroy: true");
    expect(d[0]).toContain(RETAIN_ON_DELETE_UNSEEN);
    // A delete timeout too short for the replicas (customTimeouts from args.opts) is named.
    expect(details("lambda-edge-delete-handling", await check(edge({}, { customTimeouts: { delete: "10m" } })))[0]).toContain("(it has 600 s)");
  });
  it("accepts skipDestroy, or a delete timeout the replicas fit in (read from args.opts.customTimeouts)", async () => {
    expect(details("lambda-edge-delete-handling", await check(edge({ skipDestroy: true })))).toEqual([]);
    expect(details("lambda-edge-delete-handling", await check(edge({}, { customTimeouts: { delete: "3h" } })))).toEqual([]);
  });
});

describe("account-singleton-destroy (advisory)", () => {
  const account =
    (opts: pulumi.CustomResourceOptions = {}) =>
    () =>
      void new aws.apigateway.Account("acct", { cloudwatchRoleArn: ROLE }, opts);
  it("flags the region's API Gateway account setting, which a destroy resets for every stack, and says it cannot see retainOnDelete", async () => {
    const d = details("account-singleton-destroy", await check(account()));
    expect(d).toHaveLength(1);
    expect(d[0]).toContain('aws.apigateway.Account "acct" is one per account and region');
    expect(d[0]).toContain("terraform-provider-aws#42226");
    expect(d[0]).toContain(RETAIN_ON_DELETE_UNSEEN);
    // retainOnDelete is set here, but the analyzer is not given it: the finding stands (waive it with that reason).
    expect(details("account-singleton-destroy", await check(account({ retainOnDelete: true })))).toHaveLength(1);
  });
  it("accepts a protected setting (protect reaches the analyzer in args.opts)", async () => {
    expect(details("account-singleton-destroy", await check(account({ protect: true })))).toEqual([]);
  });
});

describe("stateful-protect (advisory)", () => {
  const table =
    (deletionProtectionEnabled: boolean, opts: pulumi.CustomResourceOptions = {}) =>
    () =>
      void new aws.dynamodb.Table(
        "orders",
        {
          name: "orders",
          billingMode: "PAY_PER_REQUEST",
          hashKey: "pk",
          attributes: [{ name: "pk", type: "S" }],
          deletionProtectionEnabled,
          serverSideEncryption: { enabled: true },
        },
        opts,
      );
  it("flags deletion protection without protect: the destroy would fail half-way, after the stateless resources", async () => {
    const d = details("stateful-protect", await check(table(true)));
    expect(d).toEqual([
      'aws.dynamodb.Table "orders": deletionProtectionEnabled is on but the resource is not protected: `pulumi destroy` deletes the stateless resources first and fails only when it reaches this one. Add protect: true so the destroy refuses before deleting anything.',
    ]);
  });
  it("in a production stack (pack config production: true) flags every unprotected stateful resource", async () => {
    const d = details("stateful-protect", await check(table(false), { config: { "stateful-protect": { production: true } } }));
    expect(d).toEqual([
      'aws.dynamodb.Table "orders" holds data in a production stack but is not protected; add protect: true (and retainOnDelete: true so an intended removal keeps it).',
    ]);
  });
  it("accepts protected resources (args.opts.protect), and unprotected ones in a non-production stack", async () => {
    expect(details("stateful-protect", await check(table(true, { protect: true }), { config: { "stateful-protect": { production: true } } }))).toEqual([]);
    expect(details("stateful-protect", await check(table(false)))).toEqual([]);
  });
});

describe("apigateway-execution-logs-managed (advisory)", () => {
  const api = (managed: boolean) => () => {
    const rest = new aws.apigateway.RestApi("api", { name: "api" });
    const group = managed
      ? new aws.cloudwatch.LogGroup("exec", { name: rest.id.apply((id) => `API-Gateway-Execution-Logs_${id}/prod`), retentionInDays: 30 })
      : undefined;
    new aws.apigateway.MethodSettings(
      "settings",
      { restApi: rest.id, stageName: "prod", methodPath: "*/*", settings: { loggingLevel: "INFO", metricsEnabled: true } },
      { dependsOn: group ? [group] : [] },
    );
  };
  it("flags execution logging without the log group API Gateway would otherwise create itself", async () => {
    const d = details("apigateway-execution-logs-managed", await check(api(false)));
    expect(d).toHaveLength(1);
    expect(d[0]).toContain(
      'aws.apigateway.MethodSettings "settings" turns on execution logging, but no log group "API-Gateway-Execution-Logs_<rest api id>/<stage>" exists before it',
    );
  });
  it("accepts a managed execution log group the settings depend on", async () => {
    expect(details("apigateway-execution-logs-managed", await check(api(true)))).toEqual([]);
  });
});

describe("lambda-target-attachment-replacement (advisory)", () => {
  const attachment = (opts: pulumi.CustomResourceOptions) => () => {
    const tg = new aws.lb.TargetGroup("tg", { name: "tg", targetType: "lambda", lambdaMultiValueHeadersEnabled: true });
    new aws.lb.TargetGroupAttachment("target", { targetGroupArn: tg.arn, targetId: "arn:aws:lambda:eu-west-1:123456789012:function:api:live" }, opts);
  };
  it("flags a Lambda attachment replaced create-before-delete (a Lambda target group holds one function)", async () => {
    const v = of("lambda-target-attachment-replacement", await check(attachment({})));
    expect(v).toHaveLength(1);
    expect(v[0]!.detail).toContain('aws.lb.TargetGroupAttachment "target" attaches a Lambda target without deleteBeforeReplace');
    expect(v[0]!.urn).toMatch(/TargetGroupAttachment::target$/);
  });
  it("accepts deleteBeforeReplace (read from args.opts)", async () => {
    expect(details("lambda-target-attachment-replacement", await check(attachment({ deleteBeforeReplace: true })))).toEqual([]);
  });
});

describe("autoscaled-provisioned-concurrency (advisory)", () => {
  const scaled = (opts: pulumi.CustomResourceOptions) => () => {
    new aws.lambda.ProvisionedConcurrencyConfig("warm", { functionName: "api", qualifier: "live", provisionedConcurrentExecutions: 2 }, opts);
    new aws.appautoscaling.Target("scale", {
      serviceNamespace: "lambda",
      scalableDimension: "lambda:function:ProvisionedConcurrency",
      resourceId: "function:api:live",
      minCapacity: 2,
      maxCapacity: 6,
    });
  };
  it("flags auto scaled provisioned concurrency that `pulumi up --refresh` would reset", async () => {
    const d = details("autoscaled-provisioned-concurrency", await check(scaled({})));
    expect(d).toEqual([
      'aws.lambda.ProvisionedConcurrencyConfig "warm" is auto scaled, but provisionedConcurrentExecutions is not in ignoreChanges: `pulumi up --refresh` reads the scaled value back and sets it back to 2. Add ignoreChanges: ["provisionedConcurrentExecutions"].',
    ]);
  });
  it("accepts ignoreChanges on provisionedConcurrentExecutions (read from args.opts)", async () => {
    expect(details("autoscaled-provisioned-concurrency", await check(scaled({ ignoreChanges: ["provisionedConcurrentExecutions"] })))).toEqual([]);
  });
});
