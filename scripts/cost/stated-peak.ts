/**
 * The peak a program states it is built for, read from its stack output `capacity`
 * (`peakRequestsPerSecond` per front door, `frontDoors`: infra/index.ts exports the capacity
 * plan so). A stack output, not the program's config: the cost tool prices any program the
 * same way, and reads the figure the deployed stack reports (`pulumi stack output capacity`).
 */
import { z } from "zod";
import type { StatedPeak } from "../../policy/lib/cost/model";
import type { RecordedResource } from "../preflight/program";

/** The stack output that states the peak. */
export const CAPACITY_OUTPUT = "capacity";

const capacitySchema = z.looseObject({
  peakRequestsPerSecond: z.number().positive(),
  frontDoors: z.number().int().positive().default(1),
});

/** The stated peak, or undefined when the program exports no `capacity`; throws naming a malformed one. */
export function statedPeak(resources: readonly RecordedResource[]): StatedPeak | undefined {
  const stack = resources.find((r) => r.type === "pulumi:pulumi:Stack");
  const output = stack?.outputs[CAPACITY_OUTPUT];
  if (output === undefined) return undefined;
  const parsed = capacitySchema.safeParse(output);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${[CAPACITY_OUTPUT, ...i.path.map(String)].join(".")}: ${i.message}`);
    throw new Error(`stack output ${CAPACITY_OUTPUT} does not state a peak: ${problems.join("; ")}`);
  }
  return {
    requestsPerSecondPerFrontDoor: parsed.data.peakRequestsPerSecond,
    frontDoors: parsed.data.frontDoors,
    source: `stack output ${CAPACITY_OUTPUT}`,
  };
}
