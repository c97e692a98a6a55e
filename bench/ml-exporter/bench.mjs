// Benchmark: the ML model exporter (exporters/ml-model, built) against prometheus-community/json_exporter
// on the same payload, for 10, 100 and 1,000 models × 5 datasets, all on 127.0.0.1. Run it through
// run.sh, which builds the exporter, installs json_exporter and passes JSON_EXPORTER_BIN.
//
// Every target is a separate process: the fake ML service, the exporter or json_exporter, and this
// load generator (autocannon). For each size it measures, with the same load:
//   - ml-exporter, cached: SCRAPE_INTERVAL=30 (the default), so scrapes are served from the rendered cache;
//   - ml-exporter, SCRAPE_INTERVAL=0: every scrape fetches, validates and renders (one fetch in flight);
//   - json_exporter: every scrape fetches and extracts (its only mode).
// and reports scrapes per second, p50/p99 latency (exact, from each response's time) and the process's
// peak RSS (VmHWM). It first checks that both exporters export the same ML series with the same values.
// Load is bounded: BENCH_DURATION seconds per measurement (default 5) over BENCH_CONNECTIONS
// connections (default 1, as one Prometheus scrapes a target one scrape at a time).
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as net from "node:net";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const autocannon = require("autocannon");

const HERE = path.dirname(fileURLToPath(import.meta.url));
const EXPORTER_DIR = path.resolve(HERE, "..", "..", "exporters", "ml-model");
// Run the exporter exactly as `npm start` (and the image) does: same node flags, same entry point.
const START = JSON.parse(readFileSync(path.join(EXPORTER_DIR, "package.json"), "utf8")).scripts.start.split(/\s+/);
if (START[0] !== "node") throw new Error(`unexpected start script: ${START.join(" ")}`);
const EXPORTER_ARGS = START.slice(1).map((arg) => (arg.startsWith("-") ? arg : path.join(EXPORTER_DIR, arg)));
const JSON_EXPORTER = process.env.JSON_EXPORTER_BIN;
const SIZES = (process.env.BENCH_MODELS ?? "10,100,1000").split(",").map(Number);
const DATASETS = 5;
const DURATION_S = Number(process.env.BENCH_DURATION ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 1);

if (!JSON_EXPORTER) throw new Error("JSON_EXPORTER_BIN is not set: run bench/ml-exporter/run.sh");

// ---- processes ------------------------------------------------------------------------------------

const children = new Set();

