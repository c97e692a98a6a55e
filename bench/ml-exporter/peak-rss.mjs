// Peak RSS of the ML exporter at its response cap. For each worst-case body shape
// (exporters/ml-model/test/support/worst-case.ts) filled to the cap, it starts the built exporter as
// `npm start` does, with the pod's memory limit (components/ml-model-exporter: 192Mi), serves the body
// from a loopback ML service, scrapes 3 times with SCRAPE_INTERVAL=0 and prints: body size, models,
// peak RSS (VmHWM) against the limit, the exporter's refresh time (fetch + decode + render, best of 3),
// the decode alone in this process, and models decoded per second.
// Run through tsx (run.sh peak-rss does), which loads the TypeScript modules.
// Knob: BENCH_CAP_BYTES to serve a different size (e.g. 16777216) instead of the derived cap.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { mlModelExporterDefaults } from "../../components/ml-model-exporter/contract.ts";
import { maxResponseBytesFor } from "../../exporters/ml-model/src/memory-budget.ts";
import { decodeSnapshot } from "../../exporters/ml-model/src/snapshot-decoder.ts";
import { WORST_CASE_SHAPES } from "../../exporters/ml-model/test/support/worst-case.ts";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const EXPORTER_DIR = path.resolve(HERE, "..", "..", "exporters", "ml-model");
const START = JSON.parse(readFileSync(path.join(EXPORTER_DIR, "package.json"), "utf8")).scripts.start.split(/\s+/);
const ARGS = START.slice(1).map((arg) => (arg.startsWith("-") ? arg : path.join(EXPORTER_DIR, arg)));
const MiB = 1024 * 1024;
const LIMIT = Number(/^(\d+)Mi$/.exec(mlModelExporterDefaults.resources.limits.memory)[1]) * MiB;
const CAP = Number(process.env.BENCH_CAP_BYTES ?? maxResponseBytesFor(LIMIT));

async function measure(shape) {
  const body = WORST_CASE_SHAPES[shape](CAP);
  const t0 = performance.now();
  const decoded = decodeSnapshot(body);
  const decodeMs = performance.now() - t0;
  const models = new Set(Object.values(decoded).flatMap((rows) => (Array.isArray(rows) ? rows.map((r) => r.model_name) : []))).size;

  const server = http.createServer((_req, res) => res.writeHead(200, { "content-length": body.length }).end(body));
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const env = {
    PATH: process.env.PATH, EXPORT_HOST: "127.0.0.1", EXPORT_PORT: "0", SCRAPE_INTERVAL: "0", SCRAPE_TIMEOUT: "120",
    ML_MODEL_ENDPOINT: `http://127.0.0.1:${server.address().port}`, MEMORY_LIMIT_BYTES: String(LIMIT),
    ...(process.env.BENCH_CAP_BYTES ? { ML_MODEL_MAX_RESPONSE_BYTES: String(CAP), MEMORY_LIMIT_BYTES: "" } : {}),
  };
  const child = spawn(process.execPath, ARGS, { env, stdio: ["ignore", "pipe", "inherit"] });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  try {
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    let port;
    while (!(port = /"address":"127\.0\.0\.1:(\d+)"/.exec(out)?.[1])) {
      if (child.exitCode !== null) throw new Error(`exporter exited: ${out}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    let refresh = Infinity;
    let up = "";
    for (let i = 0; i < 3; i++) {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      refresh = Math.min(refresh, Number(/^ml_exporter_scrape_duration_seconds (\S+)$/m.exec(text)[1]));
      up = /^ml_exporter_up (\S+)$/m.exec(text)[1];
    }
    const peak = Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))[1]) * 1024;
    return { shape, bytes: body.length, models, peak, refreshMs: refresh * 1000, decodeMs, up };
  } finally {
    process.kill(child.pid, "SIGTERM");
    await exited;
    server.close();
  }
}

console.log(`ML exporter peak RSS at the response cap: cap ${(CAP / MiB).toFixed(2)} MiB, pod memory limit ${LIMIT / MiB} MiB; node ${process.version}`);
console.log("shape                                  body MiB    models  up  peak RSS MiB  refresh ms  decode ms  models/s");
for (const shape of Object.keys(WORST_CASE_SHAPES)) {
  const r = await measure(shape);
  console.log(`${r.shape.padEnd(38)} ${(r.bytes / MiB).toFixed(2).padStart(8)} ${String(r.models).padStart(9)} ${r.up.padStart(3)} ` +
    `${(r.peak / MiB).toFixed(1).padStart(13)} ${r.refreshMs.toFixed(0).padStart(11)} ${r.decodeMs.toFixed(0).padStart(10)} ` +
    `${Math.round(r.models / (r.decodeMs / 1000)).toString().padStart(9)}${r.peak < LIMIT ? "" : "  OVER THE LIMIT"}`);
}
