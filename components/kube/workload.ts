// The one hardened workload builder every component uses: pure functions from a typed spec to plain
// Kubernetes objects. Every pod runs non-root with a read-only root filesystem, no capabilities, the
// runtime's default seccomp profile, requests and limits, and probes; replicated workloads get a
// PodDisruptionBudget and anti-affinity. Exceptions are explicit, named and carry their reason.
import type * as k8s from "@pulumi/kubernetes/types/input";
import type { Input } from "@pulumi/pulumi";
import { AppIdentity, selectorLabels, standardLabels } from "./labels";

/** The unprivileged "nobody" user the Prometheus-ecosystem images are built to run as. */
export const NOBODY = 65534;

/** CPU and memory quantities, e.g. { cpu: "250m", memory: "1Gi" }. */
export interface ResourceQuantities {
  /** CPU, e.g. 250m or 1. */
  cpu: string;
  /** Memory, e.g. 512Mi or 2Gi. */
  memory: string;
}

/** A container's resource requests and limits (both always set). */
export interface ResourceRequirements {
  /** What the scheduler reserves. */
  requests: ResourceQuantities;
  /** The most the container may use. */
  limits: ResourceQuantities;
}

/** A way a container departs from the hardened defaults, and why. */
export interface ContainerPrivileges {
  /** Run as this user instead of nobody (0 = root). */
  runAsUser?: number;
  /** Linux capabilities added back after dropping ALL. */
  addCapabilities?: string[];
  reason: string;
}

export interface ContainerSpec {
  name: string;
  image: string;
  args?: Input<string>[];
  env?: k8s.core.v1.EnvVar[];
  ports?: { name: string; containerPort: number; protocol?: "TCP" | "UDP" }[];
  volumeMounts?: k8s.core.v1.VolumeMount[];
  resources: ResourceRequirements;
  livenessProbe?: k8s.core.v1.Probe;
  readinessProbe?: k8s.core.v1.Probe;
  startupProbe?: k8s.core.v1.Probe;
  privileges?: ContainerPrivileges;
}

/** Host access a node-level agent needs; every field is opt-in and the reason is recorded on the pod. */
export interface HostAccess {
  hostNetwork?: boolean;
  hostPID?: boolean;
  /** Host paths mounted read-only. */
  hostPaths?: { name: string; path: string; mountPath: string }[];
  reason: string;
}

export interface WorkloadSpec {
  app: AppIdentity;
  namespace: Input<string>;
  /** Deployments and StatefulSets; DaemonSets ignore it. */
  replicas?: number;
  /** The first container is the main one and must have liveness and readiness probes. */
  containers: ContainerSpec[];
  volumes?: k8s.core.v1.Volume[];
  /** The unprivileged user the image is built for; default nobody (65534). */
  runAsUser?: number;
  /** Pods that talk to the Kubernetes API get a service account token; all others get none. */
  serviceAccountName?: string;
  hostAccess?: HostAccess;
  /** Hash of config the workload cannot reload itself: a change rolls the pods. (An output when the config is.) */
  configHash?: Input<string>;
  podAnnotations?: Record<string, string>;
  terminationGracePeriodSeconds?: number;
  sysctls?: { name: string; value: string }[];
  tolerations?: k8s.core.v1.Toleration[];
  priorityClassName?: string;
  /** A Job's pod: runs to completion, restarts never (the Job retries), needs no probes. */
  runToCompletion?: boolean;
}

export const HOST_ACCESS_ANNOTATION = "novacron.io/host-access";
export const PRIVILEGES_ANNOTATION = "novacron.io/privileges";
export const CONFIG_HASH_ANNOTATION = "checksum/config";

export function objectName(app: AppIdentity): string {
  return app.instance ?? app.name;
}

export function objectMeta(app: AppIdentity, namespace: Input<string>, name = objectName(app)) {
  return { name, namespace, labels: standardLabels(app) };
}

