/**
 * Composition root of the ecommerce-platform Pulumi program:
 * config -> components -> exports. Each component takes only the values it needs.

 */
import { loadConfig } from "./config";
import { Network } from "./network";
import { Tables } from "./tables";
import { Buckets } from "./buckets";
import { Secrets } from "./secrets";
import { Database } from "./database";
import { EdgeGuard } from "./edge-guard";
import { Monitoring } from "./monitoring";
import { StaticSite, ensureWebBuild } from "./static-site";
import { ApiFunction } from "./api-function";
import { LoadBalancer } from "./load-balancer";
import { RestApi } from "./rest-api";
import { Cdn } from "./cdn";
import { Waf } from "./waf";
import { FRONT_DOORS } from "./capacity";

// ==== Config ====
const config = loadConfig();
const suffix = config.environmentSuffix;
const tags = config.tags;

// ==== Foundation ====
const network = new Network("network", {
  environmentSuffix: suffix,
  tags,
  vpcCidr: config.vpcCidr,
  natGateways: config.natGateways,
  isProd: config.isProd,
});

// Session keys and the origin-verify value rotate with no downtime: bump their generation in config.
const secrets = new Secrets("secrets", {
  environmentSuffix: suffix,
  tags,
  isProd: config.isProd,
  sessionKeyGeneration: config.sessionKeyGeneration,
  originVerifyGeneration: config.originVerifyGeneration,
});

const tables = new Tables("tables", { environmentSuffix: suffix, tags, isProd: config.isProd });

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
  proxyPool: {
    maxConnectionsPercent: config.capacity.proxyMaxConnectionsPercent,
    maxIdleConnectionsPercent: config.capacity.proxyMaxIdleConnectionsPercent,
    connectionBorrowTimeout: config.capacity.proxyBorrowTimeoutSeconds,
  },
});

// ==== API function ====
// The API's container image (arm64, by digest) in its VPC Lambda; migrations run once per image change.
const apiFunction = new ApiFunction("api", {
  environmentSuffix: suffix,
  tags,
  isProd: config.isProd,
  subnetIds: network.privateSubnetIds,
  securityGroupIds: [network.functionSecurityGroupId],
  dbProxyEndpoint: database.proxyEndpoint,
  dbProxyReadEndpoint: database.proxyReadEndpoint,
  dbProxyArn: database.proxyArn,
  dbUser: database.databaseUser,
  dbOwnerUser: database.databaseOwnerUser,
  dbAppSecretArn: database.appSecretArn,
  // The application role's secret is encrypted with the database key.
  secretsKmsKeyArns: [database.kmsKeyArn],
  dbName: database.databaseName,
  sessionsTableName: tables.sessionsTableName,
  sessionsTableArn: tables.sessionsTableArn,
  cacheTableName: tables.cacheTableName,
  cacheTableArn: tables.cacheTableArn,
  sessionKeySecretArn: secrets.sessionKeySecretArn,
  adminTokenSecretArn: secrets.adminTokenSecretArn,
  memoryMb: config.lambdaMemoryMb,
  dbPoolMax: config.capacity.dbPoolPerContainer,
  reservedConcurrency: config.lambdaReservedConcurrency,
  provisionedConcurrency: config.lambdaProvisionedConcurrency,
  provisionedConcurrencyMax: config.lambdaProvisionedConcurrencyMax,
  // Migrations need the proxy target (which waits for the writer) in place, and run again for a new
  // or restored cluster (a new resource id) as for a new image.
  migrationDependsOn: [database],
  databaseIdentity: database.clusterResourceId,
});

