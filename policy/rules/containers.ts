/** ECS task definitions and services: what RegisterTaskDefinition and CreateService reject at deploy time. */
import type { PolicyResource } from "@pulumi/policy";
import { stackPolicy } from "../lib/define";
import { asArray, label, ofType, parseJsonDocument, refersTo } from "../lib/stack";

/** Fargate task CPU units -> allowed memory (MiB). Amazon ECS Developer Guide "Task CPU and memory". */
export const FARGATE_SIZES: Record<string, (mem: number) => boolean> = {
  "256": (m) => [512, 1024, 2048].includes(m),
  "512": (m) => m >= 1024 && m <= 4096 && m % 1024 === 0,
  "1024": (m) => m >= 2048 && m <= 8192 && m % 1024 === 0,
  "2048": (m) => m >= 4096 && m <= 16384 && m % 1024 === 0,
  "4096": (m) => m >= 8192 && m <= 30720 && m % 1024 === 0,
  "8192": (m) => m >= 16384 && m <= 61440 && m % 4096 === 0,
  "16384": (m) => m >= 32768 && m <= 122880 && m % 8192 === 0,
};

interface Container {
  name?: string;
  image?: string;
  essential?: boolean;
  memory?: number;
  memoryReservation?: number;
  logConfiguration?: { logDriver?: string };
  secrets?: unknown[];
  portMappings?: { containerPort?: number }[];
}

function containers(td: PolicyResource): { list: Container[]; error?: string } {
  const parsed = parseJsonDocument(td.props.containerDefinitions);
  if (!parsed.ok) return { list: [], error: parsed.error };
  if (!Array.isArray(parsed.value)) return { list: [], error: "it is not a JSON array of container definitions" };
  return { list: parsed.value as Container[] };
}

function isFargate(td: PolicyResource): boolean {
  return asArray<string>(td.props.requiresCompatibilities).includes("FARGATE");
}

