// Thanos in the stacks, under Pulumi's mocks: prod runs it (the bucket in its first enabled cloud), dev does
// not; the sidecars, Query, Store Gateway and Compactor are wired to each other, to the bucket, to Grafana and
// to Prometheus' scraping, and nothing else is let through.
import { parse } from "yaml";
import { readStackConfig, renderStack, RenderResult } from "../../scripts/render";
import { thanosBucketName, thanosContract, thanosDefaults } from "../../components/thanos/contract";
import { objectStorageDerivedNames } from "../../components/object-storage";
import { lokiChunksName, lokiObjectStorageDerivedNames } from "../../components/loki";
import { derivedNameProblems } from "../../components/name-rules";
import { THANOS_QUERY_PARAMETERS } from "../../components/grafana/render-datasources";
import { accepts, problemsOf } from "../helpers/config-problems";

const SENTINEL = { id: "SENTINEL-AKID-4d2e91", secret: "SENTINEL-SECRET-8b1f07" };
const rendered: Record<string, RenderResult> = {};

/** Pulumi.prod.yaml's clouds with some switched off: the bucket moves to the first one still on. */
function prodCloudsOnly(...on: string[]): Record<string, string> {
  const clouds = JSON.parse(readStackConfig("prod").config["novacron:clouds"]);
  for (const cloud of ["aws", "gcp", "azure"]) clouds[cloud].enabled = on.includes(cloud);
  return { "novacron:clouds": JSON.stringify(clouds) };
}

beforeAll(async () => {
  // One after the other: the mocks are process-wide.
  rendered.prod = await renderStack("prod");
  rendered.dev = await renderStack("dev");
  rendered.s3 = await renderStack("prod", {
    ...prodCloudsOnly(),
    "novacron:loki": JSON.stringify({ storage: "filesystem", mode: "single" }), // Loki's bucket needs a cloud
    "novacron:thanos": JSON.stringify({ enabled: true, storage: "s3-compatible", s3Compatible: { url: "http://minio.storage.svc:9000", bucket: "novacron-thanos", pathStyle: true } }),
    "novacron:thanosS3AccessKeyId": SENTINEL.id,
    "novacron:thanosS3SecretAccessKey": SENTINEL.secret,
  });
  rendered.gcp = await renderStack("prod", prodCloudsOnly("gcp", "azure"));
  rendered.azure = await renderStack("prod", prodCloudsOnly("azure"));
}, 10 * 60_000);

