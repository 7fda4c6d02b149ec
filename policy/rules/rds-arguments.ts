/** RDS arguments rejected at deploy time: subnet groups across zones, cluster windows and credentials, instance and proxy pool settings. */
import { forType, resourcePolicy, stackPolicy } from "../lib/define";
import { subnetZones } from "../lib/subnets";
import { label, ofType } from "../lib/stack";

export const rdsSubnetZones = stackPolicy({
  name: "rds-subnet-zones",
  description:
    "A DB subnet group (DBSubnetGroupDoesNotCoverEnoughAZs, even for a single-AZ database) and an RDS proxy or proxy endpoint have subnets in at least two Availability Zones.",
  enforcementLevel: "mandatory",
  // Source: RDS API CreateDBSubnetGroup ("must contain at least one subnet in at least two AZs in the Amazon Web Services Region";
  // error DBSubnetGroupDoesNotCoverEnoughAZs); CreateDBProxy / CreateDBProxyEndpoint (VpcSubnetIds in at least two AZs).
  validateStack: (args, report) => {
    const sites = [
      ...ofType(args.resources, "aws:rds/subnetGroup:SubnetGroup").map((r) => ({ r, prop: "subnetIds", what: "a DB subnet group" })),
      ...ofType(args.resources, "aws:rds/proxy:Proxy").map((r) => ({ r, prop: "vpcSubnetIds", what: "an RDS proxy" })),
      ...ofType(args.resources, "aws:rds/proxyEndpoint:ProxyEndpoint").map((r) => ({ r, prop: "vpcSubnetIds", what: "an RDS proxy endpoint" })),
    ];
    if (sites.length === 0) return args.notApplicable("no DB subnet groups or proxies");
    for (const { r, prop, what } of sites) {
      const z = subnetZones(args.resources, r, prop);
      // Fewer than two subnets: the subnet group case is reported here, the proxy's by rds-proxy-configuration.
      if (z.count < 2) {
        if (r.type === "aws:rds/subnetGroup:SubnetGroup")
          report(`${label(r)}: ${prop} has ${z.count} subnet(s); ${what} needs subnets in at least 2 Availability Zones.`, r.urn);
      } else if (z.outside === 0 && z.zones.size < 2) {
        report(
          `${label(r)}: its ${z.count} subnets are all in ${[...z.zones].join(", ") || "one zone"}; ${what} needs subnets in at least 2 Availability Zones${r.type === "aws:rds/subnetGroup:SubnetGroup" ? " (DBSubnetGroupDoesNotCoverEnoughAZs)" : ""}.`,
          r.urn,
        );
      }
    }
  },
});

/** hh24:mi-hh24:mi (UTC). */
const WINDOW = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/;
/** ddd:hh24:mi-ddd:hh24:mi (UTC). */
const MAINTENANCE = /^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)$/i;
const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

function minutes(h: string, m: string): number {
  return Number(h) * 60 + Number(m);
}

/** Minutes of the week covered by a window, as [start, end) ranges. */
function weekRanges(start: number, end: number): [number, number][] {
  const week = 7 * 1440;
  return end > start
    ? [[start, end]]
    : [
        [start, week],
        [0, end],
      ];
}

function overlaps(a: [number, number][], b: [number, number][]): boolean {
  return a.some(([s1, e1]) => b.some(([s2, e2]) => s1 < e2 && s2 < e1));
}