export const ecsConfiguration = stackPolicy({
  name: "ecs-configuration",
  description:
    "ECS: cluster settings (containerInsights enabled/disabled/enhanced), container definitions as a JSON array of containers with name and image, unique names, at least one essential container; Fargate tasks in awsvpc mode with task-level cpu/memory of a supported combination and an execution role when they log with awslogs, pull from ECR or read secrets; services on Fargate (or awsvpc tasks) with networkConfiguration subnets, desired count >= 0, a minimum healthy percent of 0..100, a health check grace period only with a load balancer, load balancer container names that exist in the task.",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const tds = ofType(args.resources, "aws:ecs/taskDefinition:TaskDefinition");
    const services = ofType(args.resources, "aws:ecs/service:Service");
    if (tds.length + services.length + ofType(args.resources, "aws:ecs/cluster:Cluster").length === 0) return args.notApplicable("no ECS resources");
    // Source: ECS API RegisterTaskDefinition (ContainerDefinition name/image required; "at least one essential container";
    // Fargate: networkMode awsvpc, task cpu and memory required, CPU/memory table; executionRoleArn required for awslogs,
    // private ECR images and secrets).
    for (const td of tds) {
      const p = td.props;
      const l = label(td);
      const { list, error } = containers(td);
      if (error) {
        report(`${l}: containerDefinitions is invalid (${error}); it must be a JSON array of container definitions.`, td.urn);
        continue;
      }
      if (list.length === 0) report(`${l}: containerDefinitions has no container.`, td.urn);
      const names = new Set<string>();
      list.forEach((c, i) => {
        if (!c.name) report(`${l}: containerDefinitions[${i}] needs a name.`, td.urn);
        else if (names.has(c.name)) report(`${l}: container name "${c.name}" is used twice.`, td.urn);
        if (c.name) names.add(c.name);
        if (!c.image) report(`${l}: container "${c.name ?? i}" needs an image.`, td.urn);
        if (c.memory !== undefined && c.memoryReservation !== undefined && c.memoryReservation > c.memory)
          report(`${l}: container "${c.name}" memoryReservation ${c.memoryReservation} exceeds memory ${c.memory}.`, td.urn);
      });
      if (list.length > 0 && !list.some((c) => c.essential !== false)) report(`${l}: no container is essential; at least one must be.`, td.urn);
      if (isFargate(td)) {
        if (p.networkMode !== "awsvpc") report(`${l}: Fargate tasks need networkMode "awsvpc" (given: ${p.networkMode ?? "unset"}).`, td.urn);
        const cpu = String(p.cpu ?? "");
        const mem = Number(p.memory);
        const fits = FARGATE_SIZES[cpu];
        if (!fits) report(`${l}: Fargate cpu "${p.cpu ?? "unset"}" must be one of ${Object.keys(FARGATE_SIZES).join(", ")}.`, td.urn);
        else if (!Number.isFinite(mem) || !fits(mem))
          report(`${l}: Fargate memory ${p.memory ?? "unset"} MiB is not allowed with cpu ${cpu}; see the Fargate task size table.`, td.urn);
        const needsExecRole = list.some(
          (c) => c.logConfiguration?.logDriver === "awslogs" || /\.dkr\.ecr\./.test(String(c.image ?? "")) || asArray(c.secrets).length > 0,
        );
        if (needsExecRole && !p.executionRoleArn)
          report(
            `${l}: containers log with awslogs, pull from ECR or read secrets, which needs executionRoleArn (a role ecs-tasks.amazonaws.com can assume).`,
            td.urn,
          );
      }
    }
    // Source: ECS API CreateCluster ClusterSetting (name containerInsights, value enabled | disabled | enhanced).
    for (const c of ofType(args.resources, "aws:ecs/cluster:Cluster")) {
      for (const st of asArray<{ name?: string; value?: string }>(c.props.settings)) {
        if (st.name !== "containerInsights") report(`${label(c)}: setting "${st.name}" is not a cluster setting (only containerInsights).`, c.urn);
        else if (!["enabled", "disabled", "enhanced"].includes(String(st.value)))
          report(`${label(c)}: containerInsights "${st.value}" must be enabled, disabled or enhanced.`, c.urn);
      }
    }
    // Source: ECS API CreateService (networkConfiguration required for awsvpc; DeploymentConfiguration minimumHealthyPercent/maximumPercent;
    // "healthCheckGracePeriodSeconds ... only if your service is configured to use a load balancer"; LoadBalancer.containerName).
    for (const s of services) {
      const p = s.props;
      const l = label(s);
      const td = tds.find((d) => refersTo(s, d, ["taskDefinition"]));
      const awsvpc = p.launchType === "FARGATE" || td?.props.networkMode === "awsvpc";
      const subnets = asArray(p.networkConfiguration?.subnets);
      if (awsvpc && subnets.length === 0)
        report(`${l}: ${p.launchType === "FARGATE" ? "a Fargate service" : "an awsvpc task"} needs networkConfiguration.subnets.`, s.urn);
      if (subnets.length > 0 && p.networkConfiguration?.assignPublicIp === true && p.launchType !== "FARGATE")
        report(`${l}: assignPublicIp is supported only for Fargate.`, s.urn);
      if (p.desiredCount !== undefined && p.desiredCount < 0) report(`${l}: desiredCount ${p.desiredCount} must be >= 0.`, s.urn);
      const min = p.deploymentMinimumHealthyPercent;
      if (min !== undefined && (min < 0 || min > 100)) report(`${l}: deploymentMinimumHealthyPercent ${min} is outside 0..100.`, s.urn);
      const lbs = asArray<{ containerName?: string; containerPort?: number }>(p.loadBalancers);
      if (p.healthCheckGracePeriodSeconds !== undefined && lbs.length === 0)
        report(`${l}: healthCheckGracePeriodSeconds applies only to services with loadBalancers.`, s.urn);
      const names = td ? containers(td).list.map((c) => c.name) : undefined;
      for (const lb of lbs)
        if (names && lb.containerName && !names.includes(lb.containerName))
          report(`${l}: loadBalancers containerName "${lb.containerName}" is not a container of ${label(td!)} (${names.join(", ")}).`, s.urn);
      if (p.launchType && p.capacityProviderStrategies && asArray(p.capacityProviderStrategies).length > 0)
        report(`${l}: launchType and capacityProviderStrategies are mutually exclusive.`, s.urn);
    }
  },
});

export const containerPolicies = [ecsConfiguration];
