import * as aws from "@pulumi/aws";
import { describe, expect, it } from "vitest";
import { check, details } from "./check";

interface DbOpts {
  cluster?: Partial<aws.rds.ClusterArgs>;
  instanceClass?: string;
  proxy?: Partial<aws.rds.ProxyArgs>;
  targetDependsOnWriter?: boolean;
  readOnlyEndpoint?: boolean;
}

function database(o: DbOpts = {}) {
  return () => {
    const cluster = new aws.rds.Cluster("db", {
      clusterIdentifier: "shop-db",
      engine: "aurora-postgresql",
      engineMode: "provisioned",
      engineVersion: "17.4",
      storageEncrypted: true,
      backupRetentionPeriod: 7,
      serverlessv2ScalingConfiguration: { minCapacity: 0.5, maxCapacity: 16 },
      ...o.cluster,
    });
    const writer = new aws.rds.ClusterInstance("writer", {
      clusterIdentifier: cluster.id,
      instanceClass: o.instanceClass ?? "db.serverless",
      engine: "aurora-postgresql",
    });
    const proxy = new aws.rds.Proxy("proxy", {
      name: "shop-proxy",
      engineFamily: "POSTGRESQL",
      roleArn: "arn:aws:iam::123456789012:role/proxy",
      vpcSubnetIds: ["subnet-a", "subnet-b"],
      requireTls: true,
      auths: [{ authScheme: "SECRETS", iamAuth: "REQUIRED", secretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db" }],
      ...o.proxy,
    });
    const group = new aws.rds.ProxyDefaultTargetGroup("proxy-tg", { dbProxyName: proxy.name });
    new aws.rds.ProxyTarget(
      "proxy-target",
      { dbProxyName: proxy.name, targetGroupName: group.name, dbClusterIdentifier: cluster.clusterIdentifier },
      { dependsOn: o.targetDependsOnWriter === false ? [] : [writer] },
    );
    if (o.readOnlyEndpoint !== false) {
      new aws.rds.ProxyEndpoint("proxy-ro", {
        dbProxyName: proxy.name,
        dbProxyEndpointName: "shop-ro",
        vpcSubnetIds: ["subnet-a", "subnet-b"],
        targetRole: "READ_ONLY",
      });
    }
  };
}

describe("aurora-serverless-v2 (mandatory, stack)", () => {
  it("rejects bad ACU bounds and steps, serverless mode, retention out of range", async () => {
    const e = await check(
      database({ cluster: { engineMode: "serverless", backupRetentionPeriod: 40, serverlessv2ScalingConfiguration: { minCapacity: 0.75, maxCapacity: 300 } } }),
    );
    const d = details("aurora-serverless-v2", e);
    expect(d).toEqual([
      'aws.rds.Cluster "db": backupRetentionPeriod 40 days is outside 1..35.',
      'aws.rds.Cluster "db": engineMode "serverless" with serverlessv2ScalingConfiguration; Serverless v2 needs engineMode "provisioned".',
      'aws.rds.Cluster "db": serverlessv2ScalingConfiguration.minCapacity 0.75 ACU must be in 0..256 in steps of 0.5.',
      'aws.rds.Cluster "db": serverlessv2ScalingConfiguration.maxCapacity 300 ACU must be in 0..256 in steps of 0.5.',
    ]);
  });
  it("rejects min above max and db.serverless instances in a cluster without scaling configuration", async () => {
    const e1 = await check(database({ cluster: { serverlessv2ScalingConfiguration: { minCapacity: 8, maxCapacity: 4 } } }));
    expect(details("aurora-serverless-v2", e1)).toEqual(['aws.rds.Cluster "db": minCapacity 8 ACU exceeds maxCapacity 4 ACU.']);
    const e2 = await check(database({ cluster: { serverlessv2ScalingConfiguration: undefined } }));
    expect(details("aurora-serverless-v2", e2)).toEqual([
      'aws.rds.ClusterInstance "writer": instanceClass db.serverless needs serverlessv2ScalingConfiguration on its cluster aws.rds.Cluster "db".',
    ]);
  });
  it("accepts the platform's shape (provisioned mode, 0.5..16 ACU, db.serverless)", async () => {
    expect(details("aurora-serverless-v2", await check(database()))).toEqual([]);
  });
});

describe("rds-proxy-configuration (mandatory, stack)", () => {
  it("rejects one subnet, no secret, an unknown engine family and a target registered before the writer", async () => {
    const e = await check(
      database({ proxy: { engineFamily: "ORACLE", vpcSubnetIds: ["subnet-a"], auths: [{ authScheme: "SECRETS" }] }, targetDependsOnWriter: false }),
    );
    const d = details("rds-proxy-configuration", e);
    expect(d).toContain('aws.rds.Proxy "proxy": engineFamily "ORACLE" must be one of POSTGRESQL, MYSQL, SQLSERVER.');
    expect(d).toContain('aws.rds.Proxy "proxy": vpcSubnetIds has 1 subnet(s); RDS Proxy needs at least 2 in different Availability Zones.');
    expect(d).toContain('aws.rds.Proxy "proxy": auths[0] needs a secretArn (the database credentials in Secrets Manager).');
    expect(d.some((m) => m.startsWith('aws.rds.ProxyTarget "proxy-target": registers aws.rds.Cluster "db" before any of its instances exists'))).toBe(true);
    expect(d).toHaveLength(4);
  });
  it("rejects a READ_ONLY endpoint on a non-Aurora target", async () => {
    const e = await check(
      database({ cluster: { engine: "postgres", serverlessv2ScalingConfiguration: undefined, engineMode: undefined }, instanceClass: "db.r6g.large" }),
    );
    expect(details("rds-proxy-configuration", e)).toEqual([
      'aws.rds.ProxyEndpoint "proxy-ro": targetRole READ_ONLY is only supported for Aurora cluster targets (proxy aws.rds.Proxy "proxy" targets engine "postgres").',
    ]);
  });
  it("accepts two subnets, a secret, an Aurora READ_ONLY endpoint and a target after the writer", async () => {
    expect(details("rds-proxy-configuration", await check(database()))).toEqual([]);
  });
});

describe("rds-proxy-configuration: the proxy must reach Secrets Manager (HTTPS egress)", () => {
  const withProxyGroup = (egress: "none" | "db-only" | "https-rule" | "inline-all" | "https-legacy-rule") => () => {
    const sg = new aws.ec2.SecurityGroup("proxy-sg", {
      vpcId: "vpc-1",
      ...(egress === "inline-all" ? { egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }] } : {}),
    });
    const dbSg = new aws.ec2.SecurityGroup("db-sg", { vpcId: "vpc-1" });
    if (egress !== "none" && egress !== "inline-all") {
      new aws.vpc.SecurityGroupEgressRule("proxy-to-db", {
        securityGroupId: sg.id,
        referencedSecurityGroupId: dbSg.id,
        ipProtocol: "tcp",
        fromPort: 5432,
        toPort: 5432,
      });
    }
    if (egress === "https-rule") {
      new aws.vpc.SecurityGroupEgressRule("proxy-https", { securityGroupId: sg.id, cidrIpv4: "0.0.0.0/0", ipProtocol: "tcp", fromPort: 443, toPort: 443 });
    }
    if (egress === "https-legacy-rule") {
      new aws.ec2.SecurityGroupRule("proxy-https", {
        type: "egress",
        securityGroupId: sg.id,
        protocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrBlocks: ["0.0.0.0/0"],
      });
    }
    database({ proxy: { vpcSecurityGroupIds: [sg.id] } })();
  };
  const MESSAGE =
    'aws.rds.Proxy "proxy": its security group(s) aws.ec2.SecurityGroup "proxy-sg" allow no TCP 443 egress; the proxy reads its Secrets Manager secret through them (NAT or a VPC endpoint), so its target would stay unavailable.';

  it("rejects a proxy whose security group only reaches the database (or nothing)", async () => {
    expect(details("rds-proxy-configuration", await check(withProxyGroup("db-only")))).toEqual([MESSAGE]);
    expect(details("rds-proxy-configuration", await check(withProxyGroup("none")))).toEqual([MESSAGE]);
  });

  it("accepts HTTPS egress as a vpc egress rule, a security group rule or inline allow-all", async () => {
    for (const egress of ["https-rule", "https-legacy-rule", "inline-all"] as const) {
      expect(details("rds-proxy-configuration", await check(withProxyGroup(egress))), egress).toEqual([]);
    }
  });
});

