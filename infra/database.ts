/**
 * Aurora PostgreSQL Serverless v2 (1 writer + 2 readers) behind RDS Proxy.
 *
 * The API connects to the proxy only (TLS + IAM token) as the application role
 * (`shop_app`, DML on its tables only, created by migration 0003); the deploy-time
 * migration connects as the master user, the schema owner. The proxy holds one
 * secret per user: the master's is RDS-managed and rotated (unless dbPassword is
 * configured), the application role's is generated here and applied to the role
 * by the migration. Writes go through the default endpoint, reads through the
 * READ_ONLY endpoint. Security groups chain
 * function -> proxy -> database on 5432; no CIDR ingress anywhere.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { logsKeyPolicyJson } from "./encrypted-log-group";
import { proxyPolicyDocument, proxyTrustDocument } from "./iam-policies";
import { statefulOptions } from "./lifecycle";
import { checkName, physicalName } from "./naming";
import { recoveryWindowDays } from "./secrets";
import { standardTags, type TagContext } from "./tags";
import { APP_DEFAULTS } from "../app/src/config";
import { APP_ROLE } from "../app/src/db/roles";

/** The database and port the API connects to by default (app/src/config.ts). */
export const DB_NAME = APP_DEFAULTS.dbName;
/** The master user: owns the schema; the deploy-time migration authenticates as it with an IAM token. */
export const DB_MASTER_USER = "shop_admin";
/** The application role the API's requests authenticate as (created by migration 0003). */
export const DB_APP_USER = APP_ROLE;
export const DB_PORT = APP_DEFAULTS.dbPort;
export const BACKUP_RETENTION_DAYS = 7;
/** Retention of the exported PostgreSQL log (RDS would otherwise create it with no expiry). */
export const DB_LOG_RETENTION_DAYS = 30;

export interface DatabaseArgs {
  readonly environmentSuffix: string;
  readonly tags: TagContext;
  /** Prod: deletion protection, a final snapshot, a 30-day KMS/secret window, retained on destroy. */
  readonly isProd: boolean;
  readonly vpcId: pulumi.Input<string>;
  readonly privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** The API function's security group: the only source allowed into the proxy. */
  readonly functionSecurityGroupId: pulumi.Input<string>;
  /** Aurora PostgreSQL major version ("16", "17"): AWS picks the minor and upgrades it. */
  readonly engineVersion: string;
  readonly minCapacity: number;
  readonly maxCapacity: number;
  /** Secret override of the master password. Default: a generated one. */
  readonly masterPassword?: pulumi.Input<string>;
  /** Readers behind the READ_ONLY proxy endpoint (default 2). */
  readonly readerCount?: number;
  /** The proxy's connection pool (infra/capacity.ts derives it from the peak); default: borrow timeout 5 s, 90% / 45%. */
  readonly proxyPool?: { maxConnectionsPercent: number; maxIdleConnectionsPercent: number; connectionBorrowTimeout: number };
}

export class Database extends pulumi.ComponentResource {
  public readonly clusterIdentifier: pulumi.Output<string>;
  public readonly clusterArn: pulumi.Output<string>;
  /** The cluster's immutable resource id: new for a new or restored cluster. */
  public readonly clusterResourceId: pulumi.Output<string>;
  public readonly clusterEndpoint: pulumi.Output<string>;
  public readonly readerEndpoint: pulumi.Output<string>;
  public readonly proxyName: pulumi.Output<string>;
  public readonly proxyArn: pulumi.Output<string>;
  public readonly proxyEndpoint: pulumi.Output<string>;
  public readonly proxyReadEndpoint: pulumi.Output<string>;
  public readonly databaseName: pulumi.Output<string>;
  /** The application role the API's requests connect as. */
  public readonly databaseUser: pulumi.Output<string>;
  /** The schema owner the deploy-time migration connects as. */
  public readonly databaseOwnerUser: pulumi.Output<string>;
  /** The proxy's secret for the application role; the migration sets the role's password from it. */
  public readonly appSecretArn: pulumi.Output<string>;
  public readonly port: number = DB_PORT;
  public readonly masterSecretArn: pulumi.Output<string>;
  public readonly dbSecurityGroupId: pulumi.Output<string>;
  public readonly proxySecurityGroupId: pulumi.Output<string>;
  public readonly kmsKeyArn: pulumi.Output<string>;
  public readonly writerInstanceIdentifier: pulumi.Output<string>;
  public readonly readerInstanceIdentifiers: pulumi.Output<string[]>;

