// The hardened workload builder: pod defaults, the explicit exceptions, replicas, and the workload kinds.
import { contentHash } from "./hash";
import { standardLabels } from "./labels";
import {
  httpProbe, renderDaemonSet, renderDeployment, renderPodDisruptionBudget, renderPodTemplate, renderStatefulSet, WorkloadSpec,
} from "./workload";

const app = { name: "demo", component: "server", image: "quay.io/demo/demo:v1.2.3" };
const base = (overrides: Partial<WorkloadSpec> = {}): WorkloadSpec => ({
  app,
  namespace: "monitoring",
  containers: [{
    name: "demo",
    image: app.image,
    resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "100m", memory: "32Mi" } },
    livenessProbe: httpProbe("/-/healthy", "web"),
    readinessProbe: httpProbe("/-/ready", "web"),
  }],
  ...overrides,
});

describe("hardened pod template", () => {
  test("defaults: non-root, read-only root fs, no capabilities, RuntimeDefault seccomp, no token", () => {
    const pod: any = renderPodTemplate(base()).spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, seccompProfile: { type: "RuntimeDefault" } });
    expect(pod.containers[0].securityContext).toEqual({ allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.hostNetwork).toBeUndefined();
    expect(pod.affinity).toBeUndefined();
  });

  test("a service account gets its token mounted", () => {
    expect((renderPodTemplate(base({ serviceAccountName: "demo" })).spec as any).automountServiceAccountToken).toBe(true);
  });

  test("refuses a main container without probes", () => {
    const spec = base();
    delete spec.containers[0].readinessProbe;
    expect(() => renderPodTemplate(spec)).toThrow(/needs liveness and readiness probes/);
  });

  test("host access is opt-in, read-only and recorded with its reason", () => {
    const template: any = renderPodTemplate(base({
      hostAccess: { hostNetwork: true, hostPID: true, hostPaths: [{ name: "proc", path: "/proc", mountPath: "/host/proc" }], reason: "node metrics" },
    }));
    expect(template.spec).toMatchObject({ hostNetwork: true, hostPID: true, dnsPolicy: "ClusterFirstWithHostNet" });
    expect(template.spec.volumes).toEqual([{ name: "proc", hostPath: { path: "/proc" } }]);
    expect(template.spec.containers[0].volumeMounts).toEqual([{ name: "proc", mountPath: "/host/proc", readOnly: true, mountPropagation: "HostToContainer" }]);
    expect(template.metadata.annotations["novacron.io/host-access"]).toBe("node metrics");
  });

  test("a root container turns off runAsNonRoot for the pod and says why", () => {
    const spec = base();
    spec.containers[0].privileges = { runAsUser: 0, addCapabilities: ["DAC_READ_SEARCH"], reason: "root-only runtime state" };
    const template: any = renderPodTemplate(spec);
    expect(template.spec.securityContext.runAsNonRoot).toBe(false);
    expect(template.spec.containers[0].securityContext).toMatchObject({ runAsUser: 0, runAsNonRoot: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"], add: ["DAC_READ_SEARCH"] } });
    expect(template.metadata.annotations["novacron.io/privileges"]).toBe("demo: root-only runtime state");
  });

  test("replicas > 1 spread across nodes and zones and get a PDB; one replica gets neither", () => {
    const ha = base({ replicas: 3 });
    const pod: any = renderPodTemplate(ha).spec;
    expect(pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey).toBe("kubernetes.io/hostname");
    expect(pod.topologySpreadConstraints[0].topologyKey).toBe("topology.kubernetes.io/zone");
    expect(renderPodDisruptionBudget(ha)!.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: { "app.kubernetes.io/name": "demo", "app.kubernetes.io/instance": "demo" } } });
    expect(renderPodDisruptionBudget(base({ replicas: 1 }))).toBeUndefined();
  });

  test("a config hash rolls the pods when the config changes", () => {
    const a = (renderPodTemplate(base({ configHash: contentHash("a: 1") })).metadata as any).annotations["checksum/config"];
    const b = (renderPodTemplate(base({ configHash: contentHash("a: 2") })).metadata as any).annotations["checksum/config"];
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(a).not.toBe(b);
  });
});

describe("workload kinds", () => {
  test("selectors use only the immutable name/instance labels; objects carry all recommended labels", () => {
    for (const obj of [renderDeployment(base()), renderDaemonSet(base()), renderStatefulSet(base(), { serviceName: "demo", volumeClaims: [] })] as any[]) {
      expect(obj.spec.selector.matchLabels).toEqual({ "app.kubernetes.io/name": "demo", "app.kubernetes.io/instance": "demo" });
      expect(obj.metadata.labels).toEqual(standardLabels(app));
      expect(obj.metadata.labels["app.kubernetes.io/version"]).toBe("v1.2.3");
    }
  });

  test("StatefulSet volume claims use the storage class only when one is given", () => {
    const sts: any = renderStatefulSet(base(), { serviceName: "demo", volumeClaims: [{ name: "data", size: "10Gi" }, { name: "fast", size: "1Gi", storageClass: "ssd" }] });
    expect(sts.spec.volumeClaimTemplates[0].spec).toEqual({ accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "10Gi" } } });
    expect(sts.spec.volumeClaimTemplates[1].spec.storageClassName).toBe("ssd");
  });
});
