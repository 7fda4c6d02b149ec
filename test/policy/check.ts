/**
 * Test helper: runs a few lines of Pulumi code under the Pulumi mocks (scripts/pulumi-mocks) and evaluates the
 * pack on what they register, through @pulumi/policy's analyzer (the runner's own path).
 */
import path from "node:path";
import { evaluatePack, type Evaluation } from "../../scripts/preflight/run";
import type { PolicyPackConfig, Violation } from "../../scripts/preflight/analyze";
import { runUnderMocks } from "../../scripts/pulumi-mocks/session";

const ROOT = path.resolve(__dirname, "../..");

export async function check(body: () => void | Promise<void>, opts: { config?: PolicyPackConfig; region?: string } = {}): Promise<Evaluation> {
  const region = opts.region ?? "eu-west-1";
  const { resources } = await runUnderMocks({ project: "test", stack: "dev", config: { "aws:region": region }, resolveFrom: ROOT }, async () => {
    await body();
  });
  return evaluatePack({ resources, project: "test", stack: "dev", region, config: opts.config ?? {} });
}

/** Findings of one policy. */
export function of(policy: string, e: Evaluation): Violation[] {
  return e.violations.filter((v) => v.policy === policy);
}

/** The specific messages of one policy's findings. */
export function details(policy: string, e: Evaluation): string[] {
  return of(policy, e).map((v) => v.detail);
}
