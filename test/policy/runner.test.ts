/**
 * The offline runner end to end: a program with planted deploy-time errors is caught error
 * by error; the CLI's exit codes, --json, --config and --policy-config behave as documented.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { formatReport } from "../../scripts/preflight/report";
import { preflight, type PreflightResult } from "../../scripts/preflight/run";
import { cli } from "./cli";

const ROOT = path.resolve(__dirname, "../..");
const BAD = path.join(ROOT, "test/fixtures/bad-program");
const GOOD = path.join(ROOT, "test/fixtures/good-program");

/** Every error planted in test/fixtures/bad-program/index.ts: where it is, which policy catches it, how the message says it. */
const PLANTED: { id: number; resource: string; policy: string; level: "mandatory" | "advisory"; says: string }[] = [
  { id: 1, resource: "assets", policy: "aws-name-limits", level: "mandatory", says: 'bucket "Shop_Assets" has characters or a shape AWS rejects' },
  { id: 2, resource: "assets", policy: "s3-public-access-block", level: "advisory", says: "no aws.s3.BucketPublicAccessBlock targets this bucket" },
  { id: 3, resource: "api", policy: "lambda-image-package", level: "mandatory", says: 'shop-api:latest" must be pinned by digest' },
  { id: 4, resource: "api", policy: "lambda-memory-quota", level: "advisory", says: "memorySize 3072 MB exceeds 3008 MB" },
  {
    id: 5,
    resource: "api-tg",
    policy: "aws-name-limits",
    level: "mandatory",
    says: 'name "ecommerce-api-lambda-targets-prod" is 33 characters; the limit is 32',
  },
  {
    id: 6,
    resource: "api-tg",
    policy: "lb-health-check-timing",
    level: "mandatory",
    says: "healthCheck.interval 5 s must be greater than healthCheck.timeout 5 s",
  },
  {
    id: 7,
    resource: "api-attach",
    policy: "alb-lambda-permission-before-attachment",
    level: "mandatory",
    says: 'must depend on aws.lambda.Permission "alb-invoke"',
  },
  {
    id: 8,
    resource: "sessions",
    policy: "dynamodb-attributes-keys-only",
    level: "mandatory",
    says: 'attribute "expiresAt" is declared but it is the TTL attribute',
  },
  { id: 9, resource: "ops", policy: "cloudwatch-dashboard-body", level: "mandatory", says: 'render option "dimensions"' },
  { id: 9, resource: "ops", policy: "cloudwatch-dashboard-body", level: "mandatory", says: "has no properties.region" },
  { id: 10, resource: "errors", policy: "cloudwatch-alarm-limits", level: "mandatory", says: "period 45 s is not allowed" },
  { id: 11, resource: "api-access", policy: "log-retention-allowed", level: "mandatory", says: "retentionInDays 10 is not accepted" },
  { id: 12, resource: "edge-guard", policy: "lambda-edge-constraints", level: "mandatory", says: 'architectures ["arm64"]; Lambda@Edge supports only x86_64' },
  { id: 12, resource: "edge-guard", policy: "lambda-edge-constraints", level: "mandatory", says: "environment variables are not allowed at the edge" },
  { id: 12, resource: "edge-guard", policy: "lambda-edge-constraints", level: "mandatory", says: "publish must be true" },
  {
    id: 12,
    resource: "edge-guard",
    policy: "lambda-edge-constraints",
    level: "mandatory",
    says: "region is eu-west-1; Lambda@Edge functions must be created in us-east-1",
  },
  { id: 12, resource: "edge-guard", policy: "lambda-edge-constraints", level: "mandatory", says: "must trust edgelambda.amazonaws.com" },
  { id: 12, resource: "cdn", policy: "lambda-edge-constraints", level: "mandatory", says: "must reference a numbered version" },
  { id: 13, resource: "deploy", policy: "apigateway-deployment-triggers", level: "mandatory", says: "triggers is empty" },
  { id: 14, resource: "prod", policy: "apigateway-account-logging-role", level: "mandatory", says: "no aws.apigateway.Account with cloudwatchRoleArn" },
  { id: 15, resource: "db", policy: "aws-name-limits", level: "mandatory", says: 'clusterIdentifier "shop_db"' },
  { id: 16, resource: "db", policy: "aurora-serverless-v2", level: "mandatory", says: "minCapacity 0.75 ACU must be in 0..256 in steps of 0.5" },
  { id: 17, resource: "db-proxy", policy: "rds-proxy-configuration", level: "mandatory", says: "vpcSubnetIds has 1 subnet(s)" },
  { id: 18, resource: "db", policy: "rds-cluster-arguments", level: "mandatory", says: "skipFinalSnapshot is false but finalSnapshotIdentifier is unset" },
  { id: 19, resource: "db-proxy", policy: "iam-service-role-trust", level: "mandatory", says: "does not let rds.amazonaws.com assume it" },
  { id: 20, resource: "api-policy", policy: "iam-policy-grammar", level: "mandatory", says: "has a Principal, which an identity policy must not have" },
  {
    id: 21,
    resource: "reports-acl",
    policy: "s3-bucket-access-settings",
    level: "mandatory",
    says: 'sets ACL "log-delivery-write" but aws.s3.Bucket "reports" has ACLs disabled',
  },
  {
    id: 22,
    resource: "reports-policy",
    policy: "s3-bucket-access-settings",
    level: "mandatory",
    says: "sets blockPublicPolicy; S3 refuses it with AccessDenied",
  },
  { id: 23, resource: "db-subnets", policy: "rds-subnet-zones", level: "mandatory", says: "are all in eu-west-1a" },
  { id: 24, resource: "latency", policy: "cloudwatch-alarm-arguments", level: "mandatory", says: 'metricName "Duration" needs namespace' },
  {
    id: 24,
    resource: "latency",
    policy: "cloudwatch-alarm-arguments",
    level: "mandatory",
    says: "needs exactly one of statistic or extendedStatistic (both given)",
  },
  { id: 25, resource: "vpc-flow", policy: "vpc-flow-log-configuration", level: "mandatory", says: "maxAggregationInterval 300 s must be 60 or 600" },
  { id: 25, resource: "vpc-flow", policy: "vpc-flow-log-configuration", level: "mandatory", says: "iamRoleArn must not be set for a s3 flow log" },
  { id: 25, resource: "vpc-flow", policy: "iam-service-role-trust", level: "mandatory", says: "does not let vpc-flow-logs.amazonaws.com assume it" },
];

