// objstore.yml: one provider block per kind of store, and never a credential in the file (the real tool parses
// these in test/e2e/thanos-objstore.test.ts).
import { toYaml } from "../yaml";
import { renderThanosObjstore, s3CompatibleEndpoint, S3_KEY_ENV, ThanosObjectStorage, thanosObjstoreEnv } from "./render-objstore";

const minio: ThanosObjectStorage = { kind: "s3-compatible", bucket: "metrics", url: "https://minio.storage.svc:9000", credentialsSecret: { name: "thanos-s3" } };

test.each([
  ["filesystem", { kind: "filesystem", directory: "/data/bucket" }, { type: "FILESYSTEM", config: { directory: "/data/bucket" } }],
  ["s3 (AWS: the SDK's chain, i.e. EKS Pod Identity)", { kind: "s3", bucket: "metrics", region: "eu-west-1" },
    { type: "S3", config: { bucket: "metrics", endpoint: "s3.eu-west-1.amazonaws.com", region: "eu-west-1", aws_sdk_auth: true } }],
  ["s3-compatible (keys from the environment)", minio,
    { type: "S3", config: { bucket: "metrics", endpoint: "minio.storage.svc:9000", insecure: false, bucket_lookup_type: "path" } }],
  ["gcs (application default credentials: GKE Workload Identity)", { kind: "gcs", bucket: "metrics" }, { type: "GCS", config: { bucket: "metrics" } }],
  ["azure (the default chain: Azure Workload Identity)", { kind: "azure", accountName: "acct", container: "metrics" },
    { type: "AZURE", config: { storage_account: "acct", container: "metrics", storage_create_container: false } }],
] as [string, ThanosObjectStorage, Record<string, unknown>][])("%s", (_, storage, expected) => {
  expect(renderThanosObjstore({ storage })).toEqual(expected);
});

test("no store's file carries a credential field", () => {
  const credentialKeys = /access_key|secret_key|session_token|service_account|storage_account_key|connection_string|client_secret|client_id|user_assigned_id/;
  for (const storage of [minio, { kind: "s3", bucket: "b", region: "us-east-1" }, { kind: "gcs", bucket: "b" }, { kind: "azure", accountName: "a", container: "c" }] as ThanosObjectStorage[]) {
    expect(toYaml(renderThanosObjstore({ storage }))).not.toMatch(credentialKeys);
  }
});

test("an S3-compatible store's keys come from its Secret through the environment; other stores need no env", () => {
  expect(thanosObjstoreEnv(minio)).toEqual([
    { name: S3_KEY_ENV.accessKeyId, valueFrom: { secretKeyRef: { name: "thanos-s3", key: "access_key_id" } } },
    { name: S3_KEY_ENV.secretAccessKey, valueFrom: { secretKeyRef: { name: "thanos-s3", key: "secret_access_key" } } },
  ]);
  expect(thanosObjstoreEnv({ ...minio, credentialsSecret: { name: "s", accessKeyIdKey: "id", secretAccessKeyKey: "secret" } } as ThanosObjectStorage)
    .map((e) => e.valueFrom.secretKeyRef.key)).toEqual(["id", "secret"]);
  expect(thanosObjstoreEnv({ kind: "gcs", bucket: "b" })).toEqual([]);
});

test("the S3-compatible URL: host and port, http means no TLS, virtual-hosted style on request, region when given", () => {
  expect(s3CompatibleEndpoint("http://127.0.0.1:9000")).toEqual({ endpoint: "127.0.0.1:9000", insecure: true });
  expect(s3CompatibleEndpoint("https://s3.example.com")).toEqual({ endpoint: "s3.example.com", insecure: false });
  const config = renderThanosObjstore({ storage: { ...minio, pathStyle: false, region: "auto" } as ThanosObjectStorage }).config;
  expect(config).toMatchObject({ bucket_lookup_type: "virtual-hosted", region: "auto" });
});

test.each([
  ["//minio:9000", /not a URL/],
  ["minio:9000", /scheme must be http or https/],
  ["ftp://minio:9000", /scheme must be http or https/],
  ["https://key:secret@minio:9000", /credentials do not go in the URL/],
  ["https://minio:9000/metrics", /no path/],
  ["https://minio:9000/?x=1", /no path, query/],
])("refuses the endpoint %s", (url, error) => {
  expect(() => renderThanosObjstore({ storage: { ...minio, url } as ThanosObjectStorage })).toThrow(error);
});

test("a prefix, when given, is objstore's top-level prefix", () => {
  expect(renderThanosObjstore({ storage: { kind: "gcs", bucket: "b" }, prefix: "cluster-a" })).toEqual({ type: "GCS", config: { bucket: "b" }, prefix: "cluster-a" });
  expect(renderThanosObjstore({ storage: { kind: "gcs", bucket: "b" } })).not.toHaveProperty("prefix");
});
