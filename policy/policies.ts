// The CrossGuard policies: what our components' defaults promise, enforced on every Kubernetes object a stack
// registers — ours, or any stack that imports our components. Pure validators over resource inputs (the
// same camelCase props the engine hands a policy pack), so they are unit-tested by calling them directly.
import type { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";

/**
 * Apps that need host access (host network/PID, host paths, root or added capabilities) and may relax the
 * non-root and capability rules, by `app.kubernetes.io/name`. Each must still declare why in its pod's
 * `novacron.io/host-access` or `novacron.io/privileges` annotation, and keep a read-only root filesystem.
 * Policy config `hostLevelApps` replaces the list.
 */
export const defaultHostLevelApps: readonly string[] = [
  "node-exporter", // host network, PID and read-only /proc, /sys, /: node metrics must be the node's
  "cadvisor", // root: the container runtime's state is root-only; DAC_READ_SEARCH to size container filesystems
  // Grafana Alloy on every node (components/log-shipper): root, to read the node's root-owned container log
  // files through a read-only hostPath, and a hostPath for its read positions; no capabilities added.
  "log-shipper",
];

/** Annotations a host-level pod uses to say what host access it needs and why (components/kube/workload.ts). */
export const hostAccessAnnotations = ["novacron.io/host-access", "novacron.io/privileges"] as const;

/** Default minimum replicas per app (`app.kubernetes.io/name`) on production stacks. */
export const defaultMinProductionReplicas: Readonly<Record<string, number>> = {
  prometheus: 2, // an HA pair, each scraping everything
  alertmanager: 3, // a gossip cluster that keeps a quorum when one peer is lost
};

/** Stacks whose name is one of these are production stacks (the name is read from the resource's URN). */
export const defaultProductionStacks: readonly string[] = ["prod", "production"];

/** A pod spec found inside a resource, and where. */
export interface FoundPodSpec {
  /** Property path of the pod spec in the resource, e.g. `spec.template.spec`. */
  path: string;
  spec: Record<string, any>;
  /** The pod template's metadata (labels, annotations), when the pod spec sits in a template. */
  metadata: Record<string, any>;
}

const get = (obj: any, path: string): any => path.split(".").reduce((o, k) => (o == null ? undefined : o[k]), obj);

/**
 * Every pod spec in a Kubernetes resource's inputs: Pods, workload templates (Deployment, StatefulSet,
 * DaemonSet, ReplicaSet, Job), CronJobs, and operator resources that embed pod templates (ECK's
 * `spec.podTemplate` and `spec.nodeSets[].podTemplate`).
 */
export function podSpecsOf(type: string, props: Record<string, any>): FoundPodSpec[] {
  if (!type.startsWith("kubernetes:") || !props) return [];
  const found: FoundPodSpec[] = [];
  const add = (path: string, template: any) => {
    if (template?.spec && Array.isArray(template.spec.containers)) found.push({ path: `${path}.spec`, spec: template.spec, metadata: template.metadata ?? {} });
  };
  if (props.kind === "Pod" && Array.isArray(props.spec?.containers)) found.push({ path: "spec", spec: props.spec, metadata: props.metadata ?? {} });
  add("spec.template", get(props, "spec.template"));
  add("spec.jobTemplate.spec.template", get(props, "spec.jobTemplate.spec.template"));
  add("spec.podTemplate", get(props, "spec.podTemplate"));
  (get(props, "spec.nodeSets") ?? []).forEach((set: any, i: number) => add(`spec.nodeSets[${i}].podTemplate`, set?.podTemplate));
  return found;
}

/** Every container of a pod spec, init and ephemeral containers included. */
export function containersOf(spec: Record<string, any>): { kind: string; container: Record<string, any> }[] {
  return (["initContainers", "containers", "ephemeralContainers"] as const).flatMap((kind) =>
    (Array.isArray(spec[kind]) ? spec[kind] : []).map((container: Record<string, any>) => ({ kind, container })),
  );
}

/** The object's `namespace/name` (`name` for cluster-scoped objects). */
export function objectRef(props: Record<string, any>): string {
  const ns = props?.metadata?.namespace;
  const name = props?.metadata?.name ?? "?";
  return ns ? `${ns}/${name}` : String(name);
}

/** The app the object belongs to (app.kubernetes.io/name, falling back to the `app` label). */
export function appOf(props: Record<string, any>, metadata?: Record<string, any>): string | undefined {
  const labels = { ...(props?.metadata?.labels ?? {}), ...(metadata?.labels ?? {}) };
  return labels["app.kubernetes.io/name"] ?? labels.app;
}

/** The stack a resource belongs to, from its URN (`urn:pulumi:<stack>::<project>::<type>::<name>`). */
export function stackOf(urn: string): string | undefined {
  return /^urn:pulumi:([^:]+)::/.exec(urn)?.[1];
}

/** Config as the engine hands it, with each policy's defaults applied (the engine applies schema defaults). */
function configOf<T extends object>(args: ResourceValidationArgs, defaults: T): T {
  let config: Partial<T> = {};
  try {
    config = args.getConfig<Partial<T>>() ?? {};
  } catch {
    config = {};
  }
  return { ...defaults, ...Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)) } as T;
}