// ==== Load balancer ====
// Internal ALB (private subnets) that CloudFront reaches through a VPC origin; it forwards to the
// function only requests carrying CloudFront's origin secret (any of its three generations).
const loadBalancer = new LoadBalancer("alb", {
  environmentSuffix: suffix,
  tags,
  vpcId: network.vpcId,
  vpcCidr: network.vpcCidrBlock,
  subnetIds: network.privateSubnetIds,
  logsBucketName: buckets.logsBucketName,
  accessLogsDependsOn: [buckets.logsBucketPolicy],
  certificateArn: config.certificateArn,
  functionName: apiFunction.functionName,
  functionQualifier: apiFunction.qualifier,
  targetArn: apiFunction.targetArn,
  originVerifyValues: [secrets.originVerify.previous, secrets.originVerify.current, secrets.originVerify.next],
  isProd: config.isProd,
});

// ==== REST API ====
// API Gateway for API clients: API key + usage plan throttle, proxying to the same function.
const restApi = new RestApi("rest-api", {
  environmentSuffix: suffix,
  tags,
  functionName: apiFunction.functionName,
  functionQualifier: apiFunction.qualifier,
  invokeArn: apiFunction.invokeArn,
  stageName: config.apiStageName,
  throttleRateLimit: config.apiThrottleRateLimit,
  throttleBurstLimit: config.apiThrottleBurstLimit,
  accountSettings: config.apiGatewayAccountSettings,
  isProd: config.isProd,
});

// ==== WAF ====
// Managed rules and rate limits on both doors: CLOUDFRONT scope (us-east-1) for the distribution,
// REGIONAL on the API Gateway stage; the /api/* cap follows the stack's peak.
const waf = new Waf("waf", {
  environmentSuffix: suffix,
  tags,
  mode: config.wafMode,
  perIpLimit: config.wafRateLimitPerIp,
  apiRateLimitPer5Min: config.capacity.wafApiRateLimitPer5Min,
  restApiId: restApi.restApiId,
  stageName: restApi.stageName,
  isProd: config.isProd,
});

// ==== Edge guard ====
// Lambda@Edge viewer-request guard for CloudFront's /api/* (us-east-1; reads the session keys from their secret).
const edgeGuard = new EdgeGuard("edge-guard", {
  environmentSuffix: suffix,
  tags,
  sessionKeysSecretArn: secrets.sessionKeySecretArn,
  stackRegion: config.region,
  isProd: config.isProd,
});

// ==== Static site ====
// The storefront page (web/dist, built here when missing or stale) in the static bucket,
// plus the CloudFront Function that answers client-side routes with index.html.
const staticSite = new StaticSite("static-site", {
  environmentSuffix: suffix,
  tags,
  bucketName: buckets.staticBucketName,
  distDir: ensureWebBuild(),
});

// ==== CDN ====
// CloudFront: the static site by default (OAC), /api/* to the ALB behind the edge guard.
const cdn = new Cdn("cdn", {
  environmentSuffix: suffix,
  tags,
  staticBucketId: buckets.staticBucketId,
  staticBucketArn: buckets.staticBucketArn,
  staticBucketRegionalDomainName: buckets.staticBucketRegionalDomainName,
  staticBucketPolicyDependsOn: buckets.staticBucketConfigured,
  isProd: config.isProd,
  // With a certificate the ALB redirects 80 -> 443 and CloudFront reaches it over HTTPS by a name the
  // certificate covers (config albDomainName, required with certificateArn); else by the ALB's DNS name over HTTP.
  albDomainName: config.albDomainName ?? loadBalancer.dnsName,
  albOriginHttps: config.certificateArn !== undefined,
  albArn: loadBalancer.albArn,
  originVerifySecret: secrets.originVerify.current,
  edgeGuardQualifiedArn: edgeGuard.qualifiedArn,
  defaultViewerRequestFunctionArn: staticSite.spaRewriteFunctionArn,
  defaultRootObject: staticSite.indexDocument,
  priceClass: config.cloudfrontPriceClass,
  webAclArn: waf.cloudfrontWebAclArn,
});

