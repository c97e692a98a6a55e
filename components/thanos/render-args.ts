// The command lines of Thanos' four roles as pure functions of typed specs: `thanos <role> <flags>`, one flag
// per element (`--flag=value`), in a fixed order, so a changed setting is a one-line diff.
import { PROMETHEUS_DURATION } from "../units";
import { thanosContract, thanosDefaults } from "./contract";

/** Where a role listens; the pods listen on every interface at the contract's ports, the loopback tests on 127.0.0.1. */
export interface ThanosListen {
  /** host:port of the HTTP server (metrics, probes, the query API); default 0.0.0.0:10902. */
  httpAddress?: string;
  /** host:port of the gRPC StoreAPI server; default 0.0.0.0:10901. */
  grpcAddress?: string;
}

const httpAddress = (l: ThanosListen) => l.httpAddress ?? `0.0.0.0:${thanosContract.ports.http}`;
const grpcAddress = (l: ThanosListen) => l.grpcAddress ?? `0.0.0.0:${thanosContract.ports.grpc}`;

function duration(flag: string, value: string): string {
  if (!PROMETHEUS_DURATION.test(value) || value === "") throw new Error(`${flag}: "${value}" is not a duration such as 30s, 2h or 30d`);
  return `--${flag}=${value}`;
}

const common = (l: ThanosListen, withGrpc: boolean) => [
  `--http-address=${httpAddress(l)}`,
  ...(withGrpc ? [`--grpc-address=${grpcAddress(l)}`] : []),
  "--log.format=logfmt",
];

export interface ThanosSidecarSpec extends ThanosListen {
  /** Prometheus' URL as the sidecar reaches it (same pod: http://localhost:9090). */
  prometheusUrl: string;
  /** Prometheus' --storage.tsdb.path (a volume both containers mount): the sidecar uploads each block Prometheus cuts. */
  tsdbPath: string;
  /** The objstore config file; without one the sidecar only serves Prometheus' data to Query and uploads nothing. */
  objstoreConfigFile?: string;
}

/**
 * The sidecar beside each Prometheus. Prometheus must run with equal --storage.tsdb.min-block-duration and
 * max-block-duration (2h in production) so it never compacts locally: the compactor does, across replicas.
 */
export function thanosSidecarArgs(spec: ThanosSidecarSpec): string[] {
  return [
    "sidecar",
    ...common(spec, true),
    `--prometheus.url=${spec.prometheusUrl}`,
    `--tsdb.path=${spec.tsdbPath}`,
    ...(spec.objstoreConfigFile ? [`--objstore.config-file=${spec.objstoreConfigFile}`] : []),
  ];
}

export interface ThanosQuerySpec extends ThanosListen {
  /**
   * The StoreAPI servers Query fans out to (sidecars, store gateways): host:port, or Thanos' DNS service
   * discovery (`dnssrv+_grpc._tcp.<headless service>`, `dns+<name>:<port>`).
   */
  endpoints: string[];
  /** The labels that tell replicas apart; series equal but for them are merged (default: the contract's). */
  replicaLabels?: string[];
}

/**
 * The endpoints as Thanos' endpoint SD config, given inline (--endpoint.sd-config). The --endpoint flag does the
 * same but is deprecated in Thanos 0.42.
 */
export function thanosQueryEndpointConfig(endpoints: string[]): string {
  if (endpoints.length === 0) throw new Error("Thanos Query needs at least one endpoint");
  const seen = new Set<string>();
  for (const address of endpoints) {
    if (!/^(dns\+|dnssrv\+|dnssrvnoa\+)?[^\s/]+$/.test(address)) throw new Error(`Thanos Query endpoint "${address}" is not host:port or a dns+/dnssrv+ name`);
    if (seen.has(address)) throw new Error(`Thanos Query endpoint "${address}" is listed twice`);
    seen.add(address);
  }
  return JSON.stringify({ endpoints: endpoints.map((address) => ({ address })) });
}