function hardenedContainer(c: ContainerSpec): k8s.core.v1.Container {
  const runAsUser = c.privileges?.runAsUser;
  return {
    name: c.name,
    image: c.image,
    imagePullPolicy: "IfNotPresent",
    args: c.args,
    env: c.env,
    ports: c.ports?.map((p) => ({ name: p.name, containerPort: p.containerPort, protocol: p.protocol ?? "TCP" })),
    volumeMounts: c.volumeMounts,
    resources: { requests: { ...c.resources.requests }, limits: { ...c.resources.limits } },
    livenessProbe: c.livenessProbe,
    readinessProbe: c.readinessProbe,
    startupProbe: c.startupProbe,
    terminationMessagePolicy: "FallbackToLogsOnError",
    securityContext: {
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"], ...(c.privileges?.addCapabilities?.length ? { add: c.privileges.addCapabilities } : {}) },
      ...(runAsUser !== undefined ? { runAsUser, runAsNonRoot: runAsUser !== 0 } : {}),
    },
  };
}

/** Soft anti-affinity across nodes and zones: replicas spread out, yet a small cluster still schedules them. */
function spread(app: AppIdentity): Pick<k8s.core.v1.PodSpec, "affinity" | "topologySpreadConstraints"> {
  const labelSelector = { matchLabels: selectorLabels(app) };
  return {
    affinity: {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 100, podAffinityTerm: { topologyKey: "kubernetes.io/hostname", labelSelector } },
        ],
      },
    },
    topologySpreadConstraints: [
      { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector },
    ],
  };
}

/** The hardened pod template for a workload spec. Throws on a spec that would be unsafe to run. */
export function renderPodTemplate(spec: WorkloadSpec): k8s.core.v1.PodTemplateSpec {
  const [main] = spec.containers;
  if (!main) throw new Error(`${objectName(spec.app)}: a workload needs at least one container`);
  if (!spec.runToCompletion && (!main.livenessProbe || !main.readinessProbe)) {
    throw new Error(`${objectName(spec.app)}: container ${main.name} needs liveness and readiness probes`);
  }
  const host = spec.hostAccess;
  const anyRoot = spec.containers.some((c) => c.privileges?.runAsUser === 0);
  const privileges = spec.containers.filter((c) => c.privileges).map((c) => `${c.name}: ${c.privileges!.reason}`);

  const annotations: Record<string, Input<string>> = {
    ...spec.podAnnotations,
    ...(spec.configHash ? { [CONFIG_HASH_ANNOTATION]: spec.configHash } : {}),
    ...(host ? { [HOST_ACCESS_ANNOTATION]: host.reason } : {}),
    ...(privileges.length ? { [PRIVILEGES_ANNOTATION]: privileges.join("; ") } : {}),
  };
  const hostVolumes = (host?.hostPaths ?? []).map((h) => ({ name: h.name, hostPath: { path: h.path } }));

  return {
    metadata: { labels: standardLabels(spec.app), ...(Object.keys(annotations).length ? { annotations } : {}) },
    spec: {
      serviceAccountName: spec.serviceAccountName,
      automountServiceAccountToken: spec.serviceAccountName !== undefined,
      enableServiceLinks: false,
      securityContext: {
        // A root container (only ever a named host-level exporter) cannot coexist with runAsNonRoot.
        runAsNonRoot: !anyRoot,
        runAsUser: spec.runAsUser ?? NOBODY,
        runAsGroup: spec.runAsUser ?? NOBODY,
        fsGroup: spec.runAsUser ?? NOBODY,
        seccompProfile: { type: "RuntimeDefault" },
        ...(spec.sysctls?.length ? { sysctls: spec.sysctls } : {}),
      },
      ...(host?.hostNetwork ? { hostNetwork: true, dnsPolicy: "ClusterFirstWithHostNet" } : {}),
      ...(host?.hostPID ? { hostPID: true } : {}),
      ...((spec.replicas ?? 1) > 1 ? spread(spec.app) : {}),
      ...(spec.runToCompletion ? { restartPolicy: "Never" } : {}),
      priorityClassName: spec.priorityClassName,
      tolerations: spec.tolerations,
      terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds,
      containers: spec.containers.map((c, i) =>
        hardenedContainer(i === 0 && host?.hostPaths?.length
          ? { ...c, volumeMounts: [...(c.volumeMounts ?? []), ...host.hostPaths.map((h) => ({ name: h.name, mountPath: h.mountPath, readOnly: true, mountPropagation: "HostToContainer" }))] }
          : c),
      ),
      volumes: [...(spec.volumes ?? []), ...hostVolumes],
    },
  };
}