// ---------------------------------------------------------------------------------------------- pod security

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

// ---------------------------------------------------------------------------------------------- resources

/** Every container requests and limits CPU and memory, so the scheduler places it and a leak cannot starve a node. */
export function validateResources(args: ResourceValidationArgs, report: ReportViolation): void {
  for (const pod of podSpecsOf(args.type, args.props)) {
    for (const { kind, container } of containersOf(pod.spec)) {
      if (kind === "ephemeralContainers") continue; // debug containers cannot set resources
      const missing = ["requests.cpu", "requests.memory", "limits.cpu", "limits.memory"].filter((f) => {
        const v = get(container.resources, f);
        return v === undefined || v === null || v === "";
      });
      if (missing.length) report(`${args.props.kind} ${objectRef(args.props)} container "${container.name}": resources.${missing.join(", resources.")} not set`);
    }
  }
}

// ---------------------------------------------------------------------------------------------- images

/** Tags that move: they name no version, so two pulls may run different code. */
const floatingTags = new Set(["latest", "stable", "main", "master", "edge", "nightly", "dev", "canary", "release"]);

/** Why an image reference is not pinned to a version, or undefined when it is (a digest, or a versioned tag). */
export function imagePinProblem(image: unknown): string | undefined {
  if (typeof image !== "string" || image.trim() === "") return "has no image";
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return undefined;
  const lastSlash = image.lastIndexOf("/");
  const colon = image.indexOf(":", lastSlash + 1);
  if (colon < 0) return `image "${image}" has no tag (it means :latest); pin a version or a digest`;
  const tag = image.slice(colon + 1);
  if (floatingTags.has(tag.toLowerCase())) return `image "${image}" uses the floating tag "${tag}"; pin a version or a digest`;
  if (!/\d+\.\d+/.test(tag)) return `image "${image}" tag "${tag}" is not a version (major.minor at least); pin a version or a digest`;
  return undefined;
}

/**
 * ECK's custom resources, by `<API group>/<kind>`: the operator runs the main container (named here) from the
 * resource's `spec.image`, or else from Elastic's image at exactly `spec.version`; a pod template leaves that
 * container's image unset. Any other container in the template (a sidecar) gets no image from ECK.
 */
export const eckMainContainers: Readonly<Record<string, { container: string; defaultImage: string }>> = {
  "elasticsearch.k8s.elastic.co/Elasticsearch": { container: "elasticsearch", defaultImage: "docker.elastic.co/elasticsearch/elasticsearch" },
  "kibana.k8s.elastic.co/Kibana": { container: "kibana", defaultImage: "docker.elastic.co/kibana/kibana" },
  "logstash.k8s.elastic.co/Logstash": { container: "logstash", defaultImage: "docker.elastic.co/logstash/logstash" },
  "apm.k8s.elastic.co/ApmServer": { container: "apm-server", defaultImage: "docker.elastic.co/apm/apm-server" },
};

/** The ECK resource kind of an object (`<API group>/<kind>`), when it is one ECK runs containers for. */
function eckKindOf(props: Record<string, any>): string | undefined {
  const group = String(props?.apiVersion ?? "").split("/")[0];
  const kind = `${group}/${props?.kind}`;
  return kind in eckMainContainers ? kind : undefined;
}

/**
 * Why an ECK resource's own image settings are not a pin, or undefined: `spec.version` must be an exact
 * version (the operator configures the cluster for it, and without `spec.image` it picks the image by it),
 * and an explicit `spec.image` must be pinned and be that same version.
 */
export function eckImagePinProblem(props: Record<string, any>): string | undefined {
  const version = props?.spec?.version;
  if (typeof version !== "string" || !/^\d+\.\d+\.\d+$/.test(version)) return `spec.version ${JSON.stringify(version)} is not an exact version (major.minor.patch)`;
  const image = props.spec.image;
  if (image === undefined || image === null || image === "") return undefined;
  const problem = imagePinProblem(image);
  if (problem) return `spec.${problem}`;
  const tag = /@sha256:/.test(image) ? undefined : image.slice(image.lastIndexOf(":") + 1);
  if (tag !== undefined && tag !== version && !tag.startsWith(`${version}-`)) return `spec.image "${image}" is not spec.version ${version} (ECK configures the cluster for spec.version)`;
  return undefined;
}

/**
 * Every container image is pinned to a version (no `latest`, no bare major, no missing tag) or a digest.
 * In ECK's resources the main container's image comes from `spec.image` / `spec.version` (checked instead).
 */
