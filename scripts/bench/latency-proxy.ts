/**
 * Bench helper, run as its own process: a TCP proxy that delays every chunk
 * by PROXY_DELAY_MS in each direction (default 0.5 ms, so 1 ms per round trip,
 * about what RDS Proxy or DynamoDB adds inside a region), in front of each
 * `host:port` of PROXY_TARGETS. Prints `{"ports":[...]}` once listening; on
 * SIGTERM prints the one-way delay it actually achieved, then exits.
 *
 * Node's timers have 1 ms granularity, so a sub-millisecond deadline is kept
 * by a worker thread blocked in Atomics.wait (fractional milliseconds), which
 * wakes the main thread when the oldest chunk is due. The delay is constant,
 * so one FIFO over all connections is in deadline order.
 */
import net from "node:net";
import { Worker } from "node:worker_threads";

const delayMs = Number(process.env.PROXY_DELAY_MS ?? "0.5");
const targets = (process.env.PROXY_TARGETS ?? "").split(",").filter(Boolean);

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
let armed = false;
let delivered = 0;
let delaySum = 0;

function arm(): void {
  if (armed || head >= queue.length) return;
  armed = true;
  timer.postMessage(queue[head]!.due - performance.now());
}

function flush(): void {
  armed = false;
  const now = performance.now();
  while (head < queue.length && queue[head]!.due <= now) {
    const p = queue[head++]!;
    if (p.to.destroyed) continue;
    if (p.chunk === null) p.to.end();
    else p.to.write(p.chunk);
    delivered++;
    delaySum += now - p.arrived;
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

Promise.all(targets.map(listen)).then((ports) => process.stdout.write(JSON.stringify({ ports }) + "\n"));

process.on("SIGTERM", () => {
  process.stdout.write(JSON.stringify({ delivered, meanDelayMs: delivered ? delaySum / delivered : 0 }) + "\n", () => process.exit(0));
});
