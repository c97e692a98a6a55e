// Shared helpers for tests and benches that run real processes on 127.0.0.1: free ports, processes that
// are tracked and always stopped by PID, and readiness polling (the stand-in notification channel is
// webhook-receiver.ts). Nothing here listens on or connects to anything but the loopback address.
import { spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";

export const LOOPBACK = "127.0.0.1";

/** Milliseconds on a monotonic clock; every timestamp in these helpers uses it, so differences are exact. */
export const now = () => performance.now();

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------------
// Ports

/**
 * Ports are drawn at random from below the kernel's ephemeral range: a port the kernel hands out for
 * `listen(0)` or as the source port of an outgoing connection could be taken again, by our own webhook
 * receiver or by Prometheus scraping, between our probe and the process binding it — or while a stopped
 * exporter is down, before it is restarted on the same port.
 */
function nonEphemeralRange(): [number, number] {
  let low = 32768;
  try {
    low = Number(fs.readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]) || low;
  } catch { /* not Linux: keep the IANA default */ }
  return [Math.min(10_000, low - 1000), low - 1];
}

/**
 * The Fetch standard's "bad ports" (fetch.spec.whatwg.org/#bad-port): Node's fetch refuses them with
 * "fetch failed" (cause "bad port") before connecting, so a process listening on one looks as if it never
 * came up. 10080 lies inside our range and once failed a Thanos sidecar's readiness wait that way.
 */
export const FETCH_BAD_PORTS: ReadonlySet<number> = new Set([
  1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109, 110,
  111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532,
  540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061,
  6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
]);

function listenOn(port: number): Promise<net.Server | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(undefined));
    server.listen(port, LOOPBACK, () => resolve(server));
  });
}

/**
 * `count` distinct free TCP ports on 127.0.0.1, each verified by binding it. The probe listeners are held
 * until all are chosen, so one call never returns the same port twice.
 */
export async function freePorts(count: number, range: [number, number] = nonEphemeralRange()): Promise<number[]> {
  const [low, high] = range;
  const servers: net.Server[] = [];
  try {
    for (let attempt = 0; servers.length < count; attempt++) {
      if (attempt > 200) throw new Error(`no free port found in ${low}-${high}`);
      const port = low + Math.floor(Math.random() * (high - low + 1));
      if (FETCH_BAD_PORTS.has(port)) continue;
      const server = await listenOn(port);
      if (server) servers.push(server);
    }
    return servers.map((s) => (s.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}

// ---------------------------------------------------------------------------------------------------
// Processes

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface StartedProcess {
  name: string;
  pid: number;
  /** Settles when the process has exited (or failed to spawn). */
  exited: Promise<ExitStatus>;
  exitStatus(): ExitStatus | undefined;
  /** The tail of its stdout and stderr, interleaved, for failure messages. */
  log(): string;
}

const LOG_LIMIT = 64 * 1024;
const running = new Map<number, StartedProcess>();

const tempDirs = new Set<string>();

// A last resort for a parent that exits without its cleanup having run (an uncaught error, Ctrl-C in a
// bench): `exit` handlers must be synchronous, so SIGKILL by PID, and remove our temporary directories.
let exitHookInstalled = false;
function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const pid of running.keys()) {
      try { process.kill(pid, "SIGKILL"); } catch { /* already gone */ }
    }
    for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  });
}

/** Marks a directory for removal when the process exits (if it has not been removed before). */
export function removeOnExit(dir: string): string {
  installExitHook();
  tempDirs.add(dir);
  return dir;
}

/** A fresh directory under the OS temp dir, removed when the process exits if not before. */
export function makeTempDir(prefix: string): string {
  return removeOnExit(fs.mkdtempSync(path.join(os.tmpdir(), `novacron-${prefix}-`)));
}

/** Spawns a process, tracks it until it exits, and keeps the tail of its output. */
export function startProcess(name: string, command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): StartedProcess {
  installExitHook();
  const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ["ignore", "pipe", "pipe"] });
  let buffer = "";
  const append = (chunk: Buffer) => {
    buffer += chunk.toString("utf8");
    if (buffer.length > LOG_LIMIT) buffer = buffer.slice(-LOG_LIMIT);
  };
  child.stdout!.on("data", append);
  child.stderr!.on("data", append);

  let status: ExitStatus | undefined;
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once("exit", (code, signal) => resolve((status = { code, signal })));
    // A failed spawn emits `error`, never `exit`.
    child.once("error", (err) => {
      append(Buffer.from(`\n[${name}] spawn error: ${err.message}\n`));
      resolve((status = { code: null, signal: null }));
    });
  });
  // No PID means the spawn failed (a missing binary); the `error` listener above keeps that from crashing us.
  if (child.pid === undefined) throw new Error(`${name}: could not start ${command}`);
  const started: StartedProcess = { name, pid: child.pid, exited, exitStatus: () => status, log: () => buffer };
  running.set(child.pid, started);
  exited.then(() => running.delete(started.pid));
  return started;
}

