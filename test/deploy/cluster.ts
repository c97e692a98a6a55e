// What the API server holds after an operation: the objects Pulumi's state names, the workloads' UIDs, and
// Pod Security admission's verdict on every pod the stack's controllers create.
import { pollUntil } from "../loopback/processes";
import type { ControlPlane } from "./control-plane";
import type { DriverResult } from "./driver";

interface ApiResource { path: string; namespaced: boolean }

/** kind → REST path, from the API server's discovery (so custom resources are found too). */
export async function discover(cp: ControlPlane): Promise<Map<string, ApiResource>> {
  const out = new Map<string, ApiResource>();
  const add = async (groupVersion: string, base: string) => {
    const list = await cp.get(`${base}`);
    for (const r of list?.resources ?? []) {
      if (r.name.includes("/")) continue;
      out.set(`${groupVersion}/${r.kind}`, { path: `${base}/${r.name}`, namespaced: r.namespaced });
    }
  };
  await add("v1", "/api/v1");
  const groups = await cp.get("/apis");
  for (const g of groups.groups) for (const v of g.versions) await add(v.groupVersion, `/apis/${v.groupVersion}`);
  return out;
}

export function objectPath(api: Map<string, ApiResource>, apiVersion: string, kind: string, name: string, namespace?: string): string {
  const r = api.get(`${apiVersion}/${kind}`);
  if (!r) throw new Error(`the API server does not serve ${apiVersion} ${kind}`);
  const [prefix, plural] = [r.path.slice(0, r.path.lastIndexOf("/")), r.path.slice(r.path.lastIndexOf("/") + 1)];
  return r.namespaced ? `${prefix}/namespaces/${namespace}/${plural}/${name}` : `${prefix}/${plural}/${name}`;
}

/** Every Kubernetes object in a stack's exported state: its apiVersion, kind, name, namespace. */
export function stateObjects(exported: DriverResult) {
  return (exported.resources ?? [])
    .filter((r) => r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:helm.sh") && r.outputs?.kind)
    .map((r) => ({ urn: r.urn, apiVersion: r.outputs!.apiVersion as string, kind: r.outputs!.kind as string, name: r.outputs!.metadata.name as string, namespace: r.outputs!.metadata.namespace as string | undefined, uid: r.outputs!.metadata.uid as string }));
}

/** Waits until none of `objects` is on the server any more (a namespace's contents go with it, in time). */
export async function waitUntilGone(cp: ControlPlane, api: Map<string, ApiResource>, objects: { apiVersion: string; kind: string; name: string; namespace?: string }[]): Promise<void> {
  let left: string[] = [];
  await pollUntil(async () => {
    left = [];
    // A custom resource's API goes with its CRD: a failed lookup there means gone too.
    for (const o of objects) if (await cp.get(objectPath(api, o.apiVersion, o.kind, o.name, o.namespace)).catch(() => undefined)) left.push(`${o.kind} ${o.namespace ?? ""}/${o.name}`);
    return left.length === 0 ? true : undefined;
  }, { timeoutMs: 300_000, intervalMs: 2_000, describe: () => `objects left after destroy: ${left.join(", ")}` });
}

/** `<kind> <namespace>/<name>` → uid, for every StatefulSet, Deployment and DaemonSet in the cluster. */
export async function workloadUids(cp: ControlPlane): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const kind of ["statefulsets", "deployments", "daemonsets"]) {
    const list = await cp.get(`/apis/apps/v1/${kind}`);
    for (const item of list.items) out[`${kind} ${item.metadata.namespace}/${item.metadata.name}`] = item.metadata.uid;
  }
  return out;
}

/** Events saying a controller could not create a pod (Pod Security admission refusals among them). */
export async function failedPodCreations(cp: ControlPlane, namespaces: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const ns of namespaces) {
    const events = await cp.get(`/api/v1/namespaces/${ns}/events`);
    for (const e of events?.items ?? []) if (e.reason === "FailedCreate") out.push(`${ns}/${e.involvedObject.name}: ${e.message}`);
  }
  return out;
}

/**
 * Pod Security admission's verdict on a DaemonSet's pods: there is no node here, so the controller creates
 * none; the API server admits (or refuses) the pod template as a pod in a server-side dry run.
 */
export async function dryRunDaemonSetPods(cp: ControlPlane): Promise<{ name: string; status: number; message?: string; warnings?: string }[]> {
  const list = await cp.get("/apis/apps/v1/daemonsets");
  const out = [];
  for (const ds of list.items) {
    const pod = { apiVersion: "v1", kind: "Pod", metadata: { ...ds.spec.template.metadata, name: `${ds.metadata.name}-dry-run`, namespace: ds.metadata.namespace }, spec: ds.spec.template.spec };
    const r = await cp.request("POST", `/api/v1/namespaces/${ds.metadata.namespace}/pods?dryRun=All`, pod);
    out.push({ name: `${ds.metadata.namespace}/${ds.metadata.name}`, status: r.status, message: r.status >= 300 ? r.body?.message : undefined });
  }
  return out;
}