export function validateImagesPinned(args: ResourceValidationArgs, report: ReportViolation): void {
  const eck = eckKindOf(args.props);
  if (eck) {
    const problem = eckImagePinProblem(args.props);
    if (problem) report(`${args.props.kind} ${objectRef(args.props)}: ${problem}`);
  }
  for (const pod of podSpecsOf(args.type, args.props)) {
    for (const { kind, container } of containersOf(pod.spec)) {
      // ECK fills in the main container's image (from spec.image or spec.version, checked above).
      const setByEck = eck !== undefined && kind === "containers" && container.name === eckMainContainers[eck].container && (container.image === undefined || container.image === "");
      if (setByEck) continue;
      const problem = imagePinProblem(container.image);
      if (problem) report(`${args.props.kind} ${objectRef(args.props)} container "${container.name}": ${problem}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------- ConfigMaps

/** Keys whose value is a credential (a `_file`/`File`/`_path` variant names a file holding it, which is fine). */
const secretKey = /(password|passwd|secret|token|api[_-]?key|apikey|routing[_-]?key|service[_-]?key|access[_-]?key|private[_-]?key|credentials?)$/i;
const referenceSuffix = /(_file|File|_path|Path|_ref|Ref|_env|Env|_name|Name)$/;
/** Values that are credentials whatever their key. */
const secretValues: [RegExp, string][] = [
  [/-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----/, "a PEM private key"],
  [/hooks\.slack\.com\/services\/T[A-Za-z0-9]+\/B[A-Za-z0-9]+\/[A-Za-z0-9]+/, "a Slack webhook URL"],
  [/\bAKIA[0-9A-Z]{16}\b/, "an AWS access key id"],
  [/\bgh[pousr]_[A-Za-z0-9]{36}\b/, "a GitHub token"],
  [/\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]+/, "a JSON Web Token"],
  [/\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@"']+:[^\s/@"']+@/i, "a URL with a password in it"],
];
/** `key: value` / `key = value` / `"key": "value"` / `key => value` lines of YAML, INI, properties, .env, JSON or Logstash config. */
const assignment = /^\s*-?\s*"?([A-Za-z0-9_.-]+)"?\s*(?:=>|[:=])\s*(.*?)\s*,?\s*$/;

/**
 * A reference to where a secret lives, resolved by the program that reads the file: an environment variable
 * (`${VAR}` — Logstash, Loki's -config.expand-env —, the OpenTelemetry Collector's (Jaeger v2's) `${env:VAR}`,
 * Kubernetes' `$(VAR)`), a file (the Collector's `${file:path}`), or Grafana's `$__file{path}` / `$__env{VAR}`.
 * A bare `$word` is not taken for one (a literal password may well start with "$"), nor a reference with a
 * default (`${VAR:default}`) unless the default is empty: a default is a literal value.
 */
const secretReference = /^(?:\$\{(?:env:)?[A-Za-z_][A-Za-z0-9_]*(?::-?)?\}|\$\{file:[^}]+\}|\$\([A-Za-z_][A-Za-z0-9_]*\)|\$__(?:file|env)\{[^}]+\})$/;

/** Values that hold no secret: empty, null, a reference to an env var or file, or a redaction marker. */
function isHarmlessValue(value: string): boolean {
  const v = value.replace(/^["']|["']$/g, "").trim();
  return v === "" || v === "~" || v === "null" || v === "{}" || v === "[]" || v === "|" || v === ">" || secretReference.test(v) || v.startsWith("<secret") || /^\*+$/.test(v);
}

/** Why a ConfigMap entry looks like it holds a secret, or undefined. */
export function configMapSecretProblem(key: string, value: unknown): string | undefined {
  const text = typeof value === "string" ? value : JSON.stringify(value ?? "");
  if (secretKey.test(key) && !referenceSuffix.test(key) && !isHarmlessValue(text)) return `key "${key}" looks like a credential`;
  for (const [pattern, what] of secretValues) if (pattern.test(text)) return `key "${key}" contains ${what}`;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const match = assignment.exec(lines[i]);
    if (!match) continue;
    const [, name, rhs] = match;
    if (secretKey.test(name) && !referenceSuffix.test(name) && !isHarmlessValue(rhs)) {
      return `key "${key}" line ${i + 1} sets "${name}" (a credential belongs in a Secret; reference it as a file or env var)`;
    }
  }
  return undefined;
}

/** ConfigMaps hold no credentials: those go in Secrets (from Pulumi secrets), read as files or env vars. */
export function validateNoSecretsInConfigMaps(args: ResourceValidationArgs, report: ReportViolation): void {
  if (!args.type.startsWith("kubernetes:") || args.props?.kind !== "ConfigMap") return;
  for (const field of ["data", "binaryData"]) {
    for (const [key, value] of Object.entries<unknown>(args.props[field] ?? {})) {
      const problem = field === "binaryData" ? (secretKey.test(key) && !referenceSuffix.test(key) ? `key "${key}" looks like a credential` : undefined) : configMapSecretProblem(key, value);
      if (problem) report(`ConfigMap ${objectRef(args.props)}: ${problem}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------- Services

interface LoadBalancerConfig {
  allowedLoadBalancers: string[];
}

/** A Service of type LoadBalancer exposes a cloud load balancer: only the ones listed in policy config. */
export function validateLoadBalancers(args: ResourceValidationArgs, report: ReportViolation): void {
  if (!args.type.startsWith("kubernetes:") || args.props?.kind !== "Service" || args.props.spec?.type !== "LoadBalancer") return;
  const { allowedLoadBalancers } = configOf<LoadBalancerConfig>(args, { allowedLoadBalancers: [] });
  const ref = objectRef(args.props);
  if (!allowedLoadBalancers.includes(ref)) {
    report(`Service ${ref} is of type LoadBalancer, which is not configured (policy config allowedLoadBalancers: ${JSON.stringify(allowedLoadBalancers)}); use ClusterIP behind an Ingress, or add "${ref}"`);
  }
}

// ---------------------------------------------------------------------------------------------- replicas

interface ReplicasConfig {
  productionStacks: string[];
  minReplicas: Record<string, number>;
}

/** On production stacks, Prometheus runs at least 2 replicas and Alertmanager at least 3. */
export function validateProductionReplicas(args: ResourceValidationArgs, report: ReportViolation): void {
  if (!args.type.startsWith("kubernetes:apps/") || !["StatefulSet", "Deployment"].includes(args.props?.kind)) return;
  const { productionStacks, minReplicas } = configOf<ReplicasConfig>(args, {
    productionStacks: [...defaultProductionStacks],
    minReplicas: { ...defaultMinProductionReplicas },
  });
  const stack = stackOf(args.urn);
  if (!stack || !productionStacks.includes(stack)) return;
  const app = appOf(args.props, args.props.spec?.template?.metadata);
  const min = app !== undefined ? minReplicas[app] : undefined;
  if (min === undefined) return;
  const replicas = args.props.spec?.replicas ?? 1;
  if (typeof replicas === "number" && replicas < min) {
    report(`${args.props.kind} ${objectRef(args.props)} runs ${replicas} replica${replicas === 1 ? "" : "s"} of ${app}; production stack "${stack}" needs at least ${min}`);
  }
}

// ---------------------------------------------------------------------------------------------- the policies

const stringList = { type: "array", items: { type: "string" } } as const;

/** Every policy of the pack, mandatory: a violation blocks the preview/update. */
export const policies: ResourceValidationPolicy[] = [
  {
    name: "pods-non-root-read-only-no-capabilities",
    description: "Pods run non-root with a read-only root filesystem, no privilege escalation and all capabilities dropped; only named host-level apps may use the host, run as root or add capabilities back.",
    enforcementLevel: "mandatory",
    severity: "high",
    configSchema: { properties: { hostLevelApps: { ...stringList, default: [...defaultHostLevelApps] } } },
    validateResource: validatePodSecurity,
  },
  {
    name: "containers-set-resources",
    description: "Every container requests and limits CPU and memory.",
    enforcementLevel: "mandatory",
    severity: "medium",
    validateResource: validateResources,
  },
  {
    name: "images-pinned",
    description: "Every container image is pinned to a version tag or a digest (no latest, no missing tag).",
    enforcementLevel: "mandatory",
    severity: "high",
    validateResource: validateImagesPinned,
  },
  {
    name: "no-secrets-in-configmaps",
    description: "ConfigMaps hold no credentials (passwords, tokens, keys, webhook URLs); those belong in Secrets.",
    enforcementLevel: "mandatory",
    severity: "critical",
    validateResource: validateNoSecretsInConfigMaps,
  },
  {
    name: "load-balancers-only-where-configured",
    description: "Services of type LoadBalancer only where the policy config lists them (namespace/name).",
    enforcementLevel: "mandatory",
    severity: "high",
    configSchema: { properties: { allowedLoadBalancers: { ...stringList, default: [] } } },
    validateResource: validateLoadBalancers,
  },
  {
    name: "production-replicas",
    description: "On production stacks, Prometheus runs at least 2 replicas and Alertmanager at least 3.",
    enforcementLevel: "mandatory",
    severity: "high",
    configSchema: {
      properties: {
        productionStacks: { ...stringList, default: [...defaultProductionStacks] },
        minReplicas: { type: "object", additionalProperties: { type: "integer", minimum: 1 }, default: { ...defaultMinProductionReplicas } },
      },
    },
    validateResource: validateProductionReplicas,
  },
];
