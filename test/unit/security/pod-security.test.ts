// Pod Security Standards and network isolation over everything the dev and prod stacks render:
// - every pod template meets "restricted", except the host-level exporters listed (with the exact controls
//   they violate and why) in security/pod-security-exceptions.yaml, which live in the privileged host
//   namespace; a new violation or a stale exception fails;
// - every namespace denies all traffic by default, and every pod that the pod network reaches is selected
//   by its own policy whose flows name real peers.
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ECK_CHART, ECK_OPERATOR_LABELS } from "../../../components/elasticsearch";
import { baselineViolations, podSecurityLevel, restrictedViolations } from "../../../components/kube/pod-security";
import { HOST_ACCESS_ANNOTATION } from "../../../components/kube/workload";
import { renderStack, RenderResult } from "../../../scripts/render";

interface PssException {
  workload: string;
  level: "baseline" | "privileged";
  controls: string[];
  reason: string;
}
const exceptionsFile = path.resolve(__dirname, "../../../security/pod-security-exceptions.yaml");
const exceptions = (parse(fs.readFileSync(exceptionsFile, "utf8")) as { exceptions: PssException[] }).exceptions;

const stacks = ["dev", "prod"] as const;
const rendered: Partial<Record<(typeof stacks)[number], RenderResult>> = {};
beforeAll(async () => {
  for (const stack of stacks) rendered[stack] = await renderStack(stack);
});

const objects = (stack: (typeof stacks)[number]) => rendered[stack]!.resources.filter((r) => r.type.startsWith("kubernetes:")).map((r) => r.inputs);
/**
 * Every pod template the stack declares: its workloads, and the pods the ECK operator runs from the
 * Elasticsearch (one per node set) and Kibana resources, whose podTemplate is ours (ECK adds its defaults).
 */
const workloads = (stack: (typeof stacks)[number]) => [
  ...objects(stack).filter((o) => ["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicaSet", "Pod"].includes(o.kind)).map((o) => ({
    id: `${o.kind}/${o.metadata.name}`,
    namespace: o.metadata.namespace as string,
    template: o.kind === "Pod" ? { metadata: o.metadata, spec: o.spec } : o.kind === "CronJob" ? o.spec.jobTemplate.spec.template : o.spec.template,
  })),
  ...objects(stack).filter((o) => o.kind === "Elasticsearch").flatMap((o) => o.spec.nodeSets.map((set: any) => ({ id: `Elasticsearch/${o.metadata.name}/${set.name}`, namespace: o.metadata.namespace as string, template: set.podTemplate }))),
  ...objects(stack).filter((o) => o.kind === "Kibana").map((o) => ({ id: `Kibana/${o.metadata.name}`, namespace: o.metadata.namespace as string, template: o.spec.podTemplate })),
];
/**
 * Pods that Helm charts the stack installs run. The charts are recorded, not expanded, offline (expanding
 * needs their repositories), so their pods' labels are the ones the component declares for its policies:
 * the ECK operator's pods carry the chart's selector label (app.kubernetes.io/name: elastic-operator).
 */
const chartPods = (stack: (typeof stacks)[number]) =>
  rendered[stack]!.resources.filter((r) => r.type === "kubernetes:helm.sh/v4:Chart" && r.inputs.chart === ECK_CHART.chart)
    .map((r) => ({ id: `Chart/${r.inputs.chart}`, namespace: r.inputs.namespace as string, labels: ECK_OPERATOR_LABELS as Record<string, string> }));
const controlsOf = (template: any) => [...new Set(restrictedViolations(template.spec, template.metadata?.annotations).map((v) => v.control))].sort();

