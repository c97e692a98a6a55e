// The four roles' command lines (the real binary runs them in test/e2e/thanos.test.ts).
import { renderPrometheusConfig } from "../prometheus/render-config";
import { thanosContract, thanosDefaults } from "./contract";
import { thanosCompactArgs, thanosQueryArgs, thanosQueryEndpointConfig, thanosSidecarArgs, thanosStoreArgs } from "./render-args";

const flag = (args: string[], name: string) => args.filter((a) => a.startsWith(`--${name}=`) || a === `--${name}`).map((a) => a.slice(name.length + 3));

test("each role listens on the contract's ports unless told otherwise; the compactor has no gRPC server", () => {
  const sidecar = thanosSidecarArgs({ prometheusUrl: "http://localhost:9090", tsdbPath: "/prometheus" });
  expect(sidecar[0]).toBe("sidecar");
  expect(flag(sidecar, "http-address")).toEqual([`0.0.0.0:${thanosContract.ports.http}`]);
  expect(flag(sidecar, "grpc-address")).toEqual([`0.0.0.0:${thanosContract.ports.grpc}`]);
  const compact = thanosCompactArgs({ dataDir: "/data", objstoreConfigFile: "/etc/thanos/objstore.yml", httpAddress: "127.0.0.1:1234" });
  expect(flag(compact, "http-address")).toEqual(["127.0.0.1:1234"]);
  expect(flag(compact, "grpc-address")).toEqual([]);
});

test("sidecar: reads Prometheus' TSDB and uploads only when given a bucket", () => {
  const args = thanosSidecarArgs({ prometheusUrl: "http://localhost:9090", tsdbPath: "/prometheus", objstoreConfigFile: "/etc/thanos/objstore.yml" });
  expect(flag(args, "prometheus.url")).toEqual(["http://localhost:9090"]);
  expect(flag(args, "tsdb.path")).toEqual(["/prometheus"]);
  expect(flag(args, "objstore.config-file")).toEqual(["/etc/thanos/objstore.yml"]);
  expect(flag(thanosSidecarArgs({ prometheusUrl: "http://localhost:9090", tsdbPath: "/prometheus" }), "objstore.config-file")).toEqual([]);
});

test("query: deduplicates on the replica label Prometheus sets, and fans out to every endpoint", () => {
  const args = thanosQueryArgs({ endpoints: ["dnssrv+_grpc._tcp.prometheus-headless.monitoring.svc", "thanos-store:10901"] });
  expect(flag(args, "query.replica-label")).toEqual([thanosContract.replicaLabel]);
  expect(JSON.parse(flag(args, "endpoint.sd-config")[0])).toEqual({
    endpoints: [{ address: "dnssrv+_grpc._tcp.prometheus-headless.monitoring.svc" }, { address: "thanos-store:10901" }],
  });
  expect(flag(thanosQueryArgs({ endpoints: ["a:1"], replicaLabels: ["replica", "prometheus_replica"] }), "query.replica-label")).toEqual(["replica", "prometheus_replica"]);
});

test("the replica label Query deduplicates on is the external label the Prometheus renderer sets", () => {
  const config = renderPrometheusConfig({
    cluster: "c", environment: "prod", scrapeInterval: "15s", scrapeTimeout: "10s", evaluationInterval: "15s", alertmanagers: [],
    remoteWrite: [], rulesDir: "/etc/prometheus/rules", services: [],
    kubernetes: { apiServer: false, kubelet: false, kubeletInsecureSkipVerify: false, annotated: false },
  }) as any;
  expect(Object.keys(config.global.external_labels)).toContain(thanosContract.replicaLabel);
});

test.each([[[]], [["a:1", "a:1"]], [["http://a:1"]], [["a 1"]]])("query refuses the endpoints %j", (endpoints) => {
  expect(() => thanosQueryEndpointConfig(endpoints)).toThrow();
});

test("store gateway: its cache dir, the bucket, and how often it looks for new blocks", () => {
  const args = thanosStoreArgs({ dataDir: "/data", objstoreConfigFile: "/etc/thanos/objstore.yml", syncBlockDuration: "3m" });
  expect(args[0]).toBe("store");
  expect(flag(args, "data-dir")).toEqual(["/data"]);
  expect(flag(args, "objstore.config-file")).toEqual(["/etc/thanos/objstore.yml"]);
  expect(flag(args, "sync-block-duration")).toEqual(["3m"]);
  expect(() => thanosStoreArgs({ dataDir: "/d", objstoreConfigFile: "/o", syncBlockDuration: "3 minutes" })).toThrow(/not a duration/);
});

test("compactor: the seed's retention per resolution by default, downsampling on, running continuously", () => {
  const args = thanosCompactArgs({ dataDir: "/data", objstoreConfigFile: "/etc/thanos/objstore.yml" });
  expect(flag(args, "retention.resolution-raw")).toEqual([thanosDefaults.retention.raw]);
  expect(flag(args, "retention.resolution-5m")).toEqual([thanosDefaults.retention.fiveMinutes]);
  expect(flag(args, "retention.resolution-1h")).toEqual([thanosDefaults.retention.oneHour]);
  expect(thanosDefaults.retention).toEqual({ raw: "30d", fiveMinutes: "365d", oneHour: "365d" });
  expect(args).not.toContain("--downsampling.disable");
  expect(args).toContain("--wait");
});

test("compactor: configured retention, downsampling off, one pass, delete delay", () => {
  const args = thanosCompactArgs({
    dataDir: "/data", objstoreConfigFile: "/o", retention: { raw: "7d", fiveMinutes: "90d", oneHour: "0d" },
    downsampling: false, wait: false, deleteDelay: "0s", consistencyDelay: "0s",
  });
  expect(flag(args, "consistency-delay")).toEqual(["0s"]);
  expect(flag(thanosCompactArgs({ dataDir: "/d", objstoreConfigFile: "/o" }), "consistency-delay")).toEqual([]);
  expect([...flag(args, "retention.resolution-raw"), ...flag(args, "retention.resolution-5m"), ...flag(args, "retention.resolution-1h")]).toEqual(["7d", "90d", "0d"]);
  expect(args).toContain("--downsampling.disable");
  expect(args).not.toContain("--wait");
  expect(flag(args, "delete-delay")).toEqual(["0s"]);
  expect(flag(thanosCompactArgs({ dataDir: "/d", objstoreConfigFile: "/o", waitInterval: "1m" }), "wait-interval")).toEqual(["1m"]);
  expect(() => thanosCompactArgs({ dataDir: "/d", objstoreConfigFile: "/o", wait: false, waitInterval: "1m" })).toThrow(/only applies with wait/);
  expect(() => thanosCompactArgs({ dataDir: "/d", objstoreConfigFile: "/o", retention: { raw: "30 days", fiveMinutes: "0d", oneHour: "0d" } })).toThrow(/retention.resolution-raw/);
});
