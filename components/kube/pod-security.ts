// The Kubernetes Pod Security Standards (https://kubernetes.io/docs/concepts/security/pod-security-standards/,
// version "latest" as of Kubernetes 1.33) as a pure checker over a pod spec: which controls of the
// baseline and restricted profiles it violates. Used by the tests over every rendered pod template, so
// a workload that would be refused (or only warned about) by the namespace's admission is caught here.
import type * as k8s from "@pulumi/kubernetes/types/input";

export type PodSecurityProfile = "baseline" | "restricted";

export interface PodSecurityViolation {
  profile: PodSecurityProfile;
  /** The control's name as the standard's table names it, in camelCase, e.g. `hostNamespaces`. */
  control: string;
  /** Where and what, e.g. `containers[0].securityContext.privileged=true`. */
  detail: string;
}

type Container = k8s.core.v1.Container;
type PodSpec = k8s.core.v1.PodSpec;
type Plain<T> = T extends object ? { [K in keyof T]?: any } : T;

/** Capabilities baseline lets a container add. */
export const BASELINE_CAPABILITIES = new Set([
  "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
]);
/** Sysctls baseline allows ("safe" sysctls, namespaced and isolated between pods). */
export const SAFE_SYSCTLS = new Set([
  "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies",
  "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes",
]);
/** Volume types restricted allows. */
export const RESTRICTED_VOLUME_TYPES = new Set(["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"]);
const SELINUX_TYPES = new Set(["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"]);

interface NamedContainer {
  path: string;
  c: Plain<Container>;
}

function allContainers(spec: Plain<PodSpec>): NamedContainer[] {
  return (["initContainers", "containers", "ephemeralContainers"] as const).flatMap((field) =>
    ((spec[field] ?? []) as Plain<Container>[]).map((c, i) => ({ path: `${field}[${i}]`, c })));
}

/** Violations of the baseline profile. */
export function baselineViolations(spec: Plain<PodSpec>, annotations: Record<string, string> = {}): PodSecurityViolation[] {
  const out: PodSecurityViolation[] = [];
  const add = (control: string, detail: string) => out.push({ profile: "baseline", control, detail });
  const containers = allContainers(spec);
  const podSc = spec.securityContext ?? {};

  if (podSc.windowsOptions?.hostProcess === true) add("hostProcess", "securityContext.windowsOptions.hostProcess=true");
  for (const { path, c } of containers) if (c.securityContext?.windowsOptions?.hostProcess === true) add("hostProcess", `${path}.securityContext.windowsOptions.hostProcess=true`);

  for (const field of ["hostNetwork", "hostPID", "hostIPC"] as const) if (spec[field] === true) add("hostNamespaces", `${field}=true`);

  for (const { path, c } of containers) if (c.securityContext?.privileged === true) add("privilegedContainers", `${path}.securityContext.privileged=true`);

  for (const { path, c } of containers) {
    for (const cap of (c.securityContext?.capabilities?.add ?? []) as string[]) {
      if (!BASELINE_CAPABILITIES.has(cap)) add("capabilities", `${path} adds ${cap}`);
    }
  }

  for (const v of (spec.volumes ?? []) as Record<string, unknown>[]) if (v.hostPath) add("hostPathVolumes", `volume ${v.name} is a hostPath`);

  for (const { path, c } of containers) {
    for (const port of (c.ports ?? []) as { hostPort?: number }[]) if (port.hostPort) add("hostPorts", `${path} hostPort ${port.hostPort}`);
  }

  const appArmorOk = (type: unknown) => type === undefined || type === "RuntimeDefault" || type === "Localhost";
  if (!appArmorOk(podSc.appArmorProfile?.type)) add("appArmor", `securityContext.appArmorProfile.type=${podSc.appArmorProfile.type}`);
  for (const { path, c } of containers) if (!appArmorOk(c.securityContext?.appArmorProfile?.type)) add("appArmor", `${path}.securityContext.appArmorProfile.type=${c.securityContext.appArmorProfile.type}`);
  for (const [key, value] of Object.entries(annotations)) {
    if (key.startsWith("container.apparmor.security.beta.kubernetes.io/") && value !== "runtime/default" && !value.startsWith("localhost/")) add("appArmor", `annotation ${key}=${value}`);
  }

  const seLinux = (opts: any, where: string) => {
    if (!opts) return;
    if (opts.type !== undefined && !SELINUX_TYPES.has(opts.type)) add("seLinux", `${where}.seLinuxOptions.type=${opts.type}`);
    if (opts.user) add("seLinux", `${where}.seLinuxOptions.user is set`);
    if (opts.role) add("seLinux", `${where}.seLinuxOptions.role is set`);
  };
  seLinux(podSc.seLinuxOptions, "securityContext");
  for (const { path, c } of containers) seLinux(c.securityContext?.seLinuxOptions, `${path}.securityContext`);

  for (const { path, c } of containers) {
    const procMount = c.securityContext?.procMount;
    if (procMount !== undefined && procMount !== "Default") add("procMount", `${path}.securityContext.procMount=${procMount}`);
  }

  if (podSc.seccompProfile?.type === "Unconfined") add("seccomp", "securityContext.seccompProfile.type=Unconfined");
  for (const { path, c } of containers) if (c.securityContext?.seccompProfile?.type === "Unconfined") add("seccomp", `${path}.securityContext.seccompProfile.type=Unconfined`);

  for (const s of (podSc.sysctls ?? []) as { name: string }[]) if (!SAFE_SYSCTLS.has(s.name)) add("sysctls", `sysctl ${s.name}`);
  return out;
}

