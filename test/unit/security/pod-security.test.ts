// Pod Security Standards and network isolation over everything the dev and prod stacks render:
// - every pod template meets "restricted", except the host-level exporters listed (with the exact controls
//   they violate and why) in security/pod-security-exceptions.yaml, which live in the privileged host
//   namespace; a new violation or a stale exception fails;
// - every namespace denies all traffic by default, and every pod that the pod network reaches is selected
//   by its own policy whose flows name real peers.
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
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
}, 60_000);

const objects = (stack: (typeof stacks)[number]) => rendered[stack]!.resources.filter((r) => r.type.startsWith("kubernetes:")).map((r) => r.inputs);
const workloads = (stack: (typeof stacks)[number]) =>
  objects(stack).filter((o) => ["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicaSet", "Pod"].includes(o.kind)).map((o) => ({
    id: `${o.kind}/${o.metadata.name}`,
    namespace: o.metadata.namespace as string,
    template: o.kind === "Pod" ? { metadata: o.metadata, spec: o.spec } : o.kind === "CronJob" ? o.spec.jobTemplate.spec.template : o.spec.template,
  }));
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

const matches = (selector: Record<string, string> | undefined, labels: Record<string, string> = {}) =>
  Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);

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
    for (const w of workloads(stack)) {
      const labels = w.template.metadata.labels;
      if (w.template.spec.hostNetwork) {
        // NetworkPolicies do not apply to host-network pods; only the reviewed host exporters may use it.
        expect([w.id, exceptions.find((e) => e.workload === w.id)?.controls]).toEqual([w.id, expect.arrayContaining(["hostNamespaces"])]);
        continue;
      }
      const own = policies().filter((p) => p.metadata.namespace === w.namespace && Object.keys(p.spec.podSelector?.matchLabels ?? {}).length > 0 && matches(p.spec.podSelector.matchLabels, labels));
      expect([w.id, own.length]).toEqual([w.id, 1]);
    }
  });

  test("no rule allows everything: every rule names its peers, and ingress comes only from pods", () => {
    for (const p of policies()) {
      for (const rule of p.spec.ingress ?? []) {
        expect([p.metadata.name, (rule.from ?? []).length > 0]).toEqual([p.metadata.name, true]);
        for (const peer of rule.from) expect([p.metadata.name, peer.ipBlock]).toEqual([p.metadata.name, undefined]);
      }
      for (const rule of p.spec.egress ?? []) expect([p.metadata.name, (rule.to ?? []).length > 0]).toEqual([p.metadata.name, true]);
    }
  });

  test("every ingress peer is a pod the stack runs (no flow to or from nothing)", () => {
    const pods = workloads(stack).map((w) => ({ namespace: w.namespace, labels: w.template.metadata.labels as Record<string, string> }));
    for (const p of policies()) {
      for (const rule of p.spec.ingress ?? []) {
        for (const peer of rule.from) {
          const ns = peer.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"] ?? p.metadata.namespace;
          const found = pods.some((pod) => pod.namespace === ns && matches(peer.podSelector?.matchLabels, pod.labels));
          expect([p.metadata.name, JSON.stringify(peer), found]).toEqual([p.metadata.name, JSON.stringify(peer), true]);
        }
      }
    }
  });
});