let result: PreflightResult;
beforeAll(async () => {
  result = await preflight({ programDir: BAD });
});

describe("preflight on a program with planted deploy-time errors", () => {
  it.each(PLANTED.map((p) => [`PLANTED-${p.id} ${p.policy} on ${p.resource}: ${p.says}`, p] as const))("catches %s", (_title, p) => {
    const found = result.violations.filter((v) => v.policy === p.policy && v.urn && result.resources[v.urn]?.name === p.resource && v.detail.includes(p.says));
    expect(found, JSON.stringify(result.violations.filter((v) => v.policy === p.policy).map((v) => v.detail))).toHaveLength(1);
    expect(found[0]!.level).toBe(p.level);
  });
  it("reports nothing mandatory beyond the planted errors, and fails", () => {
    expect(result.mandatory).toBe(PLANTED.filter((p) => p.level === "mandatory").length);
    expect(result.passed).toBe(false);
    expect(result.project).toBe("preflight-bad-program");
    expect(result.skippedSecrets).toEqual(["preflight-bad-program:dbPassword"]);
  });
  it("groups the report by resource and ends with a summary line", () => {
    const text = formatReport(result);
    const tgAt = text.indexOf('aws.lb.TargetGroup "api-tg"');
    expect(tgAt).toBeGreaterThan(0);
    expect(
      text
        .slice(tgAt)
        .split("\n")
        .slice(1, 3)
        .every((l) => l.includes("x mandatory")),
    ).toBe(true);
    expect(text.trim().split("\n").at(-1)).toBe(
      `FAIL: ${result.mandatory} mandatory, ${result.advisory} advisory, 0 waived across ${new Set(result.violations.map((v) => v.urn)).size} resource(s) - mandatory violations are what AWS would reject at deploy time`,
    );
  });
});

describe("npm run preflight (CLI)", () => {
  it("exits 1 with --json on mandatory violations, and --config overrides stack config", async () => {
    const r = await cli("--program", BAD, "--json", "--config", "apiMemoryMb=2048");
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout) as PreflightResult;
    expect(json.mandatory).toBe(result.mandatory);
    expect(json.violations.some((v) => v.policy === "lambda-memory-quota")).toBe(false);
    expect(json.violations.some((v) => v.policy === "lambda-image-package")).toBe(true);
  });
  it("exits 0 on a clean program (project config defaults from Pulumi.yaml), 1 when --config breaks it, and applies waivers from --policy-config", async () => {
    const clean = await cli("--program", GOOD);
    expect(clean.code).toBe(0);
    expect(clean.stdout.trim().split("\n").at(-1)).toBe("PASS: 0 mandatory, 0 advisory, 0 waived across 0 resource(s)");
    const renamed = await cli("--program", GOOD, "--config", "bucketName=Not_A_Bucket", "--json");
    expect(renamed.code).toBe(1);
    expect((JSON.parse(renamed.stdout) as PreflightResult).violations.map((v) => v.detail)).toEqual([
      "aws.s3.Bucket \"site\": bucket \"Not_A_Bucket\" has characters or a shape AWS rejects; allowed: lowercase letters, digits, '.' and '-', starting and ending with a letter or digit.",
    ]);
    const dir = mkdtempSync(path.join(tmpdir(), "preflight-"));
    const cfg = path.join(dir, "policy.json");
    writeFileSync(
      cfg,
      JSON.stringify({
        "aws-name-limits": "advisory",
        "lambda-memory-quota": { waivers: [{ resource: "api", reason: "quota raised to 10240 MB in this account" }] },
      }),
    );
    const r = await cli("--program", BAD, "--policy-config", cfg, "--config", "apiMemoryMb=3072");
    expect(r.stdout).toContain("~ [lambda-memory-quota] api: quota raised to 10240 MB in this account");
    expect(r.stdout).toContain("! advisory   [aws-name-limits]");
    expect(r.code).toBe(1);
  });
  it("exits 2 naming the problem: no Pulumi.yaml, a data source it cannot answer, a bad argument", async () => {
    const missing = await cli("--program", path.join(ROOT, "test"));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`preflight: no Pulumi.yaml in ${path.join(ROOT, "test")}`);
    const unknownCall = await cli("--program", path.join(ROOT, "test/fixtures/unknown-data-source"));
    expect(unknownCall.code).toBe(2);
    expect(unknownCall.stderr).toContain('preflight mock: no answer for data source "aws:ec2/getVpc:getVpc"');
    const bad = await cli("--config", "novalue");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--config expects key=value, got "novalue"');
    // A misspelt stack: the program's error, then which config file is missing and which stacks have one.
    const typo = await cli("--stack", "deev");
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("environmentSuffix is required");
    expect(typo.stderr).toContain(`no Pulumi.deev.yaml in ${ROOT}`);
    expect(typo.stderr).toContain("stacks with a config file: dev, prod");
  });
});
