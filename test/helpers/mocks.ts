// Runs Pulumi code under the SDK's mocks and collects what it registered (the offline render's recorder).
import type { RenderedResource } from "../../scripts/mock-resources";

export { ResourceRecorder, valueOf } from "../../scripts/mock-resources";

/** Pod templates of every workload kind among the registered resources. */
export function podTemplates(resources: RenderedResource[]): { kind: string; name: string; template: any }[] {
  return resources
    .filter((r) => ["Deployment", "StatefulSet", "DaemonSet"].includes(r.inputs.kind))
    .map((r) => ({ kind: r.inputs.kind, name: r.inputs.metadata.name, template: r.inputs.spec.template }));
}
