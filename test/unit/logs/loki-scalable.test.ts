// Loki's simple scalable deployment as the prod stack registers it under Pulumi's mocks (Pulumi.prod.yaml:
// the bucket in S3, mode scalable): the write, read and backend workloads at the preset's replicas, the
// memberlist Service that joins them, their PDBs, anti-affinity and NetworkPolicies, and the wiring of the
// shipper to the write path and Grafana to the read path. Dev keeps the single binary.
import { parse } from "yaml";
import { renderStack, RenderResult } from "../../../scripts/render";
import { LOKI_CLUSTER_LABEL, Loki, lokiReplicaProblems } from "../../../components/loki";
import { lokiContract } from "../../../components/loki/contract";
import { ResourceRecorder } from "../../helpers/mocks";
import { problemsOf } from "../../helpers/config-problems";

const rendered: Record<string, RenderResult> = {};
beforeAll(async () => {
  rendered.dev = await renderStack("dev");
  rendered.prod = await renderStack("prod");
});

const kube = (env: string) => rendered[env].resources.filter((r) => r.type.startsWith("kubernetes:")).map((r) => r.inputs);
const lokiObjects = (env: string) => kube(env).filter((o) => o.metadata?.labels?.["app.kubernetes.io/name"] === "loki" || o.metadata?.name?.startsWith("data-loki"));
const named = (env: string, kind: string, name: string) => {
  const found = kube(env).find((o) => o.kind === kind && o.metadata?.name === name);
  if (!found) throw new Error(`${env}: no ${kind} ${name}`);
  return found;
};
const { http, grpc, memberlist } = lokiContract.ports;
const targets = [["write", "StatefulSet", 3], ["read", "Deployment", 2], ["backend", "StatefulSet", 3]] as const;

