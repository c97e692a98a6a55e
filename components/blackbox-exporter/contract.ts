import type { ComponentContract } from "../contract";

/** The blackbox exporter modules a probe can use (an `as const` object, so component packaging sees an enum). */
export const ProbeModuleName = { Http2xx: "http_2xx", TcpConnect: "tcp_connect", Dns: "dns", Icmp: "icmp" } as const;
export type ProbeModuleName = (typeof ProbeModuleName)[keyof typeof ProbeModuleName];

/** Probe jobs share this prefix, so one regex selects them all. */
const PROBE_JOB_PREFIX = "blackbox-";

/** The blackbox exporter: its own metrics' job, and one job per probe module for the probes it runs. */
export const blackboxExporterContract = {
  name: "blackbox-exporter",
  job: "blackbox-exporter",
  ports: { http: 9115 },
  /** The job a probe module's targets are scraped under. */
  probeJobs: {
    [ProbeModuleName.Http2xx]: `${PROBE_JOB_PREFIX}http`,
    [ProbeModuleName.TcpConnect]: `${PROBE_JOB_PREFIX}tcp`,
    [ProbeModuleName.Dns]: `${PROBE_JOB_PREFIX}dns`,
    [ProbeModuleName.Icmp]: `${PROBE_JOB_PREFIX}icmp`,
  },
  /** A job regex matching every probe job (and the exporter's own, which has no probe_* series). */
  probeJobPattern: `${PROBE_JOB_PREFIX}.+`,
} as const satisfies ComponentContract & { probeJobs: Record<ProbeModuleName, string>; probeJobPattern: string };

export const BLACKBOX_PORT = blackboxExporterContract.ports.http;

/** What the blackbox exporter falls back on when its args leave a setting out. */
export const blackboxExporterDefaults = {
  replicas: 1,
  timeout: "5s",
  dnsQueryName: "kubernetes.default.svc.cluster.local",
  resources: { requests: { cpu: "25m", memory: "32Mi" }, limits: { cpu: "200m", memory: "64Mi" } },
};
