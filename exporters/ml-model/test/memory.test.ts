// The real exporter process, run as `npm start` runs it, against a loopback ML service serving each
// worst-case body at the response cap derived from the pod's memory limit: its peak RSS (VmHWM) must
// stay below that limit. The limit is the one the Kubernetes component sets (one fact, one place).
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { mlModelExporterDefaults } from "../../../components/ml-model-exporter/contract";
import { maxResponseBytesFor } from "../src/memory-budget";
import { parseExposition, value } from "./support/exposition";
import { WORST_CASE_SHAPES } from "./support/worst-case";

const ROOT = path.join(__dirname, "..");
const START = (JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts.start as string).split(" ");
const MiB = 1024 * 1024;
const POD_LIMIT = Number(/^(\d+)Mi$/.exec(mlModelExporterDefaults.resources.limits.memory)![1]) * MiB;
const CAP = maxResponseBytesFor(POD_LIMIT);

const peakRss = (pid: number) => Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) * 1024;

let child: ChildProcess | undefined;
let server: http.Server | undefined;
afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child!.once("exit", resolve));
    process.kill(child.pid!, "SIGKILL");
    await exited;
  }
  if (server) await new Promise((resolve) => server!.close(resolve));
  child = server = undefined;
});

it("derives a response cap of several MiB from the pod limit", () => {
  expect(POD_LIMIT).toBe(192 * MiB);
  expect(CAP).toBeGreaterThan(4 * MiB);
});

it.each(Object.keys(WORST_CASE_SHAPES))("stays below the pod limit with a body at the cap: %s", async (shape) => {
  const body = WORST_CASE_SHAPES[shape](CAP);
  expect(body.length).toBeLessThanOrEqual(CAP);
  expect(body.length).toBeGreaterThan(CAP - 64 * 1024);
  server = http.createServer((_req, res) => res.writeHead(200, { "content-type": "application/json", "content-length": body.length }).end(body));
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const env = {
    PATH: process.env.PATH,
    ML_MODEL_ENDPOINT: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    EXPORT_HOST: "127.0.0.1",
    EXPORT_PORT: "0",
    SCRAPE_INTERVAL: "0", // every scrape fetches, decodes and renders again
    SCRAPE_TIMEOUT: "120",
    MEMORY_LIMIT_BYTES: String(POD_LIMIT),
  };
  child = spawn(process.execPath, [...START.slice(1, -1), path.join(ROOT, START.at(-1)!)], { env, stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  let port: string | undefined;
  while (!(port = /"address":"127\.0\.0\.1:(\d+)"/.exec(out)?.[1])) {
    if (child.exitCode !== null) throw new Error(`exporter exited: ${out}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  expect(out).toContain(`"maxResponseBytes":${CAP}`);
  for (let i = 0; i < 3; i++) {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(value(parseExposition(text), "ml_exporter_up")).toBe(1); // accepted: the body is under the cap
  }
  const peak = peakRss(child.pid!);
  process.stdout.write(`${shape}: body ${(body.length / MiB).toFixed(2)} MiB, peak RSS ${(peak / MiB).toFixed(1)} MiB of ${POD_LIMIT / MiB} MiB\n`);
  expect(peak).toBeLessThan(POD_LIMIT);
}, 180_000);