describe("prod: the write, read and backend targets", () => {
  test("each target is its own workload at the preset's replicas, running one -target on the one shared config", () => {
    for (const [target, kind, replicas] of targets) {
      const workload = named("prod", kind, `loki-${target}`);
      const container = workload.spec.template.spec.containers[0];
      expect([target, workload.spec.replicas, container.args]).toEqual([target, replicas, ["-config.file=/etc/loki/loki.yaml", `-target=${target}`]]);
      expect(workload.spec.template.spec.volumes.find((v: any) => v.name === "config").configMap.name).toBe("loki-config");
      // A config change rolls every target (Loki does not reload its config).
      expect(workload.spec.template.metadata.annotations["checksum/config"]).toMatch(/^[0-9a-f]{16}$/);
      expect(container.ports.map((p: any) => p.containerPort)).toEqual([http, grpc, memberlist]);
    }
    // More than one Loki pod in all, and no single binary beside them.
    expect(targets.reduce((sum, [, , n]) => sum + n, 0)).toBe(8);
    expect(kube("prod").some((o) => o.metadata?.name === "loki" && ["StatefulSet", "Service", "NetworkPolicy"].includes(o.kind))).toBe(false);
  });

  test("the write targets keep the WAL on a claim per replica; the backend its work on one; the read targets hold nothing", () => {
    const claims = kube("prod").filter((o) => o.kind === "PersistentVolumeClaim" && o.metadata.name.startsWith("data-loki")).map((o) => o.metadata.name).sort();
    expect(claims).toEqual(["data-loki-backend-0", "data-loki-backend-1", "data-loki-backend-2", "data-loki-write-0", "data-loki-write-1", "data-loki-write-2"]);
    const wal = parse(rendered.prod.files["loki/loki.yaml"]).ingester.wal.dir;
    const write = named("prod", "StatefulSet", "loki-write").spec.template.spec.containers[0];
    expect(write.volumeMounts.find((m: any) => m.name === "data").mountPath).toBe(wal.slice(0, wal.lastIndexOf("/")));
    const read = named("prod", "Deployment", "loki-read").spec.template.spec;
    expect(read.volumes.find((v: any) => v.name === "data")).toEqual({ name: "data", emptyDir: {} });
    // The write path drains its in-memory chunks before it is killed.
    expect(named("prod", "StatefulSet", "loki-write").spec.template.spec.terminationGracePeriodSeconds).toBe(300);
  });

  test("every target has a PodDisruptionBudget of one and spreads its replicas over nodes and zones", () => {
    for (const [target, kind] of targets) {
      const pdb = named("prod", "PodDisruptionBudget", `loki-${target}`);
      expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: { "app.kubernetes.io/name": "loki", "app.kubernetes.io/instance": `loki-${target}` } } });
      const pod = named("prod", kind, `loki-${target}`).spec.template.spec;
      expect(pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.labelSelector.matchLabels["app.kubernetes.io/instance"]).toBe(`loki-${target}`);
      expect(pod.topologySpreadConstraints[0].topologyKey).toBe("topology.kubernetes.io/zone");
    }
  });

  test("the memberlist Service resolves to every Loki pod (all three targets), ready or not", () => {
    const service = named("prod", "Service", "loki-memberlist");
    expect(service.spec).toMatchObject({ clusterIP: "None", publishNotReadyAddresses: true, ports: [{ name: "memberlist", port: memberlist, targetPort: memberlist, protocol: "TCP" }] });
    for (const [target, kind] of targets) {
      const labels = named("prod", kind, `loki-${target}`).spec.template.metadata.labels;
      expect([target, Object.entries(service.spec.selector).every(([k, v]) => labels[k] === v)]).toEqual([target, true]);
    }
    // Nothing else carries the label: no other pod joins the ring.
    const members = kube("prod").filter((o) => o.spec?.template?.metadata?.labels?.[LOKI_CLUSTER_LABEL]).map((o) => o.metadata.name).sort();
    expect(members).toEqual(["loki-backend", "loki-read", "loki-write"]);
    const config = parse(rendered.prod.files["loki/loki.yaml"]);
    expect(config.memberlist.join_members).toEqual([`dns+loki-memberlist.monitoring.svc:${memberlist}`]);
    expect(config.common.compactor_address).toBe(`http://${named("prod", "Service", "loki-backend").metadata.name}.monitoring.svc:${http}`);
  });

  test("NetworkPolicies: Loki's pods reach each other on HTTP, gRPC and memberlist; the shipper only the write path, Grafana only the read path", () => {
    const rules = (target: string, direction: "ingress" | "egress") => named("prod", "NetworkPolicy", `loki-${target}`).spec[direction]
      .filter((r: any) => (r.from ?? r.to).some((p: any) => p.podSelector))
      .map((r: any) => [(r.from ?? r.to).map((p: any) => `${p.podSelector.matchLabels["app.kubernetes.io/name"]}${p.podSelector.matchLabels[LOKI_CLUSTER_LABEL] ? " (ring)" : ""}`), r.ports.map((p: any) => p.port)]);
    const ring = [["loki (ring)"], [http, grpc, memberlist]];
    // Prometheus scrapes every target's metrics on the HTTP port.
    const scrape = [["prometheus"], [http]];
    expect(rules("write", "ingress")).toEqual([[["log-shipper"], [http]], ring, scrape]);
    expect(rules("read", "ingress")).toEqual([[["grafana"], [http]], ring, scrape]);
    expect(rules("backend", "ingress")).toEqual([ring, scrape]);
    for (const target of ["write", "read", "backend"]) expect(rules(target, "egress")).toEqual([ring]);
  });

  test("the shipper pushes to the write Service and may reach only its pods; Grafana reads from the read Service and may reach only its pods", () => {
    expect(rendered.prod.files["log-shipper/config.alloy"]).toContain(`url = "http://loki-write.monitoring.svc:${http}/loki/api/v1/push"`);
    const shipperEgress = named("prod", "NetworkPolicy", "log-shipper").spec.egress.flatMap((r: any) => r.to.filter((t: any) => t.podSelector?.matchLabels["app.kubernetes.io/name"] === "loki").map((t: any) => t.podSelector.matchLabels));
    expect(shipperEgress).toEqual([{ "app.kubernetes.io/name": "loki", "app.kubernetes.io/instance": "loki-write" }]);
    const datasources = Object.entries(rendered.prod.files).filter(([file]) => file.startsWith("grafana/provisioning/datasources/")).flatMap(([, text]) => parse(text).datasources);
    expect(datasources.find((d: any) => d.uid === "loki").url).toBe(`http://loki-read.monitoring.svc:${http}`);
    const grafanaEgress = named("prod", "NetworkPolicy", "grafana").spec.egress.flatMap((r: any) => r.to.filter((t: any) => t.podSelector?.matchLabels["app.kubernetes.io/name"] === "loki").map((t: any) => [t.podSelector.matchLabels["app.kubernetes.io/instance"], r.ports.map((p: any) => p.port)]));
    expect(grafanaEgress).toEqual([["loki-read", [http]]]);
    expect(named("prod", "Service", "loki-read").spec.selector).toEqual({ "app.kubernetes.io/name": "loki", "app.kubernetes.io/instance": "loki-read" });
    expect(named("prod", "Service", "loki-write").spec.selector).toEqual({ "app.kubernetes.io/name": "loki", "app.kubernetes.io/instance": "loki-write" });
  });

  test("one service account for every target: the bucket's workload identity covers them all", () => {
    for (const [target, kind] of targets) expect(named("prod", kind, `loki-${target}`).spec.template.spec.serviceAccountName).toBe("loki");
    const association = rendered.prod.resources.find((r) => r.type === "aws:eks/podIdentityAssociation:PodIdentityAssociation" && r.name === "loki-chunks")!.inputs;
    expect(association.serviceAccount).toBe("loki");
  });
});