/** `promise`'s value, or "timeout" if it has not settled within `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | "timeout"> {
  let timer: NodeJS.Timeout;
  return Promise.race([promise, new Promise<"timeout">((resolve) => { timer = setTimeout(() => resolve("timeout"), ms); })])
    .finally(() => clearTimeout(timer));
}

/** SIGTERM, then SIGKILL if the process has not exited within `graceMs`. Resolves once it has exited. */
export async function stopProcess(p: StartedProcess, graceMs = 5_000): Promise<ExitStatus> {
  if (p.exitStatus()) return p.exited;
  try { process.kill(p.pid, "SIGTERM"); } catch { /* exited meanwhile */ }
  if ((await withTimeout(p.exited, graceMs)) === "timeout") {
    try { process.kill(p.pid, "SIGKILL"); } catch { /* exited meanwhile */ }
    if ((await withTimeout(p.exited, 5_000)) === "timeout") throw new Error(`${p.name} (pid ${p.pid}) survived SIGKILL`);
  }
  return p.exited;
}

/** Kills a process by PID with SIGKILL, as a crash would, and resolves once it has exited. */
export async function crashProcess(p: StartedProcess): Promise<ExitStatus> {
  if (p.exitStatus()) return p.exited;
  try { process.kill(p.pid, "SIGKILL"); } catch { /* exited meanwhile */ }
  if ((await withTimeout(p.exited, 5_000)) === "timeout") throw new Error(`${p.name} (pid ${p.pid}) survived SIGKILL`);
  return p.exited;
}

/** Stops every process started through this module that is still running. Call it from afterAll / finally. */
export async function stopAllProcesses(): Promise<void> {
  await Promise.all([...running.values()].map((p) => stopProcess(p)));
}

/** For scripts: Ctrl-C or a SIGTERM stops the children before the parent exits. */
export function stopAllOnSignals() {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      stopAllProcesses().finally(() => process.exit(128 + (signal === "SIGINT" ? 2 : 15)));
    });
  }
}

// ---------------------------------------------------------------------------------------------------
// Waiting

/** Polls `check` until it returns a value other than undefined; throws `describe()` on timeout. */
export async function pollUntil<T>(check: () => Promise<T | undefined>, options: { timeoutMs: number; intervalMs?: number; describe: () => string }): Promise<T> {
  const deadline = now() + options.timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (now() >= deadline) throw new Error(`timed out after ${options.timeoutMs} ms: ${options.describe()}`);
    await sleep(options.intervalMs ?? 250);
  }
}

/** GETs a URL and parses JSON; throws on a non-2xx status. Each request is bounded. */
export async function getJson<T = any>(url: string, timeoutMs = 5_000): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

/** Waits until `url` answers 200, failing early (with the process log) if `owner` exits first. */
/** An error's message with its cause's: fetch says only "fetch failed" and keeps the reason in `cause`. */
export function errorText(err: unknown): string {
  // Duck-typed: errors from another realm (jest runs tests in a vm context) fail `instanceof Error`.
  if (typeof err !== "object" || err === null || typeof (err as Error).message !== "string") return String(err);
  const { message, cause } = err as Error & { cause?: unknown };
  return cause === undefined ? message : `${message}: ${errorText(cause)}`;
}

export async function waitForHttp(url: string, options: { timeoutMs: number; owner?: StartedProcess }): Promise<void> {
  const { owner } = options;
  let lastError = "no attempt yet";
  await pollUntil(async () => {
    if (owner?.exitStatus()) throw new Error(`${owner.name} exited (${JSON.stringify(owner.exitStatus())}) before ${url} was ready:\n${owner.log()}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      if (response.status === 200) return true;
      lastError = `HTTP ${response.status}`;
    } catch (err) {
      lastError = errorText(err);
    }
    return undefined;
  }, { timeoutMs: options.timeoutMs, describe: () => `${url} not ready (${lastError})${owner ? `\n${owner.name} log:\n${owner.log()}` : ""}` });
}
