/**
 * Values generated at deploy time and never committed: the session signing key
 * (shared by the API and the edge guard), the admin token, and the value of the
 * CloudFront -> ALB origin-verify header. Each lives in Secrets Manager; the
 * outputs are Pulumi secrets (encrypted in state, masked in output).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { statefulOptions } from "./lifecycle";
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
}

export class Secrets extends pulumi.ComponentResource {
  public readonly sessionKeySecretArn: pulumi.Output<string>;
  public readonly sessionSigningKey: pulumi.Output<string>;
  public readonly adminTokenSecretArn: pulumi.Output<string>;
  public readonly adminToken: pulumi.Output<string>;
  public readonly originVerifySecretArn: pulumi.Output<string>;
  public readonly originVerifySecret: pulumi.Output<string>;

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
      new aws.secretsmanager.SecretVersion(`${name}-${base}`, { secretId: secret.id, secretString: value }, stateful);
      return secret;
    };

    const sessionKey = generate("session-key", 64);
    const adminToken = generate("admin-token", 48);
    const originVerify = generate("origin-verify", 48);

    const sessionKeySecret = store("session-key", "HMAC-SHA256 key that signs the storefront's sid cookie (API and edge guard)", sessionKey.result);
    const adminTokenSecret = store("admin-token", "Bearer token for the API's /api/admin/* routes", adminToken.result);
    const originVerifySecret = store("origin-verify", `Value of the ${ORIGIN_VERIFY_HEADER} header CloudFront sends to the ALB`, originVerify.result);

    this.sessionKeySecretArn = sessionKeySecret.arn;
    this.sessionSigningKey = pulumi.secret(sessionKey.result);
    this.adminTokenSecretArn = adminTokenSecret.arn;
    this.adminToken = pulumi.secret(adminToken.result);
    this.originVerifySecretArn = originVerifySecret.arn;
    this.originVerifySecret = pulumi.secret(originVerify.result);

    this.registerOutputs({
      sessionKeySecretArn: this.sessionKeySecretArn,
      sessionSigningKey: this.sessionSigningKey,
      adminTokenSecretArn: this.adminTokenSecretArn,
      adminToken: this.adminToken,
      originVerifySecretArn: this.originVerifySecretArn,
      originVerifySecret: this.originVerifySecret,
    });
  }
}
