/** ECR image scanning, and secrets stored encrypted rather than as plain parameters. */
import * as aws from "@pulumi/aws";
import { validateResourceOfType } from "@pulumi/policy";
import { resourcePolicy } from "../lib/define";
import { label } from "../lib/stack";

export const ecrScanOnPush = resourcePolicy({
  name: "ecr-scan-on-push",
  description: "ECR repositories scan images on push.",
  enforcementLevel: "advisory",
  validateResource: validateResourceOfType(aws.ecr.Repository, (r, args, report) => {
    if (r.imageScanningConfiguration?.scanOnPush !== true) report(`${label(args)}: imageScanningConfiguration.scanOnPush is not true.`);
  }),
});

const SECRET_LIKE = /(password|passwd|secret|token|api[-_]?key|private[-_]?key|credential)/i;

export const secretsEncrypted = resourcePolicy({
  name: "secrets-encrypted",
  description: "Secrets live in Secrets Manager or SecureString parameters (encrypted with KMS), never in plain SSM String parameters.",
  enforcementLevel: "advisory",
  validateResource: validateResourceOfType(aws.ssm.Parameter, (p, args, report) => {
    const name = String(p.name ?? args.name);
    if (p.type !== "SecureString" && SECRET_LIKE.test(name)) {
      report(`${label(args)}: parameter "${name}" looks like a secret but has type "${p.type}"; use SecureString or Secrets Manager.`);
    }
  }),
});

export const registrySecretsPolicies = [ecrScanOnPush, secretsEncrypted];
