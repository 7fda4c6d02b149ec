/** Aurora Serverless v2 and RDS Proxy: configurations RDS rejects at deploy time, and their security settings. */
import * as aws from "@pulumi/aws";
import type { PolicyResource } from "@pulumi/policy";
import { validateResourceOfType } from "@pulumi/policy";
import { resourcePolicy, stackPolicy } from "../lib/define";
import { AURORA_ACU, isAcuStep } from "../lib/limits";
import { asArray, label, ofType, refersTo, transitiveDependencies } from "../lib/stack";

const CLUSTER = "aws:rds/cluster:Cluster";
const INSTANCE = "aws:rds/clusterInstance:ClusterInstance";
const PROXY = "aws:rds/proxy:Proxy";
const PROXY_ENDPOINT = "aws:rds/proxyEndpoint:ProxyEndpoint";
const PROXY_TARGET = "aws:rds/proxyTarget:ProxyTarget";

export const BACKUP_RETENTION_DAYS = { min: 1, max: 35 } as const;
export const PROXY_ENGINE_FAMILIES = ["POSTGRESQL", "MYSQL", "SQLSERVER"];

const SG = "aws:ec2/securityGroup:SecurityGroup";
const SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
const SG_EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
/** The port RDS Proxy reaches Secrets Manager on (through NAT or an interface VPC endpoint). */
export const SECRETS_MANAGER_PORT = 443;

/** True when a rule of this protocol and port range lets TCP `port` through. */
function coversTcpPort(protocol: unknown, fromPort: unknown, toPort: unknown, port: number): boolean {
  const proto = String(protocol ?? "").toLowerCase();
  if (proto === "-1" || proto === "all") return true;
  if (proto !== "tcp" && proto !== "6") return false;
  return typeof fromPort === "number" && typeof toPort === "number" && fromPort <= port && port <= toPort;
}

/** True when the security group (inline or by a separate rule resource) allows TCP `port` egress to anywhere. */
function allowsEgress(resources: readonly PolicyResource[], sg: PolicyResource, port: number): boolean {
  if (asArray<Record<string, unknown>>(sg.props.egress).some((r) => coversTcpPort(r.protocol, r.fromPort, r.toPort, port))) return true;
  const rules = ofType(resources, SG_RULE).filter((r) => r.props.type === "egress" && refersTo(r, sg, ["securityGroupId"]));
  if (rules.some((r) => coversTcpPort(r.props.protocol, r.props.fromPort, r.props.toPort, port))) return true;
  return ofType(resources, SG_EGRESS)
    .filter((r) => refersTo(r, sg, ["securityGroupId"]))
    .some((r) => coversTcpPort(r.props.ipProtocol, r.props.fromPort, r.props.toPort, port));
}

function clusterOf(instance: PolicyResource, clusters: PolicyResource[]): PolicyResource | undefined {
  return clusters.find((c) => refersTo(instance, c, ["clusterIdentifier"]));
}