describe("the Pod Security Standards checker (it can fail)", () => {
  const hardened = {
    securityContext: { runAsNonRoot: true, runAsUser: 65534, seccompProfile: { type: "RuntimeDefault" } },
    containers: [{ name: "app", image: "x:1.0.0", securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } } }],
    volumes: [{ name: "config", configMap: { name: "c" } }],
  };
  const withContainer = (sc: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    ({ ...hardened, ...extra, containers: [{ ...hardened.containers[0], securityContext: { ...hardened.containers[0].securityContext, ...sc } }] });

  test("a hardened pod meets restricted", () => {
    expect(restrictedViolations(hardened)).toEqual([]);
    expect(podSecurityLevel(hardened)).toBe("restricted");
  });

  test.each([
    ["privileged container", "baseline", "privilegedContainers", withContainer({ privileged: true })],
    ["host network", "baseline", "hostNamespaces", { ...hardened, hostNetwork: true }],
    ["host IPC", "baseline", "hostNamespaces", { ...hardened, hostIPC: true }],
    ["hostPath volume", "baseline", "hostPathVolumes", { ...hardened, volumes: [{ name: "h", hostPath: { path: "/" } }] }],
    ["SYS_ADMIN added", "baseline", "capabilities", withContainer({ capabilities: { drop: ["ALL"], add: ["SYS_ADMIN"] } })],
    ["host port", "baseline", "hostPorts", { ...hardened, containers: [{ ...hardened.containers[0], ports: [{ containerPort: 80, hostPort: 80 }] }] }],
    ["unsafe sysctl", "baseline", "sysctls", { ...hardened, securityContext: { ...hardened.securityContext, sysctls: [{ name: "kernel.msgmax", value: "1" }] } }],
    ["unconfined seccomp", "baseline", "seccomp", withContainer({ seccompProfile: { type: "Unconfined" } })],
    ["unmasked /proc", "baseline", "procMount", withContainer({ procMount: "Unmasked" })],
    ["custom SELinux user", "baseline", "seLinux", withContainer({ seLinuxOptions: { user: "root" } })],
    ["unconfined AppArmor", "baseline", "appArmor", withContainer({ appArmorProfile: { type: "Unconfined" } })],
    ["privilege escalation allowed", "restricted", "privilegeEscalation", withContainer({ allowPrivilegeEscalation: true })],
    ["root user", "restricted", "runningAsNonRootUser", withContainer({ runAsUser: 0 })],
    ["runAsNonRoot unset", "restricted", "runningAsNonRoot", { ...hardened, securityContext: { seccompProfile: { type: "RuntimeDefault" } } }],
    ["capabilities not dropped", "restricted", "capabilities", withContainer({ capabilities: {} })],
    ["CHOWN added (baseline allows it, restricted does not)", "restricted", "capabilities", withContainer({ capabilities: { drop: ["ALL"], add: ["CHOWN"] } })],
    ["no seccomp profile", "restricted", "seccomp", { ...hardened, securityContext: { runAsNonRoot: true } }],
    ["an NFS volume", "restricted", "volumeTypes", { ...hardened, volumes: [{ name: "n", nfs: { server: "s", path: "/" } }] }],
  ] as [string, string, string, Record<string, unknown>][])("%s violates %s: %s", (_what, profile, control, spec) => {
    const violations = restrictedViolations(spec);
    expect(violations.map((v) => `${v.profile}:${v.control}`)).toContain(`${profile}:${control}`);
    expect(podSecurityLevel(spec)).toBe(profile === "baseline" ? "privileged" : "baseline");
    if (profile === "restricted") expect(baselineViolations(spec)).toEqual([]);
  });
});

