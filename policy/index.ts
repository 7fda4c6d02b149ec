/**
 * The policy pack served to the Pulumi engine:
 *   pulumi preview --policy-pack policy [--policy-pack-config policy/config/ecommerce-platform.json]
 * Constructing the PolicyPack starts the analyzer, so nothing else imports this file.
 */
import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME, policies } from "./policies";

new PolicyPack(PACK_NAME, { policies, enforcementLevel: "advisory", description: "Deploy-time constraints and security practice for AWS programs." });
