/**
 * The bench's processes as Linux sees them (/proc): the CPU each has used, the
 * peak memory of one, and which CPUs each may run on (`taskset`).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces): index 0 is field 3, `state`. */
function statFields(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}

/** Clock ticks are 10 ms on Linux (USER_HZ 100). */
const TICK_MS = 10;

/** User + system CPU a process has used so far, in ms. */
export function processCpuMs(pid: number): number {
  const fields = statFields(pid);
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS; // utime, stime
}

/** This process's user + system CPU so far, in ms. */
export function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Peak resident set of a process, in MiB. */
export function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** The PostgreSQL server's processes: the postmaster (named by the data folder's postmaster.pid) and its children alive now. */
export function postgresPids(dataDir: string): { postmaster: number; children: number[] } {
  const postmaster = Number(readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
  const children: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (Number(statFields(Number(entry))[1]) === postmaster) children.push(Number(entry));
    } catch {
      // Ended between the listing and the read.
    }
  }
  return { postmaster, children };
}

/**
 * CPU of the PostgreSQL server so far, in ms: the postmaster with the children
 * it has reaped, plus the backends alive now (each pooled connection is one).
 */
export function postgresCpuMs(dataDir: string): number {
  const { postmaster, children } = postgresPids(dataDir);
  const own = statFields(postmaster);
  let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]); // utime, stime, cutime, cstime
  for (const child of children) {
    try {
      const fields = statFields(child);
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // Ended since the listing: the postmaster's reaped total has it.
    }
  }
  return ticks * TICK_MS;
}

/**
 * Where the processes of a run may execute:
 * - `shared`: every process on every CPU, as the machine schedules them;
 * - `split`: the data stores (PostgreSQL, dynalite) on the first half of the
 *   CPUs, the API, the load generator and the direct baseline's client on the
 *   other half, as in AWS, where the function's vCPU is not the database's.
 */
export type Placement = "shared" | "split";

/** The two CPU lists of a split (taskset syntax), or null on a machine with one CPU. */
export function splitCpus(): { stores: string; rest: string; all: string } | null {
  const count = os.cpus().length;
  if (count < 2) return null;
  const half = Math.floor(count / 2);
  const list = (from: number, to: number) => (from === to ? String(from) : `${from}-${to}`);
  return { stores: list(0, half - 1), rest: list(half, count - 1), all: list(0, count - 1) };
}

/** Restricts every thread of `pid` to `cpus`; a process forked later by it inherits the mask. */
function pin(pid: number, cpus: string): void {
  const result = spawnSync("taskset", ["--all-tasks", "--cpu-list", "--pid", cpus, String(pid)], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`taskset ${cpus} ${pid}: ${result.error?.message ?? result.stderr.trim()}`);
}

/** Places the stores' processes and the rest (this process among them) for a run; see `Placement`. */
export function placeProcesses(placement: Placement, processes: { pgDataDir: string; dynalite: number; rest: number[] }): void {
  const cpus = splitCpus();
  if (!cpus) return;
  const { postmaster, children } = postgresPids(processes.pgDataDir);
  const stores = [postmaster, ...children, processes.dynalite];
  const rest = [process.pid, ...processes.rest];
  for (const pid of stores) pinIfAlive(pid, placement === "split" ? cpus.stores : cpus.all);
  for (const pid of rest) pinIfAlive(pid, placement === "split" ? cpus.rest : cpus.all);
}

function pinIfAlive(pid: number, cpus: string): void {
  try {
    pin(pid, cpus);
  } catch (err) {
    if (existsSync(`/proc/${pid}`)) throw err; // else a backend that ended since the listing
  }
}
