/**
 * A program module runs once per process: running the same program a second time in one process
 * registers nothing. The runner must say so, not report a clean run of an empty stack.
 * (Its own file: it needs a process in which good-program has not run yet.)
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runProgram } from "../../scripts/preflight/program";

const GOOD = path.resolve(__dirname, "../fixtures/good-program");

describe("the offline runner run twice on one program in one process", () => {
  it("registers the program's resources the first time and fails loudly the second", async () => {
    const first = await runProgram({ programDir: GOOD });
    expect(first.resources.filter((r) => r.type === "aws:s3/bucket:Bucket")).toHaveLength(1);
    await expect(runProgram({ programDir: GOOD })).rejects.toThrow(/already ran in this process and registered nothing/);
  }, 60_000);
});
