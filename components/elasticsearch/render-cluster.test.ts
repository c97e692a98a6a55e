// The Elasticsearch resource ECK reconciles: one node set per configured set with its roles, volumes and
// spread, our users and roles, and pods as hardened as our own workloads.
import { AppIdentity, standardLabels } from "../kube";
import { derivedNameProblems } from "../name-rules";
import { ELASTIC_UID, elasticsearchDerivedNames, ElasticsearchClusterSpec, eckStatefulSetName, renderElasticsearchCluster } from "./render-cluster";

const app: AppIdentity = { name: "elasticsearch", instance: "logs", component: "logs-storage", image: "docker.elastic.co/elasticsearch/elasticsearch:9.4.3" };
const resources = { requests: { cpu: "1", memory: "4Gi" }, limits: { cpu: "2", memory: "4Gi" } };
const spec: ElasticsearchClusterSpec = {
  name: "logs", namespace: "monitoring", app, version: "9.4.3", image: app.image!,
  nodeSets: [
    { name: "masters", roles: ["master"], count: 3, storageSize: "10Gi", resources },
    { name: "hot", roles: ["data_hot", "data_content", "ingest"], count: 2, storageSize: "500Gi", storageClass: "fast-ssd", resources },
  ],
  defaultStorageClass: "standard",
  rolesSecret: "logs-es-roles",
  fileRealmSecrets: ["logs-es-user-logstash", "logs-es-user-grafana"],
};
const cluster = renderElasticsearchCluster(spec);
const nodeSet = (name: string) => cluster.spec.nodeSets.find((s: any) => s.name === name);

test("an ECK Elasticsearch at the pinned version, with our roles and file-realm users; one node changed at a time", () => {
  expect(cluster).toMatchObject({ apiVersion: "elasticsearch.k8s.elastic.co/v1", kind: "Elasticsearch", metadata: { name: "logs", namespace: "monitoring", labels: standardLabels(app) } });
  expect(cluster.spec).toMatchObject({ version: "9.4.3", image: app.image, updateStrategy: { changeBudget: { maxUnavailable: 1 } } });
  expect(cluster.spec.auth).toEqual({ roles: [{ secretName: "logs-es-roles" }], fileRealm: [{ secretName: "logs-es-user-logstash" }, { secretName: "logs-es-user-grafana" }] });
  expect(cluster.spec).not.toHaveProperty("secureSettings");
  expect(renderElasticsearchCluster({ ...spec, secureSettingsSecret: "gcs-credentials" }).spec.secureSettings).toEqual([{ secretName: "gcs-credentials" }]);
});

test("each node set: its roles and count, no mmap (no privileged sysctl), its volume on its own or the default class", () => {
  expect(nodeSet("masters")).toMatchObject({ count: 3, config: { "node.roles": ["master"], "node.store.allow_mmap": false } });
  expect(nodeSet("masters").volumeClaimTemplates[0].spec).toMatchObject({ resources: { requests: { storage: "10Gi" } }, storageClassName: "standard" });
  expect(nodeSet("hot").volumeClaimTemplates[0].spec.storageClassName).toBe("fast-ssd");
  const noClass = renderElasticsearchCluster({ ...spec, defaultStorageClass: undefined }).spec.nodeSets[0];
  expect(noClass.volumeClaimTemplates[0].spec).not.toHaveProperty("storageClassName");
});

test("a node set spreads over nodes and zones, counted within that set only", () => {
  const constraints = nodeSet("hot").podTemplate.spec.topologySpreadConstraints;
  expect(constraints.map((c: any) => c.topologyKey)).toEqual(["kubernetes.io/hostname", "topology.kubernetes.io/zone"]);
  for (const c of constraints) expect(c.labelSelector.matchLabels["elasticsearch.k8s.elastic.co/statefulset-name"]).toBe("logs-es-hot");
});

test("pods carry our labels (NetworkPolicies select them) and run non-root, read-only, without capabilities", () => {
  const template = nodeSet("masters").podTemplate;
  expect(template.metadata.labels).toEqual(standardLabels(app));
  expect(template.spec).toMatchObject({
    automountServiceAccountToken: false,
    securityContext: { runAsNonRoot: true, runAsUser: ELASTIC_UID, fsGroup: ELASTIC_UID, seccompProfile: { type: "RuntimeDefault" } },
  });
  const [container] = template.spec.containers;
  expect(container).toMatchObject({ name: "elasticsearch", resources });
  expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
});

describe("ECK's name limits (ValidateNames)", () => {
  const problems = (name: string, nodeSets: { name: string; count: number }[]) => derivedNameProblems(elasticsearchDerivedNames({ name, nodeSets })).map((p) => p.message);

  test("the stack's node sets pass; the StatefulSet is <cluster>-es-<node set>, as the spread constraints select it", () => {
    expect(problems("logs", spec.nodeSets)).toEqual([]);
    const hot = renderElasticsearchCluster(spec).spec.nodeSets[1];
    expect(hot.podTemplate.spec.topologySpreadConstraints[0].labelSelector.matchLabels["elasticsearch.k8s.elastic.co/statefulset-name"]).toBe(eckStatefulSetName("logs", "hot"));
    expect(eckStatefulSetName("logs", "hot")).toBe("logs-es-hot");
  });

  test("a node set name of 23 characters passes, 24 is refused (the suffix -es-<name> may be at most 27)", () => {
    expect(problems("logs", [{ name: "h".repeat(23), count: 3 }])).toEqual([]);
    expect(problems("logs", [{ name: "h".repeat(24), count: 3 }])).toEqual([expect.stringMatching(/^node set 0's name "h{24}" is 24 characters, over the limit of 23 \(ECK node set name/)]);
  });

  test("a resource name of 36 passes, 37 is refused; a long one also leaves its StatefulSets no room", () => {
    expect(problems("e".repeat(36), [{ name: "hot", count: 3 }])).toEqual([]);
    expect(problems("e".repeat(37), [{ name: "hot", count: 3 }])).toEqual([expect.stringMatching(/^the Elasticsearch resource "e{37}" is 37 characters, over the limit of 36/)]);
    // 36 + "-es-" + 23 = 63: the pods' revision-hash label would not fit.
    expect(problems("e".repeat(36), [{ name: "h".repeat(23), count: 3 }])).toEqual([expect.stringMatching(/StatefulSet "e{36}-es-h{23}" is 63 characters, over the limit of 51/)]);
  });

  test("node set names that are not DNS subdomains are refused", () => {
    expect(problems("logs", [{ name: "Hot_Tier", count: 1 }])).toContainEqual(expect.stringMatching(/^node set 0's name "Hot_Tier" contains "H", "_", "T"/));
  });
});