/** Starts a process and resolves once `ready(output)` returns a value, within `timeoutMs`. */
function startProcess(name, command, args, env, ready, timeoutMs = 30_000) {
  const child = spawn(command, args, { env: { PATH: process.env.PATH, ...env }, stdio: ["pipe", "pipe", "pipe"] });
  children.add(child);
  child.once("exit", () => children.delete(child));
  let output = "";
  let settled = false;
  return new Promise((resolve, reject) => {
    const settle = (fn) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const fail = (err) => settle(() => stop(child).then(() => reject(err)));
    const timer = setTimeout(() => fail(new Error(`${name} did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (d) => {
      // Output is kept until the process is ready, then drained so a full pipe never blocks it.
      if (settled) return;
      output += d;
      const value = ready(output);
      if (value !== undefined) settle(() => resolve({ child, ...value }));
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => fail(new Error(`${name} exited with ${code}:\n${output}`)));
  });
}

/** Stops one process by its PID: SIGTERM, then SIGKILL after 5 s. */
function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

async function stopAll() {
  await Promise.all([...children].map(stop));
}

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => stopAll().then(() => process.exit(130)));
}

/** Resident memory of a process in MiB: current (VmRSS) and peak (VmHWM). */
function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)[1]);
  return { rssMiB: kib("VmRSS") / 1024, peakRssMiB: kib("VmHWM") / 1024 };
}

// ---- the three targets ----------------------------------------------------------------------------

function startFakeMlService(models) {
  // tsx (the root package's) lets the fake service import the tests' TypeScript snapshot generator.
  const tsx = path.join(HERE, "..", "..", "node_modules", ".bin", "tsx");
  return startProcess("fake ML service", tsx, [path.join(HERE, "fake-ml-service.mjs"), String(models), String(DATASETS)], {}, (out) => {
    const line = out.split("\n").find((l) => l.startsWith("{"));
    return line ? JSON.parse(line) : undefined;
  });
}

function startMlExporter(mlUrl, scrapeInterval) {
  const env = { ML_MODEL_ENDPOINT: mlUrl, EXPORT_HOST: "127.0.0.1", EXPORT_PORT: "0", SCRAPE_INTERVAL: String(scrapeInterval) };
  return startProcess("ml-exporter", process.execPath, EXPORTER_ARGS, env, (out) => {
    const m = /"address":"127\.0\.0\.1:(\d+)"/.exec(out);
    return m ? { url: `http://127.0.0.1:${m[1]}/metrics` } : undefined;
  });
}

/** A free loopback port, for json_exporter, which cannot listen on port 0 and report it. */
function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function startJsonExporter(snapshotUrl) {
  const port = await freePort();
  const args = [`--config.file=${path.join(HERE, "json-exporter.yml")}`, `--web.listen-address=127.0.0.1:${port}`];
  const probe = `http://127.0.0.1:${port}/probe?module=ml&target=${encodeURIComponent(snapshotUrl)}`;
  return startProcess("json_exporter", JSON_EXPORTER, args, {}, (out) => (out.includes("Listening on") ? { url: probe } : undefined));
}

// ---- measuring ------------------------------------------------------------------------------------

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Bounded closed-loop load: CONNECTIONS connections for DURATION_S seconds against one URL. */
async function load(url) {
  // Warm up: the first scrapes trigger the exporter's first fetch and JIT compilation.
  for (let i = 0; i < 3; i++) await (await fetch(url)).arrayBuffer();
  const latencies = [];
  const instance = autocannon({ url, connections: CONNECTIONS, duration: DURATION_S, timeout: 120 });
  instance.on("response", (_client, statusCode, _bytes, responseTimeMs) => {
    if (statusCode === 200) latencies.push(responseTimeMs);
  });
  const result = await instance;
  latencies.sort((a, b) => a - b);
  return {
    scrapesPerSecond: latencies.length / (result.duration || DURATION_S),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    scrapes: latencies.length,
    failed: result.errors + result.timeouts + result.non2xx,
  };
}

/** ML series of an exposition as "name{sorted labels}" → value (the exporter's `method` label aside). */
function mlSeries(text) {
  const series = new Map();
  for (const line of text.split("\n")) {
    if (!line.startsWith("ml_") || line.startsWith("ml_exporter_")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    const labels = [...(m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)]
      .filter(([, k]) => k !== "method")
      .map(([, k, v]) => `${k}=${v}`)
      .sort();
    series.set(`${m[1]}{${labels.join(",")}}`, Number(m[3]));
  }
  return series;
}

function sameSeries(a, b) {
  if (a.size !== b.size) return `${a.size} vs ${b.size} series`;
  for (const [key, v] of a) {
    if (!b.has(key)) return `json_exporter lacks ${key}`;
    if (Math.abs(b.get(key) - v) > 1e-9 * Math.max(1, Math.abs(v))) return `${key}: ${v} vs ${b.get(key)}`;
  }
  return undefined;
}

// ---- the run ---------------------------------------------------------------------------------------

const fmt = (n, digits = 1) => n.toFixed(digits);

async function measureSize(models) {
  const ml = await startFakeMlService(models);
  const snapshotUrl = `http://127.0.0.1:${ml.port}/v1/monitoring/snapshot`;
  const mlUrl = `http://127.0.0.1:${ml.port}`;
  try {
    const rows = [];
    const run = async (label, start) => {
      const target = await start();
      try {
        const figures = await load(target.url);
        rows.push({ label, ...figures, ...memory(target.child.pid), text: await (await fetch(target.url)).text() });
      } finally {
        await stop(target.child);
      }
    };
    await run("ml-exporter, cached (SCRAPE_INTERVAL=30)", () => startMlExporter(mlUrl, 30));
    await run("ml-exporter, SCRAPE_INTERVAL=0", () => startMlExporter(mlUrl, 0));
    await run("json_exporter v0.7.0", () => startJsonExporter(snapshotUrl));

    const ours = mlSeries(rows[0].text);
    const theirs = mlSeries(rows[2].text);
    const refresh = /^ml_exporter_scrape_duration_seconds (\S+)$/m.exec(rows[1].text)[1];
    return { models, payloadBytes: ml.bytes, series: ours.size, difference: sameSeries(ours, theirs), refreshSeconds: Number(refresh), rows };
  } finally {
    await stop(ml.child);
  }
}

async function main() {
  console.log(`ML exporter benchmark: ${SIZES.join(", ")} models × ${DATASETS} datasets; ${CONNECTIONS} connection(s), ${DURATION_S} s per measurement`);
  console.log(`node ${process.version}, ${(await import("node:os")).cpus().length} CPUs, all traffic on 127.0.0.1\n`);
  const results = [];
  for (const models of SIZES) {
    const r = await measureSize(models);
    results.push(r);
    const [cached, uncached, json] = r.rows;
    console.log(`${models} models × ${DATASETS} datasets: payload ${fmt(r.payloadBytes / 1024)} KiB JSON → ${r.series} ML series; ` +
      `one refresh (fetch + validate + render) ${fmt(r.refreshSeconds * 1000)} ms`);
    console.log(`  same series and values from both exporters: ${r.difference ? `NO (${r.difference})` : "yes"}`);
    console.log("  target                                     scrapes/s     p50 ms     p99 ms   peak RSS MiB   scrapes  failed");
    for (const row of r.rows) {
      console.log(`  ${row.label.padEnd(40)} ${fmt(row.scrapesPerSecond).padStart(11)} ${fmt(row.p50, 2).padStart(10)} ${fmt(row.p99, 2).padStart(10)} ` +
        `${fmt(row.peakRssMiB).padStart(14)} ${String(row.scrapes).padStart(9)} ${String(row.failed).padStart(7)}`);
    }
    console.log(`  ratio vs json_exporter (scrapes/s): cached ${fmt(cached.scrapesPerSecond / json.scrapesPerSecond)}×, ` +
      `SCRAPE_INTERVAL=0 ${fmt(uncached.scrapesPerSecond / json.scrapesPerSecond)}×\n`);
  }

  // The targets apply to the default configuration (cached); SCRAPE_INTERVAL=0 is reported alongside.
  const largest = results.at(-1);
  const [cached, uncached, json] = largest.rows;
  const ratio = cached.scrapesPerSecond / json.scrapesPerSecond;
  const peakCached = Math.max(...results.map((r) => r.rows[0].peakRssMiB));
  const peakUncached = Math.max(...results.map((r) => r.rows[1].peakRssMiB));
  const mb = (mib) => mib * 1.048576;
  const verdict = (ok) => (ok ? "met" : "NOT MET");
  console.log(`Targets at ${largest.models} models × ${DATASETS} datasets, default configuration (cached):`);
  console.log(`  ≥ 3× json_exporter's scrapes/s: ${fmt(ratio)}× — ${verdict(ratio >= 3)} ` +
    `(SCRAPE_INTERVAL=0: ${fmt(uncached.scrapesPerSecond / json.scrapesPerSecond)}×)`);
  console.log(`  p99 ≤ 10 ms: ${fmt(cached.p99, 2)} ms — ${verdict(cached.p99 <= 10)} (SCRAPE_INTERVAL=0: ${fmt(uncached.p99, 2)} ms)`);
  console.log(`  RSS ≤ 100 MB: peak ${fmt(peakCached)} MiB = ${fmt(mb(peakCached))} MB over all sizes — ${verdict(mb(peakCached) <= 100)} ` +
    `(SCRAPE_INTERVAL=0 under continuous load: ${fmt(peakUncached)} MiB = ${fmt(mb(peakUncached))} MB)`);
  if (results.some((r) => r.difference)) throw new Error("the two exporters did not export the same values");
}

main()
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(stopAll);