describe("database security (advisory)", () => {
  it("flags unencrypted storage, a public instance and a proxy without TLS", async () => {
    const e = await check(() => {
      new aws.rds.Cluster("plain", { engine: "aurora-postgresql" });
      new aws.rds.ClusterInstance("public", {
        clusterIdentifier: "plain",
        instanceClass: "db.serverless",
        engine: "aurora-postgresql",
        publiclyAccessible: true,
      });
      new aws.rds.Proxy("notls", { engineFamily: "POSTGRESQL", roleArn: "arn:aws:iam::1:role/r", vpcSubnetIds: ["a", "b"], auths: [{ secretArn: "arn:s" }] });
    });
    expect(details("rds-storage-encrypted", e)).toEqual(['aws.rds.Cluster "plain": storageEncrypted is unset (false); set it to true.']);
    expect(details("rds-not-publicly-accessible", e)).toEqual([
      'aws.rds.ClusterInstance "public": publiclyAccessible is true; keep databases in private subnets only.',
    ]);
    expect(details("rds-proxy-require-tls", e)).toEqual(['aws.rds.Proxy "notls": requireTls is unset (false); set it to true.']);
    const security = ["rds-storage-encrypted", "rds-not-publicly-accessible", "rds-proxy-require-tls"];
    expect(e.violations.filter((v) => security.includes(v.policy)).every((v) => v.level === "advisory")).toBe(true);
  });
  it("accepts encrypted, private, TLS-only databases", async () => {
    const e = await check(database());
    for (const p of ["rds-storage-encrypted", "rds-not-publicly-accessible", "rds-proxy-require-tls"]) expect(details(p, e)).toEqual([]);
  });
});

