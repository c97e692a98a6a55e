// Thanos' object storage configuration (the objstore YAML every role reads with --objstore.config-file) as a
// pure function of where the blocks go. No credential is ever written into it:
// - s3 (AWS): the AWS SDK's default chain (aws_sdk_auth), i.e. the pod's EKS Pod Identity;
// - s3-compatible (MinIO, Ceph, R2, ...): the access key pair from the environment (AWS_ACCESS_KEY_ID and
//   AWS_SECRET_ACCESS_KEY, which objstore's S3 client reads when the file has no access_key), set from a
//   Kubernetes Secret (thanosObjstoreEnv);
// - gcs: Google's application default credentials, i.e. GKE Workload Identity on the pod's service account;
// - azure: azidentity's default chain, i.e. Azure Workload Identity (the webhook injects the federated token).
// Field names are objstore's (github.com/thanos-io/objstore, parsed strictly: an unknown key fails at start).

/** Where Thanos keeps its blocks. */
export type ThanosObjectStorage =
  | { kind: "filesystem"; /** A directory on a volume every role mounts (tests and single-node setups only). */ directory: string }
  | { kind: "s3"; bucket: string; region: string }
  | {
    kind: "s3-compatible";
    bucket: string;
    /** The endpoint's URL, `http(s)://host[:port]`, no path and no credentials; http means no TLS. */
    url: string;
    /** Some S3-compatible stores want a region in the signature (MinIO accepts any); default none. */
    region?: string;
    /** Path-style requests (`host/bucket/key`), which most self-hosted stores need; default true. */
    pathStyle?: boolean;
    /** The Kubernetes Secret holding the key pair, and its keys (default `access_key_id`, `secret_access_key`). */
    credentialsSecret: { name: string; accessKeyIdKey?: string; secretAccessKeyKey?: string };
  }
  | { kind: "gcs"; bucket: string }
  | { kind: "azure"; accountName: string; container: string };

export interface ThanosObjstoreSpec {
  storage: ThanosObjectStorage;
  /** A prefix inside the bucket (e.g. when several clusters share one bucket); default none. */
  prefix?: string;
}

/** The environment variables objstore's S3 client reads an access key pair from (minio-go's EnvAWS provider). */
export const S3_KEY_ENV = { accessKeyId: "AWS_ACCESS_KEY_ID", secretAccessKey: "AWS_SECRET_ACCESS_KEY" } as const;

/** host[:port] and TLS from an S3-compatible endpoint's URL; refuses anything else a URL may carry. */
export function s3CompatibleEndpoint(url: string): { endpoint: string; insecure: boolean } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`S3-compatible endpoint "${url}" is not a URL: give http(s)://host[:port]`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error(`S3-compatible endpoint "${url}": the scheme must be http or https`);
  if (parsed.username || parsed.password) throw new Error("S3-compatible endpoint: credentials do not go in the URL; they come from the Secret named in credentialsSecret");
  if ((parsed.pathname !== "/" && parsed.pathname !== "") || parsed.search || parsed.hash) throw new Error(`S3-compatible endpoint "${url}": no path, query or fragment (the bucket is a setting of its own)`);
  return { endpoint: parsed.host, insecure: parsed.protocol === "http:" };
}

function providerConfig(storage: ThanosObjectStorage): { type: string; config: Record<string, unknown> } {
  switch (storage.kind) {
    case "filesystem":
      return { type: "FILESYSTEM", config: { directory: storage.directory } };
    case "s3":
      return { type: "S3", config: { bucket: storage.bucket, endpoint: `s3.${storage.region}.amazonaws.com`, region: storage.region, aws_sdk_auth: true } };
    case "s3-compatible": {
      const { endpoint, insecure } = s3CompatibleEndpoint(storage.url);
      return {
        type: "S3",
        config: {
          bucket: storage.bucket,
          endpoint,
          ...(storage.region ? { region: storage.region } : {}),
          insecure,
          bucket_lookup_type: (storage.pathStyle ?? true) ? "path" : "virtual-hosted",
        },
      };
    }
    case "gcs":
      return { type: "GCS", config: { bucket: storage.bucket } };
    case "azure":
      // The container is created with the storage account (Pulumi), so Thanos needs no right to create one.
      return { type: "AZURE", config: { storage_account: storage.accountName, container: storage.container, storage_create_container: false } };
  }
}

/** The objstore config as data (serialise with toYaml for the file). */
export function renderThanosObjstore(spec: ThanosObjstoreSpec): Record<string, unknown> {
  const { type, config } = providerConfig(spec.storage);
  return { type, config, ...(spec.prefix ? { prefix: spec.prefix } : {}) };
}

/** A container env entry set from a key of a Secret (the Kubernetes EnvVar shape). */
export interface SecretEnvVar {
  name: string;
  valueFrom: { secretKeyRef: { name: string; key: string } };
}

/** The env every Thanos container that touches the bucket needs: the key pair for an S3-compatible store, else nothing. */
export function thanosObjstoreEnv(storage: ThanosObjectStorage): SecretEnvVar[] {
  if (storage.kind !== "s3-compatible") return [];
  const secret = storage.credentialsSecret;
  return [
    { name: S3_KEY_ENV.accessKeyId, valueFrom: { secretKeyRef: { name: secret.name, key: secret.accessKeyIdKey ?? "access_key_id" } } },
    { name: S3_KEY_ENV.secretAccessKey, valueFrom: { secretKeyRef: { name: secret.name, key: secret.secretAccessKeyKey ?? "secret_access_key" } } },
  ];
}
