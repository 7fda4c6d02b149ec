/**
 * Resource options and paths that decide how a stack lives through a second `pulumi up`, updates
 * and `pulumi destroy`. Pure helpers: components call them so each rule is written once.
 *
 * Fixed physical names (every resource here sets its name) do not collide on a replace-forcing change:
 * the AWS provider replaces a resource whose autonamed property the program set delete-before-replace
 * (pulumi-terraform-bridge pkg/tfbridge/schema.go, nameRequiresDeleteBeforeReplace). Resources kept
 * after their stack (below) get a random name suffix instead, since they are never deleted.
 */
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

/**
 * Options for a resource that holds data (a database, table, bucket, key, secret, log group,
 * image repository) or a setting of one.
 *
 * Prod: `protect` makes `pulumi destroy` refuse before deleting anything: a delete step of a
 * protected resource fails even in the preview that `pulumi destroy` runs first (pulumi/pulumi
 * pkg/resource/deploy/step.go, DeleteStep.Apply: "Refuse to delete protected resources" comes before
 * the `!preview` branch), so no stateless part goes first (unless someone passes --skip-preview).
 * `retainOnDelete` keeps the
 * AWS resource when a prod operator does remove it from the program (or unprotects and destroys):
 * Pulumi forgets it instead of deleting it. Dev: neither, so a destroy leaves nothing behind.
 */
export function statefulOptions(isProd: boolean): Pick<pulumi.CustomResourceOptions, "protect" | "retainOnDelete"> {
  return { protect: isProd, retainOnDelete: isProd };
}

/**
 * A path inside the project as the program should register it: relative to the working directory,
 * which is the Pulumi project directory when `pulumi up` runs the program (the nodejs language host
 * runs it there; Pulumi.yaml sits at the repository root). Providers diff such inputs as strings
 * (@pulumi/docker-build diffs `context.location` and `dockerfile.location`; the AWS provider's
 * bucket objects take an asset's path), so an absolute path would differ on every other checkout
 * path and rebuild or re-upload everything. A path outside the project stays absolute.
 */
export function projectPath(absolute: string, cwd: string = process.cwd()): string {
  const relative = path.relative(cwd, absolute);
  // Outside the project (a build directory elsewhere) there is no checkout-independent form: keep it.
  if (relative.startsWith("..") || path.isAbsolute(relative)) return absolute;
  return relative === "" ? "." : relative.split(path.sep).join("/");
}

/**
 * A short random suffix for the physical name of a resource the stack keeps on destroy
 * (`retainOnDelete`) or that AWS may hold on to for a while (Lambda@Edge replicas). The random value
 * lives in the stack's state only, so a stack destroyed and deployed again (or a replacement) gets a
 * new name instead of colliding with the one left behind ("already exists").
 */
export function instanceSuffix(name: string, parent: pulumi.Resource): pulumi.Output<string> {
  return new random.RandomId(name, { byteLength: 3 }, { parent }).hex;
}