describe.each(stacks)("%s stack: Pod Security Standards", (stack) => {
  test("the stack's namespace enforces restricted", () => {
    const namespaces = objects(stack).filter((o) => o.kind === "Namespace");
    expect(namespaces.find((n) => n.metadata.name === "monitoring")?.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
  });

  test("every pod meets restricted, or violates exactly the controls its reviewed exception lists", () => {
    const found = workloads(stack).map((w) => ({ id: w.id, controls: controlsOf(w.template) }));
    expect(found.length).toBeGreaterThan(3);
    const expected = found.map(({ id }) => ({ id, controls: [...(exceptions.find((e) => e.workload === id)?.controls ?? [])].sort() }));
    expect(found).toEqual(expected);
  });

  test("each excepted pod meets its stated level, lives in a namespace that admits it, and says why on the pod", () => {
    const enforced = Object.fromEntries(objects(stack).filter((o) => o.kind === "Namespace").map((n) => [n.metadata.name, n.metadata.labels["pod-security.kubernetes.io/enforce"]]));
    const order = ["restricted", "baseline", "privileged"];
    for (const w of workloads(stack)) {
      const level = podSecurityLevel(w.template.spec, w.template.metadata?.annotations);
      const exception = exceptions.find((e) => e.workload === w.id);
      expect([w.id, level]).toEqual([w.id, exception?.level ?? "restricted"]);
      // The namespace's enforced level must admit the pod (a namespace we do not create is not ours to check).
      if (enforced[w.namespace]) expect([w.id, order.indexOf(level) <= order.indexOf(enforced[w.namespace])]).toEqual([w.id, true]);
      if (exception) {
        expect(exception.reason.length).toBeGreaterThan(80);
        expect(w.template.metadata.annotations?.[HOST_ACCESS_ANNOTATION]).toBeTruthy();
      }
    }
  });
});

test("no exception is stale: each names a workload some stack renders", () => {
  const ids = new Set(stacks.flatMap((s) => workloads(s).map((w) => w.id)));
  expect(exceptions.map((e) => e.workload).filter((id) => !ids.has(id))).toEqual([]);
});

// ---------------------------------------------------------------------------------------------------
// NetworkPolicies

/**
 * Ingress rules that admit more than named pods of the stack, reviewed one by one: from any address (the
 * API server, which is not a pod) or from any pod of the cluster (senders the stack cannot name). A rule
 * not listed fails, and so does an entry no rule matches.
 */
interface NetworkException {
  policy: string;
  from: "anywhere" | "anyPod";
  ports: number[];
  reason: string;
}
const networkExceptions = (parse(fs.readFileSync(path.resolve(__dirname, "../../../security/network-policy-exceptions.yaml"), "utf8")) as { exceptions: NetworkException[] }).exceptions;

const matches = (selector: Record<string, string> | undefined, labels: Record<string, string> = {}) =>
  Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);
/** A peer's kind: an address block, every pod of the cluster (an empty namespaceSelector, no podSelector), or selected pods. */
const peerKind = (peer: any): "anywhere" | "anyPod" | "pods" =>
  peer.ipBlock ? "anywhere" : peer.namespaceSelector && !Object.keys(peer.namespaceSelector.matchLabels ?? {}).length && !peer.namespaceSelector.matchExpressions?.length && !peer.podSelector ? "anyPod" : "pods";
const rulePorts = (rule: any) => (rule.ports ?? []).map((p: any) => p.port).sort((a: number, b: number) => a - b);
const excepted = (policy: any, rule: any, kind: string) =>
  networkExceptions.some((e) => e.policy === `${policy.metadata.namespace}/${policy.metadata.name}` && e.from === kind
    && JSON.stringify([...e.ports].sort((a, b) => a - b)) === JSON.stringify(rulePorts(rule)));

