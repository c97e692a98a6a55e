// loki.yaml: single binary on the contract's ports, one schema on the chosen object store, retention by the
// compactor, and no credential (every store authenticates through the pod's workload identity).
import { lokiContract } from "./contract";
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
