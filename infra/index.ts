/**
 * Composition root of the ecommerce-platform Pulumi program:
 * config -> components -> exports. Each component takes only the values it needs.
 *
 * Other engineers add their component's wiring in the marked sections below
 * (small, separate edits: an import, a construction block, export lines).
 */
import { loadConfig } from "./config";
import { Network } from "./network";
import { Tables } from "./tables";
import { Buckets } from "./buckets";
import { Secrets } from "./secrets";
import { Database } from "./database";
import { EdgeGuard } from "./edge-guard";
import { StaticSite, ensureWebBuild } from "./static-site";
// ---- component imports (api-function, load-balancer, rest-api, cdn, edge-guard, monitoring, static-site) ----

// ==== Config ====
const config = loadConfig();
const suffix = config.environmentSuffix;
const tags = config.tags;

// ==== Foundation (infra-core) ====
const network = new Network("network", {
  environmentSuffix: suffix,
  tags,
  vpcCidr: config.vpcCidr,
  natGateways: config.natGateways,
});

const secrets = new Secrets("secrets", { environmentSuffix: suffix, tags, isProd: config.isProd });

const tables = new Tables("tables", { environmentSuffix: suffix, tags, protect: config.isProd });

const buckets = new Buckets("buckets", { environmentSuffix: suffix, tags, isProd: config.isProd });

const database = new Database("database", {
  environmentSuffix: suffix,
  tags,
  isProd: config.isProd,
  vpcId: network.vpcId,
  privateSubnetIds: network.privateSubnetIds,
  functionSecurityGroupId: network.functionSecurityGroupId,
  engineVersion: config.dbEngineVersion,
  minCapacity: config.dbMinCapacity,
  maxCapacity: config.dbMaxCapacity,
  masterPassword: config.dbPassword,
});

// ==== API function (infra-compute: ApiFunction) ====

// ==== Load balancer (infra-compute: LoadBalancer) ====

// ==== REST API (infra-compute: RestApi) ====

// ==== Edge guard (edge-monitoring: EdgeGuard) ====
// Lambda@Edge viewer-request guard for CloudFront's /api/* (us-east-1; the signing key is built into its bundle).
const edgeGuard = new EdgeGuard("edge-guard", { environmentSuffix: suffix, tags, sessionSigningKey: secrets.sessionSigningKey });

// ==== Static site (storefront: StaticSite) ====
// The storefront page (web/dist, built here when missing or stale) in the static bucket,
// plus the CloudFront Function that answers client-side routes with index.html.
const staticSite = new StaticSite("static-site", {
  environmentSuffix: suffix,
  tags,
  bucketName: buckets.staticBucketName,
  distDir: ensureWebBuild(),
});

// ==== CDN (infra-compute: Cdn) ====

// ==== Monitoring (edge-monitoring: Monitoring) ====

// ==== Exports ====
// Network
export const vpcId = network.vpcId;
export const vpcCidrBlock = network.vpcCidrBlock;
export const publicSubnetIds = network.publicSubnetIds;
export const privateSubnetIds = network.privateSubnetIds;
export const natGatewayPublicIps = network.natGatewayPublicIps;
export const vpcFlowLogGroupName = network.flowLogGroupName;
export const lambdaSecurityGroupId = network.functionSecurityGroupId;

// Database
export const auroraClusterIdentifier = database.clusterIdentifier;
export const auroraClusterEndpoint = database.clusterEndpoint;
export const auroraReaderEndpoint = database.readerEndpoint;
export const auroraSecurityGroupId = database.dbSecurityGroupId;
export const rdsProxySecurityGroupId = database.proxySecurityGroupId;
export const rdsProxyEndpoint = database.proxyEndpoint;
export const rdsProxyReadEndpoint = database.proxyReadEndpoint;
export const databaseName = database.databaseName;
export const databaseUser = database.databaseUser;
export const databaseMasterSecretArn = database.masterSecretArn;

// Tables
export const sessionsTableName = tables.sessionsTableName;
export const cacheTableName = tables.cacheTableName;

// Buckets
export const staticBucketName = buckets.staticBucketName;
export const logsBucketName = buckets.logsBucketName;
export const artifactsBucketName = buckets.artifactsBucketName;

// Static site (storefront): the SPA rewrite function the CDN's default behavior runs, and what was uploaded
export const spaRewriteFunctionArn = staticSite.spaRewriteFunctionArn;
export const staticSiteObjectCount = staticSite.objectKeys.length;

// Secrets (ARNs only; the values stay in Secrets Manager)
export const sessionKeySecretArn = secrets.sessionKeySecretArn;
export const adminTokenSecretArn = secrets.adminTokenSecretArn;

// API function (infra-compute): lambdaFunctionArn, ecrRepositoryUrl

// Load balancer (infra-compute): albDnsName, albSecurityGroupId

// REST API (infra-compute): apiUrl, apiKeyId, apiKeyValue (secret), apiGatewayStage

// CDN (infra-compute): cloudfrontDomainName, cloudfrontDistributionId

// Edge guard / monitoring (edge-monitoring): dashboardName, alarmTopicArn, alarmTopicName
export const edgeGuardFunctionName = edgeGuard.functionName;
export const edgeGuardQualifiedArn = edgeGuard.qualifiedArn;
