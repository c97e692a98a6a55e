// Pod security: hardened pods everywhere, host access only for named host-level apps that say why.
import type { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
// The file itself, not the components/kube barrel: the barrel loads @pulumi/kubernetes into the pack.
import { HOST_ACCESS_ANNOTATION, PRIVILEGES_ANNOTATION } from "../components/kube/workload";
import { cadvisorContract } from "../components/cadvisor/contract";
import { logShipperContract } from "../components/log-shipper/contract";
import { nodeExporterContract } from "../components/node-exporter/contract";
import { configOf, stringList } from "./policy-config";
import { appOf, containersOf, objectRef, podSpecsOf } from "./resource-inputs";

/**
 * Apps that need host access (host network/PID, host paths, root or added capabilities) and may relax the
 * non-root and capability rules, by `app.kubernetes.io/name`. Each must still declare why in one of its pod's
 * host-access annotations, and keep a read-only root filesystem. Policy config `hostLevelApps` replaces the list.
 */
export const defaultHostLevelApps: readonly string[] = [
  nodeExporterContract.name, // host network, PID and read-only /proc, /sys, /: node metrics must be the node's
  cadvisorContract.name, // root: the container runtime's state is root-only; DAC_READ_SEARCH to size container filesystems
  // Grafana Alloy on every node (components/log-shipper): root, to read the node's root-owned container log
  // files through a read-only hostPath, and a hostPath for its read positions; no capabilities added.
  logShipperContract.name,
];

/** Annotations the hardened workload builder gives a host-level pod, saying what host access it needs and why. */
export const hostAccessAnnotations = [HOST_ACCESS_ANNOTATION, PRIVILEGES_ANNOTATION] as const;

interface PodSecurityConfig {
  hostLevelApps: string[];
}

/**
 * Pods run non-root, with a read-only root filesystem, no privilege escalation, all capabilities dropped,
 * and no host namespaces or host paths. Host-level apps (by name, declared with a host-access annotation)
 * may run as root, add capabilities back and use the host — never a writable root filesystem or a
 * privileged container.
 */
export function validatePodSecurity(args: ResourceValidationArgs, report: ReportViolation): void {
  const { hostLevelApps } = configOf<PodSecurityConfig>(args, { hostLevelApps: [...defaultHostLevelApps] });
  for (const pod of podSpecsOf(args.type, args.props)) {
    const where = `${args.props.kind} ${objectRef(args.props)} (${pod.path})`;
    const app = appOf(args.props, pod.metadata);
    const annotations = pod.metadata.annotations ?? {};
    const declared = hostAccessAnnotations.some((a) => typeof annotations[a] === "string" && annotations[a].length > 0);
    const hostLevel = app !== undefined && hostLevelApps.includes(app);
    if (hostLevel && !declared) {
      report(`${where}: host-level app "${app}" must say what host access it needs and why in a ${hostAccessAnnotations.join(" or ")} pod annotation`);
    }
    const excepted = hostLevel && declared;
    const podContext = pod.spec.securityContext ?? {};

    if (!excepted) {
      for (const field of ["hostNetwork", "hostPID", "hostIPC"]) {
        if (pod.spec[field] === true) report(`${where}: ${field} is only allowed for host-level apps (${hostLevelApps.join(", ")})`);
      }
      const hostPaths = (pod.spec.volumes ?? []).filter((v: any) => v?.hostPath).map((v: any) => v.name);
      if (hostPaths.length) report(`${where}: hostPath volumes (${hostPaths.join(", ")}) are only allowed for host-level apps`);
    }

    for (const { kind, container } of containersOf(pod.spec)) {
      const c = `${where} ${kind === "containers" ? "container" : kind.replace(/s$/, "")} "${container.name}"`;
      const sc = container.securityContext ?? {};
      if (sc.privileged === true) report(`${c}: must not be privileged`);
      if (sc.allowPrivilegeEscalation !== false) report(`${c}: securityContext.allowPrivilegeEscalation must be false`);
      if (sc.readOnlyRootFilesystem !== true) report(`${c}: securityContext.readOnlyRootFilesystem must be true (mount an emptyDir where it must write)`);
      const drop: string[] = sc.capabilities?.drop ?? [];
      if (!drop.some((cap) => String(cap).toUpperCase() === "ALL")) report(`${c}: securityContext.capabilities.drop must include ALL`);
      const added: string[] = sc.capabilities?.add ?? [];
      if (added.length && !excepted) report(`${c}: adds capabilities (${added.join(", ")}); only host-level apps may add any back`);
      if (!excepted) {
        const runAsUser = sc.runAsUser ?? podContext.runAsUser;
        const runAsNonRoot = sc.runAsNonRoot ?? podContext.runAsNonRoot;
        if (runAsUser === 0) report(`${c}: runs as root (runAsUser 0)`);
        else if (runAsNonRoot !== true) report(`${c}: runAsNonRoot must be true (in the pod or container securityContext)`);
      }
    }
  }
}

export const podSecurityPolicy: ResourceValidationPolicy = {
  name: "pods-non-root-read-only-no-capabilities",
  description: "Pods run non-root with a read-only root filesystem, no privilege escalation and all capabilities dropped; only named host-level apps may use the host, run as root or add capabilities back.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: { properties: { hostLevelApps: { ...stringList, default: [...defaultHostLevelApps] } } },
  validateResource: validatePodSecurity,
};
