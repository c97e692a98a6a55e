// Thanos on loopback: HA Prometheus replicas (external labels cluster + replica) each with a Thanos sidecar,
// scraping the same node_exporter and uploading every block they cut to a FILESYSTEM bucket in a temp dir;
// Thanos Query, the Store Gateway and the compactor started on demand. Every command line comes from the
// renderers in components/thanos, the bucket's config from renderThanosObjstore. Short blocks: Prometheus
// cuts a block once its head spans 1.5 block durations (checked once a minute), and the sidecar uploads it
// within 30 s, so with 1-minute blocks the first upload comes 2-4 minutes after start.
// Used by test/e2e/thanos.test.ts and bench/thanos-query.ts. Every process is stopped by its PID.
import * as fs from "fs";
import * as path from "path";
import { nodeExporterContract } from "../../components/node-exporter/contract";
import { prometheusContract } from "../../components/prometheus/contract";
import { thanosCompactArgs, ThanosCompactSpec, thanosQueryArgs, thanosSidecarArgs, thanosStoreArgs } from "../../components/thanos/render-args";
import { renderThanosObjstore } from "../../components/thanos/render-objstore";
import { thanosContract } from "../../components/thanos/contract";
import { toYaml } from "../../components/yaml";
import { installedBinDir, toolPath } from "../helpers/tools";
import { errorText, freePorts, LOOPBACK, makeTempDir, pollUntil, startProcess, StartedProcess, stopProcess, waitForHttp } from "./processes";

const READY_TIMEOUT_MS = 180_000;

let binDir: string | undefined;
/** The pinned thanos binary (scripts/install-thanos.sh; built on first use, cached by version). */
export function thanosPath(): string {
  binDir ??= installedBinDir("NOVACRON_THANOS_BIN", "install-thanos.sh");
  return path.join(binDir, "thanos");
}

const addr = (port: number) => `${LOOPBACK}:${port}`;

export interface PrometheusReplica {
  index: number;
  /** Prometheus, sidecar HTTP and sidecar gRPC ports (a restart reuses them). */
  ports: [number, number, number];
  /** The value of its `replica` external label. */
  replica: string;
  url: string;
  dataDir: string;
  prometheus: StartedProcess;
  sidecar: StartedProcess;
  /** host:port of the sidecar's StoreAPI. */
  sidecarGrpc: string;
}

export interface ThanosRole {
  process: StartedProcess;
  /** http://host:port of its HTTP server. */
  url: string;
  /** host:port of its StoreAPI (none for the compactor). */
  grpc?: string;
}

export interface ThanosLoopbackOptions {
  /** Default 2. */
  replicas?: number;
  /** Default 1 s (the proof's timings scale with it). */
  scrapeIntervalSeconds?: number;
  /** Prometheus' min = max block duration; default 1m. */
  blockDuration?: string;
  /** Rule files every replica loads (the bench loads the rendered recording rules). */
  ruleFiles?: string[];
  /** The `cluster` external label; default "loopback". */
  cluster?: string;
  /** More external labels beside cluster and replica (e.g. environment), as the rendered config has. */
  externalLabels?: Record<string, string>;
}

export interface ThanosLoopback {
  cluster: string;
  dir: string;
  bucketDir: string;
  objstoreFile: string;
  nodeExporter: { process: StartedProcess; address: string };
  replicas: PrometheusReplica[];
  scrapeIntervalSeconds: number;
  /** Stops a replica's Prometheus and sidecar (as its pod going away), by PID. */
  stopReplica(replica: PrometheusReplica): Promise<void>;
  /** Starts a stopped replica again on its ports and data directory (as its pod coming back); updates `replica`'s processes. */
  restartReplica(replica: PrometheusReplica): Promise<void>;
  startQuery(endpoints: string[]): Promise<ThanosRole>;
  startStore(): Promise<ThanosRole>;
  /** Runs `thanos compact` once (no --wait) over the bucket and resolves with its exit code and log. */
  compactOnce(spec: Pick<ThanosCompactSpec, "retention" | "downsampling" | "deleteDelay" | "consistencyDelay">): Promise<{ code: number | null; log: string }>;
  /** Block ids (ULIDs) in the bucket with their meta.json. */
  bucketBlocks(): BucketBlock[];
  stop(): Promise<void>;
}

export interface BucketBlock {
  ulid: string;
  minTime: number;
  maxTime: number;
  labels: Record<string, string>;
  resolution: number;
  deletionMarked: boolean;
}

