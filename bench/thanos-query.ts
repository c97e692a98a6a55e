// Latency of the four dashboards' queries through Thanos Query against Prometheus directly, on the loopback
// Thanos setup (test/loopback/thanos.ts): two Prometheus replicas with the rendered dev stack's recording and
// alerting rules, each with a Thanos sidecar, scraping node_exporter and themselves; Query over both sidecars,
// deduplicating on the replica label. Every panel query of the four dashboards, interpolated as Grafana sends
// it ("All" for each variable), is sent as the range query a dashboard refresh makes (the last hour, 15 s
// step), in rounds, alternating which backend goes first. Prints p50/p99 per backend and their ratio, the
// slowest queries through Query, and each process's RSS (now and peak).
//
//   npx tsx bench/thanos-query.ts [--rounds N] [--warmup SECONDS]
//
// Target: Query's p99 ≤ 2 × Prometheus' p99. Exits non-zero if missed (or a query fails).
import * as fs from "fs";
import * as path from "path";
import { allValues, buildDashboards, dashboardQueries, interpolate } from "../components/grafana";
import { renderToTempDir } from "../test/helpers/rendered";
import { now, sleep, stopAllOnSignals, stopAllProcesses, StartedProcess } from "../test/loopback/processes";
import { startThanosLoopback, ThanosLoopback } from "../test/loopback/thanos";

const TARGET_RATIO = 2;

