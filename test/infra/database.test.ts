/**
 * The database under Pulumi mocks: Aurora PostgreSQL Serverless v2,
 * master credentials, RDS Proxy with IAM auth and TLS, and the security-group chain.
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import type { Database, DatabaseArgs } from "../../infra/database";
import { MOCK_ACCOUNT_ID, MOCK_REGION, dependsOn, installMocks, isSecret, ofType, oneOfType, resolve, settle, unsecret, testTags } from "./harness";

const TAGS = testTags("t1");
const PRIVATE_SUBNETS = ["subnet-p1", "subnet-p2", "subnet-p3"];
const FUNCTION_SG = "sg-function";

async function build(overrides: Partial<DatabaseArgs> = {}): Promise<Database> {
  await installMocks({ environmentSuffix: "t1" });
  const { Database } = await import("../../infra/database");
  const db = new Database("database", {
    environmentSuffix: "t1",
    tags: TAGS,
    isProd: false,
    vpcId: "vpc-1",
    privateSubnetIds: PRIVATE_SUBNETS,
    functionSecurityGroupId: FUNCTION_SG,
    engineVersion: "17.4",
    minCapacity: 0.5,
    maxCapacity: 16,
    ...overrides,
  });
  await settle();
  return db;
}

const CLUSTER = "aws:rds/cluster:Cluster";
const INSTANCE = "aws:rds/clusterInstance:ClusterInstance";
const sg = (namePart: string) => ofType("aws:ec2/securityGroup:SecurityGroup").find((s) => s.inputs.name.includes(namePart))!;

describe("Database (dev stack)", () => {
  let db: Database;
  beforeAll(async () => {
    db = await build();
  });

  it("Aurora PostgreSQL Serverless v2 cluster: version and ACUs from config, database shop, IAM auth on", () => {
    const c = oneOfType(CLUSTER).inputs;
    expect(c.engine).toBe("aurora-postgresql");
    expect(c.engineMode).toBe("provisioned");
    expect(c.engineVersion).toBe("17.4");
    expect(c.serverlessv2ScalingConfiguration).toEqual({ minCapacity: 0.5, maxCapacity: 16 });
    expect(c.databaseName).toBe("shop");
    expect(c.masterUsername).toBe("shop_admin");
    expect(c.iamDatabaseAuthenticationEnabled).toBe(true);
    expect(c.clusterIdentifier).toBe("ecommerce-aurora-t1");
  });

  it("storage encrypted with a rotating KMS key, backups kept 7 days, PostgreSQL logs exported", () => {
    const c = oneOfType(CLUSTER).inputs;
    const key = oneOfType("aws:kms/key:Key");
    expect(key.inputs.enableKeyRotation).toBe(true);
    expect(oneOfType("aws:kms/alias:Alias").inputs).toMatchObject({ name: "alias/ecommerce-aurora-key-t1", targetKeyId: key.state.keyId });
    expect(c.storageEncrypted).toBe(true);
    expect(c.kmsKeyId).toBe(key.state.arn);
    expect(c.backupRetentionPeriod).toBeGreaterThanOrEqual(7);
    expect(c.enabledCloudwatchLogsExports).toEqual(["postgresql"]);
  });

  it("the exported PostgreSQL log and RDS Proxy's log go to log groups created first, kept 30 days, encrypted with the cluster's key", () => {
    const byName = (n: string) => ofType("aws:cloudwatch/logGroup:LogGroup").find((g) => g.inputs.name === n)!;
    const postgres = byName("/aws/rds/cluster/ecommerce-aurora-t1/postgresql");
    // RDS Proxy would otherwise create /aws/rds/proxy/<name> itself: no expiry, no key, left after destroy.
    const proxyLog = byName("/aws/rds/proxy/ecommerce-aurora-proxy-t1");
    const key = oneOfType("aws:kms/key:Key");
    expect(ofType("aws:cloudwatch/logGroup:LogGroup")).toHaveLength(2);
    for (const group of [postgres, proxyLog]) {
      expect(group.inputs.retentionInDays).toBe(30);
      expect(group.inputs.kmsKeyId).toBe(key.state.arn);
    }
    expect(dependsOn(oneOfType(CLUSTER), postgres)).toBe(true);
    expect(dependsOn(oneOfType("aws:rds/proxy:Proxy"), proxyLog)).toBe(true);
    const policy = JSON.parse(key.inputs.policy);
    const logs = policy.Statement.find((st: any) => st.Principal.Service === `logs.${MOCK_REGION}.amazonaws.com`);
    expect(logs.Condition.ArnEquals["kms:EncryptionContext:aws:logs:arn"]).toEqual([
      `arn:aws:logs:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:log-group:${postgres.inputs.name}`,
      `arn:aws:logs:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:log-group:${proxyLog.inputs.name}`,
    ]);
    expect(policy.Statement.filter((st: any) => st !== logs).map((st: any) => st.Principal)).toEqual([{ AWS: `arn:aws:iam::${MOCK_ACCOUNT_ID}:root` }]);
  });

  it("dev stack: no deletion protection and no final snapshot, so teardown is clean", () => {
    const c = oneOfType(CLUSTER).inputs;
    expect(c.deletionProtection).toBe(false);
    expect(c.skipFinalSnapshot).toBe(true);
    expect(c.finalSnapshotIdentifier).toBeUndefined();
  });

  it("1 writer + 2 readers of class db.serverless, private, readers created after the writer", () => {
    const instances = ofType(INSTANCE);
    expect(instances).toHaveLength(3);
    const cluster = oneOfType(CLUSTER);
    for (const i of instances) {
      expect(i.inputs.instanceClass).toBe("db.serverless");
      expect(i.inputs.engine).toBe("aurora-postgresql");
      expect(i.inputs.clusterIdentifier).toBe(cluster.id);
      expect(i.inputs.publiclyAccessible).toBe(false);
    }
    const writer = instances.find((i) => i.inputs.identifier === "ecommerce-aurora-writer-t1")!;
    const readers = instances.filter((i) => i !== writer);
    expect(readers.map((r) => r.inputs.identifier).sort()).toEqual(["ecommerce-aurora-reader-1-t1", "ecommerce-aurora-reader-2-t1"]);
    for (const r of readers) expect(dependsOn(r, writer)).toBe(true);
  });

  it("the master password is RDS-managed (generated, rotated, in a secret under the database key); the stack keeps no master password", async () => {
    const c = oneOfType(CLUSTER).inputs;
    expect(c.manageMasterUserPassword).toBe(true);
    expect(c.masterPassword).toBeUndefined();
    expect(c.masterUserSecretKmsKeyId).toBe(oneOfType("aws:kms/key:Key").state.arn);
    expect(await resolve(db.masterSecretArn)).toBe(oneOfType(CLUSTER).state.masterUserSecrets[0].secretArn);
    expect(ofType("aws:secretsmanager/secret:Secret").map((x) => x.inputs.name)).toEqual(["ecommerce-aurora-app-t1"]);
  });

  it("the application role's credentials: generated, secret in state, stored as {username: shop_app, password} under the key", async () => {
    const generated = oneOfType("random:index/randomPassword:RandomPassword");
    expect(generated.inputs.length).toBeGreaterThanOrEqual(32);
    const secret = oneOfType("aws:secretsmanager/secret:Secret");
    expect(secret.inputs.kmsKeyId).toBe(oneOfType("aws:kms/key:Key").state.arn);
    const version = oneOfType("aws:secretsmanager/secretVersion:SecretVersion");
    expect(version.inputs.secretId).toBe(secret.id);
    expect(isSecret(version.inputs.secretString)).toBe(true);
    expect(JSON.parse(unsecret(version.inputs.secretString))).toMatchObject({ username: "shop_app", password: generated.state.result });
    expect(await resolve(db.appSecretArn)).toBe(secret.state.arn);
  });

  it("RDS Proxy: PostgreSQL, TLS required, one secret per database user, IAM auth required for each, in the private subnets", async () => {
    const proxy = oneOfType("aws:rds/proxy:Proxy");
    expect(proxy.inputs).toMatchObject({ name: "ecommerce-aurora-proxy-t1", engineFamily: "POSTGRESQL", requireTls: true });
    expect(proxy.inputs.vpcSubnetIds).toEqual(PRIVATE_SUBNETS);
    expect(proxy.inputs.vpcSecurityGroupIds).toEqual([sg("proxy").id]);
    expect(proxy.inputs.auths).toEqual([
      expect.objectContaining({ authScheme: "SECRETS", iamAuth: "REQUIRED", secretArn: await resolve(db.masterSecretArn) }),
      expect.objectContaining({ authScheme: "SECRETS", iamAuth: "REQUIRED", secretArn: oneOfType("aws:secretsmanager/secret:Secret").state.arn }),
    ]);
  });

  it("the proxy's own role: trusted by rds.amazonaws.com, reads only its secret, decrypts only via Secrets Manager", () => {
    const proxy = oneOfType("aws:rds/proxy:Proxy");
    const role = oneOfType("aws:iam/role:Role");
    expect(proxy.inputs.roleArn).toBe(role.state.arn);
    const trust = JSON.parse(role.inputs.assumeRolePolicy);
    expect(trust.Statement.map((s: any) => s.Principal)).toEqual([{ Service: "rds.amazonaws.com" }]);
    expect(trust.Statement[0].Condition.StringEquals["aws:SourceAccount"]).toBe(MOCK_ACCOUNT_ID);

    const policy = JSON.parse(oneOfType("aws:iam/rolePolicy:RolePolicy").inputs.policy);
    expect(policy.Statement).toEqual([
      expect.objectContaining({
        Effect: "Allow",
        Action: "secretsmanager:GetSecretValue",
        Resource: [oneOfType(CLUSTER).state.masterUserSecrets[0].secretArn, oneOfType("aws:secretsmanager/secret:Secret").state.arn],
      }),
      expect.objectContaining({
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: oneOfType("aws:kms/key:Key").state.arn,
        Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${MOCK_REGION}.amazonaws.com` } },
      }),
    ]);
    expect(ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")).toHaveLength(0);
  });

  it("default target group with a connection pool and a target (the cluster) that waits for the writer", () => {
    const group = oneOfType("aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup");
    expect(group.inputs.dbProxyName).toBe("ecommerce-aurora-proxy-t1");
    expect(group.inputs.connectionPoolConfig.maxConnectionsPercent).toBeLessThanOrEqual(100);
    const target = oneOfType("aws:rds/proxyTarget:ProxyTarget");
    expect(target.inputs).toMatchObject({ dbProxyName: "ecommerce-aurora-proxy-t1", targetGroupName: "default", dbClusterIdentifier: "ecommerce-aurora-t1" });
    const writer = ofType(INSTANCE).find((i) => i.inputs.identifier === "ecommerce-aurora-writer-t1")!;
    expect(dependsOn(target, writer)).toBe(true);
  });

  it("a READ_ONLY proxy endpoint serves the readers", async () => {
    const endpoint = oneOfType("aws:rds/proxyEndpoint:ProxyEndpoint");
    expect(endpoint.inputs).toMatchObject({ dbProxyName: "ecommerce-aurora-proxy-t1", targetRole: "READ_ONLY" });
    expect(endpoint.inputs.vpcSubnetIds).toEqual(PRIVATE_SUBNETS);
    expect(dependsOn(endpoint, oneOfType("aws:rds/proxyTarget:ProxyTarget"))).toBe(true);
    expect(await resolve(db.proxyReadEndpoint)).toBe(endpoint.state.endpoint);
    expect(await resolve(db.proxyEndpoint)).toBe(oneOfType("aws:rds/proxy:Proxy").state.endpoint);
  });

  it("security groups chain function -> proxy -> database on 5432, with no CIDR ingress to either", () => {
    const proxySg = sg("proxy");
    const dbSg = sg("aurora");
    expect(oneOfType(CLUSTER).inputs.vpcSecurityGroupIds).toEqual([dbSg.id]);
    for (const group of [proxySg, dbSg]) expect(group.inputs.ingress ?? []).toEqual([]);

    const ingress = ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
    expect(ingress.map((r) => [r.inputs.securityGroupId, r.inputs.referencedSecurityGroupId]).sort()).toEqual(
      [
        [proxySg.id, FUNCTION_SG],
        [dbSg.id, proxySg.id],
      ].sort(),
    );
    for (const r of ingress) {
      expect(r.inputs).toMatchObject({ ipProtocol: "tcp", fromPort: 5432, toPort: 5432 });
      expect(r.inputs.cidrIpv4).toBeUndefined();
      expect(r.inputs.cidrIpv6).toBeUndefined();
    }
    const egress = ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").filter((r) => r.inputs.referencedSecurityGroupId !== undefined);
    expect(egress.map((r) => [r.inputs.securityGroupId, r.inputs.referencedSecurityGroupId]).sort()).toEqual(
      [
        [FUNCTION_SG, proxySg.id],
        [proxySg.id, dbSg.id],
      ].sort(),
    );
  });

  it("the proxy may reach Secrets Manager over HTTPS (it reads its credentials through its VPC interfaces); the database reaches nothing", () => {
    const toWorld = ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").filter(
      (r) => r.inputs.cidrIpv4 !== undefined || r.inputs.cidrIpv6 !== undefined,
    );
    expect(toWorld).toHaveLength(1);
    expect(toWorld[0]!.inputs).toMatchObject({ securityGroupId: sg("proxy").id, cidrIpv4: "0.0.0.0/0", ipProtocol: "tcp", fromPort: 443, toPort: 443 });
    expect(toWorld[0]!.inputs.tags).toBeDefined();
    expect(ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").filter((r) => r.inputs.securityGroupId === sg("aurora").id)).toEqual([]);
  });

  it("the proxy's borrow timeout is below the function's 30 s timeout", () => {
    const pool = oneOfType("aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup").inputs.connectionPoolConfig;
    expect(pool.connectionBorrowTimeout).toBeLessThan(30);
    expect(pool.maxConnectionsPercent).toBeLessThanOrEqual(90);
  });

  it("exports what the API function needs: endpoints, the application role, the owner and the role's secret", async () => {
    expect(await resolve(db.databaseName)).toBe("shop");
    expect(await resolve(db.databaseUser)).toBe("shop_app");
    expect(await resolve(db.databaseOwnerUser)).toBe("shop_admin");
    expect(await resolve(db.clusterEndpoint)).toBe(oneOfType(CLUSTER).state.endpoint);
    expect(await resolve(db.readerEndpoint)).toBe(oneOfType(CLUSTER).state.readerEndpoint);
    expect(await resolve(db.proxySecurityGroupId)).toBe(sg("proxy").id);
  });
});

describe("Database (prod stack, dbPassword from secret config)", () => {
  let db: Database;
  beforeAll(async () => {
    db = await build({ isProd: true, masterPassword: pulumi.secret("Configured-Passw0rd"), engineVersion: "16.6", minCapacity: 1, maxCapacity: 64 });
  });

  it("prod: deletion protection on and a final snapshot taken", () => {
    const c = oneOfType(CLUSTER).inputs;
    expect(c.deletionProtection).toBe(true);
    expect(c.skipFinalSnapshot).toBe(false);
    expect(c.finalSnapshotIdentifier).toBe("ecommerce-aurora-t1-final");
    expect(c.engineVersion).toBe("16.6");
    expect(c.serverlessv2ScalingConfiguration).toEqual({ minCapacity: 1, maxCapacity: 64 });
  });

  it("the configured secret password replaces RDS management, stays secret, and the proxy reads it from the stack's master secret", async () => {
    const c = oneOfType(CLUSTER).inputs;
    expect(c.manageMasterUserPassword).toBeUndefined();
    expect(isSecret(c.masterPassword)).toBe(true);
    expect(unsecret(c.masterPassword)).toBe("Configured-Passw0rd");
    const master = ofType("aws:secretsmanager/secret:Secret").find((x) => x.inputs.name === "ecommerce-aurora-master-t1")!;
    const version = ofType("aws:secretsmanager/secretVersion:SecretVersion").find((v) => v.inputs.secretId === master.id)!;
    expect(JSON.parse(unsecret(version.inputs.secretString))).toMatchObject({ username: "shop_admin", password: "Configured-Passw0rd" });
    expect(await resolve(db.masterSecretArn)).toBe(master.state.arn);
    expect(oneOfType("aws:rds/proxy:Proxy").inputs.auths.map((a: any) => a.secretArn)).toContain(master.state.arn);
  });
});