export const auroraServerlessV2 = stackPolicy({
  name: "aurora-serverless-v2",
  description:
    "Aurora Serverless v2: the cluster uses engine mode 'provisioned' with a scaling configuration in 0.5-ACU steps within 0..256 (min <= max, max >= 1), db.serverless instances belong to such a cluster and share its engine, backup retention is 1..35 days.",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const clusters = ofType(args.resources, CLUSTER);
    if (clusters.length === 0) return args.notApplicable("no RDS clusters");
    for (const c of clusters) {
      const p = c.props;
      const l = label(c);
      const retention = p.backupRetentionPeriod;
      if (retention !== undefined && (retention < BACKUP_RETENTION_DAYS.min || retention > BACKUP_RETENTION_DAYS.max)) {
        report(`${l}: backupRetentionPeriod ${retention} days is outside ${BACKUP_RETENTION_DAYS.min}..${BACKUP_RETENTION_DAYS.max}.`, c.urn);
      }
      const scaling = p.serverlessv2ScalingConfiguration;
      if (!scaling) continue;
      if (p.engineMode !== undefined && p.engineMode !== "provisioned") {
        report(`${l}: engineMode "${p.engineMode}" with serverlessv2ScalingConfiguration; Serverless v2 needs engineMode "provisioned".`, c.urn);
      }
      if (typeof p.engine !== "string" || !p.engine.startsWith("aurora"))
        report(`${l}: engine "${p.engine}" is not an Aurora engine; Serverless v2 is Aurora only.`, c.urn);
      const { minCapacity: min, maxCapacity: max } = scaling as { minCapacity?: number; maxCapacity?: number };
      for (const [k, v] of [
        ["minCapacity", min],
        ["maxCapacity", max],
      ] as const) {
        if (v === undefined) report(`${l}: serverlessv2ScalingConfiguration.${k} is required.`, c.urn);
        else if (v < AURORA_ACU.min || v > AURORA_ACU.max || !isAcuStep(v)) {
          report(`${l}: serverlessv2ScalingConfiguration.${k} ${v} ACU must be in ${AURORA_ACU.min}..${AURORA_ACU.max} in steps of ${AURORA_ACU.step}.`, c.urn);
        }
      }
      if (max !== undefined && max < AURORA_ACU.smallestMax) report(`${l}: maxCapacity ${max} ACU must be at least ${AURORA_ACU.smallestMax}.`, c.urn);
      if (min !== undefined && max !== undefined && min > max) report(`${l}: minCapacity ${min} ACU exceeds maxCapacity ${max} ACU.`, c.urn);
    }
    for (const i of ofType(args.resources, INSTANCE)) {
      if (i.props.instanceClass !== "db.serverless") continue;
      const c = clusterOf(i, clusters);
      if (!c) continue;
      if (!c.props.serverlessv2ScalingConfiguration) {
        report(`${label(i)}: instanceClass db.serverless needs serverlessv2ScalingConfiguration on its cluster ${label(c)}.`, i.urn);
      }
      if (i.props.engine !== undefined && i.props.engine !== c.props.engine) {
        report(`${label(i)}: engine "${i.props.engine}" differs from its cluster's "${c.props.engine}".`, i.urn);
      }
    }
  },
});

