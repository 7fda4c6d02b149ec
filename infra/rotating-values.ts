/**
 * Generated secret values that rotate without downtime. Each is kept as three generations:
 * `previous`, `current` and `next`. Consumers use `current` (sign with it, send it) and accept all
 * three. Rotating (config `<x>Generation` + 1, then `pulumi up`) promotes `next` to `current`, keeps
 * the old current as `previous` and draws a new `next`; since every consumer already accepted the
 * new current before the rotation, none refuses a value that another, more up-to-date one issued,
 * however long their caches lag (up to one rotation).
 *
 * Three `RandomPassword`s hold the generations in rotating slots: slot s holds whichever of
 * generation g-1, g, g+1 is congruent to s modulo 3, and is drawn anew (its `keepers` change) only
 * when that changes. So a rotation replaces exactly one slot, and a second `pulumi up` changes nothing.
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

export interface RotatingValues {
  previous: pulumi.Output<string>;
  current: pulumi.Output<string>;
  next: pulumi.Output<string>;
}

/** Which generation slot `slot` (0, 1, 2) holds while `generation` is current. */
export function slotGeneration(slot: number, generation: number): number {
  return [generation - 1, generation, generation + 1].find((g) => ((g % 3) + 3) % 3 === slot)!;
}

export interface RotatingPasswordsArgs {
  /** The current generation (config; starts at 1). */
  generation: number;
  length: number;
  /**
   * The name of the single RandomPassword this value had before it rotated: generation 1's slot takes
   * it over (alias, same inputs, no keepers), so existing stacks keep their value through the upgrade.
   */
  legacyName: string;
}

/** The three generations of a generated value, letters and digits only (they travel unescaped in HMAC keys and headers). */
export function rotatingPasswords(name: string, args: RotatingPasswordsArgs, parent: pulumi.Resource): RotatingValues {
  const slots = [0, 1, 2].map((slot) => {
    const holds = slotGeneration(slot, args.generation);
    return new random.RandomPassword(
      `${name}-slot-${slot}`,
      {
        length: args.length,
        special: false,
        minLower: 4,
        minUpper: 4,
        minNumeric: 4,
        ...(holds === 1 ? {} : { keepers: { generation: String(holds) } }),
      },
      { parent, aliases: slot === 1 ? [{ name: args.legacyName, parent }] : [] },
    ).result;
  });
  const slotOf = (generation: number) => slots[((generation % 3) + 3) % 3]!;
  return {
    previous: pulumi.secret(slotOf(args.generation - 1)),
    current: pulumi.secret(slotOf(args.generation)),
    next: pulumi.secret(slotOf(args.generation + 1)),
  };
}