function parseArgs(argv: string[]) {
  let rounds = 10;
  let warmup = 180;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--rounds") rounds = Number(argv[++i]);
    else if (argv[i] === "--warmup") warmup = Number(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]}; usage: thanos-query.ts [--rounds N] [--warmup SECONDS]`);
  }
  if (!Number.isInteger(rounds) || rounds < 1 || !Number.isFinite(warmup) || warmup < 0) throw new Error("--rounds takes a positive integer, --warmup seconds");
  return { rounds, warmup };
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
const ms = (x: number) => `${x.toFixed(1)} ms`;

/** VmRSS and VmHWM (peak) of a process, in MiB. */
function rss(p: StartedProcess): { now: number; peak: number } {
  const status = fs.readFileSync(`/proc/${p.pid}/status`, "utf8");
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  return { now: kib("VmRSS") / 1024, peak: kib("VmHWM") / 1024 };
}

async function rangeQuery(baseUrl: string, expr: string, start: number, end: number): Promise<{ ms: number; series: number }> {
  const params = new URLSearchParams({ query: expr, start: String(start), end: String(end), step: "15" });
  const t0 = now();
  const response = await fetch(`${baseUrl}/api/v1/query_range`, { method: "POST", body: params, signal: AbortSignal.timeout(120_000) });
  const body = (await response.json()) as any;
  const elapsed = now() - t0;
  if (body.status !== "success") throw new Error(`${baseUrl}: ${expr}: ${JSON.stringify(body).slice(0, 500)}`);
  return { ms: elapsed, series: body.data.result.length };
}

async function main() {
  const { rounds, warmup } = parseArgs(process.argv.slice(2));
  stopAllOnSignals();
  const rendered = renderToTempDir("dev");
  const rulesDir = path.join(rendered, "prometheus", "rules");
  const ruleFiles = fs.readdirSync(rulesDir).filter((f) => f.endsWith(".yml")).map((f) => path.join(rulesDir, f));
  const queries = buildDashboards().flatMap((d) => dashboardQueries(d.model).map((q) => ({ ...q, sent: interpolate(q.expr, allValues(d.model)) })));
  let lb: ThanosLoopback | undefined;
  let failed = false;
  try {
    // 2 s scrapes: a few minutes of warm-up give the rates and recording rules enough samples.
    lb = await startThanosLoopback({ replicas: 2, scrapeIntervalSeconds: 2, blockDuration: "2h", ruleFiles });
    const query = await lb.startQuery(lb.replicas.map((r) => r.sidecarGrpc));
    console.log(`${queries.length} queries from ${new Set(queries.map((q) => q.dashboard)).size} dashboards; warming up ${warmup} s (scrape interval ${lb.scrapeIntervalSeconds} s)`);
    await sleep(warmup * 1000);

    const backends = { prometheus: lb.replicas[0].url, query: query.url };
    const latencies: Record<keyof typeof backends, number[]> = { prometheus: [], query: [] };
    const perQuery = new Map<string, { prometheus: number[]; query: number[]; series: [number, number] }>();
    for (let round = 0; round < rounds; round++) {
      const end = Date.now() / 1000;
      const start = end - 3600;
      for (const q of queries) {
        const order = (round % 2 === 0 ? ["prometheus", "query"] : ["query", "prometheus"]) as (keyof typeof backends)[];
        const entry = perQuery.get(q.sent) ?? { prometheus: [], query: [], series: [0, 0] as [number, number] };
        for (const backend of order) {
          const r = await rangeQuery(backends[backend], q.sent, start, end);
          latencies[backend].push(r.ms);
          entry[backend].push(r.ms);
          entry.series[backend === "prometheus" ? 0 : 1] = r.series;
        }
        perQuery.set(q.sent, entry);
      }
    }

    const summary = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return { p50: quantile(s, 0.5), p99: quantile(s, 0.99) }; };
    const prom = summary(latencies.prometheus);
    const thanos = summary(latencies.query);
    const withData = [...perQuery.values()].filter((e) => e.series[0] > 0).length;
    const seriesDiffer = [...perQuery.entries()].filter(([, e]) => e.series[0] !== e.series[1]).map(([q, e]) => `${e.series[0]} vs ${e.series[1]}: ${q.slice(0, 100)}`);
    console.log(`${rounds} rounds × ${perQuery.size} distinct queries (${withData} return data) per backend, range 1h, step 15 s`);
    console.log(`  Prometheus directly:   p50 ${ms(prom.p50)}  p99 ${ms(prom.p99)}`);
    console.log(`  through Thanos Query:  p50 ${ms(thanos.p50)}  p99 ${ms(thanos.p99)}`);
    const ratio = thanos.p99 / prom.p99;
    console.log(`  Query / Prometheus: p50 ×${(thanos.p50 / prom.p50).toFixed(2)}, p99 ×${ratio.toFixed(2)} (target ≤ ×${TARGET_RATIO}: ${ratio <= TARGET_RATIO ? "PASS" : "FAIL"})`);
    if (seriesDiffer.length) console.log(`  series counts differing (Prometheus vs deduplicated Query: each replica scrapes itself at its own address, so Query has both replicas' self-scrape series): ${seriesDiffer.length}\n    ${seriesDiffer.slice(0, 5).join("\n    ")}`);
    const slowest = [...perQuery.entries()].map(([q, e]) => ({ q, p: summary(e.prometheus).p50, t: summary(e.query).p50 })).sort((a, b) => b.t - a.t).slice(0, 5);
    console.log("  slowest through Query (p50 Query / Prometheus):");
    for (const s of slowest) console.log(`    ${ms(s.t)} / ${ms(s.p)}  ${s.q.slice(0, 110)}`);
    console.log("RSS (now / peak):");
    const processes: [string, StartedProcess][] = [
      ...lb.replicas.flatMap((r) => [[`prometheus ${r.replica}`, r.prometheus], [`thanos sidecar ${r.replica}`, r.sidecar]] as [string, StartedProcess][]),
      ["thanos query", query.process],
      ["node_exporter", lb.nodeExporter.process],
    ];
    for (const [name, p] of processes) {
      const m = rss(p);
      console.log(`  ${name.padEnd(28)} ${m.now.toFixed(0).padStart(4)} MiB / ${m.peak.toFixed(0).padStart(4)} MiB`);
    }
    failed = ratio > TARGET_RATIO;
  } finally {
    await lb?.stop();
    await stopAllProcesses();
    fs.rmSync(rendered, { recursive: true, force: true });
  }
  process.exit(failed ? 1 : 0);
}

main().catch(async (err) => {
  console.error(err);
  await stopAllProcesses();
  process.exit(1);
});