// ==== Monitoring ====
// Alarm topic (+ optional e-mail), the platform dashboard and its alarms.
const monitoring = new Monitoring("monitoring", {
  environmentSuffix: suffix,
  tags,
  isProd: config.isProd,
  stackRegion: config.region,
  alarmEmail: config.alarmEmail,
  monthlyBudgetUsd: config.monthlyBudgetUsd,
  dbMaxCapacityAcu: config.dbMaxCapacity,
  resources: {
    apiFunction: { functionName: apiFunction.functionName },
    loadBalancer: { albArnSuffix: loadBalancer.albArnSuffix, targetGroupArnSuffix: loadBalancer.targetGroupArnSuffix },
    restApi: { restApiName: restApi.restApiName, stageName: restApi.stageName },
    database: { clusterIdentifier: database.clusterIdentifier },
    proxy: { proxyName: database.proxyName },
    tables: { tableNames: [tables.sessionsTableName, tables.cacheTableName] },
    cdn: { distributionId: cdn.distributionId },
    waf: { cloudfrontWebAclName: waf.cloudfrontWebAclName, apiWebAclName: waf.apiWebAclName },
  },
});

waf.alarmOnBlockedSurge(monitoring.alarmTopicArn, monitoring.cloudfrontAlarmTopicArn);

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
export const databaseOwnerUser = database.databaseOwnerUser;
export const databaseAppSecretArn = database.appSecretArn;
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

// Secrets: ARNs, plus the admin token as a Pulumi secret (encrypted in state, shown only with --show-secrets)
export const sessionKeySecretArn = secrets.sessionKeySecretArn;
export const adminTokenSecretArn = secrets.adminTokenSecretArn;
/** For operators and the integration suite: the bearer token of /api/admin/* (API Gateway only). Secret. */
export const adminToken = secrets.adminToken;

// API function (infra-compute)
export const lambdaFunctionName = apiFunction.functionName;
export const lambdaFunctionArn = apiFunction.functionArn;
export const lambdaInvokeTargetArn = apiFunction.targetArn;
export const lambdaLogGroupName = apiFunction.logGroupName;
export const ecrRepositoryUrl = apiFunction.repositoryUrl;
export const apiImageDigest = apiFunction.imageDigest;

// Load balancer (infra-compute)
export const albDnsName = loadBalancer.dnsName;
export const albArn = loadBalancer.albArn;
export const albSecurityGroupId = loadBalancer.securityGroupId;
export const albTargetGroupArn = loadBalancer.targetGroupArn;

// REST API (infra-compute)
export const apiUrl = restApi.invokeUrl;
export const apiGatewayId = restApi.restApiId;
export const apiGatewayStage = restApi.stageName;
export const apiKeyId = restApi.apiKeyId;
export const apiKeyValue = restApi.apiKeyValue;

// CDN (infra-compute)
export const cloudfrontDomainName = cdn.domainName;
export const cloudfrontDistributionId = cdn.distributionId;
export const cloudfrontUrl = cdn.domainName.apply((domain) => `https://${domain}`);

// Edge guard and monitoring
export const edgeGuardFunctionName = edgeGuard.functionName;
export const edgeGuardQualifiedArn = edgeGuard.qualifiedArn;
export const dashboardName = monitoring.dashboardName;
export const cloudfrontWebAclArn = waf.cloudfrontWebAclArn;
export const apiWebAclArn = waf.apiWebAclArn;
export const alarmTopicArn = monitoring.alarmTopicArn;
export const alarmTopicName = monitoring.alarmTopicName;
/** Where alarms on CloudFront's metrics (in us-east-1) go: a us-east-1 topic, the same as alarmTopicArn for a us-east-1 stack. */
export const cloudfrontAlarmTopicArn = monitoring.cloudfrontAlarmTopicArn;

// Capacity: the stated peak (requests/s per front door, and how many doors admit it) with every
// limit derived from it (infra/capacity.ts); `npm run cost` prices the stack at this peak.
export const capacity = { frontDoors: FRONT_DOORS, ...config.capacity };
