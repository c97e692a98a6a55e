// The pinned Prometheus and promtool that scripts/install-tools.sh (at the repository root) builds and
// caches; NOVACRON_TOOLS_BIN points elsewhere if set. Plus a Prometheus process for tests.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

const INSTALL_SCRIPT = path.resolve(__dirname, "..", "..", "..", "..", "scripts", "install-tools.sh");

let binDir: string | undefined;
export function toolPath(name: "prometheus" | "promtool"): string {
  binDir ??=
    process.env.NOVACRON_TOOLS_BIN ??
    execFileSync("bash", [INSTALL_SCRIPT], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
  return path.join(binDir, name);
}

/** A free port on 127.0.0.1 (bound, then released, for a process that cannot listen on 0). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const result = await probe();
      if (result !== undefined) return result;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last}` : ""}`);
}

export class PrometheusProcess {
  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly url: string,
    private readonly log: () => string,
  ) {}

  /** Starts Prometheus on a loopback port with the given config and rule files, in a temp directory. */
  static async start(config: string, files: Record<string, string>): Promise<PrometheusProcess> {
    const dir = mkdtempSync(path.join(os.tmpdir(), "ml-exporter-prom-"));
    writeFileSync(path.join(dir, "prometheus.yml"), config);
    for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
    const port = await freePort();
    const child = spawn(
      toolPath("prometheus"),
      [
        `--config.file=${path.join(dir, "prometheus.yml")}`,
        `--storage.tsdb.path=${path.join(dir, "data")}`,
        `--web.listen-address=127.0.0.1:${port}`,
        "--log.level=warn",
      ],
      { cwd: dir, stdio: ["ignore", "pipe", "pipe"] },
    );
    let log = "";
    child.stdout!.on("data", (d) => (log += d));
    child.stderr!.on("data", (d) => (log += d));
    const prometheus = new PrometheusProcess(child, dir, `http://127.0.0.1:${port}`, () => log);
    try {
      await waitFor("Prometheus to be ready", async () => ((await fetch(`${prometheus.url}/-/ready`)).ok ? true : undefined), 20_000);
    } catch (err) {
      await prometheus.stop();
      throw new Error(`${(err as Error).message}\n${log}`);
    }
    return prometheus;
  }

  get output(): string {
    return this.log();
  }

  async api<T>(pathAndQuery: string): Promise<T> {
    const res = await fetch(`${this.url}${pathAndQuery}`);
    const body = (await res.json()) as { status: string; data: T; error?: string };
    if (body.status !== "success") throw new Error(`${pathAndQuery}: ${body.error}`);
    return body.data;
  }

  /** Instant query; returns the vector's samples. */
  async query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
    const data = await this.api<{ result: { metric: Record<string, string>; value: [number, string] }[] }>(
      `/api/v1/query?query=${encodeURIComponent(expr)}`,
    );
    return data.result;
  }

  /** Stops this Prometheus (by its PID) and removes its directory. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once("exit", resolve));
      this.child.kill("SIGTERM");
      const timer = setTimeout(() => this.child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
