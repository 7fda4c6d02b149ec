/**
 * DynamoDB tables for sessions (and carts) and the read cache.
 *
 * Both use one string hash key `pk` (the API's data-access modules build it) and
 * expire items through TTL on `expiresAt` (epoch seconds). `expiresAt` is NOT listed
 * in `attributes`: DynamoDB only accepts key/index attributes there.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { statefulOptions } from "./lifecycle";
import { physicalName } from "./naming";
import { standardTags, type TagContext } from "./tags";

export const TABLE_HASH_KEY = "pk";
export const TABLE_TTL_ATTRIBUTE = "expiresAt";

export interface TablesArgs {
  readonly environmentSuffix: string;
  readonly tags: TagContext;
  /** Prod stacks: DynamoDB deletion protection on, and Pulumi protects and retains the tables. */
  readonly isProd: boolean;
}

export class Tables extends pulumi.ComponentResource {
  public readonly sessionsTableName: pulumi.Output<string>;
  public readonly sessionsTableArn: pulumi.Output<string>;
  public readonly cacheTableName: pulumi.Output<string>;
  public readonly cacheTableArn: pulumi.Output<string>;

  constructor(name: string, args: TablesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("shop:tables:Tables", name, {}, opts);

    const table = (base: string) => {
      const tableName = physicalName("dynamoTable", base, args.environmentSuffix);
      return new aws.dynamodb.Table(
        `${name}-${base}`,
        {
          name: tableName,
          billingMode: "PAY_PER_REQUEST",
          hashKey: TABLE_HASH_KEY,
          attributes: [{ name: TABLE_HASH_KEY, type: "S" }],
          ttl: { attributeName: TABLE_TTL_ATTRIBUTE, enabled: true },
          pointInTimeRecovery: { enabled: true },
          // Encrypted with the AWS-managed DynamoDB KMS key (no extra key cost or policy).
          serverSideEncryption: { enabled: true },
          deletionProtectionEnabled: args.isProd,
          tags: standardTags(args.tags, tableName),
        },
        { parent: this, ...statefulOptions(args.isProd) },
      );
    };

    const sessions = table("sessions");
    const cache = table("cache");

    this.sessionsTableName = sessions.name;
    this.sessionsTableArn = sessions.arn;
    this.cacheTableName = cache.name;
    this.cacheTableArn = cache.arn;
    this.registerOutputs({
      sessionsTableName: this.sessionsTableName,
      sessionsTableArn: this.sessionsTableArn,
      cacheTableName: this.cacheTableName,
      cacheTableArn: this.cacheTableArn,
    });
  }
}
