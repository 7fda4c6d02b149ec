/**
 * Every policy of the pack, without constructing the PolicyPack (which would start the
 * analyzer's gRPC server): tests and the offline runner import this list; index.ts serves it.
 */
import type { Policies } from "@pulumi/policy";
import { apigatewayPolicies } from "./rules/apigateway";
import { capacityPolicies } from "./rules/capacity";
import { costPolicies } from "./rules/cost";
import { databasePolicies } from "./rules/database";
import { deliveryPolicies } from "./rules/delivery";
import { dynamodbPolicies } from "./rules/dynamodb";
import { edgePolicies } from "./rules/edge";
import { iamPolicies } from "./rules/iam";
import { iamDocumentPolicies } from "./rules/iam-documents";
import { regionPartitionPolicies } from "./rules/region-partition";
import { wafDeployBudgetPolicies } from "./rules/waf-deploy-budgets";
import { containerPolicies } from "./rules/containers";
import { messagingWorkflowPolicies } from "./rules/messaging-workflows";
import { dataArgumentPolicies } from "./rules/data-arguments";
import { computeArgumentPolicies } from "./rules/compute-arguments";
import { monitoringArgumentPolicies } from "./rules/monitoring-arguments";
import { rdsArgumentPolicies } from "./rules/rds-arguments";
import { vpcConfigurationPolicies } from "./rules/vpc-configuration";
import { s3ConfigurationPolicies } from "./rules/s3-configuration";
import { lambdaPolicies } from "./rules/lambda";
import { lifecyclePolicies } from "./rules/lifecycle";
import { loadBalancerPolicies } from "./rules/loadbalancer";
import { monitoringPolicies } from "./rules/monitoring";
import { namingPolicies } from "./rules/naming";
import { networkPolicies } from "./rules/network";
import { registrySecretsPolicies } from "./rules/registry-secrets";
import { storagePolicies } from "./rules/storage";
import { tracingPolicies } from "./rules/tracing";

export const PACK_NAME = "ecommerce-platform-preflight";

export const policies: Policies = [
  ...namingPolicies,
  ...lambdaPolicies,
  ...edgePolicies,
  ...databasePolicies,
  ...dynamodbPolicies,
  ...monitoringPolicies,
  ...apigatewayPolicies,
  ...loadBalancerPolicies,
  ...deliveryPolicies,
  ...storagePolicies,
  ...networkPolicies,
  ...iamPolicies,
  ...iamDocumentPolicies,
  ...regionPartitionPolicies,
  ...wafDeployBudgetPolicies,
  ...containerPolicies,
  ...messagingWorkflowPolicies,
  ...dataArgumentPolicies,
  ...computeArgumentPolicies,
  ...monitoringArgumentPolicies,
  ...rdsArgumentPolicies,
  ...vpcConfigurationPolicies,
  ...s3ConfigurationPolicies,
  ...registrySecretsPolicies,
  ...tracingPolicies,
  ...capacityPolicies,
  ...lifecyclePolicies,
  ...costPolicies,
];

export { waivedFindings } from "./lib/waivers";
