/**
 * The prod sample stack (Pulumi.prod.yaml) passes its own preflight with the prod pack config, and
 * that config really checks protection: without its one waiver, stateful-protect names exactly the
 * alarm topic's key. (Its own file: the program module loads once per test process.)
 */
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { MIN_REASON_LENGTH } from "../../policy/lib/waivers";
import { runProgram, type ProgramRun } from "../../scripts/preflight/program";
import { defaultPolicyConfigFile, evaluatePack, loadPolicyConfig } from "../../scripts/preflight/run";

const ROOT = path.resolve(__dirname, "../..");

describe("preflight on this platform (infra/index.ts, stack prod)", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runProgram({ programDir: ROOT, stack: "prod" });
  }, 120_000);
  const evaluate = (config: ReturnType<typeof loadPolicyConfig>) =>
    evaluatePack({ resources: run.resources, project: run.project, stack: run.stack, region: run.environment.region, config });

  it("has no mandatory or unwaived advisory findings with policy/config/ecommerce-platform.prod.json; every waiver is used and explained", async () => {
    expect(run.resources.length).toBeGreaterThan(50);
    const file = defaultPolicyConfigFile("ecommerce-platform", "prod")!;
    expect(file).toMatch(/ecommerce-platform\.prod\.json$/);
    const config = loadPolicyConfig(file);
    expect(config["stateful-protect"]).toMatchObject({ production: true });
    const result = await evaluate(config);
    expect(result.violations.map((v) => `${v.level} [${v.policy}] ${v.detail}`)).toEqual([]);
    expect(result.unusedWaivers).toEqual([]);
    for (const w of result.waived) expect(w.waiver.reason.length).toBeGreaterThanOrEqual(MIN_REASON_LENGTH);
  });

  it("with production: true and no waivers, the alarm topics' keys are the only unprotected stateful resources", async () => {
    const result = await evaluate({ "stateful-protect": { production: true } });
    expect(
      result.violations
        .filter((v) => v.policy === "stateful-protect")
        .map((v) => v.urn)
        .sort(),
    ).toEqual([expect.stringMatching(/aws:kms\/key:Key::monitoring-topic-key$/), expect.stringMatching(/aws:kms\/key:Key::monitoring-us-east-1-topic-key$/)]);
  });
});