  constructor(name: string, args: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("shop:database:Database", name, {}, opts);
    const suffix = args.environmentSuffix;
    const tags = (n: string) => standardTags(args.tags, n);
    const parent = { parent: this };
    const accountId = aws.getCallerIdentityOutput({}, parent).accountId;
    const region = aws.getRegionOutput({}, parent).region;

    const clusterId = physicalName("rdsCluster", "aurora", suffix);
    const stateful = { parent: this, ...statefulOptions(args.isProd) };
    // Where RDS exports the PostgreSQL log; created here first so it has a retention and encryption.
    const postgresLogGroupName = checkName("logGroup", `/aws/rds/cluster/${clusterId}/postgresql`);
    // Where RDS Proxy writes its log (it would create the group itself: no expiry, no key, left after destroy).
    const proxyNameValue = physicalName("rdsProxy", "aurora-proxy", suffix);
    const proxyLogGroupName = checkName("logGroup", `/aws/rds/proxy/${proxyNameValue}`);

    // ---- Encryption key (storage, secret, Performance Insights, exported logs) ----
    const keyName = physicalName("generic", "aurora-key", suffix);
    const key = new aws.kms.Key(
      `${name}-key`,
      {
        description: `Aurora storage, credentials and logs for ${clusterId}`,
        enableKeyRotation: true,
        deletionWindowInDays: args.isProd ? 30 : 7,
        // The account (IAM) administers the key as with the default policy; CloudWatch Logs may use it for the PostgreSQL log only.
        policy: logsKeyPolicyJson([postgresLogGroupName, proxyLogGroupName], parent),
        tags: tags(keyName),
      },
      // A retained prod cluster must keep its key.
      stateful,
    );
    new aws.kms.Alias(`${name}-key`, { name: checkName("kmsAlias", `alias/${keyName}`), targetKeyId: key.keyId }, parent);

    // ---- Security groups: function -> proxy -> database ----
    const proxySgName = physicalName("securityGroup", "proxy-sg", suffix);
    const proxySg = new aws.ec2.SecurityGroup(
      `${name}-proxy`,
      { name: proxySgName, description: "RDS Proxy: 5432 from the API function only", vpcId: args.vpcId, tags: tags(proxySgName) },
      parent,
    );
    const dbSgName = physicalName("securityGroup", "aurora-sg", suffix);
    const dbSg = new aws.ec2.SecurityGroup(
      `${name}-db`,
      { name: dbSgName, description: "Aurora: 5432 from the RDS Proxy only", vpcId: args.vpcId, tags: tags(dbSgName) },
      parent,
    );
    const rule = (kind: "ingress" | "egress", id: string, securityGroupId: pulumi.Input<string>, peer: pulumi.Input<string>, description: string) => {
      const ruleArgs = {
        securityGroupId,
        referencedSecurityGroupId: peer,
        ipProtocol: "tcp",
        fromPort: DB_PORT,
        toPort: DB_PORT,
        description,
        tags: tags(physicalName("generic", id, suffix)),
      };
      return kind === "ingress"
        ? new aws.vpc.SecurityGroupIngressRule(`${name}-${id}`, ruleArgs, parent)
        : new aws.vpc.SecurityGroupEgressRule(`${name}-${id}`, ruleArgs, parent);
    };
    rule("egress", "function-to-proxy", args.functionSecurityGroupId, proxySg.id, "API function to RDS Proxy");
    rule("ingress", "proxy-from-function", proxySg.id, args.functionSecurityGroupId, "From the API function");
    rule("egress", "proxy-to-db", proxySg.id, dbSg.id, "RDS Proxy to Aurora");
    rule("ingress", "db-from-proxy", dbSg.id, proxySg.id, "From the RDS Proxy");
    // The proxy fetches its credentials from Secrets Manager through its own network interfaces in
    // these subnets (NAT, like the function): without HTTPS egress its target never becomes
    // AVAILABLE and every connection, the deploy-time migration's first, fails.
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-proxy-to-secrets-manager`,
      {
        securityGroupId: proxySg.id,
        cidrIpv4: "0.0.0.0/0",
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        description: "RDS Proxy to Secrets Manager (HTTPS via NAT)",
        tags: tags(physicalName("generic", "proxy-https-egress", suffix)),
      },
      parent,
    );

    const subnetGroupName = physicalName("dbSubnetGroup", "aurora-subnets", suffix);
    const subnetGroup = new aws.rds.SubnetGroup(
      `${name}-subnets`,
      { name: subnetGroupName, description: "Aurora in the private subnets", subnetIds: args.privateSubnetIds, tags: tags(subnetGroupName) },
      parent,
    );

    // ---- Master credentials: RDS-managed (generated, stored and rotated every 7 days by RDS in a secret
    // encrypted with this key) unless the secret config dbPassword sets them ----
    const configuredPassword = args.masterPassword === undefined ? undefined : pulumi.secret(args.masterPassword);

    const postgresLogGroup = new aws.cloudwatch.LogGroup(
      `${name}-postgresql-log`,
      {
        name: postgresLogGroupName,
        retentionInDays: DB_LOG_RETENTION_DAYS,
        kmsKeyId: key.arn,
        tags: tags(physicalName("logGroup", "aurora-postgresql-log", suffix)),
      },
      stateful,
    );
    const proxyLogGroup = new aws.cloudwatch.LogGroup(
      `${name}-proxy-log`,
      {
        name: proxyLogGroupName,
        retentionInDays: DB_LOG_RETENTION_DAYS,
        kmsKeyId: key.arn,
        tags: tags(physicalName("logGroup", "aurora-proxy-log", suffix)),
      },
      stateful,
    );

    const cluster = new aws.rds.Cluster(
      `${name}-cluster`,
      {
        clusterIdentifier: clusterId,
        engine: aws.rds.EngineType.AuroraPostgresql,
        engineMode: aws.rds.EngineMode.Provisioned,
        // The major only. AWS applies minor upgrades in the maintenance window; on read the provider keeps
        // a configured "17" when the cluster reports "17.x" (terraform-provider-aws
        // internal/service/rds/engine_version.go, compareActualEngineVersion: old+"." prefix of new), so
        // no update ever plans a downgrade. A pinned "17.4" would be overwritten by "17.5" in state and
        // the next `up` would plan 17.5 -> 17.4, which RDS refuses.
        engineVersion: args.engineVersion,
        // A changed major in config (16 -> 17) is an in-place major upgrade; RDS refuses it without this flag.
        allowMajorVersionUpgrade: true,
        databaseName: DB_NAME,
        masterUsername: DB_MASTER_USER,
        // ManageMasterUserPassword "can't" be combined with MasterUserPassword (RDS API, CreateDBCluster).
        masterPassword: configuredPassword,
        manageMasterUserPassword: configuredPassword === undefined ? true : undefined,
        masterUserSecretKmsKeyId: configuredPassword === undefined ? key.arn : undefined,
        port: DB_PORT,
        dbSubnetGroupName: subnetGroup.name,
        vpcSecurityGroupIds: [dbSg.id],
        serverlessv2ScalingConfiguration: { minCapacity: args.minCapacity, maxCapacity: args.maxCapacity },
        storageEncrypted: true,
        kmsKeyId: key.arn,
        iamDatabaseAuthenticationEnabled: true,
        backupRetentionPeriod: BACKUP_RETENTION_DAYS,
        preferredBackupWindow: "03:00-04:00",
        preferredMaintenanceWindow: "sun:04:30-sun:05:30",
        copyTagsToSnapshot: true,
        enabledCloudwatchLogsExports: ["postgresql"],
        deletionProtection: args.isProd,
        skipFinalSnapshot: !args.isProd,
        finalSnapshotIdentifier: args.isProd ? `${clusterId}-final` : undefined,
        tags: tags(clusterId),
      },
      { ...stateful, dependsOn: [postgresLogGroup] },
    );

    const instance = (role: string, promotionTier: number, dependsOn: pulumi.Resource[]) => {
      const identifier = physicalName("rdsInstance", `aurora-${role}`, suffix);
      return new aws.rds.ClusterInstance(
        `${name}-${role}`,
        {
          identifier,
          clusterIdentifier: cluster.id,
          instanceClass: "db.serverless",
          engine: aws.rds.EngineType.AuroraPostgresql,
          // No engineVersion: instances run the cluster's, and a value here would have to follow every
          // minor upgrade AWS applies and every major upgrade of the cluster.
          dbSubnetGroupName: subnetGroup.name,
          publiclyAccessible: false,
          promotionTier,
          autoMinorVersionUpgrade: true,
          // 7 days of Performance Insights is free.
          performanceInsightsEnabled: true,
          performanceInsightsKmsKeyId: key.arn,
          performanceInsightsRetentionPeriod: 7,
          tags: tags(identifier),
        },
        { ...stateful, dependsOn },
      );
    };
    // The first instance Aurora creates becomes the writer: readers wait for it.
    const writer = instance("writer", 0, []);
    const readers = Array.from({ length: args.readerCount ?? 2 }, (_, i) => instance(`reader-${i + 1}`, 1, [writer]));

    // ---- The proxy's secrets ({username, password}, one per database user) and its least-privilege role ----
    const credentialsSecret = (id: string, secretName: string, description: string, username: string, password: pulumi.Input<string>) => {
      const secret = new aws.secretsmanager.Secret(
        `${name}-${id}`,
        { name: secretName, description, kmsKeyId: key.arn, recoveryWindowInDays: recoveryWindowDays(args.isProd), tags: tags(secretName) },
        stateful,
      );
      const version = new aws.secretsmanager.SecretVersion(
        `${name}-${id}`,
        {
          secretId: secret.id,
          secretString: pulumi.jsonStringify({
            username,
            password,
            engine: "postgres",
            host: cluster.endpoint,
            port: DB_PORT,
            dbname: DB_NAME,
            dbClusterIdentifier: cluster.clusterIdentifier,
          }),
        },
        // A retained prod secret keeps its value.
        stateful,
      );
      return { secret, version };
    };
    // With dbPassword the stack keeps the master secret itself; else RDS's own (cluster.masterUserSecrets),
    // which RDS Proxy reads like any {username, password} secret and follows across rotations.
    const configuredMaster =
      configuredPassword === undefined
        ? undefined
        : credentialsSecret(
            "master",
            physicalName("secret", "aurora-master", suffix),
            `Master credentials of ${clusterId} (from dbPassword); read by the RDS Proxy`,
            DB_MASTER_USER,
            configuredPassword,
          );
    const masterSecretArn: pulumi.Output<string> = configuredMaster
      ? configuredMaster.secret.arn
      : cluster.masterUserSecrets.apply((secrets) => {
          const arn = secrets?.[0]?.secretArn;
          if (!arn) throw new Error(`cluster ${clusterId} reports no RDS-managed master user secret`);
          return arn;
        });
    const appPassword = new random.RandomPassword(
      `${name}-app-password`,
      // Letters and digits only: nothing to escape in SQL literals, URLs or JSON.
      { length: 40, special: false, minLower: 4, minUpper: 4, minNumeric: 4 },
      parent,
    ).result;
    const app = credentialsSecret(
      "app",
      physicalName("secret", "aurora-app", suffix),
      `Credentials of the application role ${DB_APP_USER} on ${clusterId}; read by the RDS Proxy and applied by the deploy-time migration`,
      DB_APP_USER,
      appPassword,
    );

    const proxyRoleName = physicalName("iamRole", "rds-proxy", suffix);
    const proxyRole = new aws.iam.Role(
      `${name}-proxy`,
      {
        name: proxyRoleName,
        assumeRolePolicy: accountId.apply((acct) => JSON.stringify(proxyTrustDocument(acct))),
        tags: tags(proxyRoleName),
      },
      parent,
    );
    const proxyPolicy = new aws.iam.RolePolicy(
      `${name}-proxy`,
      {
        role: proxyRole.id,
        policy: pulumi.all([masterSecretArn, app.secret.arn, key.arn, region]).apply(([m, a, k, r]) => JSON.stringify(proxyPolicyDocument([m, a], k, r))),
      },
      parent,
    );

    // ---- RDS Proxy: TLS and IAM auth required; READ_ONLY endpoint for the readers ----
    const proxy = new aws.rds.Proxy(
      `${name}-proxy`,
      {
        name: proxyNameValue,
        engineFamily: "POSTGRESQL",
        requireTls: true,
        roleArn: proxyRole.arn,
        vpcSubnetIds: args.privateSubnetIds,
        vpcSecurityGroupIds: [proxySg.id],
        idleClientTimeout: 1800,
        debugLogging: false,
        // One secret per database user; clients of either authenticate with an IAM token only.
        auths: [
          {
            authScheme: "SECRETS",
            secretArn: masterSecretArn,
            iamAuth: "REQUIRED",
            clientPasswordAuthType: "POSTGRES_SCRAM_SHA_256",
            description: `${DB_MASTER_USER} (schema owner, migrations) via IAM authentication`,
          },
          {
            authScheme: "SECRETS",
            secretArn: app.secret.arn,
            iamAuth: "REQUIRED",
            clientPasswordAuthType: "POSTGRES_SCRAM_SHA_256",
            description: `${DB_APP_USER} (the API's requests) via IAM authentication`,
          },
        ],
        tags: tags(proxyNameValue),
      },
      { parent: this, dependsOn: [proxyPolicy, app.version, ...(configuredMaster ? [configuredMaster.version] : []), proxyLogGroup] },
    );
    const targetGroup = new aws.rds.ProxyDefaultTargetGroup(
      `${name}-proxy`,
      {
        dbProxyName: proxy.name,
        // The borrow timeout stays below the function's 30 s timeout (a request would otherwise time out
        // waiting while the proxy still holds its place); the percentages follow the peak's connections.
        connectionPoolConfig: args.proxyPool ?? { maxConnectionsPercent: 90, maxIdleConnectionsPercent: 45, connectionBorrowTimeout: 5 },
      },
      parent,
    );
    const proxyTarget = new aws.rds.ProxyTarget(
      `${name}-proxy`,
      { dbProxyName: proxy.name, targetGroupName: targetGroup.name, dbClusterIdentifier: cluster.clusterIdentifier },
      // The proxy can only register a cluster that has an available writer.
      { parent: this, dependsOn: [writer] },
    );
    const readEndpointName = physicalName("rdsProxyEndpoint", "aurora-proxy-ro", suffix);
    const readEndpoint = new aws.rds.ProxyEndpoint(
      `${name}-proxy-read`,
      {
        dbProxyName: proxy.name,
        dbProxyEndpointName: readEndpointName,
        targetRole: "READ_ONLY",
        vpcSubnetIds: args.privateSubnetIds,
        vpcSecurityGroupIds: [proxySg.id],
        tags: tags(readEndpointName),
      },
      { parent: this, dependsOn: [proxyTarget, ...readers] },
    );

    this.clusterIdentifier = cluster.clusterIdentifier;
    this.clusterArn = cluster.arn;
    this.clusterResourceId = cluster.clusterResourceId;
    this.clusterEndpoint = cluster.endpoint;
    this.readerEndpoint = cluster.readerEndpoint;
    this.proxyName = proxy.name;
    this.proxyArn = proxy.arn;
    this.proxyEndpoint = proxy.endpoint;
    this.proxyReadEndpoint = readEndpoint.endpoint;
    this.databaseName = pulumi.output(DB_NAME);
    this.databaseUser = pulumi.output(DB_APP_USER);
    this.databaseOwnerUser = pulumi.output(DB_MASTER_USER);
    this.appSecretArn = app.secret.arn;
    this.masterSecretArn = masterSecretArn;
    this.dbSecurityGroupId = dbSg.id;
    this.proxySecurityGroupId = proxySg.id;
    this.kmsKeyArn = key.arn;
    this.writerInstanceIdentifier = writer.identifier;
    this.readerInstanceIdentifiers = pulumi.all(readers.map((r) => r.identifier));

    this.registerOutputs({
      clusterIdentifier: this.clusterIdentifier,
      clusterEndpoint: this.clusterEndpoint,
      readerEndpoint: this.readerEndpoint,
      proxyName: this.proxyName,
      proxyArn: this.proxyArn,
      proxyEndpoint: this.proxyEndpoint,
      proxyReadEndpoint: this.proxyReadEndpoint,
      databaseName: this.databaseName,
      databaseUser: this.databaseUser,
      databaseOwnerUser: this.databaseOwnerUser,
      appSecretArn: this.appSecretArn,
      masterSecretArn: this.masterSecretArn,
      dbSecurityGroupId: this.dbSecurityGroupId,
      proxySecurityGroupId: this.proxySecurityGroupId,
      kmsKeyArn: this.kmsKeyArn,
    });
  }
}
