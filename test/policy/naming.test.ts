import * as aws from "@pulumi/aws";
import { describe, expect, it } from "vitest";
import { NAME_RULES, nameProblems } from "../../policy/lib/names";
import { check, details } from "./check";

const rule = (type: string, prop = "name") => NAME_RULES[type]![prop]!;

describe("name rules (pure)", () => {
  it("target group: 32 characters, letters, digits and inner hyphens", () => {
    const tg = rule("aws:lb/targetGroup:TargetGroup");
    expect(nameProblems(tg, "ecommerce-api-tg-production-01")).toEqual([]);
    expect(nameProblems(tg, "ecommerce-api-tg-production-0001")).toEqual([]);
    expect(nameProblems(tg, "ecommerce-api-tg-production-00001")).toEqual(["is 33 characters; the limit is 32"]);
    expect(nameProblems(tg, "-api")).toHaveLength(1);
    expect(nameProblems(tg, "api_tg")).toHaveLength(1);
  });
  it("S3 bucket: lowercase, 3-63, no '..', not an IP, no reserved prefix/suffix", () => {
    const b = rule("aws:s3/bucket:Bucket", "bucket");
    expect(nameProblems(b, "ecommerce-static-dev")).toEqual([]);
    expect(nameProblems(b, "Ecommerce")).toHaveLength(1);
    expect(nameProblems(b, "ab")).toEqual(["is 2 characters; the minimum is 3"]);
    expect(nameProblems(b, "a..b")).toEqual(["must not contain '..'"]);
    expect(nameProblems(b, "192.168.1.1")).toEqual(["must not be formatted as an IP address"]);
    expect(nameProblems(b, "xn--shop")).toEqual(["must not start with the reserved prefix 'xn--'"]);
    expect(nameProblems(b, "shop-s3alias")).toEqual(["must not end with the reserved suffix '-s3alias'"]);
  });
  it("RDS identifiers start with a letter, no double or trailing hyphen, 63 max", () => {
    const c = rule("aws:rds/cluster:Cluster", "clusterIdentifier");
    expect(nameProblems(c, "ecommerce-db-dev")).toEqual([]);
    expect(nameProblems(c, "1db")).toHaveLength(1);
    expect(nameProblems(c, "db--x")).toHaveLength(1);
    expect(nameProblems(c, "db-")).toHaveLength(1);
    expect(nameProblems(c, "a".repeat(64))).toEqual(["is 64 characters; the limit is 63"]);
  });
});

describe("aws-name-limits (mandatory)", () => {
  it("names the resource, the property, the value and the limit for each service", async () => {
    const long = "ecommerce-" + "x".repeat(60);
    const e = await check(() => {
      new aws.lb.LoadBalancer("alb", { name: "ecommerce-storefront-alb-production" });
      new aws.lambda.Function("fn", {
        name: long,
        role: "arn:aws:iam::1:role/r",
        packageType: "Image",
        imageUri: `r@sha256:${"e".repeat(64)}`,
        architectures: ["arm64"],
      });
      new aws.iam.Role("role", { name: long, assumeRolePolicy: "{}" });
      new aws.rds.Proxy("proxy", { name: "Shop_Proxy", engineFamily: "POSTGRESQL", roleArn: "r", vpcSubnetIds: ["a", "b"], auths: [{ secretArn: "s" }] });
      new aws.ecr.Repository("repo", { name: "Shop-API" });
      new aws.secretsmanager.Secret("secret", { name: "shop secret" });
      new aws.cloudwatch.LogGroup("logs", { name: "/aws/lambda/shop api" });
      new aws.dynamodb.Table("t", { name: "ab", hashKey: "pk", attributes: [{ name: "pk", type: "S" }] });
      new aws.apigateway.Stage("stage", { restApi: "a", deployment: "d", stageName: "prod stage" });
    });
    const d = details("aws-name-limits", e);
    // Registration order is asynchronous; compare as sets.
    expect([...d].sort()).toEqual(
      [
        'aws.lb.LoadBalancer "alb": name "ecommerce-storefront-alb-production" is 35 characters; the limit is 32.',
        `aws.lambda.Function "fn": name "${long}" is 70 characters; the limit is 64.`,
        `aws.iam.Role "role": name "${long}" is 70 characters; the limit is 64.`,
        'aws.rds.Proxy "proxy": name "Shop_Proxy" has characters or a shape AWS rejects; allowed: proxy name: lowercase letters, digits and single hyphens, starting with a letter, not ending with a hyphen.',
        "aws.ecr.Repository \"repo\": name \"Shop-API\" has characters or a shape AWS rejects; allowed: lowercase letters and digits separated by single '.', '_', '-' or '/'.",
        'aws.secretsmanager.Secret "secret": name "shop secret" has characters or a shape AWS rejects; allowed: letters, digits and /_+=.@-.',
        'aws.cloudwatch.LogGroup "logs": name "/aws/lambda/shop api" has characters or a shape AWS rejects; allowed: letters, digits and ._-/#.',
        'aws.dynamodb.Table "t": name "ab" is 2 characters; the minimum is 3.',
        "aws.apigateway.Stage \"stage\": stageName \"prod stage\" has characters or a shape AWS rejects; allowed: letters, digits, '-' and '_'.",
      ].sort(),
    );
    expect(e.violations.filter((v) => v.policy === "aws-name-limits").every((v) => v.level === "mandatory")).toBe(true);
  });
  it("accepts names within every limit", async () => {
    const e = await check(() => {
      new aws.lb.LoadBalancer("alb", { name: "ecommerce-alb-dev" });
      new aws.lb.TargetGroup("tg", { name: "ecommerce-api-tg-dev" });
      new aws.s3.Bucket("b", { bucket: "ecommerce-static-dev" });
      new aws.rds.Cluster("db", { clusterIdentifier: "ecommerce-db-dev", engine: "aurora-postgresql" });
      new aws.secretsmanager.Secret("secret", { name: "ecommerce/session-key-dev" });
    });
    expect(details("aws-name-limits", e)).toEqual([]);
  });
});