test("dev keeps the single binary: one -target=all replica, its ring in memory, no memberlist", () => {
  const sts = named("dev", "StatefulSet", "loki");
  expect([sts.spec.replicas, sts.spec.template.spec.containers[0].args]).toEqual([1, ["-config.file=/etc/loki/loki.yaml", "-target=all"]]);
  const config = parse(rendered.dev.files["loki/loki.yaml"]);
  expect([config.target, config.common.replication_factor, config.common.ring.kvstore.store, config.memberlist]).toEqual(["all", 1, "inmemory", undefined]);
  expect(lokiObjects("dev").filter((o) => ["StatefulSet", "Deployment"].includes(o.kind)).map((o) => o.metadata.name)).toEqual(["loki"]);
  expect(lokiObjects("dev").some((o) => o.kind === "PodDisruptionBudget")).toBe(false);
});

describe("the component refuses a scalable Loki it cannot run", () => {
  let recorder: ResourceRecorder;
  beforeAll(async () => {
    recorder = new ResourceRecorder();
    await recorder.install("loki-refusals");
  });
  const args = { namespace: "monitoring", retention: "31d", storageSize: "10Gi", mode: "scalable" as const };
  const bucket = { cloud: "gcp" as const, project: "p" };

  test("without object storage", () => {
    expect(() => new Loki("no-bucket", args)).toThrow(/scalable mode needs objectStorage/);
  });

  test("with fewer write replicas than the replication factor", () => {
    expect(() => new Loki("two-writers", { ...args, objectStorage: bucket, replicas: { write: 2, read: 2, backend: 2 } })).toThrow(/write \(2\) must be at least the replication factor \(3\)/);
    expect(lokiReplicaProblems({ write: 3, read: 0, backend: 1 })).toEqual(["read must be a whole number of at least 1"]);
    expect(lokiReplicaProblems({ write: 3, read: 1, backend: 1 })).toEqual([]);
  });
});

describe("config validation, by key", () => {
  const prod = { environment: "prod", notifications: { slack: { enabled: true } }, slackWebhookUrl: "https://hooks.slack.com/services/x" };
  const gcp = { clouds: { gcp: { enabled: true, project: "novacron-prod", region: "europe-west1" } } };

  test("scalable needs object storage", () => {
    expect(problemsOf({ ...prod, loki: { mode: "scalable" } })).toEqual([expect.stringMatching(/^novacron:loki\.mode: is scalable but storage is filesystem/)]);
  });

  test("replication factor 3 needs at least 3 write replicas (and only in scalable mode)", () => {
    expect(problemsOf({ ...prod, ...gcp, loki: { mode: "scalable", storage: "object", replicas: { write: 2, read: 2, backend: 3 } } }))
      .toEqual([expect.stringMatching(/^novacron:loki\.replicas\.write: \(2\) must be at least 3 in scalable mode/)]);
    expect(() => problemsOf({ ...prod, ...gcp, loki: { mode: "scalable", storage: "object", replicas: { write: 3, read: 1, backend: 1 } } })).toThrow("the config was accepted");
    expect(() => problemsOf({ ...prod, loki: { mode: "single", replicas: { write: 1, read: 1, backend: 1 } } })).toThrow("the config was accepted");
  });

  test("a replica count is a whole number from 1, keyed by target", () => {
    expect(problemsOf({ ...prod, loki: { replicas: { write: 3, read: 0, backend: 1.5 } } }))
      .toEqual(expect.arrayContaining([expect.stringMatching(/^novacron:loki\.replicas\.read: must be at least 1/), expect.stringMatching(/^novacron:loki\.replicas\.backend: must be a whole number/)]));
  });
});