export const rdsProxyConfiguration = stackPolicy({
  name: "rds-proxy-configuration",
  description:
    "RDS Proxy: a supported engine family, two or more subnets, Secrets Manager auth with a secret, security groups that let it reach Secrets Manager (TCP 443 egress), a READ_ONLY endpoint only for an Aurora target, and the target registered after a cluster instance exists.",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const proxies = ofType(args.resources, PROXY);
    if (proxies.length === 0) return args.notApplicable("no RDS proxies");
    const clusters = ofType(args.resources, CLUSTER);
    const instances = ofType(args.resources, INSTANCE);
    const targets = ofType(args.resources, PROXY_TARGET);
    for (const px of proxies) {
      const p = px.props;
      const l = label(px);
      if (!PROXY_ENGINE_FAMILIES.includes(p.engineFamily))
        report(`${l}: engineFamily "${p.engineFamily}" must be one of ${PROXY_ENGINE_FAMILIES.join(", ")}.`, px.urn);
      const subnets = asArray(p.vpcSubnetIds);
      if (subnets.length < 2) report(`${l}: vpcSubnetIds has ${subnets.length} subnet(s); RDS Proxy needs at least 2 in different Availability Zones.`, px.urn);
      const auths = asArray<Record<string, unknown>>(p.auths);
      if (auths.length === 0) report(`${l}: auths is empty; a proxy needs at least one Secrets Manager secret.`, px.urn);
      auths.forEach((a, i) => {
        if ((a.authScheme ?? "SECRETS") !== "SECRETS") report(`${l}: auths[${i}].authScheme "${a.authScheme}" must be "SECRETS".`, px.urn);
        if (typeof a.secretArn !== "string" || a.secretArn.length === 0)
          report(`${l}: auths[${i}] needs a secretArn (the database credentials in Secrets Manager).`, px.urn);
      });
      // The proxy reads its secret through its own interfaces in these subnets: with no HTTPS egress
      // (the provider drops AWS's default allow-all egress) its target never becomes available.
      const sgIds = asArray(p.vpcSecurityGroupIds);
      const sgs = ofType(args.resources, SG).filter((g) => refersTo(px, g, ["vpcSecurityGroupIds"]));
      if (sgIds.length > 0 && sgs.length === sgIds.length && !sgs.some((g) => allowsEgress(args.resources, g, SECRETS_MANAGER_PORT))) {
        report(
          `${l}: its security group(s) ${sgs.map(label).join(", ")} allow no TCP ${SECRETS_MANAGER_PORT} egress; the proxy reads its Secrets Manager secret through them (NAT or a VPC endpoint), so its target would stay unavailable.`,
          px.urn,
        );
      }
      const idle = p.idleClientTimeout;
      if (idle !== undefined && (idle < 1 || idle > 28800)) report(`${l}: idleClientTimeout ${idle} s is outside 1..28800.`, px.urn);
    }
    for (const t of targets) {
      const c = clusters.find((cl) => refersTo(t, cl, ["dbClusterIdentifier"]));
      if (!c) continue;
      const deps = transitiveDependencies(t);
      const members = instances.filter((i) => refersTo(i, c, ["clusterIdentifier"]));
      if (members.length > 0 && !members.some((m) => deps.has(m))) {
        report(`${label(t)}: registers ${label(c)} before any of its instances exists; add dependsOn the writer instance (${label(members[0]!)}).`, t.urn);
      }
    }
    for (const e of ofType(args.resources, PROXY_ENDPOINT)) {
      if (asArray(e.props.vpcSubnetIds).length < 2) report(`${label(e)}: vpcSubnetIds needs at least 2 subnets.`, e.urn);
      if (e.props.targetRole !== "READ_ONLY") continue;
      const px = proxies.find((x) => refersTo(e, x, ["dbProxyName"]));
      if (!px) continue;
      const target = targets.find((t) => refersTo(t, px, ["dbProxyName"]));
      const cluster = target ? clusters.find((cl) => refersTo(target, cl, ["dbClusterIdentifier"])) : undefined;
      const engine = cluster?.props.engine;
      if (!cluster || typeof engine !== "string" || !engine.startsWith("aurora")) {
        report(
          `${label(e)}: targetRole READ_ONLY is only supported for Aurora cluster targets (proxy ${label(px)} targets ${cluster ? `engine "${engine}"` : "no Aurora cluster"}).`,
          e.urn,
        );
      }
    }
  },
});

export const rdsStorageEncrypted = resourcePolicy({
  name: "rds-storage-encrypted",
  description: "Aurora/RDS storage must be encrypted at rest (storageEncrypted defaults to false).",
  enforcementLevel: "advisory",
  validateResource: validateResourceOfType(aws.rds.Cluster, (c, args, report) => {
    if (c.storageEncrypted !== true) report(`${label(args)}: storageEncrypted is ${c.storageEncrypted ?? "unset (false)"}; set it to true.`);
  }),
});

export const rdsNotPubliclyAccessible = resourcePolicy({
  name: "rds-not-publicly-accessible",
  description: "Database instances must not be publicly accessible.",
  enforcementLevel: "advisory",
  validateResource: [
    validateResourceOfType(aws.rds.ClusterInstance, (i, args, report) => {
      if (i.publiclyAccessible === true) report(`${label(args)}: publiclyAccessible is true; keep databases in private subnets only.`);
    }),
    validateResourceOfType(aws.rds.Instance, (i, args, report) => {
      if (i.publiclyAccessible === true) report(`${label(args)}: publiclyAccessible is true; keep databases in private subnets only.`);
    }),
  ],
});

export const rdsProxyRequireTls = resourcePolicy({
  name: "rds-proxy-require-tls",
  description: "RDS Proxy must require TLS from clients.",
  enforcementLevel: "advisory",
  validateResource: validateResourceOfType(aws.rds.Proxy, (p, args, report) => {
    if (p.requireTls !== true) report(`${label(args)}: requireTls is ${p.requireTls ?? "unset (false)"}; set it to true.`);
  }),
});

export const databasePolicies = [auroraServerlessV2, rdsProxyConfiguration, rdsStorageEncrypted, rdsNotPubliclyAccessible, rdsProxyRequireTls];