export function bucketBlocks(bucketDir: string): BucketBlock[] {
  if (!fs.existsSync(bucketDir)) return [];
  return fs.readdirSync(bucketDir)
    .filter((f) => /^[0-9A-HJKMNP-TV-Z]{26}$/.test(f) && fs.existsSync(path.join(bucketDir, f, "meta.json")))
    .map((ulid) => {
      const meta = JSON.parse(fs.readFileSync(path.join(bucketDir, ulid, "meta.json"), "utf8"));
      return {
        ulid, minTime: meta.minTime, maxTime: meta.maxTime, labels: meta.thanos?.labels ?? {},
        resolution: meta.thanos?.downsample?.resolution ?? 0, deletionMarked: fs.existsSync(path.join(bucketDir, ulid, "deletion-mark.json")),
      };
    })
    .sort((a, b) => a.minTime - b.minTime);
}

export function writeFilesystemObjstore(dir: string, bucketDir: string): string {
  const file = path.join(dir, "objstore.yml");
  fs.writeFileSync(file, toYaml(renderThanosObjstore({ storage: { kind: "filesystem", directory: bucketDir } })));
  return file;
}

export async function startThanosLoopback(options: ThanosLoopbackOptions = {}): Promise<ThanosLoopback> {
  const replicaCount = options.replicas ?? 2;
  const interval = options.scrapeIntervalSeconds ?? 1;
  const blockDuration = options.blockDuration ?? "1m";
  const cluster = options.cluster ?? "loopback";
  const thanos = thanosPath();
  const dir = makeTempDir("thanos");
  const bucketDir = path.join(dir, "bucket");
  fs.mkdirSync(bucketDir);
  const objstoreFile = writeFilesystemObjstore(dir, bucketDir);
  const started: StartedProcess[] = [];
  const start = (name: string, command: string, args: string[], env?: NodeJS.ProcessEnv) => {
    const p = startProcess(name, command, args, { env });
    started.push(p);
    return p;
  };
  const stop = async () => {
    await Promise.all(started.map((p) => stopProcess(p)));
    fs.rmSync(dir, { recursive: true, force: true });
  };

  try {
    const [nePort] = await freePorts(1);
    const neAddress = addr(nePort);
    const ne = start("node_exporter", toolPath("node_exporter"), [`--web.listen-address=${neAddress}`]);
    await waitForHttp(`http://${neAddress}/metrics`, { timeoutMs: READY_TIMEOUT_MS, owner: ne });

    const launchReplica = async (i: number, ports: [number, number, number]): Promise<PrometheusReplica> => {
      const replica = `prometheus-${i}`;
      const [promPort, sidecarHttp, sidecarGrpc] = ports;
      const dataDir = path.join(dir, replica, "data");
      fs.mkdirSync(dataDir, { recursive: true });
      const configFile = path.join(dir, replica, "prometheus.yml");
      fs.writeFileSync(configFile, toYaml({
        global: {
          scrape_interval: `${interval}s`,
          scrape_timeout: `${interval}s`,
          evaluation_interval: `${interval}s`,
          external_labels: { ...options.externalLabels, cluster, [thanosContract.replicaLabel]: replica },
        },
        ...(options.ruleFiles?.length ? { rule_files: options.ruleFiles } : {}),
        scrape_configs: [
          { job_name: nodeExporterContract.job, static_configs: [{ targets: [neAddress] }] },
          { job_name: prometheusContract.job, static_configs: [{ targets: [addr(promPort)] }] },
        ],
      }));
      const prometheus = start(`prometheus-${i}`, toolPath("prometheus"), [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${dataDir}`,
        `--web.listen-address=${addr(promPort)}`,
        // Equal block durations: Prometheus never compacts locally, the sidecar uploads every block as cut.
        `--storage.tsdb.min-block-duration=${blockDuration}`,
        `--storage.tsdb.max-block-duration=${blockDuration}`,
      ]);
      const url = `http://${addr(promPort)}`;
      await waitForHttp(`${url}/-/ready`, { timeoutMs: READY_TIMEOUT_MS, owner: prometheus });
      const sidecar = start(`thanos-sidecar-${i}`, thanos, thanosSidecarArgs({
        httpAddress: addr(sidecarHttp), grpcAddress: addr(sidecarGrpc),
        prometheusUrl: url, tsdbPath: dataDir, objstoreConfigFile: objstoreFile,
      }));
      await waitForHttp(`http://${addr(sidecarHttp)}/-/ready`, { timeoutMs: READY_TIMEOUT_MS, owner: sidecar });
      return { index: i, ports, replica, url, dataDir, prometheus, sidecar, sidecarGrpc: addr(sidecarGrpc) };
    };
    const replicas: PrometheusReplica[] = [];
    for (let i = 0; i < replicaCount; i++) replicas.push(await launchReplica(i, (await freePorts(3)) as [number, number, number]));

    const startRole = async (name: string, args: (http: string, grpc: string) => string[], withGrpc = true): Promise<ThanosRole> => {
      const [http, grpc] = await freePorts(2);
      const p = start(name, thanos, args(addr(http), addr(grpc)));
      const url = `http://${addr(http)}`;
      await waitForHttp(`${url}/-/ready`, { timeoutMs: READY_TIMEOUT_MS, owner: p });
      return { process: p, url, ...(withGrpc ? { grpc: addr(grpc) } : {}) };
    };
    let queries = 0;
    let stores = 0;

    return {
      cluster, dir, bucketDir, objstoreFile, replicas, scrapeIntervalSeconds: interval,
      nodeExporter: { process: ne, address: neAddress },
      stopReplica: async (r) => {
        await stopProcess(r.prometheus);
        await stopProcess(r.sidecar);
      },
      restartReplica: async (r) => {
        if (!r.prometheus.exitStatus() || !r.sidecar.exitStatus()) throw new Error(`${r.replica} is still running`);
        const again = await launchReplica(r.index, r.ports);
        r.prometheus = again.prometheus;
        r.sidecar = again.sidecar;
      },
      startQuery: (endpoints) => startRole(`thanos-query-${queries++}`, (httpAddress, grpcAddress) => thanosQueryArgs({ httpAddress, grpcAddress, endpoints })),
      startStore: () => {
        const dataDir = path.join(dir, `store-${stores}`);
        return startRole(`thanos-store-${stores++}`, (httpAddress, grpcAddress) => thanosStoreArgs({ httpAddress, grpcAddress, dataDir, objstoreConfigFile: objstoreFile }));
      },
      compactOnce: async (spec) => {
        const [http] = await freePorts(1);
        const p = start("thanos-compact", thanos, thanosCompactArgs({ ...spec, httpAddress: addr(http), dataDir: path.join(dir, "compact"), objstoreConfigFile: objstoreFile, wait: false }));
        const status = await p.exited;
        return { code: status.code, log: p.log() };
      },
      bucketBlocks: () => bucketBlocks(bucketDir),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------------
// The Prometheus query API (Prometheus and Thanos Query serve the same one; Query adds `dedup`)

export interface Series {
  metric: Record<string, string>;
  /** [unix seconds, value] pairs: a range vector's raw samples, or one instant sample. */
  values: [number, string][];
}

/** An instant query; `dedup` only means something to Thanos Query (its default is true). */
export async function instantQuery(baseUrl: string, expr: string, options: { time?: number; dedup?: boolean } = {}): Promise<Series[]> {
  const params = new URLSearchParams({ query: expr });
  if (options.time !== undefined) params.set("time", String(options.time));
  if (options.dedup !== undefined) params.set("dedup", String(options.dedup));
  const response = await fetch(`${baseUrl}/api/v1/query?${params}`, { signal: AbortSignal.timeout(60_000) });
  const text = await response.text();
  let body: any;
  try { body = JSON.parse(text); } catch { body = undefined; }
  if (!response.ok || body?.status !== "success") throw new Error(`${baseUrl}: ${expr}: HTTP ${response.status}: ${text.slice(0, 1_000)}`);
  const { resultType, result } = body.data;
  if (resultType === "matrix") return result.map((s: any) => ({ metric: s.metric, values: s.values.map(([t, v]: [number, string]) => [t, v]) }));
  if (resultType === "vector") return result.map((s: any) => ({ metric: s.metric, values: [s.value] }));
  throw new Error(`${expr}: unexpected result type ${resultType}`);
}

/** Polls until `check` holds on the query's result; returns that result. */
export function pollQuery(baseUrl: string, expr: string, check: (series: Series[]) => boolean, options: { timeoutMs: number; dedup?: boolean; describe: string }): Promise<Series[]> {
  let last: Series[] | string = "no answer yet";
  return pollUntil(async () => {
    try {
      const series = await instantQuery(baseUrl, expr, { dedup: options.dedup });
      last = series;
      return check(series) ? series : undefined;
    } catch (err) {
      last = errorText(err);
      return undefined;
    }
  }, { timeoutMs: options.timeoutMs, intervalMs: 1_000, describe: () => `${options.describe}; last answer to ${expr}: ${JSON.stringify(last).slice(0, 2_000)}` });
}

/** The largest step between consecutive timestamps, in seconds. */
export function largestGap(timestamps: number[]): number {
  let gap = 0;
  for (let i = 1; i < timestamps.length; i++) gap = Math.max(gap, timestamps[i] - timestamps[i - 1]);
  return gap;
}