/** Characters RDS refuses in a master password (CreateDBCluster MasterUserPassword). */
const PASSWORD_FORBIDDEN = /[/"@ ]/;

export const rdsClusterArguments = resourcePolicy({
  name: "rds-cluster-arguments",
  description:
    'RDS cluster and instance arguments: backup window hh24:mi-hh24:mi of at least 30 minutes not overlapping the maintenance window ddd:hh24:mi-ddd:hh24:mi, masterPassword exclusive with manageMasterUserPassword and 8..128 characters without / " @ or space, a finalSnapshotIdentifier unless skipFinalSnapshot, kmsKeyId only with storageEncrypted, port 1150..65535, promotion tier 0..15, proxy pool percentages within 1..100.',
  enforcementLevel: "mandatory",
  validateResource: [
    // Source: RDS API CreateDBCluster (PreferredBackupWindow, PreferredMaintenanceWindow, MasterUserPassword,
    // ManageMasterUserPassword, KmsKeyId, Port); provider internal/service/rds/cluster.go (verify.ValidOnceADayWindowFormat,
    // verify.ValidOnceAWeekWindowFormat, ConflictsWith master_password / manage_master_user_password).
    forType("aws:rds/cluster:Cluster", (p, args, report) => {
      const l = label(args);
      let backup: [number, number][] | undefined;
      if (typeof p.preferredBackupWindow === "string") {
        const m = WINDOW.exec(p.preferredBackupWindow);
        if (!m) report(`${l}: preferredBackupWindow "${p.preferredBackupWindow}" must be hh24:mi-hh24:mi in UTC.`);
        else {
          const s = minutes(m[1]!, m[2]!);
          const e = minutes(m[3]!, m[4]!);
          const length = (e - s + 1440) % 1440;
          if (length < 30) report(`${l}: preferredBackupWindow "${p.preferredBackupWindow}" is ${length} minutes; it must be at least 30.`);
          backup = DAYS.flatMap((_, d) => weekRanges(d * 1440 + s, (d * 1440 + s + length) % (7 * 1440)));
        }
      }
      if (typeof p.preferredMaintenanceWindow === "string") {
        const m = MAINTENANCE.exec(p.preferredMaintenanceWindow);
        if (!m) report(`${l}: preferredMaintenanceWindow "${p.preferredMaintenanceWindow}" must be ddd:hh24:mi-ddd:hh24:mi in UTC (e.g. sun:03:00-sun:04:00).`);
        else {
          const s = DAYS.indexOf(m[1]!.toLowerCase()) * 1440 + minutes(m[2]!, m[3]!);
          const e = DAYS.indexOf(m[4]!.toLowerCase()) * 1440 + minutes(m[5]!, m[6]!);
          if ((e - s + 7 * 1440) % (7 * 1440) < 30) report(`${l}: preferredMaintenanceWindow "${p.preferredMaintenanceWindow}" must be at least 30 minutes.`);
          if (backup && overlaps(backup, weekRanges(s, e)))
            report(
              `${l}: preferredBackupWindow ${p.preferredBackupWindow} overlaps preferredMaintenanceWindow ${p.preferredMaintenanceWindow}; move one of them.`,
            );
        }
      }
      if (p.masterPassword !== undefined && p.manageMasterUserPassword === true)
        report(`${l}: masterPassword and manageMasterUserPassword are mutually exclusive; keep one.`);
      const pw = p.masterPassword;
      if (typeof pw === "string" && (pw.length < 8 || pw.length > 128 || PASSWORD_FORBIDDEN.test(pw))) {
        report(`${l}: masterPassword must be 8..128 printable ASCII characters without '/', '"', '@' or spaces.`);
      }
      if (typeof p.masterUsername === "string" && !/^[A-Za-z][A-Za-z0-9_]{0,62}$/.test(p.masterUsername)) {
        report(`${l}: masterUsername "${p.masterUsername}" must be 1..63 letters, digits or '_', starting with a letter.`);
      }
      if (p.skipFinalSnapshot !== true && !p.finalSnapshotIdentifier)
        report(
          `${l}: skipFinalSnapshot is false but finalSnapshotIdentifier is unset; destroy would fail. Set a finalSnapshotIdentifier or skipFinalSnapshot true.`,
        );
      if (p.kmsKeyId && p.storageEncrypted !== true) report(`${l}: kmsKeyId is set but storageEncrypted is not true; set storageEncrypted true.`);
      if (p.port !== undefined && (p.port < 1150 || p.port > 65535)) report(`${l}: port ${p.port} is outside 1150..65535.`);
    }),
    // Source: RDS API CreateDBInstance PromotionTier (0..15); provider rds/cluster_instance.go promotion_tier IntBetween(0, 15).
    forType("aws:rds/clusterInstance:ClusterInstance", (p, args, report) => {
      if (p.promotionTier !== undefined && (p.promotionTier < 0 || p.promotionTier > 15))
        report(`${label(args)}: promotionTier ${p.promotionTier} is outside 0..15.`);
      if (typeof p.instanceClass === "string" && !/^db\.[a-z0-9-]+(\.[a-z0-9-]+)?$/.test(p.instanceClass))
        report(`${label(args)}: instanceClass "${p.instanceClass}" is not an RDS class (db.<family>.<size> or db.serverless).`);
    }),
    // Source: RDS API ConnectionPoolConfiguration (MaxConnectionsPercent 1..100, MaxIdleConnectionsPercent 0..MaxConnectionsPercent, ConnectionBorrowTimeout 0..3600).
    forType("aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup", (p, args, report) => {
      const c = p.connectionPoolConfig;
      if (!c) return;
      const l = label(args);
      if (c.maxConnectionsPercent !== undefined && (c.maxConnectionsPercent < 1 || c.maxConnectionsPercent > 100))
        report(`${l}: connectionPoolConfig.maxConnectionsPercent ${c.maxConnectionsPercent} is outside 1..100.`);
      const max = c.maxConnectionsPercent ?? 100;
      if (c.maxIdleConnectionsPercent !== undefined && (c.maxIdleConnectionsPercent < 0 || c.maxIdleConnectionsPercent > max)) {
        report(`${l}: connectionPoolConfig.maxIdleConnectionsPercent ${c.maxIdleConnectionsPercent} must be within 0..maxConnectionsPercent (${max}).`);
      }
      if (c.connectionBorrowTimeout !== undefined && (c.connectionBorrowTimeout < 0 || c.connectionBorrowTimeout > 3600))
        report(`${l}: connectionPoolConfig.connectionBorrowTimeout ${c.connectionBorrowTimeout} s is outside 0..3600.`);
    }),
  ],
});

const RANDOM_PASSWORD = "random:index/randomPassword:RandomPassword";
/** The random provider's default special characters (random_password: `!@#$%&*()-_=+[]{}<>:?`). */
const RANDOM_DEFAULT_SPECIAL = "!@#$%&*()-_=+[]{}<>:?";

export const rdsMasterPasswordSource = stackPolicy({
  name: "rds-master-password-source",
  description:
    "A generated master password for an RDS cluster or instance cannot contain '/', '\"', '@' or spaces: a random.RandomPassword feeding masterPassword sets special false or an overrideSpecial without them (the provider's default special characters include '@').",
  enforcementLevel: "mandatory",
  // Source: RDS API CreateDBCluster MasterUserPassword ("Can't contain the following characters: / (slash), \" (double quote), @ (at sign)");
  // random provider random_password (special defaults to true, override_special defaults to !@#$%&*()-_=+[]{}<>:?).
  validateStack: (args, report) => {
    const dbs = args.resources.filter((r) => r.type === "aws:rds/cluster:Cluster" || r.type === "aws:rds/instance:Instance");
    const generators = ofType(args.resources, RANDOM_PASSWORD);
    if (dbs.length === 0 || generators.length === 0) return args.notApplicable("no generated RDS master passwords");
    for (const db of dbs) {
      const sources = (db.propertyDependencies.masterPassword ?? []).filter((d) => d.type === RANDOM_PASSWORD);
      for (const g of sources) {
        if (g.props.special === false) continue;
        const specials: string = typeof g.props.overrideSpecial === "string" ? g.props.overrideSpecial : RANDOM_DEFAULT_SPECIAL;
        const bad = [...new Set([...specials].filter((c) => PASSWORD_FORBIDDEN.test(c)))];
        if (bad.length > 0)
          report(
            `${label(db)}: masterPassword comes from ${label(g)}, whose special characters include ${bad.map((c) => `'${c}'`).join(", ")}, which RDS rejects; set special: false or an overrideSpecial without / " @ and spaces.`,
            db.urn,
          );
      }
    }
  },
});

export const rdsArgumentPolicies = [rdsSubnetZones, rdsClusterArguments, rdsMasterPasswordSource];