describe.each(stacks)("%s stack: NetworkPolicies", (stack) => {
  const policies = () => objects(stack).filter((o) => o.kind === "NetworkPolicy");

  test("every namespace the stack creates denies all ingress and egress by default", () => {
    const namespaces = objects(stack).filter((o) => o.kind === "Namespace").map((n) => n.metadata.name);
    expect(namespaces.length).toBeGreaterThan(0);
    for (const ns of namespaces) {
      const denyAll = policies().filter((p) => p.metadata.namespace === ns && Object.keys(p.spec.podSelector ?? {}).length === 0
        && Object.keys(p.spec.podSelector?.matchLabels ?? {}).length === 0
        && ["Ingress", "Egress"].every((t) => p.spec.policyTypes.includes(t)) && !p.spec.ingress?.length && !p.spec.egress?.length);
      expect([ns, denyAll.length]).toEqual([ns, 1]);
    }
  });

  test("every pod on the pod network is selected by a policy of its own; host-network pods are excepted exporters", () => {
    const pods = [
      ...workloads(stack).map((w) => ({ id: w.id, namespace: w.namespace, labels: w.template.metadata.labels as Record<string, string>, hostNetwork: w.template.spec.hostNetwork })),
      ...chartPods(stack),
    ];
    expect(pods.map((p) => p.id)).toEqual(expect.arrayContaining(["Chart/eck-operator", "Elasticsearch/logs/" + objects(stack).find((o) => o.kind === "Elasticsearch")!.spec.nodeSets[0].name]));
    for (const w of pods) {
      if ("hostNetwork" in w && w.hostNetwork) {
        // NetworkPolicies do not apply to host-network pods; only the reviewed host exporters may use it.
        expect([w.id, exceptions.find((e) => e.workload === w.id)?.controls]).toEqual([w.id, expect.arrayContaining(["hostNamespaces"])]);
        continue;
      }
      const own = policies().filter((p) => p.metadata.namespace === w.namespace && Object.keys(p.spec.podSelector?.matchLabels ?? {}).length > 0 && matches(p.spec.podSelector.matchLabels, w.labels));
      expect([w.id, own.length]).toEqual([w.id, 1]);
    }
  });

  test("no rule allows everything: every rule names its peers, and ingress comes only from pods (or is a reviewed exception)", () => {
    for (const p of policies()) {
      for (const rule of p.spec.ingress ?? []) {
        expect([p.metadata.name, (rule.from ?? []).length > 0]).toEqual([p.metadata.name, true]);
        // A rule without ports admits every port: never from outside the pods.
        for (const peer of rule.from) if (peer.ipBlock) expect([p.metadata.name, peer.ipBlock, rulePorts(rule).length > 0 && excepted(p, rule, "anywhere")]).toEqual([p.metadata.name, peer.ipBlock, true]);
      }
      for (const rule of p.spec.egress ?? []) expect([p.metadata.name, (rule.to ?? []).length > 0]).toEqual([p.metadata.name, true]);
    }
  });

  test("every ingress peer is a pod the stack runs (no flow to or from nothing); any-pod peers are reviewed exceptions", () => {
    const pods = [...workloads(stack).map((w) => ({ namespace: w.namespace, labels: w.template.metadata.labels as Record<string, string> })), ...chartPods(stack)];
    for (const p of policies()) {
      for (const rule of p.spec.ingress ?? []) {
        for (const peer of rule.from) {
          const kind = peerKind(peer);
          if (kind === "anywhere") continue; // reviewed above
          if (kind === "anyPod") {
            expect([p.metadata.name, JSON.stringify(peer), rulePorts(rule).length > 0 && excepted(p, rule, "anyPod")]).toEqual([p.metadata.name, JSON.stringify(peer), true]);
            continue;
          }
          // Only exact namespaces are used here: a selector by other namespace labels would need resolving.
          expect([p.metadata.name, peer.namespaceSelector?.matchExpressions]).toEqual([p.metadata.name, undefined]);
          const ns = peer.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"] ?? p.metadata.namespace;
          const found = pods.some((pod) => pod.namespace === ns && matches(peer.podSelector?.matchLabels, pod.labels));
          expect([p.metadata.name, JSON.stringify(peer), found]).toEqual([p.metadata.name, JSON.stringify(peer), true]);
        }
      }
    }
  });
});

test("no network exception is stale: each matches an ingress rule in some stack, and says why", () => {
  const used = networkExceptions.filter((e) => stacks.some((stack) => objects(stack).filter((o) => o.kind === "NetworkPolicy")
    .some((p) => `${p.metadata.namespace}/${p.metadata.name}` === e.policy && (p.spec.ingress ?? []).some((rule: any) => rule.from.some((peer: any) => peerKind(peer) === e.from) && excepted(p, rule, e.from)))));
  expect(networkExceptions.filter((e) => !used.includes(e)).map((e) => e.policy)).toEqual([]);
  for (const e of networkExceptions) expect([e.policy, e.reason.length > 80]).toEqual([e.policy, true]);
});
