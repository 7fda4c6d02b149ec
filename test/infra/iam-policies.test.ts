/** The compute tier's IAM documents, as pure functions. */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import {
  apiFunctionPolicy,
  flowLogTrustDocument,
  proxyDbUserArn,
  serviceAssumeRolePolicy,
  staticBucketPolicy,
  tlsOnlyStatement,
} from "../../infra/iam-policies";

/** DynamoDB commands the API source sends (`new XxxCommand(` from @aws-sdk/client-dynamodb or @aws-sdk/lib-dynamodb). */
function appDynamoCommands(): string[] {
  const found = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (full.endsWith(".ts")) {
        const source = fs.readFileSync(full, "utf8");
        if (!source.includes("@aws-sdk/lib-dynamodb") && !source.includes("@aws-sdk/client-dynamodb")) continue;
        for (const match of source.matchAll(/new (\w+Command)\(/g)) found.add(match[1]!);
      }
    }
  };
  walk(path.resolve(__dirname, "../../app/src"));
  return [...found].sort();
}

const TABLES = ["arn:aws:dynamodb:eu-west-1:123456789012:table/s", "arn:aws:dynamodb:eu-west-1:123456789012:table/c"];
const SECRETS = ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:k-AbCdEf", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:t-AbCdEf"];
const DB_USER_ARN = "arn:aws:rds-db:eu-west-1:123456789012:dbuser:prx-0123456789abcdef0/shop_app";

describe("proxyDbUserArn", () => {
  it("builds the rds-db:connect resource from the proxy's resource id and the user", () => {
    expect(proxyDbUserArn("arn:aws:rds:eu-west-1:123456789012:db-proxy:prx-0123456789abcdef0", "shop_app")).toBe(DB_USER_ARN);
  });

  it("keeps the partition and region of the proxy", () => {
    expect(proxyDbUserArn("arn:aws-cn:rds:cn-north-1:123456789012:db-proxy:prx-0abc", "app")).toBe(
      "arn:aws-cn:rds-db:cn-north-1:123456789012:dbuser:prx-0abc/app",
    );
  });

  it("rejects a cluster ARN or a user name that is not a PostgreSQL identifier, saying what was expected", () => {
    expect(() => proxyDbUserArn("arn:aws:rds:eu-west-1:123456789012:cluster:db", "app")).toThrow(/not an RDS Proxy ARN/);
    expect(() => proxyDbUserArn("arn:aws:rds:eu-west-1:123456789012:db-proxy:prx-0abc", "*")).toThrow(/not a PostgreSQL user name/);
  });
});

describe("apiFunctionPolicy", () => {
  const policy = apiFunctionPolicy({ tableArns: TABLES, dbUserArns: [DB_USER_ARN], secretArns: SECRETS });

  it("allows only the single-item DynamoDB actions the API calls, on exactly the two tables (no Query, Scan, batch or table admin)", () => {
    const tables = policy.Statement.find((s) => s.Sid === "Tables")!;
    expect(tables.Resource).toEqual(TABLES);
    expect(tables.Action).toEqual(["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"]);
  });

  it("grants exactly the DynamoDB actions the API's code sends: none missing, none spare", () => {
    const commands = appDynamoCommands();
    expect(commands.length).toBeGreaterThan(0);
    // GetItemCommand (low-level client) and GetCommand (document client) are both the GetItem action.
    const actionOf = (command: string) => {
      const operation = /^(Get|Put|Update|Delete)(Item)?Command$/.exec(command)?.[1];
      expect(operation, `no IAM mapping for ${command}`).toBeDefined();
      return `dynamodb:${operation}Item`;
    };
    const tables = policy.Statement.find((s) => s.Sid === "Tables")!;
    expect([...new Set(commands.map(actionOf))].sort()).toEqual([...tables.Action].sort());
  });

  it("has no wildcard action and no wildcard resource except X-Ray's", () => {
    for (const s of policy.Statement) {
      expect([s.Action].flat().some((a) => a.includes("*"))).toBe(false);
      const wildcard = [s.Resource].flat().some((r) => r!.includes("*"));
      expect(wildcard).toBe(s.Sid === "XRayTraces");
    }
  });

  it("adds kms:Decrypt only for given customer-managed keys, and only via Secrets Manager", () => {
    expect(policy.Statement.some((s) => [s.Action].flat().includes("kms:Decrypt"))).toBe(false);
    const withKms = apiFunctionPolicy({
      tableArns: TABLES,
      dbUserArns: [DB_USER_ARN],
      secretArns: SECRETS,
      kmsKeyArns: ["arn:aws:kms:eu-west-1:123456789012:key/k"],
    });
    const kms = withKms.Statement.find((s) => s.Sid === "DecryptSecrets")!;
    expect(kms).toMatchObject({ Action: "kms:Decrypt", Resource: ["arn:aws:kms:eu-west-1:123456789012:key/k"] });
    expect(kms.Condition).toEqual({ StringEquals: { "kms:ViaService": ["secretsmanager.eu-west-1.amazonaws.com", "secretsmanager.eu-west-1.amazonaws.com"] } });
  });

  it("refuses to build a policy without tables or secrets", () => {
    expect(() => apiFunctionPolicy({ tableArns: [], dbUserArns: [DB_USER_ARN], secretArns: SECRETS })).toThrow(/tableArns/);
    expect(() => apiFunctionPolicy({ tableArns: TABLES, dbUserArns: [DB_USER_ARN], secretArns: [] })).toThrow(/secretArns/);
  });
});

describe("trust and bucket policies", () => {
  it("trust policy names the services and has no Resource element", () => {
    expect(serviceAssumeRolePolicy("apigateway.amazonaws.com").Statement).toEqual([
      { Effect: "Allow", Principal: { Service: "apigateway.amazonaws.com" }, Action: "sts:AssumeRole" },
    ]);
    expect(serviceAssumeRolePolicy("lambda.amazonaws.com", "edgelambda.amazonaws.com").Statement[0]!.Principal).toEqual({
      Service: ["lambda.amazonaws.com", "edgelambda.amazonaws.com"],
    });
  });

  it("static bucket: TLS-only deny, and GetObject for CloudFront only from the one distribution", () => {
    const bucket = "arn:aws:s3:::ecommerce-static-t1";
    const dist = "arn:aws:cloudfront::123456789012:distribution/E123";
    const doc = staticBucketPolicy(bucket, dist, tlsOnlyStatement(bucket));
    expect(doc.Statement[0]).toEqual(tlsOnlyStatement(bucket));
    expect(doc.Statement[0]).toMatchObject({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } }, Resource: [bucket, `${bucket}/*`] });
    expect(doc.Statement[1]).toEqual({
      Sid: "AllowCloudFrontOriginAccessControl",
      Effect: "Allow",
      Principal: { Service: "cloudfront.amazonaws.com" },
      Action: "s3:GetObject",
      Resource: `${bucket}/*`,
      Condition: { StringEquals: { "AWS:SourceArn": dist } },
    });
    expect(doc.Statement).toHaveLength(2);
  });
});

describe("flowLogTrustDocument", () => {
  it("scopes the trust to this account's flow logs in the stack's partition (China and GovCloud included)", () => {
    for (const partition of ["aws", "aws-cn", "aws-us-gov"]) {
      const trust = flowLogTrustDocument(partition, "123456789012", "cn-north-1");
      expect(trust.Statement[0]!.Condition).toEqual({
        StringEquals: { "aws:SourceAccount": "123456789012" },
        ArnLike: { "aws:SourceArn": `arn:${partition}:ec2:cn-north-1:123456789012:vpc-flow-log/*` },
      });
    }
  });
});