const kube = (env: string) => rendered[env].resources.filter((r) => r.type.startsWith("kubernetes:")).map((r) => r.inputs);
const find = (env: string, kind: string, name: string) => kube(env).find((o) => o.kind === kind && o.metadata.name === name);
const named = (env: string, kind: string, name: string) => {
  const found = find(env, kind, name);
  if (!found) throw new Error(`${env}: no ${kind} ${name}`);
  return found;
};
const container = (workload: any, name: string) => workload.spec.template.spec.containers.find((c: any) => c.name === name);
const flag = (args: string[], name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const policyOf = (env: string, name: string) => named(env, "NetworkPolicy", name).spec;
/** A policy's rules as "peer-labels→ports" strings. */
const rules = (list: any[], side: "from" | "to") => list.map((r) => `${r[side].map((p: any) => p.podSelector?.matchLabels?.["app.kubernetes.io/instance"] ?? p.ipBlock?.cidr ?? "?").sort().join(",")}:${(r.ports ?? []).map((p: any) => p.port).join(",")}`).sort();

describe("prod runs Thanos", () => {
  test("Query: a Deployment of 2 behind a PodDisruptionBudget, spread across nodes, deduplicating on the replica label", () => {
    const query = named("prod", "Deployment", "thanos-query");
    expect(query.spec.replicas).toBe(2);
    expect(query.spec.template.spec.affinity.podAntiAffinity).toBeDefined();
    expect(query.spec.template.spec.volumes.map((v: any) => v.name)).toEqual(["tmp"]); // stateless
    expect(named("prod", "PodDisruptionBudget", "thanos-query").spec.maxUnavailable).toBe(1);
    const args: string[] = container(query, "thanos").args;
    expect(args[0]).toBe("query");
    expect(args).toContain(`--query.replica-label=${thanosContract.replicaLabel}`);
    // Every endpoint is a DNS SRV name of a headless Service that exists, with the gRPC port named as the name says.
    const endpoints = JSON.parse(flag(args, "endpoint.sd-config")!).endpoints.map((e: any) => e.address);
    expect(endpoints).toEqual(["dnssrv+_grpc._tcp.prometheus-headless.monitoring.svc", "dnssrv+_grpc._tcp.thanos-store-gateway-headless.monitoring.svc"]);
    for (const endpoint of endpoints) {
      const [, port, service] = endpoint.match(/^dnssrv\+_([a-z-]+)\._tcp\.([a-z-]+)\.monitoring\.svc$/);
      const svc = named("prod", "Service", service);
      expect(svc.spec.clusterIP).toBe("None");
      expect(svc.spec.ports).toContainEqual(expect.objectContaining({ name: port, port: thanosContract.ports.grpc }));
    }
  });

  test("Store Gateway and Compactor: StatefulSets with volumes, the objstore config from the Secret, one compactor applying the configured retention", () => {
    const store = named("prod", "StatefulSet", "thanos-store-gateway");
    const compactor = named("prod", "StatefulSet", "thanos-compactor");
    expect(compactor.spec.replicas).toBe(1);
    for (const sts of [store, compactor]) {
      expect(sts.spec.volumeClaimTemplates.map((c: any) => c.metadata.name)).toEqual(["data"]);
      expect(sts.spec.template.spec.volumes).toContainEqual(expect.objectContaining({ name: "objstore", secret: expect.objectContaining({ secretName: "thanos-objstore" }) }));
      expect(flag(container(sts, "thanos").args, "objstore.config-file")).toBe(thanosDefaults.objstoreConfigFile);
      expect(sts.spec.template.spec.serviceAccountName).toBe("thanos");
      expect(sts.spec.template.spec.automountServiceAccountToken).toBe(false);
    }
    const args: string[] = container(compactor, "thanos").args;
    expect([flag(args, "retention.resolution-raw"), flag(args, "retention.resolution-5m"), flag(args, "retention.resolution-1h")]).toEqual(["30d", "365d", "365d"]);
    expect(args).not.toContain("--downsampling.disable");
    expect(find("prod", "PodDisruptionBudget", "thanos-compactor")).toBeUndefined();
  });

  test("the bucket is S3 in the first enabled cloud, with no key anywhere; the sidecars upload as Prometheus' own IRSA role", () => {
    const types = rendered.prod.resources.map((r) => r.type);
    expect(types).toContain("aws:s3/bucket:Bucket");
    const grants = rendered.prod.resources.filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name.startsWith("thanos-blocks"));
    expect(grants.map((r) => r.name).sort()).toEqual(["thanos-blocks", "thanos-blocks-grantee-0"]);
    expect(rendered.prod.resources.find((r) => r.type === "aws:eks/podIdentityAssociation:PodIdentityAssociation" && r.name === "thanos-blocks")?.inputs)
      .toMatchObject({ namespace: "monitoring", serviceAccount: "thanos" });
    const secret = named("prod", "Secret", "thanos-objstore");
    expect(Object.keys(secret.stringData)).toEqual(["objstore.yml"]);
    expect(parse(secret.stringData["objstore.yml"])).toMatchObject({ type: "S3", config: { aws_sdk_auth: true } });
  });

  test("every Prometheus pod has the sidecar: 2h blocks never compacted locally, the TSDB shared, gRPC on the headless Service", () => {
    const prometheus = named("prod", "StatefulSet", "prometheus");
    const args: string[] = container(prometheus, "prometheus").args;
    expect([flag(args, "storage.tsdb.min-block-duration"), flag(args, "storage.tsdb.max-block-duration")]).toEqual(["2h", "2h"]);
    const sidecar = container(prometheus, "thanos-sidecar");
    expect(sidecar.args[0]).toBe("sidecar");
    expect(flag(sidecar.args, "tsdb.path")).toBe(flag(args, "storage.tsdb.path"));
    expect(flag(sidecar.args, "objstore.config-file")).toBe(thanosDefaults.objstoreConfigFile);
    expect(sidecar.volumeMounts.map((m: any) => m.name)).toEqual(expect.arrayContaining(["data", "thanos-objstore"]));
    expect(sidecar.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
  });

  test("Prometheus scrapes the four roles under the contract's job names", () => {
    const config = parse(named("prod", "ConfigMap", "prometheus-config").data["prometheus.yml"]);
    const jobs = config.scrape_configs.map((j: any) => j.job_name);
    expect(jobs).toEqual(expect.arrayContaining(Object.values(thanosContract.jobs)));
  });

  test("Grafana's default Prometheus datasource is Query, deduplicating", () => {
    const datasources = parse(named("prod", "ConfigMap", "grafana-datasources").data["datasources.yaml"]).datasources;
    const prometheus = datasources.find((d: any) => d.isDefault);
    expect(prometheus).toMatchObject({ uid: "prometheus", url: "http://thanos-query.monitoring.svc:10902", jsonData: { prometheusType: "Thanos", customQueryParameters: THANOS_QUERY_PARAMETERS } });
    expect(THANOS_QUERY_PARAMETERS).toContain("dedup=true");
  });

  test("NetworkPolicies: Grafana → Query HTTP, Query → sidecars and Store gRPC, Prometheus → every role's metrics, nothing else", () => {
    const http = thanosContract.ports.http, grpc = thanosContract.ports.grpc;
    const query = policyOf("prod", "thanos-query");
    expect(rules(query.ingress, "from")).toEqual([`grafana,prometheus:${http}`]);
    expect(rules(query.egress, "to")).toEqual([`prometheus,thanos-store-gateway:${grpc}`]);
    const store = policyOf("prod", "thanos-store-gateway");
    expect(rules(store.ingress, "from")).toEqual([`prometheus:${http}`, `thanos-query:${grpc}`]);
    const compactor = policyOf("prod", "thanos-compactor");
    expect(rules(compactor.ingress, "from")).toEqual([`prometheus:${http}`]);
    // The bucket: HTTPS, and the EKS Pod Identity Agent for the credentials.
    for (const p of [store, compactor]) expect(rules(p.egress, "to")).toEqual(["0.0.0.0/0:443", "169.254.170.23/32:80"]);
    // Grafana reaches Query, and no longer Prometheus.
    expect(rules(policyOf("prod", "grafana").egress, "to")).toEqual(expect.arrayContaining([`thanos-query:${http}`]));
    expect(rules(policyOf("prod", "grafana").egress, "to").filter((r) => r.startsWith("prometheus:"))).toEqual([]);
    const prometheus = policyOf("prod", "prometheus");
    // Grafana no longer queries Prometheus: Query does, through the sidecars.
    expect(rules(prometheus.ingress, "from")).toEqual([`prometheus:${http}`, `thanos-query:${grpc}`]);
  });
});

test("dev stays one Prometheus: no Thanos object, no sidecar, Grafana reads Prometheus", () => {
  expect(kube("dev").filter((o) => o.metadata?.labels?.["app.kubernetes.io/name"] === "thanos")).toEqual([]);
  const prometheus = named("dev", "StatefulSet", "prometheus");
  expect(prometheus.spec.template.spec.containers.map((c: any) => c.name)).not.toContain("thanos-sidecar");
  expect(container(prometheus, "prometheus").args.some((a: string) => a.includes("block-duration"))).toBe(false);
  const datasources = parse(named("dev", "ConfigMap", "grafana-datasources").data["datasources.yaml"]).datasources;
  expect(datasources.find((d: any) => d.isDefault)).toMatchObject({ url: "http://prometheus.monitoring.svc:9090", jsonData: { prometheusType: "Prometheus" } });
});

test("an S3-compatible store: the key pair only in the Secret, handed to every bucket user as env from it; egress to the endpoint's port", () => {
  const secret = named("s3", "Secret", "thanos-objstore");
  expect(secret.stringData).toMatchObject({ access_key_id: SENTINEL.id, secret_access_key: SENTINEL.secret });
  expect(parse(secret.stringData["objstore.yml"])).toEqual({ type: "S3", config: { bucket: "novacron-thanos", endpoint: "minio.storage.svc:9000", insecure: true, bucket_lookup_type: "path" } });
  const others = kube("s3").filter((o) => !(o.kind === "Secret" && o.metadata.name === "thanos-objstore"));
  for (const leak of [SENTINEL.id, SENTINEL.secret]) expect(others.filter((o) => JSON.stringify(o).includes(leak)).map((o) => `${o.kind}/${o.metadata?.name}`)).toEqual([]);
  const users = [container(named("s3", "StatefulSet", "thanos-store-gateway"), "thanos"), container(named("s3", "StatefulSet", "thanos-compactor"), "thanos"), container(named("s3", "StatefulSet", "prometheus"), "thanos-sidecar")];
  for (const c of users) {
    expect(c.env.filter((e: any) => e.name.startsWith("AWS_"))).toEqual([
      { name: "AWS_ACCESS_KEY_ID", valueFrom: { secretKeyRef: { name: "thanos-objstore", key: "access_key_id" } } },
      { name: "AWS_SECRET_ACCESS_KEY", valueFrom: { secretKeyRef: { name: "thanos-objstore", key: "secret_access_key" } } },
    ]);
  }
  expect(rules(policyOf("s3", "thanos-compactor").egress, "to")).toEqual(["0.0.0.0/0:9000"]);
  expect(rendered.s3.resources.filter((r) => /^(aws|gcp|azure-native):/.test(r.type) && r.name.startsWith("thanos"))).toEqual([]);
});

test("GCS: the bucket's IAM grants Thanos' own Google service account and Prometheus' (the sidecars), and the metadata server is reachable", () => {
  const members = rendered.gcp.resources.filter((r) => r.type === "gcp:storage/bucketIAMMember:BucketIAMMember" && r.name.startsWith("thanos-blocks"));
  expect(members.map((r) => r.name).sort()).toEqual(["thanos-blocks", "thanos-blocks-grantee-0"]);
  expect(named("gcp", "ServiceAccount", "thanos").metadata.annotations).toHaveProperty(["iam.gke.io/gcp-service-account"]);
  expect(parse(named("gcp", "Secret", "thanos-objstore").stringData["objstore.yml"]).type).toBe("GCS");
  expect(rules(policyOf("gcp", "thanos-store-gateway").egress, "to")).toEqual(["0.0.0.0/0:443", "169.254.169.252/32:988", "169.254.169.254/32:80"]);
});

test("Azure Blob: the sidecar authenticates as Prometheus' managed identity with the token its pod projects", () => {
  expect(parse(named("azure", "Secret", "thanos-objstore").stringData["objstore.yml"]).type).toBe("AZURE");
  const prometheus = named("azure", "StatefulSet", "prometheus");
  const sidecar = container(prometheus, "thanos-sidecar");
  expect(sidecar.env.map((e: any) => e.name)).toEqual(expect.arrayContaining(["AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_FEDERATED_TOKEN_FILE"]));
  const tokenFile = sidecar.env.find((e: any) => e.name === "AZURE_FEDERATED_TOKEN_FILE").value;
  const mounted = sidecar.volumeMounts.find((m: any) => tokenFile.startsWith(`${m.mountPath}/`));
  expect(prometheus.spec.template.spec.volumes.find((v: any) => v.name === mounted?.name)?.projected).toBeDefined();
  const grants = rendered.azure.resources.filter((r) => r.type.startsWith("azure-native:authorization") && r.name.startsWith("thanos-blocks"));
  expect(grants.map((r) => r.name).sort()).toEqual(["thanos-blocks", "thanos-blocks-grantee-0"]);
});

describe("novacron:thanos config: every problem by its key, before anything is created", () => {
  const s3 = { url: "https://minio.example.com", bucket: "novacron-thanos", pathStyle: true };
  test("enabled with its storage in a cloud, and no cloud enabled", () => {
    expect(problemsOf({ environment: "dev", thanos: { enabled: true } })).toEqual([expect.stringMatching(/^novacron:thanos\.storage: is cloud but no cloud is enabled: /)]);
    expect(accepts({ environment: "dev", thanos: { enabled: false } })).toBe(true);
  });
  test("S3-compatible: the store's settings and both keys, as secrets", () => {
    expect(problemsOf({ environment: "dev", thanos: { enabled: true, storage: "s3-compatible" } })).toEqual([
      expect.stringMatching(/^novacron:thanos\.s3Compatible: is required when thanos\.storage is s3-compatible/),
      expect.stringMatching(/^novacron:thanos\.storage: is s3-compatible but novacron:thanosS3AccessKeyId and novacron:thanosS3SecretAccessKey are not set/),
    ]);
    const keys = { thanosS3AccessKeyId: "AKIAEXAMPLE", thanosS3SecretAccessKey: "example-secret-key" };
    expect(accepts({ environment: "dev", thanos: { enabled: true, storage: "s3-compatible", s3Compatible: s3 }, ...keys })).toBe(true);
    // A key in plain text is refused, and the endpoint carries no credentials.
    expect(problemsOf({ environment: "dev", thanos: { enabled: true, storage: "s3-compatible", s3Compatible: s3 }, ...keys }, ["thanosS3AccessKeyId"]))
      .toEqual([expect.stringMatching(/^novacron:thanosS3SecretAccessKey: is a credential and must be a secret/)]);
    expect(problemsOf({ environment: "dev", thanos: { enabled: true, storage: "s3-compatible", s3Compatible: { ...s3, url: "https://key:secret@minio.example.com" } }, ...keys }))
      .toEqual([expect.stringMatching(/^novacron:thanos\.s3Compatible\.url: must not carry credentials/)]);
  });
  test("retention that would delete blocks before the compactor downsamples them", () => {
    expect(problemsOf({ environment: "dev", thanos: { retention: { raw: "24h", fiveMinutes: "7d", oneHour: "0d" } } })).toEqual([
      expect.stringMatching(/^novacron:thanos\.retention\.raw: \(24h\) must be 0d \(forever\) or at least 40h with downsampling/),
      expect.stringMatching(/^novacron:thanos\.retention\.fiveMinutes: \(7d\) must be 0d \(forever\) or at least 10d with downsampling/),
    ]);
    expect(accepts({ environment: "dev", thanos: { downsampling: false, retention: { raw: "24h", fiveMinutes: "7d", oneHour: "0d" } } })).toBe(true);
  });
});

test.each([
  { cloud: "aws" as const, region: "eu-west-1", clusterName: "novacron-prod" },
  { cloud: "gcp" as const, project: "novacron-prod" },
  { cloud: "azure" as const, resourceGroup: "novacron-prod-monitoring", location: "westeurope", oidcIssuerUrl: "https://oidc.example/abc" },
])("the Thanos bucket's names in $cloud pass every rule, and differ from Loki's", (target) => {
  const thanos = objectStorageDerivedNames(thanosBucketName(thanosContract.name), target, "Thanos");
  expect(derivedNameProblems(thanos)).toEqual([]);
  const loki = lokiObjectStorageDerivedNames(lokiChunksName("loki"), target);
  expect(derivedNameProblems([...thanos, ...loki]).map((p) => p.message)).toEqual([]);
  expect(thanos[0].names).toMatch(/^Thanos' /);
});
