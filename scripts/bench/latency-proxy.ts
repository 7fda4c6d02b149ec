/**
 * Bench helper, run as its own process: a TCP proxy that delays every chunk
 * by PROXY_DELAY_MS in each direction (default 0.5 ms, so 1 ms per round trip,
 * about what RDS Proxy or DynamoDB adds inside a region), in front of each
 * `host:port` of PROXY_TARGETS. Prints `{"ports":[...]}` once listening; on
 * SIGTERM prints the one-way delay it actually achieved, then exits.
 *
 * Kernel delay (`tc qdisc netem`) would be the exact tool, but it needs the
 * sch_netem module and CAP_NET_ADMIN, which neither this machine nor CI
 * containers offer; so the delay is kept in user space, as accurately as a
 * shared machine allows:
 * - Node's timers have 1 ms granularity, so a sub-millisecond deadline is kept
 *   by a worker thread blocked in Atomics.wait (fractional milliseconds), which
 *   wakes the main thread when the oldest chunk is due. The delay is constant,
 *   so one FIFO over all connections is in deadline order.
 * - Waking a sleeping thread (futex, then the event loop's async handle) takes
 *   a few hundred microseconds on a VM, which alone made 0.5 ms come out as
 *   0.8 ms. The proxy measures how late each wake-up lands and asks for the
 *   next one that much earlier (a moving average), and a flush sends every
 *   chunk due within that margin: the mean delay lands on the target.
 * - A proxy waiting for a CPU behind the processes it measures adds their
 *   queueing to its delay (on 2 shared vCPUs: a mean of 0.8-1.1 ms for 0.5,
 *   from a long tail). The bench starts it under SCHED_FIFO (`chrt`) where the
 *   kernel allows it (root, as here and in CI containers), which took the
 *   mean to 0.505 ms and the p95 to 0.63 ms; failing that it asks for nice -10,
 *   and failing that runs as it is. The report names which it got.
 */
import net from "node:net";
import os from "node:os";
import { Worker } from "node:worker_threads";

const delayMs = Number(process.env.PROXY_DELAY_MS ?? "0.5");
const targets = (process.env.PROXY_TARGETS ?? "").split(",").filter(Boolean);

let priority = process.env.PROXY_SCHEDULING ?? "normal";
if (priority === "normal") {
  try {
    os.setPriority(-10);
    priority = "nice -10";
  } catch {
    // Not permitted (not root): the report says so.
  }
}

interface Pending {
  due: number;
  arrived: number;
  to: net.Socket;
  chunk: Buffer | null; // null: the other side ended
}

const timer = new Worker(
  `const { parentPort } = require("node:worker_threads");
   const cell = new Int32Array(new SharedArrayBuffer(4));
   parentPort.on("message", (ms) => { if (ms > 0) Atomics.wait(cell, 0, 0, ms); parentPort.postMessage(0); });`,
  { eval: true },
);

const queue: Pending[] = [];
let head = 0;
/** When the armed wake-up was asked to land; NaN when none is armed. */
let wakeAt = Number.NaN;
/** Moving average of how late a wake-up lands, in ms (starts at a typical VM figure, then learns). */
let wakeLateness = 0.2;
/** Achieved one-way delays, in ms (a sample is enough for the report). */
const delays: number[] = [];
let delivered = 0;
let delaySum = 0;

function arm(): void {
  if (!Number.isNaN(wakeAt) || head >= queue.length) return;
  const due = queue[head]!.due;
  wakeAt = due - wakeLateness;
  timer.postMessage(wakeAt - performance.now());
}

function flush(): void {
  const now = performance.now();
  wakeLateness += 0.05 * (Math.min(now - wakeAt, delayMs) - wakeLateness);
  wakeAt = Number.NaN;
  // What is due before another wake-up could land goes now.
  const horizon = now + wakeLateness / 2;
  while (head < queue.length && queue[head]!.due <= horizon) {
    const p = queue[head++]!;
    if (p.to.destroyed) continue;
    if (p.chunk === null) p.to.end();
    else p.to.write(p.chunk);
    delivered++;
    delaySum += now - p.arrived;
    if (delays.length < 100_000) delays.push(now - p.arrived);
  }
  if (head === queue.length) {
    queue.length = 0;
    head = 0;
  }
  arm();
}
timer.on("message", flush);

function relay(from: net.Socket, to: net.Socket): void {
  const send = (chunk: Buffer | null) => {
    if (delayMs <= 0) return chunk === null ? to.end() : to.write(chunk);
    const now = performance.now();
    queue.push({ due: now + delayMs, arrived: now, to, chunk });
    arm();
  };
  from.on("data", (chunk: Buffer) => send(chunk));
  from.on("end", () => send(null));
  from.on("error", () => to.destroy());
  from.on("close", () => setTimeout(() => to.destroy(), 50));
}

async function listen(target: string): Promise<number> {
  const [host, port] = [target.slice(0, target.lastIndexOf(":")), Number(target.slice(target.lastIndexOf(":") + 1))];
  const server = net.createServer({ noDelay: true }, (client) => {
    const upstream = net.connect({ host, port, noDelay: true });
    relay(client, upstream);
    relay(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as net.AddressInfo).port;
}

Promise.all(targets.map(listen)).then((ports) => process.stdout.write(JSON.stringify({ ports, priority }) + "\n"));

process.on("SIGTERM", () => {
  delays.sort((a, b) => a - b);
  const at = (q: number) => delays[Math.min(delays.length - 1, Math.floor(delays.length * q))] ?? 0;
  const cpu = process.cpuUsage();
  const stats = {
    cpuMs: (cpu.user + cpu.system) / 1000,
    uptimeMs: process.uptime() * 1000,
    delivered,
    meanDelayMs: delivered ? delaySum / delivered : 0,
    p50DelayMs: at(0.5),
    p95DelayMs: at(0.95),
    priority,
  };
  process.stdout.write(JSON.stringify(stats) + "\n", () => process.exit(0));
});
