// The Kibana resource ECK reconciles: wired to its cluster by name, telemetry off, a writable /tmp on an
// otherwise read-only, non-root pod.
import { AppIdentity, standardLabels } from "../kube";
import { derivedNameProblems } from "../name-rules";
import { kibanaDerivedNames, renderKibana } from "./render-instance";

const app: AppIdentity = { name: "kibana", instance: "kibana", component: "logs-ui", image: "docker.elastic.co/kibana/kibana:9.4.3" };
const resources = { requests: { cpu: "200m", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } };
const kibana = renderKibana({ name: "kibana", namespace: "monitoring", app, version: "9.4.3", image: app.image!, elasticsearchName: "logs", replicas: 2, resources });

test("an ECK Kibana at the pinned version, on the named cluster, with our labels", () => {
  expect(kibana).toMatchObject({ apiVersion: "kibana.k8s.elastic.co/v1", kind: "Kibana", metadata: { name: "kibana", namespace: "monitoring", labels: standardLabels(app) } });
  expect(kibana.spec).toMatchObject({ version: "9.4.3", image: app.image, count: 2, elasticsearchRef: { name: "logs" } });
});

test("no usage telemetry, and users cannot turn it on", () => {
  expect(kibana.spec.config).toEqual({ "telemetry.optIn": false, "telemetry.allowChangingOptInStatus": false });
});

test("the kibana container: its resources, hardened, with /tmp the only writable path we add", () => {
  const { spec, metadata } = kibana.spec.podTemplate;
  expect(metadata.labels).toEqual(standardLabels(app));
  expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
  expect(spec.volumes).toEqual([{ name: "tmp", emptyDir: {} }]);
  const [container] = spec.containers;
  expect(container).toMatchObject({ name: "kibana", resources, volumeMounts: [{ name: "tmp", mountPath: "/tmp" }] });
  expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
});

test("ECK refuses a Kibana name over 36 characters (CheckNameLength)", () => {
  expect(derivedNameProblems(kibanaDerivedNames("kibana"))).toEqual([]);
  expect(derivedNameProblems(kibanaDerivedNames("k".repeat(36)))).toEqual([]);
  expect(derivedNameProblems(kibanaDerivedNames("k".repeat(37))).map((p) => p.message)).toEqual([expect.stringMatching(/^the Kibana resource "k{37}" is 37 characters, over the limit of 36 \(ECK resource name/)]);
});
