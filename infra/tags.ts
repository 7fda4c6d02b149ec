/** The standard tags every taggable resource carries: for cost allocation and ownership. */

export interface TagContext {
  environmentSuffix: string;
  project: string;
  costCenter: string;
  owner: string;
}

export type Tags = Record<string, string>;

/** Name, Environment, Project, ManagedBy, CostCenter and Owner for one resource. */
export function standardTags(ctx: TagContext, name: string, extra: Tags = {}): Tags {
  return {
    Name: name,
    Environment: ctx.environmentSuffix,
    Project: ctx.project,
    ManagedBy: "Pulumi",
    CostCenter: ctx.costCenter,
    Owner: ctx.owner,
    ...extra,
  };
}

export const REQUIRED_TAG_KEYS = ["Name", "Environment", "Project", "ManagedBy", "CostCenter", "Owner"] as const;