/** Violations of the restricted profile (which includes everything baseline requires). */
export function restrictedViolations(spec: Plain<PodSpec>, annotations: Record<string, string> = {}): PodSecurityViolation[] {
  const out: PodSecurityViolation[] = baselineViolations(spec, annotations);
  const add = (control: string, detail: string) => out.push({ profile: "restricted", control, detail });
  const containers = allContainers(spec);
  const podSc = spec.securityContext ?? {};

  for (const v of (spec.volumes ?? []) as Record<string, unknown>[]) {
    const type = Object.keys(v).find((k) => k !== "name");
    if (!type || !RESTRICTED_VOLUME_TYPES.has(type)) add("volumeTypes", `volume ${v.name} is a ${type ?? "volume without a source"}`);
  }

  for (const { path, c } of containers) {
    if (c.securityContext?.allowPrivilegeEscalation !== false) add("privilegeEscalation", `${path}.securityContext.allowPrivilegeEscalation is not false`);
  }

  // runAsNonRoot: the pod sets true and no container overrides it with false, or every container sets true.
  for (const { path, c } of containers) {
    const own = c.securityContext?.runAsNonRoot;
    if (own === false || (own === undefined && podSc.runAsNonRoot !== true)) add("runningAsNonRoot", `${path} may run as root (runAsNonRoot is not true)`);
  }

  if (podSc.runAsUser === 0) add("runningAsNonRootUser", "securityContext.runAsUser=0");
  for (const { path, c } of containers) if (c.securityContext?.runAsUser === 0) add("runningAsNonRootUser", `${path}.securityContext.runAsUser=0`);

  const seccompOk = (type: unknown) => type === "RuntimeDefault" || type === "Localhost";
  for (const { path, c } of containers) {
    const own = c.securityContext?.seccompProfile?.type;
    if (own !== undefined ? !seccompOk(own) : !seccompOk(podSc.seccompProfile?.type)) add("seccomp", `${path} has no RuntimeDefault or Localhost seccomp profile`);
  }

  for (const { path, c } of containers) {
    const caps = c.securityContext?.capabilities ?? {};
    if (!((caps.drop ?? []) as string[]).includes("ALL")) add("capabilities", `${path} does not drop ALL`);
    for (const cap of (caps.add ?? []) as string[]) if (cap !== "NET_BIND_SERVICE") add("capabilities", `${path} adds ${cap}`);
  }
  return out;
}

/** The most restrictive profile the pod meets: restricted, baseline, or privileged (neither). */
export function podSecurityLevel(spec: Plain<PodSpec>, annotations: Record<string, string> = {}): "restricted" | "baseline" | "privileged" {
  if (baselineViolations(spec, annotations).length) return "privileged";
  return restrictedViolations(spec, annotations).length ? "baseline" : "restricted";
}
