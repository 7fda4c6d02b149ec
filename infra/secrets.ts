/**
 * Values generated at deploy time and never committed: the session signing keys
 * (read by the API and the edge guard), the admin token, and the value of the
 * CloudFront -> ALB origin-verify header. Each lives in Secrets Manager; the
 * outputs are Pulumi secrets (encrypted in state, masked in output). The session
 * keys and the origin-verify value rotate without downtime (./rotating-values.ts):
 * config `sessionKeyGeneration` / `originVerifyGeneration` + 1, then `pulumi up`.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { statefulOptions } from "./lifecycle";
import { rotatingPasswords, type RotatingValues } from "./rotating-values";
import { physicalName } from "./naming";
import { standardTags, type TagContext } from "./tags";

/** The header CloudFront adds and the ALB listener rule requires. */
export const ORIGIN_VERIFY_HEADER = "x-origin-verify";

/**
 * Dev stacks delete secrets immediately (a pending deletion blocks reusing the name on the
 * next `pulumi up`); prod keeps the default 30-day recovery window.
 */
export function recoveryWindowDays(isProd: boolean): number {
  return isProd ? 30 : 0;
}

export interface SecretsArgs {
  readonly environmentSuffix: string;
  readonly tags: TagContext;
  readonly isProd: boolean;
  /** Generation of the session signing keys (config sessionKeyGeneration; default 1). */
  readonly sessionKeyGeneration?: number;
  /** Generation of the origin-verify value (config originVerifyGeneration; default 1). */
  readonly originVerifyGeneration?: number;
}

export class Secrets extends pulumi.ComponentResource {
  /** The secret holding the session keys as JSON `{"previous","current","next"}`. */
  public readonly sessionKeySecretArn: pulumi.Output<string>;
  public readonly sessionKeys: RotatingValues;
  public readonly adminTokenSecretArn: pulumi.Output<string>;
  public readonly adminToken: pulumi.Output<string>;
  public readonly originVerifySecretArn: pulumi.Output<string>;
  /** What CloudFront sends in the origin-verify header; the ALB accepts all three generations. */
  public readonly originVerify: RotatingValues;

  constructor(name: string, args: SecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("shop:secrets:Secrets", name, {}, opts);

    // Letters and digits only: the values travel in cookies' HMAC keys and HTTP headers unescaped.
    const generate = (base: string, length: number) =>
      new random.RandomPassword(`${name}-${base}`, { length, special: false, minLower: 4, minUpper: 4, minNumeric: 4 }, { parent: this });

    const stateful = { parent: this, ...statefulOptions(args.isProd) };
    const store = (base: string, description: string, value: pulumi.Output<string>) => {
      const secretName = physicalName("secret", base, args.environmentSuffix);
      const secret = new aws.secretsmanager.Secret(
        `${name}-${base}`,
        {
          name: secretName,
          description,
          recoveryWindowInDays: recoveryWindowDays(args.isProd),
          tags: standardTags(args.tags, secretName),
        },
        stateful,
      );
      // A new value is a new version: the provider replaces the version (secret_string is ForceNew in
      // terraform-provider-aws internal/service/secretsmanager/secret_version.go), so the version is not
      // protected (prod would refuse every rotation); the secret, which holds the data, is.
      new aws.secretsmanager.SecretVersion(`${name}-${base}`, { secretId: secret.id, secretString: value }, { parent: this });
      return secret;
    };

    const sessionKeys = rotatingPasswords(
      `${name}-session-key`,
      { generation: args.sessionKeyGeneration ?? 1, length: 64, legacyName: `${name}-session-key` },
      this,
    );
    const adminToken = generate("admin-token", 48);
    const originVerify = rotatingPasswords(
      `${name}-origin-verify`,
      { generation: args.originVerifyGeneration ?? 1, length: 48, legacyName: `${name}-origin-verify` },
      this,
    );

    const sessionKeySecret = store(
      "session-key",
      "HMAC-SHA256 keys that sign the storefront's session cookie (API and edge guard): JSON {previous, current, next}",
      pulumi.secret(
        pulumi
          .all([sessionKeys.previous, sessionKeys.current, sessionKeys.next])
          .apply(([previous, current, next]) => JSON.stringify({ previous, current, next })),
      ),
    );
    const adminTokenSecret = store("admin-token", "Bearer token for the API's /api/admin/* routes", adminToken.result);
    const originVerifySecret = store(
      "origin-verify",
      `Value of the ${ORIGIN_VERIFY_HEADER} header CloudFront sends to the ALB (the current generation)`,
      originVerify.current,
    );

    this.sessionKeySecretArn = sessionKeySecret.arn;
    this.sessionKeys = sessionKeys;
    this.adminTokenSecretArn = adminTokenSecret.arn;
    this.adminToken = pulumi.secret(adminToken.result);
    this.originVerifySecretArn = originVerifySecret.arn;
    this.originVerify = originVerify;

    this.registerOutputs({
      sessionKeySecretArn: this.sessionKeySecretArn,
      adminTokenSecretArn: this.adminTokenSecretArn,
      adminToken: this.adminToken,
      originVerifySecretArn: this.originVerifySecretArn,
    });
  }
}