export function thanosQueryArgs(spec: ThanosQuerySpec): string[] {
  const replicaLabels = spec.replicaLabels ?? [thanosContract.replicaLabel];
  return [
    "query",
    ...common(spec, true),
    ...replicaLabels.map((label) => `--query.replica-label=${label}`),
    `--endpoint.sd-config=${thanosQueryEndpointConfig(spec.endpoints)}`,
    // Long ranges read the downsampled blocks the compactor writes instead of every raw sample.
    "--query.auto-downsampling",
  ];
}

export interface ThanosStoreSpec extends ThanosListen {
  /** Local cache of index headers (an emptyDir or a small volume; rebuilt from the bucket). */
  dataDir: string;
  objstoreConfigFile: string;
  /** How often the store gateway lists the bucket for new blocks (Thanos' default 15m). */
  syncBlockDuration?: string;
}

export function thanosStoreArgs(spec: ThanosStoreSpec): string[] {
  return [
    "store",
    ...common(spec, true),
    `--data-dir=${spec.dataDir}`,
    `--objstore.config-file=${spec.objstoreConfigFile}`,
    ...(spec.syncBlockDuration ? [duration("sync-block-duration", spec.syncBlockDuration)] : []),
  ];
}

/** How long the compactor keeps each resolution in the bucket; "0d" keeps it forever. */
export interface ThanosRetention {
  /** Raw samples, e.g. 30d. */
  raw: string;
  /** 5-minute downsampled blocks, e.g. 365d. */
  fiveMinutes: string;
  /** 1-hour downsampled blocks, e.g. 365d. */
  oneHour: string;
}

export interface ThanosCompactSpec extends Pick<ThanosListen, "httpAddress"> {
  /** Scratch space for the blocks being compacted (needs room for the largest compaction). */
  dataDir: string;
  objstoreConfigFile: string;
  /** Default: thanosDefaults.retention (30 days raw, a year at 5m and 1h). */
  retention?: ThanosRetention;
  /**
   * Default true. Without it there are no 5m or 1h blocks: raw retention is all the history there is. With it,
   * raw data must stay at least 40h (the age at which a block is downsampled to 5m) and 5m data 10 days, or the
   * compactor deletes blocks before it has downsampled them.
   */
  downsampling?: boolean;
  /** Keep running and compact as blocks arrive (the Deployment); false runs one pass and exits. Default true. */
  wait?: boolean;
  /** Between passes, with wait (Thanos' default 5m). */
  waitInterval?: string;
  /** How long a block marked for deletion stays, so readers that loaded it finish (Thanos' default 48h). */
  deleteDelay?: string;
  /**
   * How old a freshly uploaded block must be before the compactor touches it (Thanos' default 30m, for
   * uploads still in flight). Only the loopback proof shortens it, to compact a block it has just uploaded.
   */
  consistencyDelay?: string;
}

export function thanosCompactArgs(spec: ThanosCompactSpec): string[] {
  const retention = spec.retention ?? thanosDefaults.retention;
  const downsampling = spec.downsampling ?? thanosDefaults.downsampling;
  const wait = spec.wait ?? true;
  if (spec.waitInterval && !wait) throw new Error("thanos compact: waitInterval only applies with wait");
  return [
    "compact",
    ...common(spec, false),
    `--data-dir=${spec.dataDir}`,
    `--objstore.config-file=${spec.objstoreConfigFile}`,
    duration("retention.resolution-raw", retention.raw),
    duration("retention.resolution-5m", retention.fiveMinutes),
    duration("retention.resolution-1h", retention.oneHour),
    ...(downsampling ? [] : ["--downsampling.disable"]),
    ...(spec.deleteDelay ? [duration("delete-delay", spec.deleteDelay)] : []),
    ...(spec.consistencyDelay ? [duration("consistency-delay", spec.consistencyDelay)] : []),
    ...(wait ? ["--wait", ...(spec.waitInterval ? [duration("wait-interval", spec.waitInterval)] : [])] : []),
  ];
}
