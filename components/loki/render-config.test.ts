// loki.yaml: single binary or the scalable targets on the contract's ports, one schema on the chosen object
// store, retention by the compactor, and no credential (every store authenticates through the pod's workload
// identity).
import { LOKI_REPLICATION_FACTOR, lokiContract } from "./contract";
import { LokiStorage, renderLokiConfig } from "./render-config";

const render = (storage: LokiStorage) => renderLokiConfig({ storage, retention: "31d", dataDir: "/var/loki", schemaFrom: "2024-04-01" }) as any;

test("listens on the contract's HTTP and gRPC ports, one tenant, everything in one process", () => {
  const config = render({ kind: "filesystem" });
  expect(config.server).toMatchObject({ http_listen_port: lokiContract.ports.http, grpc_listen_port: lokiContract.ports.grpc });
  expect(config).toMatchObject({ target: "all", auth_enabled: false });
  expect(config.common).toMatchObject({ path_prefix: "/var/loki", replication_factor: 1, ring: { kvstore: { store: "inmemory" } } });
});

test.each([
  ["filesystem", { kind: "filesystem" }, { filesystem: { chunks_directory: "/var/loki/chunks", rules_directory: "/var/loki/rules" } }],
  ["s3", { kind: "s3", bucket: "logs", region: "eu-west-1" }, { s3: { bucketnames: "logs", region: "eu-west-1" } }],
  ["gcs", { kind: "gcs", bucket: "logs" }, { gcs: { bucket_name: "logs" } }],
  ["azure", { kind: "azure", accountName: "acct", container: "chunks" }, { azure: { account_name: "acct", container_name: "chunks", use_federated_token: true } }],
] as [string, LokiStorage, Record<string, unknown>][])("%s: the storage block, the schema and the compactor's deletes name the same store", (store, storage, block) => {
  const config = render(storage);
  expect(config.common.storage).toEqual(block);
  expect(config.schema_config.configs).toEqual([{ from: "2024-04-01", store: "tsdb", object_store: store, schema: "v13", index: { prefix: "index_", period: "24h" } }]);
  expect(config.compactor.delete_request_store).toBe(store);
});

test("retention: the compactor deletes chunks older than the configured retention", () => {
  const config = render({ kind: "filesystem" });
  expect(config.limits_config.retention_period).toBe("31d");
  expect(config.compactor).toMatchObject({ retention_enabled: true, working_directory: "/var/loki/compactor" });
});

describe("scalable: the write, read and backend targets on one file", () => {
  const cluster = { memberlistService: "loki-memberlist.monitoring.svc", clusterLabel: "monitoring.loki", backendService: "loki-backend.monitoring.svc" };
  const scalable = (storage: LokiStorage = { kind: "s3", bucket: "logs", region: "eu-west-1" }) =>
    renderLokiConfig({ storage, retention: "31d", dataDir: "/var/loki", schemaFrom: "2024-04-01", cluster }) as any;

  test("no target in the file (each workload passes -target); every stream on 3 ingesters; every ring over memberlist", () => {
    const config = scalable();
    expect(config.target).toBeUndefined();
    expect(config.common.replication_factor).toBe(LOKI_REPLICATION_FACTOR);
    expect(LOKI_REPLICATION_FACTOR).toBe(3);
    expect(config.common.ring).toEqual({ kvstore: { store: "memberlist" } });
    // The single binary's loopback address would make every pod advertise 127.0.0.1 to its peers.
    expect(config.common.instance_addr).toBeUndefined();
  });

  test("memberlist joins every Loki pod through the headless Service's DNS records, on the contract's port, under a cluster label", () => {
    expect(scalable().memberlist).toEqual({
      join_members: [`dns+loki-memberlist.monitoring.svc:${lokiContract.ports.memberlist}`],
      bind_port: lokiContract.ports.memberlist,
      cluster_label: "monitoring.loki",
    });
  });

  test("queriers find the compactor at the backend Service; the index gateway and query scheduler shard over their rings", () => {
    const config = scalable();
    expect(config.common.compactor_address).toBe(`http://loki-backend.monitoring.svc:${lokiContract.ports.http}`);
    expect(config.index_gateway).toEqual({ mode: "ring" });
    expect(config.query_scheduler).toEqual({ use_scheduler_ring: true });
  });

  test("the WAL is on the write targets' volume; the schema, storage and retention are the single binary's", () => {
    const config = scalable({ kind: "gcs", bucket: "logs" });
    expect(config.ingester.wal).toEqual({ enabled: true, dir: "/var/loki/wal" });
    const single = render({ kind: "gcs", bucket: "logs" });
    for (const key of ["schema_config", "compactor", "limits_config", "server", "auth_enabled"]) expect([key, config[key]]).toEqual([key, single[key]]);
    expect(config.common.storage).toEqual(single.common.storage);
  });

  test("refused on a filesystem: the targets share chunks and index through object storage", () => {
    expect(() => scalable({ kind: "filesystem" })).toThrow(/object storage/);
  });
});
