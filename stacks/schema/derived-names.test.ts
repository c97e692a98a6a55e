// The names the stack would derive are judged by parseStackConfig, on the config key each comes from.
import { parseStackConfig, StackConfigError } from "../config";

const aws = { enabled: true, region: "eu-west-1", oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC", logRetentionDays: 30, traceSamplingRate: 0.05 };
const azure = {
  enabled: true, location: "westeurope", resourceGroup: "novacron-monitoring", subscriptionId: "00000000-0000-0000-0000-000000000000",
  tenantId: "11111111-1111-1111-1111-111111111111", oidcIssuerUrl: "https://oidc.example/abc", logRetentionDays: 30,
};
const gcp = { enabled: true, project: "novacron-dev", region: "europe-west1", uptimeChecks: [], logRetentionDays: 30 };

/** Every problem of a dev config, as `key: message`; [] when it is accepted. */
function problemsOf(config: Record<string, unknown>): string[] {
  const raw = Object.fromEntries(Object.entries({ environment: "dev", ...config }).map(([k, v]) => [`novacron:${k}`, typeof v === "string" ? v : JSON.stringify(v)]));
  try {
    parseStackConfig(raw);
    return [];
  } catch (error) {
    if (!(error instanceof StackConfigError)) throw error;
    return error.problems.map((p) => `${p.key}: ${p.message}`);
  }
}
const long = (n: number) => `c${"x".repeat(n - 1)}`;

test("the dev and prod presets, with every cloud on, derive only valid names", () => {
  expect(problemsOf({ clouds: { aws, gcp, azure } })).toEqual([]);
});

test("a cluster name whose derived names break AWS limits is refused on novacron:cluster, naming each limit", () => {
  expect(problemsOf({ cluster: long(32), clouds: { aws } })).toEqual([]);
  const problems = problemsOf({ cluster: long(41), clouds: { aws } });
  expect(problems).toEqual([
    expect.stringMatching(/^novacron:cluster: Prometheus' remote-write IAM role "cx{40}-prometheus-remote-write" is 65 characters, over the limit of 64 \(AWS IAM role name: https:\/\/docs.aws.amazon.com\/IAM\//),
    expect.stringMatching(/^novacron:cluster: the X-Ray group "cx{40}" is 41 characters, over the limit of 32/),
  ]);
});

test("the same cluster name is fine while the cloud is off", () => {
  expect(problemsOf({ cluster: long(60) })).toEqual([]);
});

test("Azure: the Monitor workspace's 44 characters bound the cluster name", () => {
  expect(problemsOf({ cluster: long(33), clouds: { azure } })).toEqual([]);
  expect(problemsOf({ cluster: long(34), clouds: { azure } })).toEqual([expect.stringMatching(/^novacron:cluster: the Azure Monitor workspace "cx{33}-prometheus" is 45 characters, over the limit of 44/)]);
});

test("Azure: a resource group ending in a period is refused (the schema's pattern admits it)", () => {
  expect(problemsOf({ clouds: { azure: { ...azure, resourceGroup: "monitoring." } } })).toEqual([expect.stringMatching(/^novacron:clouds\.azure\.resourceGroup: the resource group "monitoring\." must end with a character other than '\.'/)]);
});

test("GCP: a long cluster name still gives a valid service account id (shortened with a hash)", () => {
  expect(problemsOf({ cluster: long(63), clouds: { gcp } })).toEqual([]);
});

test("a node set name ECK would refuse is reported on its own key", () => {
  const node = { roles: ["master", "data", "ingest"], count: 1, storageSize: "10Gi", resources: { requests: { cpu: "1", memory: "2Gi" }, limits: { cpu: "1", memory: "2Gi" } } };
  const elk = { nodeSets: [{ name: "all", ...node }, { name: "h".repeat(24), ...node, roles: ["data_warm"] }] };
  expect(problemsOf({ elk: { nodeSets: [{ name: "h".repeat(23), ...node }] } })).toEqual([]);
  expect(problemsOf({ elk })).toEqual([expect.stringMatching(/^novacron:elk\.nodeSets\[1\]\.name: node set 1's name "h{24}" is 24 characters, over the limit of 23 \(ECK node set name: https:\/\/github.com\/elastic\/cloud-on-k8s/)]);
  // Off, ECK never sees it.
  expect(problemsOf({ elk: { ...elk, enabled: false } })).toEqual([]);
});

test("a snapshot bucket the object store refuses is reported, by the store's own rules", () => {
  const snapshot = (type: string, bucket: string) => ({ elk: { snapshot: { enabled: true, type, bucket } } });
  expect(problemsOf(snapshot("s3", "logs_archive"))).toEqual([expect.stringMatching(/^novacron:elk\.snapshot\.bucket: the s3 snapshot bucket "logs_archive" contains "_"/)]);
  expect(problemsOf(snapshot("gcs", "logs_archive"))).toEqual([]);
  expect(problemsOf(snapshot("azure", "logs.archive"))).toEqual([expect.stringMatching(/^novacron:elk\.snapshot\.bucket: the azure snapshot bucket "logs\.archive" contains "\."/)]);
});

test("two Namespaces of one name collide: the host namespace, or the operator's, equal to the stack's", () => {
  expect(problemsOf({ hostNamespace: "monitoring" })).toEqual([`novacron:hostNamespace: the host agents' Namespace "monitoring" is the same Kubernetes DNS-1123 label name as the stack's Namespace`]);
  expect(problemsOf({ elk: { operatorNamespace: "monitoring" } })).toEqual([`novacron:elk.operatorNamespace: the ECK operator's Namespace "monitoring" is the same Kubernetes DNS-1123 label name as the stack's Namespace`]);
});

test("a cluster name the schema already refused is not judged again", () => {
  expect(problemsOf({ cluster: "Not_A_Label", clouds: { aws } })).toEqual(["novacron:cluster: must be a lowercase DNS label, e.g. novacron-prod"]);
});
