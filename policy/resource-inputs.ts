// Where the policies find what they check in a resource's inputs (the same camelCase props the engine hands a
// policy pack): its pod specs and their containers, the object's name, its app, and its stack.

/** A pod spec found inside a resource, and where. */
export interface FoundPodSpec {
  /** Property path of the pod spec in the resource, e.g. `spec.template.spec`. */
  path: string;
  spec: Record<string, any>;
  /** The pod template's metadata (labels, annotations), when the pod spec sits in a template. */
  metadata: Record<string, any>;
}

/** The value at a dotted property path (`spec.template`), or undefined where the path ends early. */
export const propertyAt = (obj: any, path: string): any => path.split(".").reduce((o, k) => (o == null ? undefined : o[k]), obj);

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
  add("spec.template", propertyAt(props, "spec.template"));
  add("spec.jobTemplate.spec.template", propertyAt(props, "spec.jobTemplate.spec.template"));
  add("spec.podTemplate", propertyAt(props, "spec.podTemplate"));
  (propertyAt(props, "spec.nodeSets") ?? []).forEach((set: any, i: number) => add(`spec.nodeSets[${i}].podTemplate`, set?.podTemplate));
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