function table(extra: Partial<aws.dynamodb.TableArgs>) {
  return () =>
    void new aws.dynamodb.Table("sessions", {
      billingMode: "PAY_PER_REQUEST",
      hashKey: "pk",
      rangeKey: "sk",
      attributes: [
        { name: "pk", type: "S" },
        { name: "sk", type: "S" },
      ],
      serverSideEncryption: { enabled: true },
      ...extra,
    });
}

describe("dynamodb-attributes-keys-only (mandatory)", () => {
  it("rejects a declared TTL attribute, a non-key attribute and an undeclared index key", async () => {
    const e = await check(
      table({
        attributes: [
          { name: "pk", type: "S" },
          { name: "sk", type: "S" },
          { name: "expiresAt", type: "N" },
          { name: "email", type: "S" },
        ],
        ttl: { attributeName: "expiresAt", enabled: true },
        globalSecondaryIndexes: [{ name: "byUser", hashKey: "userId", projectionType: "ALL" }],
      }),
    );
    expect(details("dynamodb-attributes-keys-only", e)).toEqual([
      'aws.dynamodb.Table "sessions": attribute "expiresAt" is declared but it is the TTL attribute, which must not be declared; attributes may list only key attributes (pk, sk, userId).',
      'aws.dynamodb.Table "sessions": attribute "email" is declared but it is not a table or index key; attributes may list only key attributes (pk, sk, userId).',
      'aws.dynamodb.Table "sessions": key attribute "userId" is used by the table or an index but not declared in attributes.',
    ]);
  });
  it("accepts exactly the table and index keys, with TTL configured but not declared", async () => {
    const e = await check(
      table({
        attributes: [
          { name: "pk", type: "S" },
          { name: "sk", type: "S" },
          { name: "userId", type: "S" },
        ],
        ttl: { attributeName: "expiresAt", enabled: true },
        globalSecondaryIndexes: [{ name: "byUser", hashKey: "userId", projectionType: "ALL" }],
      }),
    );
    expect(details("dynamodb-attributes-keys-only", e)).toEqual([]);
  });
});

describe("dynamodb-encryption (advisory)", () => {
  it("flags a table without KMS server-side encryption and accepts one with it", async () => {
    expect(details("dynamodb-encryption", await check(table({ serverSideEncryption: undefined })))).toHaveLength(1);
    expect(details("dynamodb-encryption", await check(table({})))).toEqual([]);
  });
});