export interface VolumeClaim {
  name: string;
  size: string;
  storageClass?: Input<string>;
}

export function renderStatefulSet(spec: WorkloadSpec, opts: { serviceName: string; volumeClaims: VolumeClaim[] }): k8s.apps.v1.StatefulSet {
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: objectMeta(spec.app, spec.namespace),
    spec: {
      replicas: spec.replicas ?? 1,
      serviceName: opts.serviceName,
      // Replicas are independent peers (no ordered bootstrap needed), so start and replace them in parallel.
      podManagementPolicy: "Parallel",
      updateStrategy: { type: "RollingUpdate" },
      selector: { matchLabels: selectorLabels(spec.app) },
      template: renderPodTemplate(spec),
      persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
      volumeClaimTemplates: opts.volumeClaims.map((claim) => ({
        metadata: { name: claim.name, labels: selectorLabels(spec.app) },
        spec: {
          accessModes: ["ReadWriteOnce"],
          ...(claim.storageClass ? { storageClassName: claim.storageClass } : {}),
          resources: { requests: { storage: claim.size } },
        },
      })),
    },
  };
}

export function renderDeployment(spec: WorkloadSpec): k8s.apps.v1.Deployment {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: objectMeta(spec.app, spec.namespace),
    spec: {
      replicas: spec.replicas ?? 1,
      revisionHistoryLimit: 5,
      selector: { matchLabels: selectorLabels(spec.app) },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: renderPodTemplate(spec),
    },
  };
}

export function renderDaemonSet(spec: WorkloadSpec): k8s.apps.v1.DaemonSet {
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: objectMeta(spec.app, spec.namespace),
    spec: {
      revisionHistoryLimit: 5,
      selector: { matchLabels: selectorLabels(spec.app) },
      updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "10%" } },
      template: renderPodTemplate(spec),
    },
  };
}

/** A PDB keeping all but one replica up during voluntary disruptions; none for a single replica. */
export function renderPodDisruptionBudget(spec: WorkloadSpec): k8s.policy.v1.PodDisruptionBudget | undefined {
  if ((spec.replicas ?? 1) <= 1) return undefined;
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: objectMeta(spec.app, spec.namespace),
    spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels(spec.app) } },
  };
}

export interface ServicePort {
  name: string;
  port: number;
  targetPort?: number | string;
  protocol?: "TCP" | "UDP";
}

export function renderService(opts: {
  app: AppIdentity;
  namespace: Input<string>;
  name?: string;
  ports: ServicePort[];
  /** Headless: one DNS record per pod (StatefulSet identity, service discovery of every replica). */
  headless?: boolean;
  /** Peers must find each other before they are ready (Alertmanager gossip). */
  publishNotReadyAddresses?: boolean;
}): k8s.core.v1.Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: objectMeta(opts.app, opts.namespace, opts.name),
    spec: {
      type: "ClusterIP",
      ...(opts.headless ? { clusterIP: "None" } : {}),
      ...(opts.publishNotReadyAddresses ? { publishNotReadyAddresses: true } : {}),
      selector: selectorLabels(opts.app),
      ports: opts.ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.targetPort ?? p.port, protocol: p.protocol ?? "TCP" })),
    },
  };
}

export function renderServiceAccount(app: AppIdentity, namespace: Input<string>): k8s.core.v1.ServiceAccount {
  return { apiVersion: "v1", kind: "ServiceAccount", metadata: objectMeta(app, namespace), automountServiceAccountToken: false };
}

/** An HTTP GET probe with timings suited to a metrics server. */
export function httpProbe(path: string, port: string | number, opts: { periodSeconds?: number; failureThreshold?: number; timeoutSeconds?: number } = {}): k8s.core.v1.Probe {
  return {
    httpGet: { path, port },
    periodSeconds: opts.periodSeconds ?? 10,
    timeoutSeconds: opts.timeoutSeconds ?? 5,
    failureThreshold: opts.failureThreshold ?? 3,
  };
}
